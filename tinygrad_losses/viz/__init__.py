"""Seeing the graph: pictures of the forward and backward pass, and a plain-text listing.

    import tinygrad_losses as tl
    with tl.viz.record():                       # optional: keep source lines and every node's gradient
        loss = F.cross_entropy(model(x), y)
        loss.backward(retain_graph=True)        # keep the graph to draw it after backward
    tl.viz.draw(loss, params=model)             # a graphviz.Digraph; shows inline in Jupyter
    tl.viz.render(tl.viz.draw(loss), "loss.svg")
    tl.viz.print_graph(loss)                    # works with nothing installed

``draw(*tensors, params=None, values=True, gradients=True, direction="TB", show_saved=False,
backward=False, collapse=False, max_nodes=None, title=None)``

* one node per op (its name, options such as ``dim``, output shape, dtype, device other than
  cpu, and the value when it has at most 8 elements; ``values=n`` changes the limit,
  ``values=False`` hides them) and one per leaf (named from ``params``: a Module, a
  ``name -> Tensor`` dict, or ``(name, Tensor)`` pairs). Edges point the way data flows.
* ``gradients``: after backward each node shows its gradient (``‖g‖``, min, max; the value
  for one element). Leaves always have theirs; intermediate nodes when backward ran inside
  ``tl.viz.record()``. Before backward a node says "grad not computed yet", never 0.
* ops made inside a loss function or an nn.Module call sit in a labelled cluster, nested as the
  calls nest; two calls of one loss are two clusters. ``collapse=True`` draws each outermost
  scope as one node, ``collapse=k`` each scope k deep; ``max_nodes`` collapses scopes from the
  innermost out until the picture has at most that many nodes (or says it could not).
* ``show_saved=True`` adds the arrays each op saved for backward (dotted, yellow) and marks
  input edges whose values backward reads ("saved").
* ``backward=True`` draws the backward pass: one ``<Op>Backward`` node per op, arrows in the
  direction gradients flow, each labelled with the shape and (under ``record``) the gradient
  it carries; leaves end in ``<name>.grad``.
* The graph is freed by backward unless ``retain_graph=True``: drawing a freed graph raises a
  RuntimeError that says so. ``direction``: "TB" (top to bottom) or "LR" (left to right).

Colour legend:

==================  ====================================================================
blue fill           leaf that requires grad (an input or a parameter)
grey fill           leaf that does not require grad ("data", or a one-element "constant")
white fill          op, before backward (or with gradients off)
orange shades       op or leaf after backward: gradient norm relative to the largest in the
                    picture, one shade per factor of 10, darkest within 10x of the largest
red fill and edge   a nan or inf in the node's value or gradient (or on a backward edge)
double border       a drawn output (the tensors passed to ``draw``)
lavender 3-D box    a collapsed scope (how many nodes it holds, its output shapes)
yellow note         an array saved for backward (``show_saved``)
shaded clusters     scopes: loss functions and Module calls
==================  ====================================================================
"""
from tinygrad_losses.viz.dot import draw  # noqa: F401
from tinygrad_losses.viz.record import record, is_recording  # noqa: F401
from tinygrad_losses.viz.render import render, dot_available  # noqa: F401
from tinygrad_losses.viz.text import print_graph, format_graph  # noqa: F401
from tinygrad_losses.viz.trace import trace  # noqa: F401
