"""``Tensor``: an array on a device, plus what autograd needs (``requires_grad``, ``grad``, ``grad_fn``).

Methods follow torch's names and argument names (``dim``, ``keepdim``). Each differentiable
method either applies one primitive from ``tinygrad_losses.ops`` or is composed from others.
"""
import builtins
import numbers
import operator

import numpy as np

import kernels
from tinygrad_losses import dtypes, interop

_PY_SCALARS = (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)


class Tensor:
    """An n-dimensional array with reverse-mode autograd.

    ``Tensor(data, requires_grad=False, dtype=None, device="cpu")``: ``data`` is a number,
    a (nested) list or a numpy array, which is copied (never shared, never mutated).
    Python floats become float32, ints int64, bools bool; numpy arrays keep their dtype.
    """

    __slots__ = ("_data", "_device", "_backend", "requires_grad", "grad", "grad_fn", "_vc", "__weakref__")
    __array_ufunc__ = None  # ``ndarray * tensor`` calls Tensor.__rmul__ instead of converting us

    def __init__(self, data, requires_grad=False, dtype=None, device="cpu"):
        backend = kernels.backend(device)
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
        if isinstance(data, Tensor):
            array = np.array(data.numpy(), dtype=dtype, copy=True)
        else:
            array = _to_array(data, dtype)
        self._data = backend.from_numpy(array)
        self._device = device
        self._backend = backend
        self.grad = None
        self.grad_fn = None
        self._vc = [0]
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(data, device, requires_grad, backend=None):
        """Wrap a backend array without copying (the engine's constructor)."""
        t = Tensor.__new__(Tensor)
        t._data = data
        t._device = device
        t._backend = backend or kernels.backend(device)
        t.requires_grad = requires_grad
        t.grad = None
        t.grad_fn = None
        t._vc = [0]
        return t

    # ---- attributes ---------------------------------------------------------------------
    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        """A numpy dtype (``tl.float32 is np.dtype('float32')``), so that it compares, hashes and converts
        like one everywhere inside; its str is the bare name ('float32') messages use, and a tensor's
        repr writes it ``dtype=tl.float32``, the name to type it back."""
        return self._data.dtype

    @property
    def ndim(self):
        return len(self._data.shape)

    @property
    def device(self):
        return self._device

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def data(self):
        """A tensor sharing this one's memory, outside the graph (torch's ``.data``)."""
        t = Tensor._make(self._data, self._device, False)
        t._vc = self._vc
        return t

    @data.setter
    def data(self, value):
        value = value if isinstance(value, Tensor) else Tensor(value, device=self._device)
        self._data = value._data
        self._vc[0] += 1

    @property
    def T(self):
        """Reverse all dims (a 2-D tensor's transpose)."""
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self):
        """Transpose of the last two dims."""
        return self.transpose(-2, -1)

    def dim(self):
        return self.ndim

    def numel(self):
        return builtins.int(self._data.size)

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[self._dim(dim)]

    def numpy(self):
        """The values as a numpy array (on cpu it shares memory, like torch; unlike torch it is
        also allowed on tensors that require grad, as a detached view)."""
        return np.asarray(self._backend.to_numpy(self._data))

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def __dlpack__(self, *args, **kwargs):
        """DLPack export (cpu: zero copy); see ``interop.to_dlpack``."""
        return interop.to_dlpack(self, *args, **kwargs)

    def __dlpack_device__(self):
        return interop.dlpack_device(self)

    @property
    def __cuda_array_interface__(self):
        return interop.cuda_array_interface(self)

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"item(): a Tensor with {self.numel()} elements cannot be converted to a "
                               f"Python number (shape {self.shape})")
        return self.numpy().reshape(()).item()

    def tolist(self):
        return self.numpy().tolist()

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of a Tensor with {self.numel()} elements is ambiguous")
        return builtins.bool(self.item())

    def __float__(self):
        return builtins.float(self.item())

    def __int__(self):
        return builtins.int(self.item())

    def __index__(self):
        if self.dtype.kind not in "iub" or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __format__(self, format_spec):
        """``f"{loss:.3f}"``: a one-element tensor formats as its number; an empty spec gives the repr.
        (torch formats only 0-d tensors; one-element tensors of any shape are accepted here.)"""
        if self.numel() == 1:
            return format(self.item(), format_spec)
        if format_spec:
            raise TypeError(f"unsupported format string {format_spec!r} for a Tensor of shape {self.shape}: "
                            f"only one-element tensors format as numbers")
        return repr(self)

    def __round__(self, ndigits=None):
        """``round(loss, 2)``: the number of a one-element tensor, rounded (a Python int without
        ``ndigits``). torch defines no ``__round__``; ``round(t, n)`` works here as for floats."""
        if self.numel() != 1:
            raise TypeError(f"round() of a Tensor with {self.numel()} elements: only one-element tensors "
                            f"round to a number")
        return round(self.item(), ndigits)

    __hash__ = object.__hash__

    def __repr__(self):
        from tinygrad_losses.printing import tensor_repr
        return tensor_repr(self)

    # ---- autograd -----------------------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        if requires_grad and not dtypes.is_floating(self.dtype):
            raise RuntimeError(f"only tensors of floating point dtype can require gradients, "
                               f"this one is {self.dtype}")
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("requires_grad_(False) is only allowed on leaf tensors; use detach()")
        self.requires_grad = builtins.bool(requires_grad)
        return self

    def detach(self):
        """A tensor sharing this one's memory, cut out of the graph."""
        t = Tensor._make(self._data, self._device, False)
        t._vc = self._vc
        return t

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is not None:
            from tinygrad_losses import autograd
            autograd.retain(self)

    def register_hook(self, hook):
        """Call ``hook(grad)`` whenever backward computes this tensor's gradient; a Tensor it
        returns replaces the gradient. Returns a handle: ``handle.remove()`` (torch's register_hook)."""
        from tinygrad_losses import autograd
        return autograd.register_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``. ``gradient`` is required for
        non-scalar outputs (the vector in the vector-Jacobian product)."""
        from tinygrad_losses import autograd
        autograd.backward(self, gradient, retain_graph, create_graph)

    # ---- dtype and device ---------------------------------------------------------------
    def to(self, *args, dtype=None, device=None):
        """``to(dtype)``, ``to(device)`` or ``to(device, dtype)``, differentiable; returns self if nothing changes."""
        for a in args:
            if isinstance(a, str) and a in ("cpu", "cuda") or isinstance(a, str) and a.startswith("cuda:"):
                device = a
            elif isinstance(a, str):  # a dtype name, or a device we do not have ('mps', 'gpu')
                try:
                    dtype = dtypes.as_dtype(a)
                except TypeError:
                    raise TypeError(f"Tensor.to: unknown device {a!r}: expected 'cpu', 'cuda' or 'cuda:N' "
                                    f"(or a dtype name such as 'float32')") from None
            else:
                dtype = a
        out = self
        if device is not None and device.split(":")[0] != self._device:
            from tinygrad_losses.ops.transfer import ToDevice
            out = ToDevice.apply(out, device=device.split(":")[0])
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            if dtype != out.dtype:
                if dtypes.is_floating(dtype):
                    out = _ops.Cast.apply(out, dtype=dtype)
                else:
                    out = Tensor._make(out._backend.astype(out._data, dtype), out._device, False)
        return out

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool_)

    def type_as(self, other):
        return self.to(other.dtype)

    def type(self, dtype=None):
        """``x.type(tl.float64)`` or ``x.type('torch.DoubleTensor')`` converts; ``x.type()`` names the
        type in torch's legacy spelling, with this library's prefix ('tl.FloatTensor')."""
        if dtype is None:
            return "tl." + _LEGACY_TYPE_NAMES[self.dtype]
        if isinstance(dtype, str) and dtype.endswith("Tensor"):
            by_name = {name: dt for dt, name in _LEGACY_TYPE_NAMES.items()}
            name = dtype.rsplit(".", 1)[-1]
            if name not in by_name:
                raise TypeError(f"type: unknown tensor type {dtype!r}: expected one of {sorted(by_name)}")
            dtype = by_name[name]
        return self.to(dtype)

    def cpu(self):
        return self.to("cpu")

    def cuda(self):
        return self.to("cuda")

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A new tensor of ``data``, with this tensor's dtype and device unless given."""
        return Tensor(data, requires_grad, dtype or self.dtype, device or self._device)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        """A new tensor of ``size`` filled with ``fill_value``, with this tensor's dtype and device unless given."""
        from tinygrad_losses.creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self._device,
                    requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_full(_shape_arg(size), 0, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_full(_shape_arg(size), 1, dtype, device, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_full(_shape_arg(size), 0, dtype, device, requires_grad)

    def clone(self):
        """A copy with its own memory that stays in the graph."""
        return self + 0 if self.dtype.kind != "b" else Tensor._make(self._backend.copy(self._data),
                                                                    self._device, False)

    def contiguous(self):
        return self

    # ---- helpers ------------------------------------------------------------------------
    def _dim(self, dim):
        """Normalise a (possibly negative) dim, with torch's IndexError when out of range."""
        n = max(self.ndim, 1)
        if not isinstance(dim, (builtins.int, np.integer)) or isinstance(dim, builtins.bool):
            raise TypeError(f"dim must be an int, got {type(dim).__name__}")
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                             f"but got {dim}) for a tensor with {self.ndim} dims")
        return dim % n if self.ndim else 0

    def _axes(self, dim):
        """A reduction's dims as a sorted tuple of non-negative ints (None: all dims)."""
        if dim is None:
            return None
        if isinstance(dim, (builtins.list, builtins.tuple)):
            axes = tuple(sorted({self._dim(d) for d in dim}))
            if len(axes) != len(dim):
                raise RuntimeError(f"dim {tuple(dim)} appears multiple times in the list of dims")
            return axes if self.ndim else None
        return (self._dim(dim),) if self.ndim else None

    def _const(self, value):
        """A Python number as a 0-d constant tensor of this tensor's dtype."""
        return Tensor._make(self._backend.scalar(value, self.dtype), self._device, False)

    # ---- arithmetic ---------------------------------------------------------------------
    def __add__(self, other):
        return _binary(_ops.Add, self, other)

    def __radd__(self, other):
        return _binary(_ops.Add, other, self)

    def __sub__(self, other):
        return _binary(_ops.Sub, self, other)

    def __rsub__(self, other):
        return _binary(_ops.Sub, other, self)

    def __mul__(self, other):
        return _binary(_ops.Mul, self, other)

    def __rmul__(self, other):
        return _binary(_ops.Mul, other, self)

    def __truediv__(self, other):
        return _binary(_ops.Div, self, other, floating=True)

    def __rtruediv__(self, other):
        return _binary(_ops.Div, other, self, floating=True)

    def __pow__(self, other):
        return _binary(_ops.Pow, self, other)

    def __rpow__(self, other):
        return _binary(_ops.Pow, other, self)

    def __matmul__(self, other):
        return matmul(self, other)

    def matmul(self, other):
        return matmul(self, other)

    def mm(self, mat2):
        """The product of two matrices (torch.mm: 2-D only; matmul broadcasts)."""
        for name, m in (("self", self), ("mat2", mat2)):
            if not isinstance(m, Tensor) or m.ndim != 2:
                raise RuntimeError(f"mm: {name} must be a matrix (a 2-D Tensor), got "
                                   + (f"shape {m.shape}" if isinstance(m, Tensor) else type(m).__name__))
        return matmul(self, mat2)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __neg__(self):
        if self.dtype.kind == "b":
            raise TypeError("negation of a bool tensor: use ~ (logical not) instead")
        return _ops.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __floordiv__(self, other):
        return self.div(other, rounding_mode="floor")

    def __rfloordiv__(self, other):
        return _rounded_div(other, self, "floor")

    def add(self, other, alpha=1):
        """self + alpha·other (torch.add)."""
        return self + _scaled(other, alpha, self, "add")

    def sub(self, other, alpha=1):
        """self − alpha·other (torch.sub)."""
        return self - _scaled(other, alpha, self, "sub")

    def rsub(self, other, alpha=1):
        """other − alpha·self (torch.rsub)."""
        return other - _scaled(self, alpha, other, "rsub")

    mul = __mul__
    neg = __neg__

    def div(self, other, rounding_mode=None):
        """self / other; rounding_mode 'trunc' rounds toward zero, 'floor' down (``//``), keeping
        integer dtypes. NOTE a rounded quotient has gradient 0 (torch's convention).

        Departure: for float64 operands 'floor' is the floor of the rounded quotient, where torch
        takes the exact floor through fmod (Python's rule): they differ where the quotient rounds
        onto an integer (float64 1.0 // 0.1 is 9.0 in torch, 10.0 here). Integer operands are exact
        up to 2**53 in magnitude."""
        if rounding_mode is None:
            return self / other
        return _rounded_div(self, other, rounding_mode)

    floor_divide = __floordiv__

    def floor(self):
        """The largest integer <= x, elementwise. NOTE the gradient is 0 everywhere, as in torch."""
        return self.clone() if self.dtype.kind != "f" else _zero_gradient(
            self._make_like(_round_array(self._backend, self._data, "floor")), self)

    def trunc(self):
        """x rounded toward zero, elementwise. NOTE the gradient is 0 everywhere, as in torch."""
        return self.clone() if self.dtype.kind != "f" else _zero_gradient(
            self._make_like(_round_array(self._backend, self._data, "trunc")), self)

    def _make_like(self, array):
        """A constant tensor of ``array`` on this tensor's device."""
        return Tensor._make(array, self._device, False, self._backend)

    def pow(self, exponent):
        return self ** exponent

    def square(self):
        return self * self

    def reciprocal(self):
        return 1 / self

    def rsqrt(self):
        return self.sqrt().reciprocal()

    # ---- comparisons and logic (no gradient) -------------------------------------------------
    def _compare(self, other, op):
        a, b = _promote(self, other)
        try:
            out = getattr(self._backend, op)(a._data, b._data)
        except ValueError:
            raise RuntimeError(broadcast_error(a.shape, b.shape)) from None
        return Tensor._make(out, self._device, False)

    def __eq__(self, other):
        return self._compare(other, "equal")

    def __ne__(self, other):
        return self._compare(other, "not_equal")

    def __lt__(self, other):
        return self._compare(other, "less")

    def __le__(self, other):
        return self._compare(other, "less_equal")

    def __gt__(self, other):
        return self._compare(other, "greater")

    def __ge__(self, other):
        return self._compare(other, "greater_equal")

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def _logical(self, other, op):
        if self.dtype.kind != "b" or (isinstance(other, Tensor) and other.dtype.kind != "b"):
            raise TypeError(f"{op}: expected bool tensors, got {self.dtype}"
                            + (f" and {other.dtype}" if isinstance(other, Tensor) else ""))
        other = other if isinstance(other, Tensor) else Tensor(builtins.bool(other), device=self._device)
        try:
            return Tensor._make(getattr(self._backend, op)(self._data, other._data), self._device, False)
        except ValueError:
            raise RuntimeError(broadcast_error(self.shape, other.shape)) from None

    def __and__(self, other):
        return self._logical(other, "logical_and")

    def __or__(self, other):
        return self._logical(other, "logical_or")

    def __xor__(self, other):
        return self._logical(other, "logical_xor")

    def __invert__(self):
        if self.dtype.kind != "b":
            raise TypeError(f"~ is only defined for bool tensors here, got {self.dtype}")
        return Tensor._make(self._backend.logical_not(self._data), self._device, False)

    def logical_not(self):
        """Elementwise not; for a non-bool tensor, nonzero counts as True (torch.logical_not)."""
        return ~self._truth()

    def logical_and(self, other):
        return self._truth()._logical(_truth(other), "logical_and")

    def logical_or(self, other):
        return self._truth()._logical(_truth(other), "logical_or")

    def logical_xor(self, other):
        return self._truth()._logical(_truth(other), "logical_xor")

    def _truth(self):
        """This tensor as bools: nonzero is True (nan too, as in torch)."""
        return self if self.dtype.kind == "b" else self != 0

    def isnan(self):
        return Tensor._make(self._backend.isnan(self._data), self._device, False)

    def isinf(self):
        return Tensor._make(self._backend.isinf(self._data), self._device, False)

    def isfinite(self):
        return Tensor._make(self._backend.isfinite(self._data), self._device, False)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """True when |self − other| <= atol + rtol·|other| everywhere (torch.allclose: one dtype, broadcasting)."""
        if not isinstance(other, Tensor):
            raise TypeError(f"allclose: other must be a Tensor, got {type(other).__name__}")
        if other.dtype != self.dtype:
            raise RuntimeError(f"allclose: the dtypes must match, got {self.dtype} and {other.dtype}")
        a, b = self.detach()._float(), other.detach()._float()
        with np.errstate(invalid="ignore"):  # inf - inf: nan, handled by a == b
            error = (a - b).abs()
        close = (a == b) | (error.isfinite() & (error <= atol + rtol * b.abs()))  # a == b: equal infinities
        if equal_nan:
            close = close | (a.isnan() & b.isnan())
        return builtins.bool(close.all())

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """nan, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (default: the dtype's
        largest and lowest finite values). NOTE the gradient is 0 at the replaced elements, as in torch."""
        if self.dtype.kind != "f":
            return self.clone()
        info = np.finfo(self.dtype)
        posinf = info.max if posinf is None else posinf
        neginf = info.min if neginf is None else neginf
        out = where(self.isnan(), self._const(nan), self)
        out = where(self == float("inf"), self._const(posinf), out)
        return where(self == float("-inf"), self._const(neginf), out)

    def any(self, dim=None, keepdim=False):
        return Tensor._make(self._backend.any(self._data, self._axes(dim), keepdim), self._device, False)

    def all(self, dim=None, keepdim=False):
        return Tensor._make(self._backend.all(self._data, self._axes(dim), keepdim), self._device, False)

    # ---- elementwise math ---------------------------------------------------------------------
    def _float(self):
        """Integer/bool inputs of float-valued functions are computed in the default float dtype."""
        return self if self.dtype.kind == "f" else self.to(dtypes.DEFAULT_FLOAT)

    def exp(self):
        return _ops.Exp.apply(self._float())

    def log(self):
        return _ops.Log.apply(self._float())

    def log1p(self):
        return _ops.Log1p.apply(self._float())

    def expm1(self):
        return _ops.Expm1.apply(self._float())

    def sqrt(self):
        return _ops.Sqrt.apply(self._float())

    def sin(self):
        return _ops.Sin.apply(self._float())

    def cos(self):
        return _ops.Cos.apply(self._float())

    def tanh(self):
        return _ops.Tanh.apply(self._float())

    def sigmoid(self):
        return _ops.Sigmoid.apply(self._float())

    def abs(self):
        return _ops.Abs.apply(self)

    def sign(self):
        return _ops.Sign.apply(self)

    def relu(self):
        return _ops.Relu.apply(self)

    def clamp(self, min=None, max=None):
        """Clamp into [min, max]; the gradient passes where min <= x <= max (torch's convention).
        Tensor bounds are differentiable too (they receive the gradient where they are chosen)."""
        if min is None and max is None:
            raise ValueError("clamp: at least one of min and max must be given")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            return _ops.clamp_tensors(self, min, max)
        for name, v in (("min", min), ("max", max)):
            if v is not None and not isinstance(v, numbers.Real):
                raise TypeError(f"clamp: {name} must be a number or a Tensor, got {type(v).__name__}")
        x = self if (min is None or isinstance(min, builtins.int)) and (
            max is None or isinstance(max, builtins.int)) else self._float()
        return _ops.Clamp.apply(x, min=min, max=max)

    clip = clamp

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def maximum(self, other):
        """Elementwise max; NOTE the gradient is split 0.5/0.5 at ties, as in torch. A Python number
        ``other`` is accepted (torch raises a TypeError) and promotes like ``+`` does: keeping the
        scalar costs nothing and ``tl.maximum(2, t)`` is one of the forms users write."""
        return _binary(_ops.Maximum, self, other)

    def minimum(self, other):
        return _binary(_ops.Minimum, self, other)

    def where(self, condition, other):
        """``where(condition, self, other)`` (torch's Tensor.where)."""
        return where(condition, self, other)

    # ---- reductions ---------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None):
        """Sum over ``dim`` (``axis`` is torch's numpy-style alias). With ``dtype`` the input is
        cast first (torch's rule); bool and integer sums are int64 otherwise."""
        dim = _dim_or_axis(dim, axis)
        x = self if dtype is None else self.to(dtype)
        out = _ops.Sum.apply(x, axis=x._axes(dim), keepdim=keepdim)
        return out if dtype is None or out.dtype == x.dtype else out.to(x.dtype)  # sum(dtype=bool) is bool

    def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None):
        """Mean over ``dim``; ``dtype`` (floating) casts the input first, so integer tensors can be averaged."""
        dim = _dim_or_axis(dim, axis)
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            if dtype.kind != "f":
                raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be either a "
                                   f"floating point or complex dtype. Got: {dtype}")
            return self.to(dtype).mean(dim, keepdim)
        if self.dtype.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be a floating "
                               f"point dtype, got {self.dtype}")
        axes = self._axes(dim)
        count = self.numel() if axes is None else builtins.int(np.prod([self.shape[a] for a in axes]))
        return self.sum(dim, keepdim) / count  # count 0 gives nan, as in torch

    def var(self, dim=None, correction=1, keepdim=False, unbiased=None):
        """Variance with Bessel's ``correction`` (1: sample variance, 0: population; None: the default 1)."""
        if unbiased is not None:
            correction = 1 if unbiased else 0
        if correction is None:
            correction = 1
        if self.dtype.kind != "f":
            raise RuntimeError(f"var(): input dtype must be floating point, got {self.dtype}")
        axes = self._axes(dim)
        count = self.numel() if axes is None else builtins.int(np.prod([self.shape[a] for a in axes]))
        centered = self - self.mean(dim, keepdim=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (centered * centered).sum(dim, keepdim) / builtins.max(count - correction, 0)

    def std(self, dim=None, correction=1, keepdim=False, unbiased=None):
        """Standard deviation; NOTE the gradient at std = 0 is 0, as in torch (not the inf of sqrt)."""
        return _safe_sqrt(self.var(dim, correction, keepdim, unbiased))

    def amax(self, dim=None, keepdim=False):
        axes = self._axes(dim)
        _check_nonempty(self, axes, "amax")
        return _ops.Amax.apply(self, axis=axes, keepdim=keepdim)

    def amin(self, dim=None, keepdim=False):
        _check_nonempty(self, self._axes(dim), "amin")
        if self.dtype.kind == "b":
            return ~((~self).amax(dim, keepdim))
        return -((-self).amax(dim, keepdim))

    def max(self, dim=None, keepdim=False):
        """Without ``dim``: the largest value. With ``dim``: (values, indices); the gradient
        goes to the one index returned (the first maximum)."""
        if dim is None:
            if isinstance(keepdim, Tensor):
                return self.maximum(keepdim)
            return self.amax()
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        if self.ndim == 0:  # torch: the value itself and index 0
            self._dim(dim)
            return MinMax((self.clone(), Tensor._make(self._backend.scalar(0, dtypes.int64), self._device, False)))
        idx = self.argmax(dim, keepdim=True)
        values = self.gather(self._dim(dim), idx)
        return MinMax((values if keepdim else values.squeeze(dim), idx if keepdim else idx.squeeze(dim)))

    def min(self, dim=None, keepdim=False):
        if dim is None:
            if isinstance(keepdim, Tensor):
                return self.minimum(keepdim)
            return self.amin()
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        if self.ndim == 0:
            return self.max(dim)
        idx = self.argmin(dim, keepdim=True)
        values = self.gather(self._dim(dim), idx)
        return MinMax((values if keepdim else values.squeeze(dim), idx if keepdim else idx.squeeze(dim)))

    def argmax(self, dim=None, keepdim=False):
        axis = None if dim is None else self._dim(dim)
        _check_nonempty(self, None if axis is None or not self.ndim else (axis,), "argmax")
        out = self._backend.argmax(self._data, axis, keepdim and axis is not None)
        return Tensor._make(self._backend.astype(out, dtypes.int64), self._device, False)

    def argmin(self, dim=None, keepdim=False):
        axis = None if dim is None else self._dim(dim)
        _check_nonempty(self, None if axis is None or not self.ndim else (axis,), "argmin")
        out = self._backend.argmin(self._data, axis, keepdim and axis is not None)
        return Tensor._make(self._backend.astype(out, dtypes.int64), self._device, False)

    def logsumexp(self, dim, keepdim=False):
        """log(sum(exp(x), dim)), computed as m + log(sum(exp(x - m))) with m the max. ``dim`` may be
        a tuple of dims: they are moved last and merged into one. ``()`` means every dim (torch
        raises an internal shape error for it; sum's meaning of ``()`` is followed instead)."""
        x = self._float()
        if x.ndim == 0:
            x._axes(dim)
            return _ops.LogSumExp.apply(x.reshape(1), axis=0, keepdim=True).reshape(())
        if not isinstance(dim, (builtins.tuple, builtins.list)):
            return _ops.LogSumExp.apply(x, axis=x._dim(dim), keepdim=keepdim)
        axes = x._axes(dim) if len(dim) else tuple(range(x.ndim))
        if len(axes) == 1:
            return _ops.LogSumExp.apply(x, axis=axes[0], keepdim=keepdim)
        rest = tuple(d for d in range(x.ndim) if d not in axes)
        merged_size = builtins.int(np.prod([x.shape[d] for d in axes]))  # not -1: ambiguous when empty
        merged = x.permute(*(rest + axes)).reshape(tuple(x.shape[d] for d in rest) + (merged_size,))
        out = _ops.LogSumExp.apply(merged, axis=len(rest), keepdim=False)
        if keepdim:
            out = out.reshape(tuple(1 if d in axes else n for d, n in enumerate(x.shape)))
        return out

    def softmax(self, dim, dtype=None):
        x = self._float() if dtype is None else self.to(dtype)
        if x.ndim == 0:
            return _ops.Softmax.apply(x.reshape(1), axis=x._dim(dim)).reshape(())
        return _ops.Softmax.apply(x, axis=x._dim(dim))

    def log_softmax(self, dim, dtype=None):
        x = self._float() if dtype is None else self.to(dtype)
        if x.ndim == 0:
            return _ops.LogSoftmax.apply(x.reshape(1), axis=x._dim(dim)).reshape(())
        return _ops.LogSoftmax.apply(x, axis=x._dim(dim))

    def norm(self, p="fro", dim=None, keepdim=False):
        """The vector p-norm over ``dim`` (all elements by default): p in {'fro', 0, 1, 2, inf, -inf, any float}.
        NOTE at a zero vector the gradient is 0 (torch's convention)."""
        if p == "fro":
            p = 2
        if not isinstance(p, numbers.Real):
            raise ValueError(f"norm: p must be a number or 'fro', got {p!r}")
        x = self._float()
        if p == float("inf"):
            return x.abs().amax(dim, keepdim)
        if p == float("-inf"):
            return x.abs().amin(dim, keepdim)
        if p == 0:
            return (x != 0).to(x.dtype).sum(dim, keepdim)
        if p == 1:
            return x.abs().sum(dim, keepdim)
        return _ops.Norm.apply(x, p=p, axis=x._axes(dim), keepdim=keepdim)

    # ---- shape --------------------------------------------------------------------------
    def reshape(self, *shape):
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self
        if builtins.any(n < -1 for n in shape) or shape.count(-1) > 1:
            raise RuntimeError(f"reshape: invalid shape {shape}: sizes must be >= 0, with at most one -1")
        try:
            return _ops.Reshape.apply(self, shape=shape)
        except ValueError:
            raise RuntimeError(f"shape {shape} is invalid for a tensor of shape {self.shape} "
                               f"({self.numel()} elements)") from None

    view = reshape

    def view_as(self, other):
        return self.reshape(other.shape)

    reshape_as = view_as

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        s, e = self._dim(start_dim), self._dim(end_dim)
        if s > e:
            raise RuntimeError("flatten: start_dim cannot come after end_dim")
        merged = builtins.int(np.prod(self.shape[s:e + 1]))  # not -1: that is ambiguous for empty tensors
        return self.reshape(self.shape[:s] + (merged,) + self.shape[e + 1:])

    def squeeze(self, dim=None):
        if dim is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        axes = self._axes(dim) or ()
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1)))

    def unsqueeze(self, dim):
        n = self.ndim + 1
        if not isinstance(dim, (builtins.int, np.integer)) or isinstance(dim, builtins.bool):
            raise TypeError(f"unsqueeze: dim must be an int, got {type(dim).__name__}")
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                             f"but got {dim}) for unsqueeze of a tensor with {self.ndim} dims")
        dim %= n
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def permute(self, *dims):
        dims = _shape_arg(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(f"permute: got {len(dims)} dims {dims} for a tensor with {self.ndim} dims")
        axes = tuple(self._dim(d) for d in dims)
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"permute: repeated dim in {dims}")
        if axes == tuple(range(self.ndim)):
            return self
        return _ops.Permute.apply(self, axes=axes)

    def transpose(self, dim0, dim1):
        d0, d1 = self._dim(dim0), self._dim(dim1)
        if self.ndim == 0:
            return self
        axes = list(range(self.ndim))
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return self.permute(*axes)

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dims, got {self.ndim}")
        return self.T

    def expand(self, *shape):
        shape = _shape_arg(shape)
        if len(shape) < self.ndim:
            raise RuntimeError(f"expand: the target shape {shape} has fewer dims than the tensor's {self.shape}")
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
        if shape == self.shape:
            return self
        try:
            return _ops.Expand.apply(self, shape=shape)
        except ValueError:
            raise RuntimeError(f"expand: the tensor of shape {self.shape} cannot be expanded to {shape} "
                               f"(only dims of size 1 can be expanded)") from None

    broadcast_to = expand

    def expand_as(self, other):
        return self.expand(other.shape)

    def __getitem__(self, index):
        from tinygrad_losses.tensor_indexing import getitem
        return getitem(self, index)

    def __setitem__(self, index, value):
        from tinygrad_losses.tensor_indexing import setitem
        setitem(self, index, value)

    def gather(self, dim, index):
        """out[i][j] = self[i][index[i][j]] for dim=1 (torch.gather); the gradient scatters back, adding."""
        from tinygrad_losses.tensor_indexing import gather
        return gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None):
        """A copy with ``src`` (or the number ``value``) written at ``index`` along ``dim`` (torch.scatter);
        the gradient goes to src where it was written and to self elsewhere."""
        from tinygrad_losses.tensor_indexing import scatter
        if src is not None and not isinstance(src, Tensor):  # torch's scatter(dim, index, 2.0)
            src, value = None, src
        return scatter(self, dim, index, src, value)

    def scatter_add(self, dim, index, src):
        """self plus ``src`` added at ``index`` along ``dim`` (torch.scatter_add); differentiable in both."""
        from tinygrad_losses.tensor_indexing import scatter_add
        return scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        """The slices at ``index`` (a 1-D or 0-d int64/int32 tensor) along ``dim``."""
        from tinygrad_losses.tensor_indexing import index_select
        return index_select(self, dim, index)

    def masked_fill(self, mask, value):
        """``value`` where the bool ``mask`` (broadcast to self) is True, self elsewhere; the dtype is self's."""
        from tinygrad_losses.tensor_indexing import masked_fill
        return masked_fill(self, mask, value)

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) sorted along ``dim``; ties keep their order. The gradient goes back to
        where each value came from."""
        from tinygrad_losses.tensor_indexing import sort
        return sort(self, dim, descending)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """(values, indices) of the ``k`` largest (or smallest) along ``dim``, largest first."""
        from tinygrad_losses.tensor_indexing import topk
        return topk(self, k, dim, largest)

    def repeat(self, *sizes):
        """Tile the tensor ``sizes[i]`` times along dim i (torch.repeat; numpy's tile). Extra leading
        sizes add dims. Composed of reshape and expand, so the gradient sums over the copies."""
        sizes = _shape_arg(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(f"repeat: the number of repeat dims ({len(sizes)}) can not be smaller than the "
                               f"number of dims of the tensor ({self.ndim})")
        if builtins.any(n < 0 for n in sizes):
            raise RuntimeError(f"repeat: repeats must be non-negative, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        spread = self.reshape(tuple(m for n in shape for m in (1, n)))  # a size-1 dim before each dim
        tiled = spread.expand(tuple(m for r, n in zip(sizes, shape) for m in (r, n)))
        return tiled.reshape(tuple(r * n for r, n in zip(sizes, shape)))

    def split(self, split_size, dim=0):
        d = self._dim(dim)
        n = self.shape[d]
        if isinstance(split_size, builtins.int):
            if split_size <= 0 and not (split_size == 0 and n == 0):
                raise RuntimeError(f"split: split_size must be a positive int, got {split_size}")
            if n == 0:
                sizes = [0]  # an empty dim splits into one empty piece
            else:
                sizes = [split_size] * (n // split_size) + ([n % split_size] if n % split_size else [])
        else:
            sizes = builtins.list(split_size)
            if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
                raise RuntimeError(f"split: split sizes {sizes} must be non-negative and sum exactly to "
                                   f"{n}, the size of dim {d}")
        out, start = [], 0
        for s in sizes:
            out.append(self[(slice(None),) * d + (slice(start, start + s),)])
            start += s
        return tuple(out)

    def chunk(self, chunks, dim=0):
        if not isinstance(chunks, builtins.int) or chunks <= 0:
            raise RuntimeError(f"chunk: chunks must be a positive int, got {chunks!r}")
        n = self.shape[self._dim(dim)]
        return self.split(-(-n // chunks) if n else [0] * chunks, dim)  # torch: an empty dim gives `chunks` pieces

    # ---- in-place (refused on tensors that are part of a graph) -----------------------------
    def _check_inplace(self, op_name):
        if self.requires_grad and _autograd.is_grad_enabled():
            raise RuntimeError(f"{op_name}: an in-place operation on a tensor that requires grad would "
                               f"corrupt the graph; do it inside `with tl.no_grad():` or use the "
                               f"out-of-place version")

    def _inplace(self, value, op_name):
        """The general in-place path: ``value`` (computed out of place) broadcast, cast and stored."""
        self._check_inplace(op_name)
        if isinstance(value, Tensor):
            if value.shape != self.shape:
                value = value.expand(self.shape)
            if value.dtype != self.dtype:
                value = value.to(self.dtype)
            value = value._data
        target = self._data
        if not isinstance(target, np.ndarray) and self._device == "cpu":
            target = self._data = np.array(target)
        if not getattr(getattr(target, "flags", None), "writeable", True):
            raise RuntimeError(f"{op_name}: this tensor is an expanded view whose elements share memory; "
                               f"clone() it before changing it in place")
        target[...] = value
        self._vc[0] += 1
        return self

    def _writes_directly(self, op_name, *operands):
        """Whether an in-place op may write straight into this tensor's array with the backend's
        ``out=`` (the optimizers' lean path: no temporary tensors, no graph): each operand is a
        Python number (on a floating tensor) or a tensor of this one's dtype, shape and device.
        Anything else takes ``_inplace``, which promotes, broadcasts and casts."""
        self._check_inplace(op_name)
        data = self._data
        if type(data) is np.ndarray:
            if not data.flags.writeable:
                return False
        elif self._device == "cpu":  # a numpy scalar
            return False
        for v in operands:
            if isinstance(v, Tensor):
                if v._data.dtype != data.dtype or v._data.shape != data.shape or v._device != self._device:
                    return False
            elif not (isinstance(v, (builtins.int, builtins.float)) and data.dtype.kind == "f"):
                return False
        return True

    def _written(self):
        """Record an in-place change (graphs that saved the old value refuse to backpropagate)."""
        self._vc[0] += 1
        return self

    def _add_directly(self, other, alpha):
        """self += alpha·other on the lean path (``sub_`` passes −alpha: a − b is a + (−b) exactly)."""
        B = self._backend
        if isinstance(other, Tensor):
            other = other._data if alpha == 1 else B.multiply(other._data, alpha)
        else:
            other = other * alpha
        B.add(self._data, other, out=self._data)
        return self._written()

    def _add_combination(self, combine, tensor1, tensor2, value):
        """self += value·combine(tensor1, tensor2) on the lean path (addcmul_, addcdiv_)."""
        B = self._backend
        term = combine(tensor1._data, tensor2._data)
        if value != 1:
            B.multiply(term, value, out=term)
        B.add(self._data, term, out=self._data)
        return self._written()

    def add_(self, other, alpha=1):
        """self += alpha·other."""
        if self._writes_directly("add_", other):
            return self._add_directly(other, alpha)
        return self._inplace(self.detach() + other * alpha if alpha != 1 else self.detach() + other, "add_")

    def sub_(self, other, alpha=1):
        """self −= alpha·other."""
        if self._writes_directly("sub_", other):
            return self._add_directly(other, -alpha)
        return self._inplace(self.detach() - other * alpha if alpha != 1 else self.detach() - other, "sub_")

    def mul_(self, other):
        if self._writes_directly("mul_", other):
            self._backend.multiply(self._data, _raw(other), out=self._data)
            return self._written()
        return self._inplace(self.detach() * other, "mul_")

    def div_(self, other):
        if self._writes_directly("div_", other):
            self._backend.divide(self._data, _raw(other), out=self._data)
            return self._written()
        return self._inplace(self.detach() / other, "div_")

    def addcmul_(self, tensor1, tensor2, value=1):
        """self += value·tensor1·tensor2 (Adam's second moment: ``v.addcmul_(g, g, value=1 - β2)``)."""
        if self._writes_directly("addcmul_", tensor1, tensor2):
            return self._add_combination(self._backend.multiply, tensor1, tensor2, value)
        return self._inplace(self.detach() + value * tensor1 * tensor2, "addcmul_")

    def addcdiv_(self, tensor1, tensor2, value=1):
        """self += value·tensor1/tensor2 (Adam's step: ``p.addcdiv_(m, denom, value=-step_size)``)."""
        if self._writes_directly("addcdiv_", tensor1, tensor2):
            return self._add_combination(self._backend.divide, tensor1, tensor2, value)
        return self._inplace(self.detach() + value * (tensor1 / tensor2), "addcdiv_")

    def lerp_(self, end, weight):
        """self += weight·(end − self), in torch's two forms: for |weight| ≥ 0.5 it computes
        end − (end − self)·(1 − weight), which is exact at weight = 1. ``weight`` is a number."""
        if not isinstance(weight, (builtins.int, builtins.float)) or isinstance(weight, builtins.bool):
            raise TypeError(f"lerp_: weight must be a number, got {type(weight).__name__}")
        if not isinstance(end, Tensor):
            raise TypeError(f"lerp_: end must be a Tensor, got {type(end).__name__}")
        if not self._writes_directly("lerp_", end):
            return self._inplace(self.detach() + weight * (end - self.detach()), "lerp_")
        B, x = self._backend, self._data
        gap = B.subtract(end._data, x)
        if builtins.abs(weight) < 0.5:
            B.add(x, B.multiply(gap, weight, out=gap), out=x)
        else:
            B.subtract(end._data, B.multiply(gap, 1 - weight, out=gap), out=x)
        return self._written()

    def sqrt_(self):
        if self._writes_directly("sqrt_"):
            self._backend.sqrt(self._data, out=self._data)
            return self._written()
        return self._inplace(self.detach().sqrt(), "sqrt_")

    def clamp_(self, min=None, max=None):
        return self._inplace(self.detach().clamp(min, max), "clamp_")

    def zero_(self):
        return self._inplace(0, "zero_")

    def fill_(self, value):
        if not isinstance(value, (numbers.Number, Tensor)) or isinstance(value, Tensor) and value.numel() != 1:
            raise TypeError(f"fill_: value must be a number or a one-element Tensor, got {value!r}")
        return self._inplace(value, "fill_")

    def copy_(self, src):
        src = src if isinstance(src, Tensor) else Tensor(src)
        return self._inplace(src.detach(), "copy_")

    def normal_(self, mean=0.0, std=1.0):
        from tinygrad_losses import rng as random
        return self._inplace(Tensor(random.generator().normal(mean, std, self.shape).astype(self.dtype)),
                             "normal_")

    def uniform_(self, a=0.0, b=1.0):
        from tinygrad_losses import rng as random
        return self._inplace(Tensor(random.generator().uniform(a, b, self.shape).astype(self.dtype)),
                             "uniform_")

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # ---- pickling (and copy.deepcopy) ------------------------------------------------------------
    def __reduce__(self):
        """Pickle as host data, device, requires_grad and grad: the backend is a module and the graph
        is code, neither of which pickles (torch too drops the graph). A cuda tensor comes back on cuda."""
        return _rebuild_tensor, (self.numpy(), self._device, self.requires_grad, self.grad)


_LEGACY_TYPE_NAMES = {dtypes.float32: "FloatTensor", dtypes.float64: "DoubleTensor", dtypes.float16: "HalfTensor",
                      dtypes.int64: "LongTensor", dtypes.int32: "IntTensor", dtypes.int16: "ShortTensor",
                      dtypes.int8: "CharTensor", dtypes.uint8: "ByteTensor", dtypes.bool_: "BoolTensor"}


class MinMax(tuple):
    """(values, indices), as returned by ``max(dim)``, ``min(dim)``, ``sort`` and ``topk``."""

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]


def _raw(v):
    """The backend array of a tensor, or a Python number as it is (an ``out=`` operand)."""
    return v._data if isinstance(v, Tensor) else v


def _rebuild_tensor(array, device, requires_grad, grad):
    """Unpickling: a leaf tensor holding ``array`` (already a fresh copy) on ``device``."""
    t = Tensor._make(kernels.backend(device).from_numpy(array), device, requires_grad)
    t.grad = grad
    return t


# ---- construction helpers ------------------------------------------------------------------
def _to_array(data, dtype):
    """Copy ``data`` into a fresh numpy array with torch's default dtypes for Python values."""
    if isinstance(data, np.ndarray) or isinstance(data, (np.number, np.bool_)):
        array = np.array(data, dtype=dtype, copy=True)
    else:
        if isinstance(data, (builtins.list, builtins.tuple)):
            data = _unwrap(data)
        try:
            array = np.array(data)
        except ValueError as e:
            raise ValueError(f"Tensor: data must be a number or a rectangular (nested) list, got {e}") from None
        if dtype is None:
            kind = array.dtype.kind
            if kind == "f":
                dtype = dtypes.DEFAULT_FLOAT if not _has_float64(data) else None
            elif kind in "iu":
                dtype = dtypes.int64
            elif kind == "b":
                dtype = dtypes.bool_
        if dtype is not None:
            array = array.astype(dtype)
    if array.dtype not in dtypes._SUPPORTED:
        raise TypeError(f"Tensor: unsupported data of dtype {array.dtype}: expected bool, integer "
                        f"or floating point values")
    return array


def _unwrap(data):
    """Lists may hold tensors of one element (torch.tensor([t1, t2]))."""
    return [_unwrap(d) if isinstance(d, (builtins.list, builtins.tuple))
            else (d.numpy() if isinstance(d, Tensor) else d) for d in data]


def _has_float64(data):
    """A list holding float64 numpy values or arrays keeps float64 (torch.tensor does the same)."""
    if isinstance(data, (builtins.list, builtins.tuple)):
        return builtins.any(_has_float64(d) for d in data)
    return isinstance(data, (np.ndarray, np.floating)) and data.dtype == np.float64


def _shape_arg(shape):
    """Accept f(2, 3), f((2, 3)) and f([2, 3])."""
    if len(shape) == 1 and isinstance(shape[0], (builtins.tuple, builtins.list)):
        shape = shape[0]
    try:
        return tuple(operator.index(n) for n in shape)
    except TypeError:
        raise TypeError(f"expected a shape of ints, got {shape!r}") from None


# ---- binary ops: promotion and broadcasting errors ------------------------------------------
def _promote(a, b):
    """Both operands as tensors of one dtype, by torch's promotion rules."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a.dtype == b.dtype:
                return a, b
            dt = dtypes.result_type(a, b)
            return (a if a.dtype == dt else a.to(dt)), (b if b.dtype == dt else b.to(dt))
        if not isinstance(b, _PY_SCALARS):
            if isinstance(b, np.ndarray):
                return _promote(a, Tensor(b, device=a._device))
            raise TypeError(f"unsupported operand: Tensor and {type(b).__name__}")
        dt = dtypes.result_type_scalar(a.dtype, b)
        a = a if a.dtype == dt else a.to(dt)
        return a, a._const(b)
    b2, a2 = _promote(b, a)
    return a2, b2


def _binary(fn, a, b, floating=False):
    a, b = _promote(a, b)
    if floating and a.dtype.kind != "f":
        a, b = a.to(dtypes.DEFAULT_FLOAT), b.to(dtypes.DEFAULT_FLOAT)
    if fn is _ops.Pow and a.dtype.kind in "iu" and (b._backend.any(b._backend.less(b._data, 0))):
        raise RuntimeError("Integers to negative integer powers are not allowed")
    try:
        return fn.apply(a, b)
    except ValueError:
        if a.shape != b.shape:
            raise RuntimeError(broadcast_error(a.shape, b.shape)) from None
        raise
    except TypeError:
        if fn is _ops.Sub and a.dtype.kind == "b":
            raise RuntimeError("subtraction of two bool tensors is not supported; to invert a mask use ~ "
                            "or logical_not()") from None
        raise


def _check_nonempty(t, axes, name):
    """torch refuses max-like reductions over zero elements (numpy's error would name numpy internals)."""
    if t.numel() == 0 and (axes is None or builtins.any(t.shape[a] == 0 for a in axes)):
        error = RuntimeError if axes is None and name in ("amax", "amin") else IndexError  # torch's types
        raise error(f"{name}(): cannot reduce over a dim of size 0 (input shape {t.shape}"
                         + ("; specify a non-empty dim" if axes is None else f", dims {axes}") + ")")


def broadcast_error(sa, sb):
    """torch's message for shapes that do not broadcast, naming both shapes."""
    for k in range(1, max(len(sa), len(sb)) + 1):
        x = sa[-k] if k <= len(sa) else 1
        y = sb[-k] if k <= len(sb) else 1
        if x != y and x != 1 and y != 1:
            dim = max(len(sa), len(sb)) - k
            return (f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                    f"non-singleton dimension {dim} (shapes {tuple(sa)} and {tuple(sb)})")
    return f"shapes {tuple(sa)} and {tuple(sb)} cannot be broadcast together"


def _safe_sqrt(v):
    """sqrt whose gradient is 0 (not inf) where the value is 0 (torch's std convention)."""
    zero = v.detach() == 0
    out = v.sqrt()
    if not builtins.bool(zero.any()) or not v.requires_grad:
        return out
    return where(zero, out.detach(), v.where(~zero, 1).sqrt())


def _truth(v):
    """A logical op's operand as bools (nonzero is True); Python values pass through."""
    return v._truth() if isinstance(v, Tensor) else v


def _dim_or_axis(dim, axis):
    """torch accepts ``axis=`` as an alias of ``dim`` in reductions."""
    if axis is None:
        return dim
    if dim is not None:
        raise TypeError("got both dim and its alias axis: pass only one")
    return axis


def _is_floating(v):
    return v.dtype.kind == "f" if isinstance(v, Tensor) else isinstance(v, builtins.float)


def _scaled(value, alpha, other, name):
    """alpha·value for add/sub/rsub, with torch's checks on alpha."""
    if not isinstance(alpha, numbers.Number):
        raise TypeError(f"{name}: alpha must be a number, got {type(alpha).__name__}")
    if isinstance(alpha, builtins.float) and not (_is_floating(value) or _is_floating(other)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return value if alpha == 1 else value * alpha


def _rounded_div(a, b, rounding_mode):
    """a / b rounded toward zero ('trunc') or down ('floor'); integer operands stay integers."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"{rounding_mode!r}")
    a, b = _promote(a, b)
    B = a._backend
    if a.dtype.kind != "f" and (b == 0).any():
        raise RuntimeError(f"ZeroDivisionError: integer division by zero in div(rounding_mode={rounding_mode!r})")
    # 'trunc' rounds the quotient in the operands' dtype, as torch. 'floor' is torch's exact floor of
    # a/b (Python's rule, through fmod): the floor of the float64 quotient is that for integers below
    # 2**53 and float32/float16 quotients below 2**23 (float64 operands: see the departure in ``div``)
    wide = a.dtype if a.dtype.kind == "f" and (rounding_mode == "trunc" or a.dtype == dtypes.float64) \
        else dtypes.float64
    x, y = (a._data, b._data) if wide == a.dtype else (B.astype(a._data, wide), B.astype(b._data, wide))
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            q = _round_array(B, B.divide(x, y), rounding_mode)
    except ValueError:
        raise RuntimeError(broadcast_error(a.shape, b.shape)) from None
    if rounding_mode == "floor" and a.dtype.kind == "f":
        q = _floor_at_infinities(B, x, y, q)
    return _zero_gradient(a._make_like(q if q.dtype == a.dtype else B.astype(q, a.dtype)), a, b)


def _floor_at_infinities(B, a, b, q):
    """torch's floor division where an operand is infinite (fmod's values there): inf // b is nan
    for b != 0, and a finite a != 0 divided by an infinity of the other sign gives -1."""
    q = B.where(B.logical_and(B.isinf(a), B.not_equal(b, 0)), B.scalar(np.nan, q.dtype), q)
    opposite = B.logical_and(B.not_equal(a, 0), B.not_equal(B.less(a, 0), B.less(b, 0)))
    return B.where(B.logical_and(B.logical_and(B.isfinite(a), B.isinf(b)), opposite), B.scalar(-1, q.dtype), q)


def _round_array(B, x, mode):
    """floor or trunc of a float array with backend calls: values of magnitude >= 2**mantissa bits
    (and inf, nan) are already whole; the others truncate exactly through int64."""
    small = B.less(B.abs(x), B.scalar(2.0 ** np.finfo(x.dtype).nmant, x.dtype))
    zero = B.scalar(0, x.dtype)
    t = B.astype(B.astype(B.where(small, x, zero), dtypes.int64), x.dtype)
    if mode == "floor":
        t = B.subtract(t, B.astype(B.greater(t, x), x.dtype))  # negative non-integers: one below
    return B.where(small, t, x)


def _zero_gradient(value, *inputs):
    """The constant ``value`` joined to the graph of ``inputs``, passing each a gradient of 0.
    NOTE torch's gradient of a rounded result is 0, not undefined: a Where that always picks the
    constant keeps the inputs in the graph with exactly that gradient (and never 0·inf = nan)."""
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad:
            value = _ops.Where.apply(value, x, cond=value._backend.ones(value.shape, dtypes.bool_))
    return value


# ---- functions that are also torch.* functions ------------------------------------------------
def matmul(a, b):
    """Matrix product (torch.matmul): 1-D, 2-D, and batched with broadcast batch dims."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(f"matmul: expected two Tensors, got {type(a).__name__} and {type(b).__name__}")
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need at least 1 dim, got shapes {a.shape} and {b.shape}")
    a, b = _promote(a, b)
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise RuntimeError(f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied "
                           f"({k_a} columns against {k_b} rows)")
    try:
        return _ops.Matmul.apply(a, b)
    except ValueError:
        raise RuntimeError(f"matmul: the batch dims of {a.shape} and {b.shape} do not broadcast") from None


def where(condition, input, other):
    """Elements of ``input`` where ``condition`` holds, else of ``other``; differentiable in both."""
    if not isinstance(condition, Tensor):
        condition = Tensor(condition)
    if condition.dtype.kind != "b":
        raise TypeError(f"where: condition must be a bool tensor, got {condition.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        if not isinstance(input, _PY_SCALARS) or not isinstance(other, _PY_SCALARS):
            raise TypeError("where: at least one of input and other must be a Tensor")
        # two numbers: one 0-d tensor each, of the dtype torch gives them together (1.0, 0 -> float32)
        dt = dtypes.promote_types(dtypes.scalar_dtype(input), dtypes.scalar_dtype(other))
        input = Tensor._make(condition._backend.scalar(input, dt), condition.device, False)
        other = Tensor._make(condition._backend.scalar(other, dt), condition.device, False)
    input, other = _promote(input, other)
    try:
        return _ops.Where.apply(input, other, cond=condition._data)
    except ValueError:
        raise RuntimeError(f"where: shapes {condition.shape}, {input.shape} and {other.shape} "
                           f"do not broadcast") from None


def ones_like(t, dtype=None):
    return Tensor._make(t._backend.ones(t.shape, dtype or t.dtype), t._device, False)


from tinygrad_losses import ops as _ops  # noqa: E402  (the primitives import Tensor from this module)
from tinygrad_losses import autograd as _autograd  # noqa: E402  (grad mode, read by the in-place methods)
