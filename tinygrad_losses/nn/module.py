"""``Module``: the base of every layer and loss class (torch.nn.Module's core)."""
import warnings
from collections import OrderedDict

from tinygrad_losses import hooks
from tinygrad_losses.creation import zeros_like
from tinygrad_losses.tensor import Tensor


class Parameter(Tensor):
    """Marker constructor: ``Parameter(tensor)`` is a leaf tensor with requires_grad=True."""

    def __new__(cls, data, requires_grad=True):
        t = Tensor._make(data._data, data._device, False) if isinstance(data, Tensor) else Tensor(data)
        return t.requires_grad_(requires_grad)


def state_dict_problems(own, state, strict, source="the state dict", missing_label="missing keys",
                        unexpected_label="unexpected keys"):
    """(missing names, unexpected names, problems): how ``state`` differs from a model's own state
    dict ``own`` in names (reported only when ``strict``), shapes and dtypes, as lines of text."""
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    problems = []
    if strict:
        problems += [f"{missing_label}: {missing}"] if missing else []
        problems += [f"{unexpected_label}: {unexpected}"] if unexpected else []
    for k, t in own.items():
        if k in state:
            v = state[k]
            shape, dtype = tuple(getattr(v, "shape", ())), getattr(v, "dtype", None)
            if shape != t.shape:
                problems.append(f"{k}: shape {shape} in {source}, {t.shape} in the model")
            elif dtype is not None and dtype != t.dtype:
                problems.append(f"{k}: dtype {dtype} in {source}, {t.dtype} in the model")
    return missing, unexpected, problems


def _warn_unregistered(owner, name, value):
    """A list, tuple or dict of Modules as an attribute registers none of them (torch's trap too):
    say so, once per assignment, and name the container that would."""
    items = value.values() if isinstance(value, dict) else value
    if any(isinstance(v, Module) for v in items):
        fix = "nn.ModuleDict" if isinstance(value, dict) else "nn.ModuleList"
        warnings.warn(f"{type(owner).__name__}.{name} is a {type(value).__name__} of Modules: their parameters "
                      f"are not registered (parameters(), state_dict() and optimizers will not see them); "
                      f"use {fix}", UserWarning, stacklevel=3)


def zero_grads(params, set_to_none):
    """Forget the gradients of ``params``: ``None``, or zeros with ``set_to_none=False``."""
    for p in params:
        if set_to_none:
            p.grad = None
        elif p.grad is not None:
            p.grad = zeros_like(p.grad)  # (not grad * 0, which keeps a nan)


class Module:
    """Holds parameters (tensors with requires_grad, set as attributes) and sub-modules.

    Calling a module runs ``forward`` inside a named scope, so graph pictures group its ops.
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        if name in self.__dict__.get("_buffers", ()):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"{type(self).__name__}: buffer {name!r} must be a Tensor or None, "
                                f"got {type(value).__name__}")
            self._buffers[name] = value
            object.__setattr__(self, name, value)
            return
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Module):
            self._modules[name] = value
        elif isinstance(value, Tensor) and value.requires_grad and value.is_leaf:
            self._parameters[name] = value
        elif isinstance(value, (list, tuple, dict)):
            _warn_unregistered(self, name, value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self.__dict__.get("_buffers", {}).pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name, tensor):
        """A tensor that is state but not a parameter (saved in state_dict, never optimised)."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"register_buffer: name must be a non-empty string without '.', got {name!r}")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: expected a Tensor or None for {name!r}, got {type(tensor).__name__}")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers[name] = tensor
        object.__setattr__(self, name, tensor)

    def register_parameter(self, name, param):
        """Register ``param`` (a leaf tensor requiring grad) under ``name``, like assigning it."""
        if param is not None and not (isinstance(param, Tensor) and param.requires_grad and param.is_leaf):
            raise TypeError(f"register_parameter: {name!r} must be a leaf Tensor with requires_grad=True")
        setattr(self, name, param)

    def add_module(self, name, module):
        if not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        setattr(self, name, module)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        if not hooks.observers:
            return self.forward(*args, **kwargs)
        hooks.entered(self)  # tools name the module lazily (scope_name()), only if they draw it
        try:
            return self.forward(*args, **kwargs)
        finally:
            hooks.exited(self)

    def scope_name(self):
        """The label of this module's scope in graph pictures, e.g. 'Linear(2, 100)'."""
        extra = self.extra_repr()
        return f"{type(self).__name__}({extra})" if extra else type(self).__name__

    # ---- parameters and sub-modules ----------------------------------------------------------
    def named_modules(self, prefix=""):
        yield prefix, self
        for name, m in self._modules.items():
            yield from m.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        return (m for _, m in self.named_modules())

    def children(self):
        return iter(self._modules.values())

    def named_parameters(self, prefix=""):
        seen = set()
        for mod_name, m in self.named_modules(prefix):
            for name, p in m._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self):
        return (p for _, p in self.named_parameters())

    def named_buffers(self, prefix=""):
        for mod_name, m in self.named_modules(prefix):
            for name, b in m._buffers.items():
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def buffers(self):
        return (b for _, b in self.named_buffers())

    def num_parameters(self):
        """The number of scalars in all parameters."""
        return sum(p.numel() for p in self.parameters())

    def apply(self, fn):
        """Call ``fn(module)`` on every sub-module, then on this one (as torch, e.g. for custom init)."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad = bool(requires_grad)
        return self

    def to(self, dtype):
        """Cast every floating parameter and buffer in place (the tensor objects stay the same, so an
        optimiser built before keeps working); gradients are dropped."""
        from tinygrad_losses import dtypes
        if isinstance(dtype, str) and dtype.split(":")[0] in ("cpu", "cuda"):
            return self._to_device(dtype.split(":")[0])
        dtype = dtypes.as_dtype(dtype)
        if not dtypes.is_floating(dtype):
            raise TypeError(f"Module.to: expected a floating dtype, got {dtype}")
        for t in list(self.parameters()) + list(self.buffers()):
            if dtypes.is_floating(t.dtype) and t.dtype != dtype:
                t._data = t._backend.astype(t._data, dtype)
                t._vc[0] += 1
                t.grad = None
        return self

    def _to_device(self, device):
        """Move every parameter and buffer to ``device`` in place (same tensor objects); gradients are dropped."""
        import kernels
        backend = kernels.backend(device)
        for t in list(self.parameters()) + list(self.buffers()):
            if t._device != device:
                t._data = backend.from_numpy(t.numpy())
                t._device, t._backend = device, backend
                t._vc[0] += 1
                t.grad = None
        return self

    def cuda(self):
        return self._to_device("cuda")

    def cpu(self):
        return self._to_device("cpu")

    def float(self):
        return self.to("float32")

    def double(self):
        return self.to("float64")

    def zero_grad(self, set_to_none=True):
        zero_grads(self.parameters(), set_to_none)

    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def state_dict(self):
        """Name -> detached tensor, for every parameter (and registered buffer)."""
        out = OrderedDict((name, p.detach()) for name, p in self.named_parameters())
        out.update(self.named_buffers())
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Copy values into the parameters; names, shapes and dtypes must match (all differences listed)."""
        own = self.state_dict()
        missing, unexpected, problems = state_dict_problems(own, state_dict, strict)
        if problems:
            raise RuntimeError(f"load_state_dict into {type(self).__name__}: " + "; ".join(problems))
        from tinygrad_losses.autograd import no_grad
        with no_grad():
            for k, t in own.items():
                if k in state_dict:
                    t.copy_(state_dict[k])
        return missing, unexpected

    # ---- printing -----------------------------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
