"""``record``: opt-in bookkeeping for pictures, off by default so the engine's hot path stays fast.

While on, an observer of ``tinygrad_losses.hooks`` notes, for every new graph node, the line of
user code that made it (shown by ``print_graph``), and, for every node backward passes through,
the gradient of its output and the gradients it sent to its inputs (shown by ``draw`` on every
node and on the edges of ``draw(..., backward=True)``). What it noted lives as long as the node.
"""
import os
import sys
import weakref

from tinygrad_losses import hooks

_ENGINE_DIRS = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
                os.path.dirname(os.path.abspath(sys.modules["kernels"].__file__)) + os.sep)

_sources = weakref.WeakKeyDictionary()      # node -> (file, line) of the user code that made it
_grads = weakref.WeakKeyDictionary()        # node -> gradient of its output (a Tensor)
_input_grads = weakref.WeakKeyDictionary()  # node -> gradients it sent to its inputs (Tensor | None)


class _Recorder:
    source = False
    grads = False

    def node_created(self, fn):
        if self.source:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename.startswith(_ENGINE_DIRS):
                frame = frame.f_back
            if frame is not None:
                _sources[fn] = (frame.f_code.co_filename, frame.f_lineno)

    def gradient_computed(self, fn, grad_out, grads_in):
        if self.grads:
            _grads[fn] = grad_out.detach()
            _input_grads[fn] = tuple(None if g is None else g.detach() for g in grads_in)


_recorder = _Recorder()


def _set(source, grads):
    _recorder.source, _recorder.grads = source, grads
    subscribed = _recorder in hooks.observers
    if (source or grads) and not subscribed:
        hooks.subscribe(_recorder)
    elif not (source or grads) and subscribed:
        hooks.unsubscribe(_recorder)


class record:
    """Turn recording on (``tl.viz.record()``) or off (``tl.viz.record(False)``); as a context
    manager it restores the previous setting on exit::

        with tl.viz.record():
            loss = F.cross_entropy(model(x), y)
            loss.backward()
        tl.viz.print_graph(loss)      # each op with the line that made it
        tl.viz.draw(loss)             # every node with its gradient

    ``source`` and ``grads`` choose the two kinds of bookkeeping separately.
    """

    def __init__(self, enabled=True, source=True, grads=True):
        self.prev = (_recorder.source, _recorder.grads)
        _set(bool(enabled and source), bool(enabled and grads))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self.prev)


def is_recording():
    return _recorder.source or _recorder.grads


def source_of(fn):
    """(file, line) of the code that made node ``fn``, or None when it was not recorded."""
    return _sources.get(fn)


def grad_of(fn):
    """The gradient of node ``fn``'s output kept by ``record`` (a Tensor), or None."""
    return _grads.get(fn)


def input_grads_of(fn):
    """The gradients node ``fn`` sent to each of its inputs, kept by ``record``, or None."""
    return _input_grads.get(fn)
