"""Which loss function or Module call made each graph node, for the clusters of a picture.

Losses and ``Module.__call__`` announce their calls through ``tinygrad_losses.hooks`` and know
nothing else. This module listens: it keeps the stack of calls in progress and, while the stack
is not empty, tags each new node with it. ``import tinygrad_losses`` installs it, so every graph
can be drawn with its scopes; it imports no graphviz. Outside a call the engine's only cost is
looking for a ``node_created`` this observer does not have.

    with tl.viz.named_scope("my_block"):     # a cluster for your own code
        y = x.exp().sum()
"""
import functools
import itertools
import weakref

from tinygrad_losses import hooks

_scopes = weakref.WeakKeyDictionary()         # node -> the calls in progress when it was made
fused_options = weakref.WeakKeyDictionary()   # fused node -> its options, kept past backward
_is_fused = {}                                # Function class -> its ``fused`` class attribute


class Scope:
    """One call: its label (a loss name, or the Module, named lazily by ``scope_name()``) and a
    number of its own, so that two calls of one loss (or two same-sized layers) are two clusters."""
    __slots__ = ("label", "call")
    _calls = itertools.count(1)

    def __init__(self, label):
        self.label = label
        self.call = next(Scope._calls)

    def __str__(self):
        if isinstance(self.label, str):
            return self.label
        name = getattr(self.label, "scope_name", None)
        return name() if name is not None else type(self.label).__name__

    def __repr__(self):
        return repr(str(self))


class _CallWatcher:
    """Subscribed outside any call: follows call_entered, and hands over to the tagger when the
    first call begins (one observer at a time, so each event is dispatched once)."""

    stack = ()    # the calls in progress, outermost first (``Scope``s)

    def call_entered(self, label):
        if not _CallWatcher.stack:
            _hand_over(_watcher, _tagger)
        _CallWatcher.stack += (Scope(label),)

    def call_exited(self, label):
        stack = _CallWatcher.stack
        if stack and stack[-1].label is label:
            stack = stack[:-1]
        else:   # the innermost call of this label ends (an exception may have skipped inner exits)
            for i in range(len(stack) - 1, -1, -1):
                if stack[i].label is label or isinstance(label, str) and stack[i].label == label:
                    stack = stack[:i]
                    break
        _CallWatcher.stack = stack
        if not stack:
            _hand_over(_tagger, _watcher)


class _Tagger(_CallWatcher):
    """Subscribed while a call is in progress: also tags each new node with the calls' stack.

    (Kept beside the node, not on it: a backward frees what a node holds but its options.) A
    fused node's options (a loss's target, weights) are kept too, so that a picture can rebuild
    the ops it stands for after backward (``viz/fused.py``)."""

    def node_created(self, fn):
        _scopes[fn] = _CallWatcher.stack
        cls = type(fn)
        fused = _is_fused.get(cls)
        if fused is None:
            fused = _is_fused[cls] = bool(getattr(cls, "fused", False))
        if fused and hasattr(fn, "options"):
            fused_options[fn] = fn.options()


def _hand_over(old, new):
    hooks.unsubscribe(old)
    hooks.subscribe(new)


_watcher = _CallWatcher()
_tagger = _Tagger()


def install():
    """Start tagging nodes with their scopes (done at ``import tinygrad_losses``; idempotent)."""
    if _watcher not in hooks.observers and _tagger not in hooks.observers:
        hooks.subscribe(_watcher)


def scope_of(fn):
    """The calls that were in progress when ``fn`` was recorded, outermost first (``Scope``s)."""
    return _scopes.get(fn, ())


class named_scope:
    """Group the nodes made inside into a cluster called ``name`` (scopes nest); also a decorator."""

    def __init__(self, name):
        self.name = str(name)

    def __enter__(self):
        hooks.entered(self.name)
        return self

    def __exit__(self, *exc):
        hooks.exited(self.name)

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with named_scope(self.name):
                return func(*args, **kwargs)
        return wrapper


install()
