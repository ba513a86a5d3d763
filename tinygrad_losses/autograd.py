"""Reverse-mode autograd: grad mode, the ``Function`` base class, and the backward engine.

A ``Function`` is one primitive op: ``forward`` works on raw backend arrays,
``backward`` on Tensors, so that with ``create_graph=True`` the backward pass
records a graph of its own (gradients of gradients).

Graph edges are the ``parents`` tuple of each node (the input Tensors). The
engine walks the graph without recursion (dependency counting), accumulates
each node's incoming gradients and, unless ``retain_graph`` is set, frees what
every node it has passed through saved for backward. The graph's structure
(op names, shapes, edges) stays while the output tensor lives, as in torch.
"""
import functools
import weakref

import numpy as np

from tinygrad_losses import hooks
from tinygrad_losses import tensor as _tensor

_grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


class _GradMode:
    """Context manager (and decorator) setting whether ops record a graph."""

    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        global _grad_enabled
        self.prev, _grad_enabled = _grad_enabled, self.enabled

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.prev

    def __call__(self, func):
        enabled = self.enabled

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with _GradMode(enabled):
                return func(*args, **kwargs)
        return wrapper


def no_grad(func=None):
    """Ops inside ``with no_grad():`` record no graph (use it for optimiser updates and evaluation).
    Also a decorator, with or without parentheses: ``@no_grad()`` or ``@no_grad``."""
    mode = _GradMode(False)
    return mode if func is None else mode(func)


def enable_grad(func=None):
    """Turn graph recording back on inside a ``no_grad`` block (a decorator too, like ``no_grad``)."""
    mode = _GradMode(True)
    return mode if func is None else mode(func)


def inference_mode(mode=True):
    """torch.inference_mode: here the same as ``no_grad`` (there are no inference-only tensors).
    ``with inference_mode():``, ``@inference_mode()``, ``@inference_mode`` or ``inference_mode(False)``."""
    if callable(mode):
        return _GradMode(False)(mode)
    return _GradMode(not mode)  # torch too: inference_mode(False) turns grad mode on


class set_grad_enabled(_GradMode):
    """Set grad mode now, as torch does: a plain call ``set_grad_enabled(False)`` switches it off;
    used as ``with set_grad_enabled(mode):`` the previous mode comes back at the end."""

    def __init__(self, mode):
        global _grad_enabled
        super().__init__(bool(mode))
        self.prev, _grad_enabled = _grad_enabled, self.enabled

    def __enter__(self):
        pass  # already set by the constructor

    def __call__(self, func):  # as a decorator, the mode applies inside calls only (torch's rule)
        global _grad_enabled
        _grad_enabled = self.prev
        return super().__call__(func)


class Function:
    """One primitive op. Subclasses define ``forward(self, B, *arrays, **options)``
    returning an array, and ``backward(self, grad)`` returning one gradient Tensor
    (or None) per input. ``B`` is the device's backend module from ``kernels``.

    Class attributes:
      saves_inputs  backward reads the inputs' values: in-place changes to them are an error
      saves_output  backward reads the output's value (kept as ``self.out``)
      is_view       the output shares the input's memory, so it shares its version counter
    """

    saves_inputs = True
    saves_output = False
    is_view = False
    # Optional: ``backward_arrays(self, grad_array)``, the same rule as ``backward`` on raw backend
    # arrays (returning an array, None, or a tuple of them). The engine calls it instead of
    # ``backward`` during a plain backward (no graph of the backward is built), where it is faster.
    backward_arrays = None
    parents = None   # the input Tensors, set when the node is recorded
    freed = False    # True once backward has freed what the node saved (its structure stays)
    retained = None  # a weak reference to the output whose .grad backward fills (Tensor.retain_grad)
    grad_hooks = None  # the output's hooks (Tensor.register_hook), run on its gradient

    @classmethod
    def apply(cls, *inputs, **options):
        ctx = cls.__new__(cls)
        x = inputs[0]
        if len(inputs) == 1:
            record = _grad_enabled and x.requires_grad
            out_data = ctx.forward(x._backend, x._data, **options)
        else:
            record = False
            for t in inputs:
                if t._device != x._device:
                    raise RuntimeError(f"{cls.__name__}: expected all tensors on one device, "
                                       f"got {x._device!r} and {t._device!r}")
                record = record or t.requires_grad
            record = record and _grad_enabled
            out_data = ctx.forward(x._backend, *[t._data for t in inputs], **options)
        out = _tensor.Tensor._make(out_data, x._device, False, x._backend)
        if cls.is_view:
            out._vc = x._vc
        if record:
            ctx._record(inputs, out)
        return out

    def _record(self, inputs, out):
        """Make this node ``out``'s grad_fn, noting the versions of what backward will read."""
        self.parents = inputs
        if self.saves_inputs:
            self.versions = tuple([t._vc[0] for t in inputs])
        if self.saves_output:
            self.out_vc, self.out_version = out._vc, out._vc[0]
        out.requires_grad = True
        out.grad_fn = self
        if hooks.node_created:
            hooks.notify("node_created", self)

    def output(self):
        """The forward output as a Tensor for use in ``backward``: the saved array when no
        graph is being built, else recomputed from the parents so that it is differentiable."""
        if _grad_enabled:
            return type(self).apply(*self.parents, **self.options())
        return _tensor.Tensor._make(self.out, self.parents[0]._device, False)

    def options(self):
        """Keyword options ``forward`` was called with (needed to recompute the output)."""
        return {}

    @property
    def backend(self):
        """The backend module of the node's device (what ``backward_arrays`` computes with)."""
        return self.parents[0]._backend

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()}Backward>"

    @property
    def next_functions(self):
        """torch's view of the edges: one ``(node, 0)`` per input, where the node is the input's
        grad_fn, an ``AccumulateGrad`` for a leaf that requires grad, and None for a constant."""
        return tuple((p.grad_fn if p.grad_fn is not None else
                      AccumulateGrad(p) if p.requires_grad else None, 0) for p in self.parents)

    def _check_versions(self):
        if self.saves_inputs:
            for i, (t, v) in enumerate(zip(self.parents, self.versions)):
                if t._vc[0] != v:
                    raise RuntimeError(
                        f"one of the tensors needed for gradient computation has been modified by an "
                        f"in-place operation: input {i} of {self.name()} (shape {t.shape}, {t.dtype}) is at "
                        f"version {t._vc[0]}; expected version {v}. Do the in-place change after backward, "
                        f"or use an out-of-place op.")
        if self.saves_output and self.out_vc[0] != self.out_version:
            raise RuntimeError(
                f"one of the tensors needed for gradient computation has been modified by an in-place "
                f"operation: the output of {self.name()} is at version {self.out_vc[0]}; expected version "
                f"{self.out_version}. Do the in-place change after backward, or use an out-of-place op.")


class AccumulateGrad:
    """The end of a path in ``next_functions``: the leaf whose ``.grad`` collects the gradient."""
    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return "<AccumulateGrad>"


_FREED = ("Trying to backward through the graph a second time (or to use it after it was freed). "
          "The graph's saved tensors are freed after .backward() or tl.grad(); pass retain_graph=True "
          "the first time if you need to backward through it again.")


class FreedTensor:
    """What a freed node keeps of a non-leaf input: its description and its node, no values."""
    __slots__ = ("shape", "dtype", "device", "requires_grad", "grad_fn")
    is_leaf = False
    grad = None

    def __init__(self, t):
        data = t._data
        self.shape, self.dtype, self.device = data.shape, data.dtype, t._device
        self.requires_grad, self.grad_fn = t.requires_grad, t.grad_fn

    @property
    def ndim(self):
        return len(self.shape)

    def numpy(self):
        raise RuntimeError(_FREED)

    def __repr__(self):
        return f"FreedTensor(shape={self.shape}, dtype={self.dtype}, grad_fn={self.grad_fn!r})"


_SCALARS = frozenset({bool, int, float, str, type(None)})
_ENGINE_STATE = frozenset({"parents", "versions", "out", "out_vc", "retained", "grad_hooks"})  # never options


def _is_option(value):
    """True for a value that is not a plain scalar but still an option: a tuple of dims, a dtype,
    a numpy number."""
    if type(value) is tuple:
        for v in value:
            if type(v) not in _SCALARS:
                return False
        return True
    return isinstance(value, (np.dtype, np.generic))


def _free(fn):
    """Drop what ``fn`` saved for backward; keep its options and edges (leaves, or stand-ins).
    (Plain loops: this runs once per node of every backward, and comprehensions cost a frame.)"""
    kept = {"freed": True}
    for key, value in fn.__dict__.items():
        if type(value) in _SCALARS or key not in _ENGINE_STATE and _is_option(value):
            kept[key] = value
    parents = []
    for p in fn.parents:
        parents.append(p if p.grad_fn is None else FreedTensor(p))
    kept["parents"] = tuple(parents)
    fn.__dict__ = kept


def _count_dependencies(root_fns):
    """Count, for every node reachable from the roots, how many reachable nodes feed it a gradient."""
    deps = {}
    roots = set(root_fns) if len(root_fns) > 1 else ()  # (one root is reachable from no other)
    stack = list(root_fns)
    while stack:
        fn = stack.pop()
        if fn.freed:
            raise RuntimeError(_FREED)
        for p in fn.parents:
            pf = p.grad_fn
            if pf is not None:
                count = deps.get(pf)
                if count is None:
                    deps[pf] = 1
                    if pf not in roots:
                        stack.append(pf)
                else:
                    deps[pf] = count + 1
    return deps


def _add(a, b):
    """a + b for gradients: on arrays in a plain backward, with Tensor ops when building a graph."""
    if _grad_enabled:
        return a + b
    return _tensor.Tensor._make(a._backend.add(a._data, b._data), a._device, False, a._backend)


def _accumulate(store, key, g):
    old = store.get(key)
    store[key] = g if old is None else _add(old, g)


def _accumulate_leaf(store, leaf, g):
    entry = store.get(id(leaf))
    if entry is None:
        store[id(leaf)] = [leaf, g]
    else:
        entry[1] = _add(entry[1], g)


def _seed(roots, grads):
    """The starting gradients: per root node, and per root that is itself a leaf."""
    node_grads, leaf_grads = {}, {}  # Function -> gradient of its output; id(leaf) -> [leaf, gradient]
    for r, g in zip(roots, grads):
        if r.grad_fn is not None:
            _accumulate(node_grads, r.grad_fn, g)
        else:
            _accumulate_leaf(leaf_grads, r, g)
    return node_grads, leaf_grads


def run_backward(roots, grads, retain_graph, create_graph, inputs=None):
    """Backpropagate ``grads`` from ``roots``.

    With ``inputs=None`` gradients are accumulated into the ``.grad`` of leaves
    (``Tensor.backward``); otherwise the gradients of ``inputs`` are returned in
    order, None where unreachable (``tl.grad``), and no ``.grad`` is touched.
    """
    global _grad_enabled
    node_grads, leaf_grads = _seed(roots, grads)
    wanted = None if inputs is None else {t.grad_fn: None for t in inputs if t.grad_fn is not None}
    root_fns = list(node_grads)
    deps = _count_dependencies(root_fns)
    ready = [fn for fn in root_fns if fn not in deps]
    prev_mode, _grad_enabled = _grad_enabled, create_graph
    try:
        while ready:  # a node is ready once every node that feeds it a gradient has run
            fn = ready.pop()
            g = node_grads.pop(fn, None)
            if g is None:  # no gradient reached this node: its inputs get none from it
                in_grads = (None,) * len(fn.parents)
            else:
                if fn.grad_hooks is not None:
                    g = _run_hooks(fn.grad_hooks, g)
                if wanted is not None and fn in wanted:
                    wanted[fn] = g
                in_grads = _node_step(fn, g, create_graph)
            _send(fn, in_grads, node_grads, leaf_grads, deps, ready)
            if not retain_graph:
                _free(fn)
        if _leaf_hooks:
            _run_leaf_hooks(leaf_grads)
    finally:
        _grad_enabled = prev_mode
    if inputs is not None:
        return tuple(wanted[t.grad_fn] if t.grad_fn is not None else leaf_grads.get(id(t), (None, None))[1]
                     for t in inputs)
    _store_leaf_grads(leaf_grads, grads, create_graph)
    return None


def _node_step(fn, g, create_graph):
    """Run one node's backward rule on the gradient ``g`` of its output: its inputs' gradients."""
    retained = fn.retained
    if retained is not None and retained() is not None:
        retained().grad = g if create_graph else g.detach()
    if fn.saves_inputs or fn.saves_output:
        fn._check_versions()
    if fn.backward_arrays is not None and not create_graph:
        in_grads = _wrap_grads(fn.backward_arrays(g._data), g)
    else:
        in_grads = fn.backward(g)
    if type(in_grads) is not tuple:
        in_grads = (in_grads,)
    if len(in_grads) != len(fn.parents):
        raise RuntimeError(f"{fn.name()} backward returned {len(in_grads)} gradients for "
                           f"{len(fn.parents)} inputs (an engine bug: please report it)")
    if hooks.gradient_computed:
        hooks.notify("gradient_computed", fn, g, in_grads)
    return in_grads


def _send(fn, in_grads, node_grads, leaf_grads, deps, ready):
    """Hand each input its gradient, and mark its node ready once all its consumers have run."""
    for i, (p, pg) in enumerate(zip(fn.parents, in_grads)):
        pf = p.grad_fn
        if pg is not None and p.requires_grad:
            if pg._data.shape != p._data.shape or pg._data.dtype != p._data.dtype:
                pg = _match(fn, i, p, pg)
            if pf is None:
                _accumulate_leaf(leaf_grads, p, pg)
            else:
                _accumulate(node_grads, pf, pg)
        if pf is not None:
            left = deps[pf] - 1
            deps[pf] = left
            if left == 0:
                ready.append(pf)


def _store_leaf_grads(leaf_grads, grads, create_graph):
    """Add each leaf's gradient into its ``.grad`` (after its hooks, see ``Tensor.register_hook``)."""
    owned = {id(g._data) for g in grads}  # arrays the caller holds: never store those as a .grad
    make = _tensor.Tensor._make
    for leaf, g in leaf_grads.values():
        if not create_graph:
            # pass-through ops (add, reshape) hand one array to several tensors: copy shared ones
            arr = g._data
            if getattr(arr, "base", None) is not None or id(arr) in owned:
                arr = arr.copy()
            owned.add(id(arr))
            g = make(arr, g._device, False, g._backend)
        if leaf.grad is None:
            leaf.grad = g
        elif create_graph or leaf.grad.requires_grad:
            leaf.grad = leaf.grad + g
        else:
            leaf.grad = make(leaf._backend.add(leaf.grad._data, g._data), leaf._device, False, leaf._backend)


def _wrap_grads(arrays, like):
    """The arrays a ``backward_arrays`` returned, as constant Tensors on ``like``'s device."""
    make = _tensor.Tensor._make
    if type(arrays) is not tuple:
        return make(arrays, like._device, False, like._backend) if arrays is not None else None
    return tuple([make(a, like._device, False, like._backend) if a is not None else None for a in arrays])


def _match(fn, i, p, g):
    """Check a gradient's shape against its tensor's; cast its dtype to the tensor's."""
    if g.shape != p.shape:
        raise RuntimeError(f"{fn.name()} backward returned a gradient of shape {g.shape} for input {i}, "
                           f"whose shape is {p.shape} (an engine bug: please report it)")
    if g.dtype != p.dtype:
        g = g.to(p.dtype)
    return g
def _as_grad_list(outputs, grad_outputs, what):
    Tensor = _tensor.Tensor
    if isinstance(outputs, Tensor):
        outputs = (outputs,)
    outputs = tuple(outputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):  # one Tensor, array or number: not a sequence
        grad_outputs = (grad_outputs,)
    grad_outputs = tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"{what}: got {len(outputs)} outputs but {len(grad_outputs)} gradients")
    grads = []
    for i, (o, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(o, Tensor):
            raise TypeError(f"{what}: outputs[{i}] must be a Tensor, got {type(o).__name__}")
        if not o.requires_grad:
            raise RuntimeError(f"{what}: element {i} of the outputs does not require grad and has no "
                               f"grad_fn (was it computed under no_grad(), or from tensors without "
                               f"requires_grad=True?)")
        if g is None:
            if o.numel() != 1:
                raise RuntimeError(f"{what}: grad can be implicitly created only for scalar outputs; this "
                                   f"output has shape {o.shape}, so pass a gradient of that shape "
                                   f"(e.g. gradient=tl.ones_like(out))")
            B = o._backend  # the implicit gradient: a one (0-d: the cheap scalar array)
            g = _tensor.Tensor._make(B.scalar(1, o.dtype) if o.ndim == 0 else B.ones(o.shape, o.dtype),
                                     o._device, False, B)
        else:
            g = g if isinstance(g, Tensor) else _tensor.Tensor(g, dtype=o.dtype, device=o.device)
            if g.shape != o.shape:
                raise RuntimeError(f"{what}: gradient has shape {g.shape} but the output has shape {o.shape}")
        grads.append(g)
    return outputs, grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate into the leaves' ``.grad`` the gradient of ``tensors`` (torch.autograd.backward)."""
    outputs, grads = _as_grad_list(tensors, grad_tensors, "backward")
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(outputs, grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Return the gradients of ``outputs`` with respect to ``inputs``, as a tuple (torch.autograd.grad).

    ``.grad`` attributes are left alone. With ``create_graph=True`` the returned
    gradients carry a graph, so they can be differentiated again.
    """
    Tensor = _tensor.Tensor
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: inputs[{i}] must be a Tensor, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError(f"grad: inputs[{i}] does not require grad")
    outputs, grads = _as_grad_list(outputs, grad_outputs, "grad")
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise RuntimeError(f"grad: inputs[{i}] was not used to compute the outputs; pass "
                               f"allow_unused=True to get None for it")
    return result


def retain(tensor):
    """Make backward store the gradient of a non-leaf tensor in its ``.grad`` (Tensor.retain_grad)."""
    tensor.grad_fn.retained = weakref.ref(tensor)


# ---- gradient hooks (Tensor.register_hook) --------------------------------------------------------
_leaf_hooks = {}  # id(leaf) -> (weak reference to the leaf, [hook, ...]); a leaf's entry dies with it


class _HookHandle:
    """What register_hook returns: ``remove()`` unregisters the hook."""

    def __init__(self, hooks_list, hook):
        self.hooks_list, self.hook = hooks_list, hook

    def remove(self):
        if self.hook in self.hooks_list:
            self.hooks_list.remove(self.hook)


def register_hook(tensor, hook):
    """Call ``hook(grad)`` each time backward computes ``tensor``'s gradient; a Tensor it returns
    replaces the gradient (torch's Tensor.register_hook). A leaf's hooks see its whole gradient of
    one backward, before it is added into ``.grad``."""
    if not callable(hook):
        raise TypeError(f"register_hook: hook must be callable, got {type(hook).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    fn = tensor.grad_fn
    if fn is not None:
        if fn.grad_hooks is None:
            fn.grad_hooks = []
        hooks_list = fn.grad_hooks
    else:
        key = id(tensor)
        entry = _leaf_hooks.get(key)
        if entry is None or entry[0]() is not tensor:
            forget = weakref.ref(tensor, lambda _, key=key: _leaf_hooks.pop(key, None))  # dies with the leaf
            entry = _leaf_hooks[key] = (forget, [])
        hooks_list = entry[1]
    hooks_list.append(hook)
    return _HookHandle(hooks_list, hook)


def _run_hooks(hooks_list, g):
    for hook in list(hooks_list):
        new = hook(g)
        if new is not None:
            if not isinstance(new, _tensor.Tensor) or new.shape != g.shape:
                raise RuntimeError(f"a gradient hook must return None or a Tensor of shape {g.shape}, "
                                   f"got {new!r}")
            g = new
    return g


def _run_leaf_hooks(leaf_grads):
    for entry in leaf_grads.values():
        hooked = _leaf_hooks.get(id(entry[0]))
        if hooked is not None and hooked[0]() is entry[0]:
            entry[1] = _run_hooks(hooked[1], entry[1])
