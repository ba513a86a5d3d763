"""``draw``: a computation graph as a ``graphviz.Digraph`` (forward, or the backward pass)."""
import html
import math

import graphviz
import numpy as np

from tinygrad_losses import autograd
from tinygrad_losses.creation import ones_like
from tinygrad_losses.viz import fused, summary as S
from tinygrad_losses.viz.record import input_grads_of, record
from tinygrad_losses.viz.render import HOW_TO_INSTALL, dot_available
from tinygrad_losses.viz.trace import collapse as collapse_scopes, finite, trace  # (draw has a collapse option)

_OPTION_ATTRS = ("axis", "p", "min", "max")   # op options worth printing in a label
# binary ops whose operands do not commute: the header gives the formula, the edges the operands
_OPERANDS = {"Sub": ("a", "b", "a \u2212 b"), "Div": ("a", "b", "a / b")}


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` that, in a notebook without Graphviz's ``dot``, shows its DOT source
    and how to install Graphviz instead of raising ExecutableNotFound."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        if dot_available():
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        return {"text/plain": f"Graphviz's `dot` program is not installed, so here is the picture's DOT "
                              f"source. {HOW_TO_INSTALL}.\n\n{self.source}"}


def draw(*tensors, params=None, values=True, gradients=True, direction="TB", show_saved=False,
         backward=False, collapse=False, max_nodes=None, expand_fused=True, title=None):
    """Draw the graph that computed ``tensors``; returns a ``graphviz.Digraph``.

    See the package docstring (``tinygrad_losses.viz``) for the options and the colour legend.
    """
    if direction not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"draw: direction must be 'TB', 'LR', 'BT' or 'RL', got {direction!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"draw: max_nodes must be a positive int or None, got {max_nodes!r}")
    if not (isinstance(collapse, bool) or isinstance(collapse, int) and collapse >= 0):
        raise ValueError(f"draw: collapse must be True, False or a depth >= 0, got {collapse!r}")
    if gradients not in (True, False, "all"):
        raise ValueError(f"draw: gradients must be True, False or 'all', got {gradients!r}")
    limit = 8 if values is True else int(values or 0)
    leaf_grads = _compute_gradients(tensors) if gradients == "all" else {}
    graph = trace(tensors, params)
    depth = _collapse_depth(graph, collapse, max_nodes)
    nodes = collapse_scopes(graph, depth)
    note = []
    if max_nodes is not None and len(nodes) > max_nodes:
        note.append(f"{len(nodes)} nodes with every scope collapsed (max_nodes={max_nodes})")
    dot = Picture("graph", graph_attr={"rankdir": direction, "fontname": "Helvetica",
                                       "fontsize": "11", "labelloc": "b"},
                  node_attr={"fontname": "Helvetica", "fontsize": "10", "shape": "box",
                             "style": "rounded,filled", "fillcolor": S.OP},
                  edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"})
    if not any(n.kind in ("op", "scope") for n in nodes):
        note.append("no graph: this tensor was made without recording (under no_grad, or from "
                    "tensors that do not require grad)")
    if backward:
        _draw_backward(dot, graph, nodes, note)
    else:
        if expand_fused:
            nodes = _expand_fused(nodes, values is not False)
        _draw_forward(dot, graph, nodes, limit, gradients, show_saved, note, leaf_grads)
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


def _compute_gradients(tensors):
    """``gradients="all"`` on a graph that is still alive: a backward of the picture's own, under
    ``record``, gives every node its gradient (d output / d node, a gradient of ones per output).
    The leaves' ``.grad`` are left alone: their gradients are returned, {id(leaf): Tensor}. A freed
    graph, or one whose gradients were kept, is left as is."""
    graph = trace(tensors)
    if graph.freed or all(n.grad() is not None for n in graph.nodes if n.kind == "op"):
        return {}
    roots = [t for t in tensors if t.grad_fn is not None]
    leaves = [n.tensor for n in graph.nodes if n.kind == "leaf"]
    if not (roots and leaves):
        return {}
    with record(source=False):
        grads = autograd.grad(roots, leaves, [ones_like(t) for t in roots], retain_graph=True, allow_unused=True)
    return {id(t): g for t, g in zip(leaves, grads) if g is not None}


def _expand_fused(nodes, values):
    """``nodes`` with each fused node replaced by its reference ops (``viz/fused.py``); the op
    whose output is the fused node's shows that node's value and gradient."""
    out, alias = [], {}
    for n in nodes:
        n.inputs = [alias.get(k, k) for k in n.inputs]
        expanded = fused.expand(n, values, n.grad()) if n.kind == "op" and n.fused else None
        if expanded is None:
            out.append(n)
            continue
        records, output = expanded
        alias[n.key] = output
        for r in records:
            if r.key == output:
                r.tensor, r.show_value, r.composed, r.is_root, r.stands_for = n.tensor, True, False, n.is_root, n
        out.extend(records)
    return out


# ---- forward ------------------------------------------------------------------------------------
_LEGEND = ((S.LEAF, "blue: input or parameter"), (S.CONSTANT, "grey: data or constant"),
           ("grad", "orange: gradient norm, darker = larger (a shade per factor of 10)"),
           (S.NONFINITE, "red: nan or inf"), (S.SCOPE, "lavender: a collapsed scope"),
           (S.SAVED, "yellow: saved for backward"), ("output", "double border: output"))


def _draw_forward(dot, graph, nodes, limit, gradients, show_saved, note, leaf_grads):
    grads = {}
    if gradients:
        for n in nodes:
            if n.kind != "constant":
                g = (n.stands_for or n).grad()
                if g is None and n.kind == "leaf":
                    g = leaf_grads.get(id(n.tensor))
                if g is not None:
                    grads[n.key] = g.numpy()
    norms = {k: S.grad_stats(g)[0] for k, g in grads.items()}
    largest = max((v for v in norms.values() if math.isfinite(v)), default=0.0)
    missing, freed_values, used = False, False, set()
    emit, edges = _Clusters(dot), []
    for n in nodes:
        lines, attrs = _label(n, limit)
        if n.kind == "op" and n.show_value and n.array() is None and n.tensor is not None \
                and math.prod(n.tensor.shape) <= limit:
            lines.append("<I>value freed by backward</I>")
            freed_values = True
        if gradients and n.kind != "constant":
            if n.key in grads:
                lines.append(_escape(S.grad_text(grads[n.key], limit)))
                attrs["fillcolor"] = S.grad_colour(norms[n.key], largest)
            elif n.composed:
                pass     # (the ops of a fused node have gradients only where the node's is known)
            elif graph.backward_ran:
                lines.append("<I>grad not kept</I>")
                missing = missing or n.kind == "op"
            else:
                lines.append("<I>grad not computed yet</I>")
        if not finite(n.array()) or n.key in grads and not finite(grads[n.key]):
            attrs.update(fillcolor=S.NONFINITE, color="#c00000", penwidth="2")
        used.add("grad" if attrs.get("fillcolor") in S.GRAD_SCALE else attrs.get("fillcolor"))
        if n.is_root:
            used.add("output")
        emit.node(n.scope, n.key, _html(lines), attrs)
        operands = _OPERANDS.get(n.op) if n.kind == "op" and len(n.inputs) == 2 else None
        saves = show_saved and n.fn is not None and n.fn.saves_inputs
        for i, k in enumerate(n.inputs):
            label = " ".join(w for w in (operands[i] if operands else "", "saved" if saves else "") if w)
            edges.append((k, n.key, {"label": label, **({"style": "bold"} if saves else {})} if label else {}))
        if show_saved and n.fn is not None and not n.composed and n.stands_for is None:
            used.update(_saved_notes(emit, edges, n))
    emit.close()
    for a, b, attrs in edges:
        dot.edge(a, b, **attrs)
    if freed_values:
        note.append("backward freed the intermediate values (backward(retain_graph=True) keeps them)")
    if missing:
        note.append("for every node's gradient, run backward inside tl.viz.record()"
                    + ("" if graph.freed else ', or draw(..., gradients="all")'))
    legend = [text for key, text in _LEGEND if key in used]
    if legend:
        note.append(" \u00b7 ".join(legend))


def _saved_notes(emit, edges, n):
    """The arrays ``n`` saved for backward as notes beside it (or one note saying backward freed them)."""
    saved = [(name, v) for name, v in vars(n.fn).items() if isinstance(v, np.ndarray)]
    if getattr(n.fn, "freed", False) and (n.fn.saves_inputs or n.fn.saves_output):
        saved = [("values", None)]
    for name, value in saved:
        key = f"{n.key}_saved_{name}"
        what = "<I>freed by backward</I>" if value is None else html.escape(S.describe(value.shape, value.dtype, None))
        emit.node(n.scope, key, _html([f"<B>saved</B> {html.escape(name)}", what]),
                  {"shape": "note", "fillcolor": S.SAVED})
        edges.append((key, n.key, {"style": "dotted", "arrowhead": "none"}))
    return {S.SAVED} if saved else set()


def _label(n, limit):
    """The label lines and node attributes shared by the forward and backward pictures."""
    attrs = {}
    if n.kind == "scope":
        count = len(n.members)
        lines = [f"<B>{html.escape(n.name)}</B>", f"{count} node{'' if count == 1 else 's'} (collapsed)"]
        outs = [m for m in n.members if m.is_root or m.key in n.exits]
        for m in outs[:3]:
            if m.tensor is not None:
                lines.append(html.escape(S.describe(m.tensor.shape, m.tensor.dtype, m.tensor.device)))
        attrs.update(fillcolor=S.SCOPE, shape="box3d", style="filled")
    elif n.kind == "op":
        head = f"<B>{html.escape(n.op)}</B>"
        opts = [f"{'dim' if a == 'axis' else a}={_option(n.fn.__dict__[a])}" for a in _OPTION_ATTRS
                if n.fn.__dict__.get(a) is not None and not isinstance(n.fn.__dict__[a], np.ndarray)]
        if n.op in _OPERANDS and len(n.inputs) == 2:
            opts.insert(0, _OPERANDS[n.op][2])
        if opts:
            head += " " + html.escape(", ".join(opts))
        lines = [head]
        if n.fused:
            lines.append(f"<I>{fused.LABEL}</I>")
    else:
        title = n.name or ("input" if n.kind == "leaf" else "constant" if n.tensor.numel() == 1 else "data")
        lines = [f"<B>{html.escape(title)}</B>"]
        attrs["fillcolor"] = S.LEAF if n.kind == "leaf" else S.CONSTANT
    t = n.tensor
    if n.kind != "scope" and t is not None:
        lines.append(html.escape(S.describe(t.shape, t.dtype, t.device)))
        value = S.value_text(n.array(), limit)
        if value is not None:
            lines.append(_escape(("= " if n.kind != "op" or n.is_root else "\u2192 ") + value))
    if n.is_root:
        attrs.update(peripheries="2")
    return lines, attrs


def _option(value):
    if isinstance(value, tuple) and len(value) == 1:   # dim=(1,) reads as dim=1
        value = value[0]
    return S.fmt(value) if isinstance(value, (int, float, np.number)) else str(value)


def _escape(text):
    return html.escape(text).replace("\n", "<BR/>")


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
                          key=_call_order)
        for child in children:
            ident = "_".join(f"{name}{call}" for name, call in child)
            with g.subgraph(name="cluster_" + _safe(ident)) as c:
                name, call = child[-1]
                if str(call).startswith("fused_"):   # the ops a fused kernel stands for
                    c.attr(label=name, labelloc="t", labeljust="l", style="dashed,rounded,filled",
                           color="#b05000", fillcolor="#fffaf2", fontname="Helvetica-Oblique", fontsize="10")
                else:
                    c.attr(label=name, labelloc="t", style="rounded,filled", color="#888888",
                           fillcolor=("#f4f8fb", "#eaf1f7")[depth % 2], fontname="Helvetica", fontsize="11")
                self._emit(c, child, paths, depth + 1)


def _call_order(path):
    """Clusters in the order of their calls (a fused node's cluster, keyed by a string, last)."""
    name, call = path[-1]
    return (isinstance(call, str), call if isinstance(call, int) else 0, str(call), name)


def _safe(text):
    return "".join(ch if ch.isalnum() else "_" for ch in text)


# ---- backward -----------------------------------------------------------------------------------
def _draw_backward(dot, graph, nodes, note):
    """Each op's backward node, arrows in the direction gradients flow, each labelled with the
    gradient it carries (kept when backward ran inside ``tl.viz.record()``)."""
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
            lines.append(_escape(S.grad_text(g.numpy())) if g is not None else "<I>grad not computed yet</I>")
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
        grads = input_grads_of(n.fn) if n.kind == "op" else None
        operands = _OPERANDS.get(n.op) if n.kind == "op" and len(n.inputs) == 2 else None
        for i, k in enumerate(n.inputs):
            if k not in needs_grad:
                continue
            src = by_key[k]
            shape = src.tensor.shape if src.tensor is not None else None
            text = str(tuple(shape)) if shape is not None else ""
            if operands:
                text = f"for {operands[i]}: {text}"
            g = grads[i] if grads is not None and i < len(grads) else None
            attrs = {}
            if g is not None:
                text += "\\n" + S.grad_text(g.numpy())
                flows += 1
                if not finite(g.numpy()):
                    attrs.update(color="#c00000", penwidth="2")
            dot.edge(n.key, k, label=text, **attrs)
    if not flows:
        note.append("gradient values on the edges appear when backward ran inside tl.viz.record()")
