"""Seeing the graph: pictures of the forward and backward pass, and a plain-text listing.

    import tinygrad_losses as tl
    loss = F.cross_entropy(model(x), y)
    loss.backward()                             # the graph's structure outlives backward
    tl.viz.draw(loss, params=model)             # a graphviz.Digraph; shows inline in Jupyter
    tl.viz.render(tl.viz.draw(loss), "loss.svg")
    tl.viz.print_graph(loss)                    # works with nothing installed

``draw(*tensors, params=None, values=True, gradients=True, direction="TB", show_saved=False,
backward=False, collapse=False, max_nodes=None, expand_fused=True, title=None)``

* one node per op (its name, options such as ``dim``, output shape, dtype, device other than
  cpu, and the value when it has at most 8 elements; ``values=n`` changes the limit,
  ``values=False`` hides them) and one per leaf (named from ``params``: a Module, a
  ``name -> Tensor`` dict, or ``(name, Tensor)`` pairs; the parameters of the Modules called in
  the graph are named without it; numbers in a dict, such as a loss's ``margin=0.5``, name the
  constants holding their value). Edges point the way data flows; Sub's and Div's say which
  operand is ``a`` and which ``b``.
* ``gradients``: after backward each node shows its gradient (the numbers when it has at most
  as many elements as ``values`` allows, with its norm ``‖g‖``; else ``‖g‖``, min, max). Leaves
  always have theirs. Every gradient, in one of two ways:

  - ``gradients="all"`` on a graph that is still alive (before backward, or after
    ``backward(retain_graph=True)``): the picture runs a backward of its own (a gradient of ones
    per output) and leaves every ``.grad`` alone;
  - backward inside ``with tl.viz.record():`` keeps each node's gradient (and the gradients on
    the edges of ``backward=True``), also through a plain ``backward()``.

  Before backward a node says "grad not computed yet", never 0; a gradient nobody kept says
  "grad not kept".
* ops made inside a loss function or an nn.Module call sit in a labelled cluster, nested as the
  calls nest; two calls of one loss are two clusters; ``with tl.viz.named_scope("name"):`` makes
  one for your own code. ``collapse=True`` draws each outermost scope as one node, ``collapse=k``
  each scope k deep; ``max_nodes`` collapses scopes from the innermost out until the picture has
  at most that many nodes (or says it could not).
* a node that ran as one fused kernel (cross-entropy's fast path) is drawn, with
  ``expand_fused=True``, as a dashed cluster "ran as one fused kernel (numba)" holding the ops of
  its loss's reference composition, with shapes, and values when its inputs are small and still
  held; ``expand_fused=False`` draws it as one node.
* ``show_saved=True`` adds the arrays each op saved for backward (yellow notes; after a plain
  backward, one note saying they were freed) and marks input edges whose values backward reads.
* ``backward=True`` draws the backward pass: one ``<Op>Backward`` node per op, arrows in the
  direction gradients flow, each labelled with the shape and (under ``record``) the gradient
  it carries; leaves end in ``<name>.grad``.
* A plain ``backward()`` frees the values the graph saved, not its structure: a picture drawn
  afterwards has the op names, shapes, edges, the output's value and the leaves' gradients, and
  says "value freed by backward" where a small intermediate value used to be.
  ``direction``: "TB" (top to bottom) or "LR" (left to right).
* Without Graphviz's ``dot`` a picture still shows in Jupyter, as its DOT source with the
  install hint; ``render`` writes the .dot file and says how to turn it into the picture.

Colour legend (each picture's caption lists the colours it uses):

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
dashed cluster      the ops a fused kernel stands for
==================  ====================================================================
"""
# Light on purpose: ``import tinygrad_losses`` imports ``viz.scopes`` (so this package too) to tag
# nodes with their scopes; graphviz and the drawing code load on first use of ``draw``.
from tinygrad_losses.viz.record import record, is_recording  # noqa: F401,E402
from tinygrad_losses.viz.render import render, dot_available  # noqa: F401,E402
from tinygrad_losses.viz.scopes import named_scope  # noqa: F401,E402
from tinygrad_losses.viz.text import print_graph, format_graph  # noqa: F401,E402
from tinygrad_losses.viz.trace import trace  # noqa: F401,E402

_LAZY = {"draw": "dot", "explore": "explore"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        value = getattr(importlib.import_module(f"tinygrad_losses.viz.{_LAZY[name]}"), name)
        globals()[name] = value   # (importing viz.explore bound the module to that name)
        return value
    raise AttributeError(f"module 'tinygrad_losses.viz' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
