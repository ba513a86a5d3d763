"""``draw``: a computation graph as a ``graphviz.Digraph`` (forward, or the backward pass)."""
import html
import math

import graphviz
import numpy as np

from tinygrad_losses import autograd
from tinygrad_losses.viz import summary as S
from tinygrad_losses.viz.trace import collapse as collapse_scopes, finite, trace  # (draw has a collapse option)

_OPTION_ATTRS = ("axis", "p", "min", "max")   # op options worth printing in a label


def draw(*tensors, params=None, values=True, gradients=True, direction="TB", show_saved=False,
         backward=False, collapse=False, max_nodes=None, title=None):
    """Draw the graph that computed ``tensors``; returns a ``graphviz.Digraph``.

    See the package docstring (``tinygrad_losses.viz``) for the options and the colour legend.
    """
    if direction not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"draw: direction must be 'TB', 'LR', 'BT' or 'RL', got {direction!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"draw: max_nodes must be a positive int or None, got {max_nodes!r}")
    if not (isinstance(collapse, bool) or isinstance(collapse, int) and collapse >= 0):
        raise ValueError(f"draw: collapse must be True, False or a depth >= 0, got {collapse!r}")
    limit = 8 if values is True else int(values or 0)
    graph = trace(tensors, params)
    depth = _collapse_depth(graph, collapse, max_nodes)
    nodes = collapse_scopes(graph, depth)
    note = []
    if max_nodes is not None and len(nodes) > max_nodes:
        note.append(f"{len(nodes)} nodes with every scope collapsed (max_nodes={max_nodes})")
    dot = graphviz.Digraph("graph", graph_attr={"rankdir": direction, "fontname": "Helvetica",
                                                "fontsize": "11", "labelloc": "b"},
                           node_attr={"fontname": "Helvetica", "fontsize": "10", "shape": "box",
                                      "style": "rounded,filled", "fillcolor": S.OP},
                           edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"})
    if not any(n.kind in ("op", "scope") for n in nodes):
        note.append("no graph: this tensor was made without recording (under no_grad, or from "
                    "tensors that do not require grad)")
    if backward:
        _draw_backward(dot, graph, nodes, limit, note)
    else:
        _draw_forward(dot, graph, nodes, limit, gradients, show_saved, note)
    if title:
        note.insert(0, title)
    if note:
        dot.attr(label="\\n".join(note))
    return dot


def _collapse_depth(graph, option, max_nodes):
    depth = None if option is False else (1 if option is True else option or None)
    if max_nodes is None:
        return depth
    start = graph.depth if depth is None else depth - 1
    while len(collapse_scopes(graph, depth)) > max_nodes and start >= 1:
        depth, start = start, start - 1
    return depth


# ---- forward ------------------------------------------------------------------------------------
def _draw_forward(dot, graph, nodes, limit, gradients, show_saved, note):
    norms = {}
    if gradients and graph.backward_ran:
        for n in nodes:
            g = n.grad()
            if g is not None:
                norms[n.key] = S.grad_stats(g.numpy())[0]
    largest = max((v for v in norms.values() if math.isfinite(v)), default=0.0)
    missing = False
    emit, edges = _Clusters(dot), []
    for n in nodes:
        lines, attrs = _label(n, limit)
        if gradients and n.kind != "constant":
            g = n.grad()
            if g is not None:
                lines.append(html.escape(S.grad_text(g.numpy())))
                attrs["fillcolor"] = S.grad_colour(norms[n.key], largest)
            elif graph.backward_ran:
                lines.append("<I>grad not kept</I>")
                missing = missing or n.kind == "op"
            else:
                lines.append("<I>grad not computed yet</I>")
        if not finite(n.array()) or gradients and n.grad() is not None and not finite(n.grad().numpy()):
            attrs.update(fillcolor=S.NONFINITE, color="#c00000", penwidth="2")
        emit.node(n.scope, n.key, _html(lines), attrs)
        for i, k in enumerate(n.inputs):
            label = {}
            if show_saved and n.fn is not None and n.fn.saves_inputs:
                label = {"label": "saved", "style": "bold"}
            edges.append((k, n.key, label))
        if show_saved and n.fn is not None:
            for name, value in vars(n.fn).items():
                if isinstance(value, np.ndarray) and name != "out_grad":
                    key = f"{n.key}_saved_{name}"
                    text = [f"<B>saved</B> {html.escape(name)}",
                            html.escape(S.describe(value.shape, value.dtype, None))]
                    emit.node(n.scope, key, _html(text), {"shape": "note", "fillcolor": S.SAVED})
                    edges.append((key, n.key, {"style": "dotted", "arrowhead": "none"}))
    emit.close()
    for a, b, attrs in edges:
        dot.edge(a, b, **attrs)
    if missing:
        note.append("gradients of intermediate results are kept when backward runs inside "
                    "tl.viz.record() (with retain_graph=True)")
    if norms:
        note.append("fill: gradient norm, darker = larger (one shade per factor of 10); red: nan or inf")


def _label(n, limit):
    """The label lines and node attributes shared by the forward and backward pictures."""
    attrs = {}
    if n.kind == "scope":
        lines = [f"<B>{html.escape(n.name)}</B>", f"{len(n.members)} nodes (collapsed)"]
        outs = [m for m in n.members if m.is_root or m.key in n.exits]
        for m in outs[:3]:
            if m.tensor is not None:
                lines.append(html.escape(S.describe(m.tensor.shape, m.tensor.dtype, m.tensor.device)))
        attrs.update(fillcolor=S.SCOPE, shape="box3d", style="filled")
    elif n.kind == "op":
        head = f"<B>{html.escape(n.op)}</B>"
        opts = [f"{'dim' if a == 'axis' else a}={n.fn.__dict__[a]}" for a in _OPTION_ATTRS
                if n.fn.__dict__.get(a) is not None and not isinstance(n.fn.__dict__[a], np.ndarray)]
        if opts:
            head += " " + html.escape(", ".join(opts))
        lines = [head]
        if n.fn.fused:
            lines.append("<I>fused kernel</I>")
    else:
        title = n.name or ("input" if n.kind == "leaf" else "constant" if n.tensor.numel() == 1 else "data")
        lines = [f"<B>{html.escape(title)}</B>"]
        attrs["fillcolor"] = S.LEAF if n.kind == "leaf" else S.CONSTANT
    t = n.tensor
    if n.kind != "scope" and t is not None:
        lines.append(html.escape(S.describe(t.shape, t.dtype, t.device)))
        value = S.value_text(n.array(), limit)
        if value is not None:
            lines.append(html.escape(("= " if n.kind != "op" or n.is_root else "→ ") + value)
                         .replace("\n", "<BR/>"))
    if n.is_root:
        attrs.update(peripheries="2")
    return lines, attrs


def _html(lines):
    return "<" + "<BR/>".join(lines) + ">"


class _Clusters:
    """Emit nodes into nested ``cluster_`` subgraphs, one per scope call."""

    def __init__(self, dot):
        self.dot = dot
        self.members = {}    # scope path -> [(key, label, attrs)]

    def node(self, scope, key, label, attrs):
        self.members.setdefault(tuple(scope), []).append((key, label, attrs))

    def close(self):
        paths = set()
        for path in self.members:
            for i in range(len(path) + 1):
                paths.add(path[:i])
        self._emit(self.dot, (), paths, 0)

    def _emit(self, g, path, paths, depth):
        for key, label, attrs in self.members.get(path, []):
            g.node(key, label, **attrs)
        children = sorted((p for p in paths if len(p) == len(path) + 1 and p[:len(path)] == path),
                          key=lambda p: (p[-1][1] or 0, p[-1][0]))
        for child in children:
            ident = "_".join(f"{name}{call}" for name, call in child)
            with g.subgraph(name="cluster_" + _safe(ident)) as c:
                c.attr(label=child[-1][0], style="rounded,filled", color="#888888",
                       fillcolor=("#f4f8fb", "#eaf1f7")[depth % 2], fontname="Helvetica", fontsize="11")
                self._emit(c, child, paths, depth + 1)


def _safe(text):
    return "".join(ch if ch.isalnum() else "_" for ch in text)


# ---- backward -----------------------------------------------------------------------------------
def _draw_backward(dot, graph, nodes, limit, note):
    """Each op's backward node, arrows in the direction gradients flow, each labelled with the
    gradient it carries (its value summary when backward ran under ``tl.viz.record``)."""
    by_key = {n.key: n for n in nodes}
    emit = _Clusters(dot)
    needs_grad = {n.key for n in nodes if n.kind in ("op", "scope", "leaf")}
    for n in nodes:
        if n.kind == "constant":
            continue
        lines, attrs = _label(n, 0)
        if n.kind == "op":
            lines[0] = lines[0].replace("</B>", "Backward</B>", 1)
        elif n.kind == "leaf":
            lines[0] = lines[0].replace("</B>", ".grad</B>", 1)
            g = n.grad()
            lines.append(html.escape(S.grad_text(g.numpy())) if g is not None else "<I>grad not computed yet</I>")
        emit.node(n.scope, n.key, _html(lines), attrs)
    emit.close()
    for r in graph.roots:
        if r in needs_grad:
            dot.node(f"{r}_seed", "<<B>gradient seed</B><BR/>d out / d out = 1>", shape="plaintext", style="")
            dot.edge(f"{r}_seed", r)
    flows = 0
    for n in nodes:
        if n.kind == "constant":
            continue
        grads = _edge_grads(n)
        for i, k in enumerate(n.inputs):
            if k not in needs_grad:
                continue
            src = by_key[k]
            shape = src.tensor.shape if src.tensor is not None else None
            text = str(tuple(shape)) if shape is not None else ""
            g = grads[i] if grads is not None and i < len(grads) else None
            attrs = {}
            if g is not None:
                text += "\\n" + S.grad_text(g.numpy())
                flows += 1
                if not finite(g.numpy()):
                    attrs.update(color="#c00000", penwidth="2")
            dot.edge(n.key, k, label=text, **attrs)
    if not flows:
        note.append("gradient values on the edges appear when backward ran inside tl.viz.record() "
                    "with retain_graph=True")


def _edge_grads(n):
    """The gradient ``n`` sends to each of its inputs, recomputed from the output gradient kept by
    ``tl.viz.record`` (None when it was not kept, or for a collapsed scope)."""
    if n.kind != "op":
        return None
    g = n.fn.__dict__.get("out_grad")
    if g is None:
        return None
    with autograd.no_grad():
        try:
            out = n.fn.backward(g)
        except Exception:   # noqa: BLE001  (a picture must not fail because one edge cannot be annotated)
            return None
    return out if isinstance(out, tuple) else (out,)
