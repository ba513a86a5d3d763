"""``record``: opt-in bookkeeping for pictures, off by default so the engine's hot path stays fast.

While on, every new graph node notes the line of user code that made it (shown by
``print_graph``), and backward leaves each node's output gradient on the node (shown by
``draw`` for intermediate results, not only for leaves).
"""
import os
import sys

from tinygrad_losses import autograd

_ENGINE_DIRS = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
                os.path.dirname(os.path.abspath(sys.modules["kernels"].__file__)) + os.sep)


def _note_source(node):
    """Remember the first frame outside the engine: the user's line that made ``node``."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_ENGINE_DIRS):
        frame = frame.f_back
    if frame is not None:
        node.source = (frame.f_code.co_filename, frame.f_lineno)


class record:
    """Turn recording on (``tl.viz.record()``) or off (``tl.viz.record(False)``); as a context
    manager it restores the previous setting on exit::

        with tl.viz.record():
            loss = F.cross_entropy(model(x), y)
            loss.backward(retain_graph=True)
        tl.viz.print_graph(loss)      # each op with the line that made it
        tl.viz.draw(loss)             # every node with its gradient

    ``source`` and ``grads`` choose the two kinds of bookkeeping separately.
    """

    def __init__(self, enabled=True, source=True, grads=True):
        self.prev = (autograd._on_node, autograd._keep_node_grads)
        autograd._on_node = _note_source if enabled and source else None
        autograd._keep_node_grads = bool(enabled and grads)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        autograd._on_node, autograd._keep_node_grads = self.prev


def is_recording():
    return autograd._on_node is not None or autograd._keep_node_grads
