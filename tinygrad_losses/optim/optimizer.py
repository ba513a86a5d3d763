"""``Optimizer``: parameter groups, per-parameter state, zero_grad, the step loop and its state dict."""
from tinygrad_losses.autograd import enable_grad, no_grad
from tinygrad_losses.nn.module import zero_grads
from tinygrad_losses.tensor import Tensor


class Optimizer:
    """Base class. Subclasses pass their ``defaults`` to ``__init__`` and define ``_update(p, g, state,
    group)``, which updates the parameter ``p`` from its gradient ``g`` with in-place Tensor methods
    (``p.add_(g, alpha=-lr)``, ``v.mul_(β).addcmul_(g, g, value=1 - β)``, ...), as torch's own
    optimizers do. ``step`` runs it under ``no_grad``, so the updates build no graph; each in-place
    method bumps the parameter's version, so a graph that saved the old value refuses to backpropagate.

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
        self.state = {}  # parameter -> its state: Tensors (running averages) and the step count
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
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    if g.shape != p.shape:
                        raise RuntimeError(f"{type(self).__name__}: a gradient of shape {g.shape} for a "
                                           f"parameter of shape {p.shape}")
                    if g.dtype != p.dtype:
                        g = g.to(p.dtype)
                    state = self.state.get(p)
                    if state is None:
                        state = self.state[p] = {}
                    self._update(p, g, state, group)
        return loss

    def _update(self, p, g, state, group):
        raise NotImplementedError

    # ---- saving and resuming ---------------------------------------------------------------------
    def state_dict(self):
        """torch's layout: ``{"state": {index: {name: value}}, "param_groups": [{option: value,
        "params": [index, ...]}]}``, parameters numbered in group order. The state's tensors are the
        optimizer's own (as in torch): save them (``tl.nn.save_file``, pickle) or deepcopy the dict."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Resume from ``state_dict()``'s output: group options are restored, each state tensor is
        copied onto its parameter's device (floating ones in its dtype). The groups must have the
        same sizes as this optimizer's."""
        name = type(self).__name__
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{name}.load_state_dict: expected a dict with the keys 'state' and 'param_groups' "
                             f"(an optimizer's state_dict()), got {_describe(state_dict)}")
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the state dict has {len(saved)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        for i, (own, group) in enumerate(zip(self.param_groups, saved)):
            if len(group["params"]) != len(own["params"]):
                raise ValueError(f"{name}.load_state_dict: parameter group {i} has {len(group['params'])} "
                                 f"parameters in the state dict, {len(own['params'])} in this optimizer")
        params = {}
        for own, group in zip(self.param_groups, saved):
            params.update(zip(group["params"], own["params"]))
        state = {}
        for index, entries in state_dict["state"].items():
            if index not in params:
                raise ValueError(f"{name}.load_state_dict: state for parameter {index!r}, which no group lists")
            p = params[index]
            state[p] = {key: _state_value(value, p, f"{name}.load_state_dict: state[{index}][{key!r}]")
                        for key, value in entries.items()}
        self.state = state
        self.param_groups = [dict(group, params=own["params"]) for own, group in zip(self.param_groups, saved)]

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def state_like(p, fill=0):
    """A state buffer beside parameter ``p``: ``fill`` in p's shape and dtype, made on p's device
    (``creation.zeros_like`` would fill it on the host and upload it)."""
    return p.detach().clone().fill_(fill)


def _state_value(value, p, where):
    """A copy of one saved state entry for parameter ``p``: tensors on p's device (floating ones in
    p's dtype) and of p's shape; numbers (the step count) as they are."""
    if not isinstance(value, Tensor):
        return value
    if value.shape != p.shape:
        raise ValueError(f"{where} has shape {value.shape}, the parameter {p.shape}")
    dtype = p.dtype if value.dtype.kind == "f" else value.dtype
    return Tensor(value.numpy(), dtype=dtype, device=p.device)


def _describe(value):
    return f"a dict with keys {sorted(map(str, value))}" if isinstance(value, dict) else type(value).__name__


def check_nonnegative(name, value, owner):
    """torch's argument checks (a negative learning rate and friends): a ValueError naming the
    optimiser, the argument and its value."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{owner}: invalid {name}: {value!r} (expected a number >= 0)")
