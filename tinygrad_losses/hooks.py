"""Observation points for tools (graph pictures, recorders): the engine announces events, tools listen.

A tool subscribes an object; each of the methods below that the object defines is called:

  node_created(fn)                          Function.apply recorded a graph node ``fn``
  gradient_computed(fn, grad_out, grads_in) backward ran ``fn``'s rule: ``grad_out`` (a Tensor) is the
                                            gradient of fn's output, ``grads_in`` the tuple (Tensor or
                                            None) for ``fn.parents``, in the order the engine ran them
  call_entered(label) / call_exited(label)  a loss function or a Module call began / ended; ``label``
                                            is the loss's name (a str) or the Module itself

Each event keeps the list of the methods that listen to it, so an event nobody listens to costs
one truth test of that list (a tool that only follows calls adds nothing per graph node).
"""
import functools

EVENTS = ("node_created", "gradient_computed", "call_entered", "call_exited")
observers = []
listeners = {event: [] for event in EVENTS}   # event -> the subscribed observers' bound methods
node_created = listeners["node_created"]      # (the engine tests these lists on its hot path)
gradient_computed = listeners["gradient_computed"]


def subscribe(observer):
    """Start calling ``observer``'s event methods (a second subscribe of the same object is a no-op)."""
    if observer not in observers:
        observers.append(observer)
        for event in EVENTS:
            method = getattr(observer, event, None)
            if method is not None:
                listeners[event].append(method)


def unsubscribe(observer):
    if observer in observers:
        observers.remove(observer)
        for event in EVENTS:
            methods = listeners[event]
            methods[:] = [m for m in methods if getattr(m, "__self__", None) is not observer]


def notify(event, *args):
    """Call every method listening to ``event``."""
    for method in tuple(listeners[event]):
        method(*args)


def entered(label):
    """A loss or Module call began (Module.__call__ calls this)."""
    if listeners["call_entered"]:
        notify("call_entered", label)


def exited(label):
    if listeners["call_exited"]:
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
