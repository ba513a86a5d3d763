"""Observation points for tools (graph pictures, recorders): the engine announces events, tools listen.

A tool subscribes an object; each of the methods below that the object defines is called:

  node_created(fn)                          Function.apply recorded a graph node ``fn``
  gradient_computed(fn, grad_out, grads_in) backward ran ``fn``'s rule: ``grad_out`` (a Tensor) is the
                                            gradient of fn's output, ``grads_in`` the tuple (Tensor or
                                            None) for ``fn.parents``, in the order the engine ran them
  call_entered(label) / call_exited(label)  a loss function or a Module call began / ended; ``label``
                                            is the loss's name (a str) or the Module itself

With no subscriber the engine does no bookkeeping at all: each event costs one truth test of
``observers``.
"""
import functools

observers = []


def subscribe(observer):
    """Start calling ``observer``'s event methods (a second subscribe of the same object is a no-op)."""
    if observer not in observers:
        observers.append(observer)


def unsubscribe(observer):
    if observer in observers:
        observers.remove(observer)


def notify(event, *args):
    """Call ``event`` on every observer that defines it."""
    for observer in list(observers):
        method = getattr(observer, event, None)
        if method is not None:
            method(*args)


def entered(label):
    """A loss or Module call began (Module.__call__ calls this)."""
    if observers:
        notify("call_entered", label)


def exited(label):
    if observers:
        notify("call_exited", label)


def labelled(name):
    """Decorator for a loss function: observers hear ``call_entered(name)`` / ``call_exited(name)``
    around each call. Without observers the call costs one extra truth test."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if not observers:
                return func(*args, **kwargs)
            notify("call_entered", name)
            try:
                return func(*args, **kwargs)
            finally:
                notify("call_exited", name)
        return wrapper
    return decorate
