"""Reverse-mode autograd: grad mode, the ``Function`` base class, and the backward engine.

A ``Function`` is one primitive op: ``forward`` works on raw backend arrays,
``backward`` on Tensors, so that with ``create_graph=True`` the backward pass
records a graph of its own (gradients of gradients).

Graph edges are the ``parents`` tuple of each node (the input Tensors). The
engine walks the graph without recursion (dependency counting), accumulates
each node's incoming gradients, and frees every node it has passed through
unless ``retain_graph`` is set.
"""
import functools
import itertools
import weakref

from tinygrad_losses import tensor as _tensor

_grad_enabled = True
_scope = ()  # names of the loss functions / modules being called, outermost first (for viz)
_on_node = None          # tl.viz.record sets it: called with each new graph node (notes the user's line)
_keep_node_grads = False  # tl.viz.record sets it: backward leaves each node's output gradient on it


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
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with _GradMode(self.enabled):
                return func(*args, **kwargs)
        return wrapper


class ScopeName:
    """One entry of the scope stack: a name (or a module, named lazily by its ``scope_name()``) and
    the call that entered it, so that two calls of one loss (or two same-sized layers) are drawn
    as two clusters. Compares equal to its plain name."""
    __slots__ = ("source", "call")
    _calls = itertools.count(1)

    def __init__(self, source):
        self.source = source
        self.call = next(ScopeName._calls)

    def __str__(self):
        return self.source if isinstance(self.source, str) else self.source.scope_name()

    def __repr__(self):
        return repr(str(self))

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


def enter_scope(source):
    """Push a scope (a name, or an object with ``scope_name()``); returns what ``exit_scope`` restores."""
    global _scope
    prev = _scope
    _scope = prev + (ScopeName(source),)
    return prev


def exit_scope(prev):
    global _scope
    _scope = prev


class named_scope:
    """Tag the graph nodes created inside with ``name`` (nested scopes stack); graph pictures
    group nodes by scope. Also usable as a decorator: ``@named_scope("cross_entropy")``."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.prev = enter_scope(self.name)

    def __exit__(self, *exc):
        exit_scope(self.prev)

    def __call__(self, func):
        name = self.name

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with named_scope(name):
                return func(*args, **kwargs)
        return wrapper


def no_grad():
    """Ops inside ``with no_grad():`` record no graph (use it for optimiser updates and evaluation)."""
    return _GradMode(False)


def enable_grad():
    """Turn graph recording back on inside a ``no_grad`` block."""
    return _GradMode(True)


def set_grad_enabled(mode):
    return _GradMode(bool(mode))


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
    fused = False       # True for nodes computed by a fused kernel (graph pictures say so)
    scope = ()
    parents = None  # set while the node is alive; None once backward has freed it
    retained = None  # a weak reference to the output whose .grad backward fills (Tensor.retain_grad)

    @classmethod
    def apply(cls, *inputs, **options):
        ctx = cls.__new__(cls)
        x = inputs[0]
        device = x._device
        if len(inputs) == 1:
            out_data = ctx.forward(x._backend, x._data, **options)
            requires_grad = _grad_enabled and x.requires_grad
        else:
            requires_grad = False
            for t in inputs:
                if t._device != device:
                    raise RuntimeError(f"{cls.__name__}: expected all tensors on one device, "
                                       f"got {device!r} and {t._device!r}")
                requires_grad = requires_grad or t.requires_grad
            out_data = ctx.forward(x._backend, *[t._data for t in inputs], **options)
            requires_grad = requires_grad and _grad_enabled
        out = _tensor.Tensor._make(out_data, device, requires_grad, x._backend)
        if cls.is_view:
            out._vc = x._vc
        if requires_grad:
            ctx.parents = inputs
            ctx.scope = _scope
            if _on_node is not None:
                _on_node(ctx)
            if cls.saves_inputs:
                ctx.versions = tuple([t._vc[0] for t in inputs])
            if cls.saves_output:
                ctx.out_vc, ctx.out_version = out._vc, out._vc[0]
            out.grad_fn = ctx
        return out

    def output(self):
        """The forward output as a Tensor for use in ``backward``: the saved array when no
        graph is being built, else recomputed from the parents so that it is differentiable."""
        if _grad_enabled:
            return type(self).apply(*self.parents, **self.options())
        return _tensor.Tensor._make(self.out, self.parents[0]._device, False)

    def options(self):
        """Keyword options ``forward`` was called with (needed to recompute the output)."""
        return {}

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()}Backward>"

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


_FREED = ("Trying to backward through the graph a second time (or to use it after it was freed). "
          "The graph's saved tensors are freed after .backward() or tl.grad(); pass retain_graph=True "
          "the first time if you need to backward through it again.")


def _collect(root_fns):
    """Count, for every node reachable from the roots, how many reachable nodes feed it a gradient."""
    deps = {}
    roots = set(root_fns) if len(root_fns) > 1 else ()  # (one root is reachable from no other)
    stack = list(root_fns)
    while stack:
        fn = stack.pop()
        parents = fn.parents
        if parents is None:
            raise RuntimeError(_FREED)
        for p in parents:
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


def _accumulate(store, key, g):
    old = store.get(key)
    store[key] = g if old is None else _add(old, g)


def _add(a, b):
    """a + b for gradients: on arrays in a plain backward, with Tensor ops when building a graph."""
    if _grad_enabled:
        return a + b
    return _tensor.Tensor._make(a._backend.add(a._data, b._data), a._device, False, a._backend)


def run_backward(roots, grads, retain_graph, create_graph, inputs=None):
    """Backpropagate ``grads`` from ``roots``.

    With ``inputs=None`` gradients are accumulated into the ``.grad`` of leaves
    (``Tensor.backward``); otherwise the gradients of ``inputs`` are returned in
    order, None where unreachable (``tl.grad``), and no ``.grad`` is touched.
    """
    global _grad_enabled
    node_grads = {}      # Function -> gradient of its output
    leaf_grads = {}      # id(leaf) -> [leaf, gradient]
    for r, g in zip(roots, grads):
        if r.grad_fn is not None:
            _accumulate(node_grads, r.grad_fn, g)
        else:
            _accumulate_leaf(leaf_grads, r, g)
    wanted = None
    if inputs is not None:
        wanted = {t.grad_fn: None for t in inputs if t.grad_fn is not None}
    root_fns = list(node_grads)
    deps = _collect(root_fns)
    ready = [fn for fn in root_fns if fn not in deps]
    prev_mode, _grad_enabled = _grad_enabled, create_graph
    try:
        while ready:
            fn = ready.pop()
            parents = fn.parents
            g = node_grads.pop(fn, None)
            if g is None:  # no gradient reached this node: its inputs get none from it
                in_grads = (None,) * len(parents)
            else:
                if _keep_node_grads:
                    fn.out_grad = g.detach()
                if wanted is not None and fn in wanted:
                    wanted[fn] = g
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
                if len(in_grads) != len(parents):
                    raise RuntimeError(f"{fn.name()} backward returned {len(in_grads)} gradients for "
                                       f"{len(parents)} inputs (an engine bug: please report it)")
            for i, (p, pg) in enumerate(zip(parents, in_grads)):
                pf = p.grad_fn
                if pg is not None and p.requires_grad:
                    pd, gd = p._data, pg._data
                    if gd.shape != pd.shape or gd.dtype != pd.dtype:
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
            if not retain_graph:
                fn.__dict__.clear()   # frees saved arrays and edges; ``parents`` falls back to None
    finally:
        _grad_enabled = prev_mode
    if inputs is not None:
        return tuple(wanted[t.grad_fn] if t.grad_fn is not None else leaf_grads.get(id(t), (None, None))[1]
                     for t in inputs)
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
    return None


def _wrap_grads(arrays, like):
    """The arrays a ``backward_arrays`` returned, as constant Tensors on ``like``'s device."""
    make = _tensor.Tensor._make
    if type(arrays) is not tuple:
        return make(arrays, like._device, False, like._backend) if arrays is not None else None
    return tuple(make(a, like._device, False, like._backend) if a is not None else None for a in arrays)


def _accumulate_leaf(store, leaf, g):
    entry = store.get(id(leaf))
    if entry is None:
        store[id(leaf)] = [leaf, g]
    else:
        entry[1] = _add(entry[1], g)


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
            g = _tensor.ones_like(o)
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
