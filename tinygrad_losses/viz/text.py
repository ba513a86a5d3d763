"""``print_graph``: the graph as plain text, one op per line (needs nothing installed)."""
import linecache
import os
import sys

from tinygrad_losses.viz import summary as S
from tinygrad_losses.viz.record import source_of
from tinygrad_losses.viz.trace import trace


def format_graph(*tensors, params=None, values=False, gradients=True):
    """The text that ``print_graph`` prints: inputs first, each op after the nodes it reads::

        %0 = input                (4, 3) float32
        %1 = LogSoftmax(%0) dim=1 (4, 3) float32  [cross_entropy]  # demo.py:12  loss = ...
    """
    graph = trace(tensors, params)
    index = {n.key: i for i, n in enumerate(graph.nodes)}
    rows = []
    for i, n in enumerate(graph.nodes):
        if n.kind == "op":
            what = f"{n.op}({', '.join(f'%{index[k]}' for k in n.inputs)})"
            axis = n.fn.__dict__.get("axis")
            if axis is not None:
                what += f" dim={axis}"
            if n.fused:
                what += " fused"
        else:
            what = n.name or ("input" if n.kind == "leaf" else "constant" if n.tensor.numel() == 1 else "data")
        t = n.tensor
        shape = S.describe(t.shape, t.dtype, t.device) if t is not None else "?"
        extra = []
        if n.scope:
            extra.append("[" + " > ".join(name for name, _ in n.scope) + "]")
        value = S.value_text(n.array(), 8 if values is True else int(values or 0))
        if value is not None:
            extra.append("= " + " ".join(value.split()))
        if gradients and n.kind != "constant":
            g = n.grad()
            if g is not None:
                extra.append(" ".join(S.grad_text(g.numpy()).split()))
        source = source_of(n.fn) if n.fn is not None else None
        if source is not None:
            path, line = source
            code = linecache.getline(path, line).strip()
            extra.append(f"# {os.path.basename(path)}:{line}  {code}")
        if n.is_root:
            extra.append("<- output")
        rows.append((f"%{i} = {what}", shape, "  ".join(extra)))
    if not any(n.kind == "op" for n in graph.nodes):
        rows.append(("(no graph: made without recording, e.g. under no_grad)", "", ""))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return "\n".join(f"{a:<{w0}}  {b:<{w1}}  {c}".rstrip() for a, b, c in rows)


def print_graph(*tensors, params=None, values=False, gradients=True, file=None):
    """Print the graph of ``tensors``, one op per line, with shapes, dtypes, scopes, gradients
    (after backward) and, when made inside ``tl.viz.record()``, the line of code that made it."""
    print(format_graph(*tensors, params=params, values=values, gradients=gradients),
          file=file if file is not None else sys.stdout)
