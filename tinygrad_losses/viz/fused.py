"""A fused node drawn as the ops it stands for: its loss's reference composition, rebuilt for the picture.

A fused primitive (its class says ``fused = True``) computes in one kernel what the loss's
composed path computes op by op. To show that structure, the loss is called again, composed
(``tl.losses.fused.enabled(False)``), on fresh copies of the node's inputs: a graph of its own,
never part of the user's. Values are shown when the inputs still hold data and are small;
otherwise the copies are zeros and the ops show shapes only.
"""
import numpy as np

from tinygrad_losses import autograd
from tinygrad_losses.creation import zeros
from tinygrad_losses.losses import classification, fused as fast_path   # (tl.losses.fused: the switch)
from tinygrad_losses.tensor import Tensor
from tinygrad_losses.viz.record import record
from tinygrad_losses.viz.scopes import fused_options
from tinygrad_losses.viz.trace import Node, trace

LABEL = "ran as one fused kernel (numba)"
SMALL = 4096          # most input elements for which the composed ops are run on the real values


def _cross_entropy(inputs, options):
    target = options.get("target")
    if target is None:
        return None
    weight = options.get("weight")
    with fast_path.enabled(False):
        return classification.cross_entropy(
            inputs[0], Tensor(np.asarray(target)), weight=None if weight is None else Tensor(np.asarray(weight)),
            ignore_index=options.get("ignore_index", -100), reduction=options.get("reduction", "none"),
            label_smoothing=options.get("label_smoothing", options.get("smoothing", 0.0)))


# the fused primitives and how to compose what each computes
COMPOSITIONS = {"FusedCrossEntropy": _cross_entropy, "CrossEntropyRows": _cross_entropy}


def expand(node, values=True, grad=None):
    """The reference ops of fused ``node`` as ``Node`` records in a cluster of their own (keys
    ``<node.key>x<i>``), and the key of the one whose output is the node's; None when the node's
    composition is not known or cannot be rebuilt. Given ``grad``, the gradient of the node's
    output, the ops on real values get their gradients too (a backward of the composition)."""
    compose = COMPOSITIONS.get(node.op)
    if compose is None:
        return None
    options = fused_options.get(node.fn) or _call_options(node.fn)
    copies, real = [], values
    for p in node.fn.parents:
        data = p.numpy() if isinstance(p, Tensor) else None
        real = real and data is not None and data.size <= SMALL
        copies.append(data)
    leaves = [Tensor(d) if real else zeros(*p.shape, dtype=p.dtype) for d, p in zip(copies, node.fn.parents)]
    leaves = [t.requires_grad_(True) if p.requires_grad else t for t, p in zip(leaves, node.fn.parents)]
    try:
        out = compose(leaves, options)
    except Exception:   # noqa: BLE001  (a picture draws the fused node as one box rather than fail)
        out = None
    if out is None or out.grad_fn is None or node.tensor is None or tuple(out.shape) != tuple(node.tensor.shape):
        return None
    wanted = [t for t in leaves if t.requires_grad]
    if real and grad is not None and wanted:
        with record(source=False):
            autograd.grad(out, wanted, Tensor(grad.numpy()), retain_graph=True, allow_unused=True)
    graph = trace((out,))
    by_leaf = {id(t): key for t, key in zip(leaves, node.inputs)}
    cluster = node.scope + ((LABEL, f"fused_{node.key}"),)
    # the composed loss's own call is the fused node's cluster: keep only the scopes inside it
    inner = min(len(n.scope) for n in graph.nodes if n.kind == "op")
    rename, records = {}, []
    for i, n in enumerate(graph.nodes):
        if n.kind == "leaf" and id(n.tensor) in by_leaf:
            rename[n.key] = by_leaf[id(n.tensor)]
            continue
        key = f"{node.key}x{i}"
        rename[n.key] = key
        # (the loss's own constants and data are real values: only the ops may be computed from zeros)
        op = Node(key, n.kind, n.fn, n.tensor, n.name, cluster + n.scope[inner:], composed=True,
                  show_value=real or n.kind != "op")
        op.inputs = [rename[k] for k in n.inputs]
        records.append(op)
    output = rename[graph.roots[0]]
    return records, output


def _call_options(fn):
    try:
        return fn.options()
    except (AttributeError, TypeError):
        return {}
