"""``Optimizer``: parameter groups, per-parameter state, zero_grad and the step loop."""
from tinygrad_losses.autograd import enable_grad
from tinygrad_losses.nn.module import zero_grads
from tinygrad_losses.tensor import Tensor


class Optimizer:
    """Base class. Subclasses pass their ``defaults`` to ``__init__`` and define ``_update(p, g, state,
    group)``: ``p`` is the parameter Tensor (its array is updated in place by ``_write``), ``g`` the
    raw array of its gradient.

    ``params`` is an iterable of tensors, or of dicts ``{"params": [...], "lr": ...}`` (parameter
    groups with their own options), as in torch.
    """

    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of Tensors or dicts, "
                            f"got a single Tensor (wrap it in a list)")
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}  # id(param) -> dict of state arrays / step count
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{type(self).__name__}: a parameter group must be a dict with a 'params' key, "
                            f"got {group!r}")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: params[{i}] must be a Tensor, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{type(self).__name__}: params[{i}] is not a leaf tensor (can't optimize a "
                                 f"non-leaf Tensor)")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: params[{i}] appears in more than one parameter group")
            seen.add(id(p))
        full = dict(self.defaults)
        full.update(group)
        full["params"] = params
        self.param_groups.append(full)

    def zero_grad(self, set_to_none=True):
        """Forget the gradients (``None``, the default, or zeros with ``set_to_none=False``)."""
        for group in self.param_groups:
            zero_grads(group["params"], set_to_none)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.shape != p.shape:
                    raise RuntimeError(f"{type(self).__name__}: a gradient of shape {p.grad.shape} for a "
                                       f"parameter of shape {p.shape}")
                g = p.grad._data
                if g.dtype != p.dtype:
                    g = g.astype(p.dtype)
                self._update(p, g, self.state.setdefault(id(p), {}), group)
        return loss

    def _update(self, p, g, state, group):
        raise NotImplementedError

    @staticmethod
    def _write(p, new):
        """Store ``new`` into the parameter's memory, in place (views and state dicts see it), and bump
        its version so that a graph which saved the old value refuses to backpropagate through it."""
        p._data[...] = new
        p._vc[0] += 1

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def check_nonnegative(name, value, owner):
    """torch's argument checks (a negative learning rate and friends): a ValueError naming the
    optimiser, the argument and its value."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{owner}: invalid {name}: {value!r} (expected a number >= 0)")
