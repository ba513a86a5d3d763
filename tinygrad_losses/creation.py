"""Factories: tensor, as_tensor, from_numpy, zeros, ones, full, empty, arange, linspace, randn, rand,
randint, randperm, *_like, eye, one_hot, cat, stack."""
import builtins

import numpy as np

import kernels
from tinygrad_losses import dtypes, ops, rng as random
from tinygrad_losses.tensor import Tensor, _shape_arg


def tensor(data, dtype=None, device="cpu", requires_grad=False):
    """A new tensor holding a copy of ``data`` (torch.tensor)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, without a copy where possible (torch.as_tensor): a Tensor of the asked
    dtype and device is returned itself, a numpy array shares its memory (as ``from_numpy``)."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    device = device or "cpu"
    if isinstance(data, np.ndarray) and device == "cpu" and (dtype is None or dtypes.as_dtype(dtype) == data.dtype):
        return from_numpy(data)
    return Tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A cpu tensor sharing ``ndarray``'s memory: writes to either are seen by the other (torch.from_numpy)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    if ndarray.dtype not in dtypes._SUPPORTED:
        raise TypeError(f"from_numpy: unsupported dtype {ndarray.dtype}: expected bool, uint8, int8, int16, "
                        f"int32, int64, float16, float32 or float64")
    return Tensor._make(ndarray, "cpu", False)


def _size(shape):
    """A new tensor's shape from f(2, 3) / f((2, 3)), refusing negative sizes."""
    shape = _shape_arg(shape)
    if builtins.any(n < 0 for n in shape):
        raise RuntimeError(f"negative dimension in shape {shape}")
    return shape


def _filled(fill, shape, dtype, device, requires_grad, default=dtypes.DEFAULT_FLOAT):
    shape = _size(shape)
    dtype = dtypes.as_dtype(dtype) if dtype is not None else default
    t = Tensor._make(kernels.backend(device).from_numpy(np.full(shape, fill, dtype)), device, False)
    return t.requires_grad_(requires_grad) if requires_grad else t


def zeros(*shape, dtype=None, device="cpu", requires_grad=False):
    return _filled(0, shape, dtype, device, requires_grad)


def ones(*shape, dtype=None, device="cpu", requires_grad=False):
    return _filled(1, shape, dtype, device, requires_grad)


def empty(*shape, dtype=None, device="cpu", requires_grad=False):
    """A new tensor whose values are not meant to be read (here: zeros, so runs are reproducible)."""
    return _filled(0, shape, dtype, device, requires_grad)


def full(shape, fill_value, dtype=None, device="cpu", requires_grad=False):
    default = dtypes.scalar_dtype(fill_value)
    return _filled(fill_value, (shape,) if isinstance(shape, int) else shape, dtype, device,
                   requires_grad, default)


def zeros_like(t, dtype=None, requires_grad=False):
    return _filled(0, t.shape, dtype or t.dtype, t.device, requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return _filled(1, t.shape, dtype or t.dtype, t.device, requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    return _filled(fill_value, t.shape, dtype or t.dtype, t.device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device="cpu", requires_grad=False):
    """Values from start (inclusive) to end (exclusive); int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: the bounds start={start}, end={end} are inconsistent with the sign "
                           f"of step={step}")
    if dtype is None:
        is_float = builtins.any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.DEFAULT_FLOAT if is_float else dtypes.int64
    a = np.arange(start, end, step, dtype=np.float64 if dtypes.as_dtype(dtype).kind == "f" else None)
    return Tensor(a, dtype=dtype, device=device, requires_grad=requires_grad)


def linspace(start, end, steps, dtype=None, device="cpu", requires_grad=False):
    """``steps`` values evenly spaced from start to end, both included. As torch: the first half is
    start + i·step, the second half end − (steps−1−i)·step (both ends exact), in the output's float
    type; integer outputs truncate start and end first and step in float64. (torch's vectorised
    loop can round the floats differently in the last bit.)"""
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 0:
        raise RuntimeError(f"linspace: number of steps must be a non-negative int, got {steps!r}")
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    work = dtype if dtype.kind == "f" else np.dtype(np.float64)
    if dtype.kind != "f":
        start, end = builtins.int(start), builtins.int(end)
    if steps == 1:
        return Tensor(np.array([start], dtype=dtype), device=device, requires_grad=requires_grad)
    first, last = work.type(start), work.type(end)
    step = (last - first) / work.type(builtins.max(steps - 1, 1))
    i = np.arange(steps, dtype=work)
    values = np.where(i < steps // 2, first + step * i, last - step * (work.type(steps - 1) - i))
    return Tensor(values.astype(dtype), device=device, requires_grad=requires_grad)


def randperm(n, dtype=None, device="cpu", requires_grad=False):
    """A random permutation of 0 .. n-1 (int64), from the generator seeded by ``manual_seed``."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise RuntimeError(f"randperm: n must be a non-negative int, got {n!r}")
    return Tensor(random.generator().permutation(n), dtype=dtype or dtypes.int64, device=device,
                  requires_grad=requires_grad)


def randn(*shape, dtype=None, device="cpu", requires_grad=False):
    """Standard normal samples from the generator seeded by ``manual_seed``."""
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    a = random.generator().standard_normal(_size(shape)).astype(dtype)
    return Tensor._make(kernels.backend(device).from_numpy(a), device, False).requires_grad_(requires_grad)


def rand(*shape, dtype=None, device="cpu", requires_grad=False):
    """Uniform samples in [0, 1)."""
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    a = random.generator().random(_size(shape)).astype(dtype)
    return Tensor._make(kernels.backend(device).from_numpy(a), device, False).requires_grad_(requires_grad)


def randint(low, high=None, size=(), dtype=None, device="cpu"):
    if high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"randint: expected low < high, got low={low} and high={high}")
    a = random.generator().integers(low, high, _size((size,) if isinstance(size, int) else size))
    return Tensor(a, dtype=dtype or dtypes.int64, device=device)


def eye(n, m=None, dtype=None, device="cpu", requires_grad=False):
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    _size((n, n if m is None else m))
    a = np.eye(n, n if m is None else m, dtype=dtype)
    return Tensor._make(kernels.backend(device).from_numpy(a), device, False).requires_grad_(requires_grad)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding along a new last dim (torch.nn.functional.one_hot)."""
    if not isinstance(tensor, Tensor) or tensor.dtype != np.int64:
        raise TypeError("one_hot: expected an int64 tensor of class indices"
                        + (f", got {tensor.dtype}" if isinstance(tensor, Tensor) else ""))
    idx = tensor.numpy()
    if idx.size and idx.min() < 0:
        raise RuntimeError(f"one_hot: class values must be non-negative, got {idx.min()}")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError(f"one_hot: class value {idx.max()} is too large for num_classes={num_classes}")
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor(out, device=tensor.device)


def cat(tensors, dim=0):
    """Concatenate along an existing dim; the gradient is split back into the pieces."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"cat: tensors[{i}] is a {type(t).__name__}, expected a Tensor")
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = dtypes.promote_types(dt, t.dtype)
    tensors = [t.to(dt) for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or tensors[:1]
    ref = tensors[0]
    axis = ref._dim(dim)
    for i, t in enumerate(tensors):
        if t.ndim != ref.ndim or builtins.any(a != b for d, (a, b) in enumerate(zip(t.shape, ref.shape))
                                              if d != axis):
            raise RuntimeError(f"cat: tensors[{i}] has shape {t.shape}, which does not match {ref.shape} "
                               f"outside dim {axis}")
    return ops.Cat.apply(*tensors, axis=axis)


def stack(tensors, dim=0):
    """Join tensors of equal shape along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor) or t.shape != shape:
            raise RuntimeError(f"stack: expects each tensor to be equal size, but got {shape} at entry 0 "
                               f"and {getattr(t, 'shape', type(t).__name__)} at entry {i}")
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return cat([t.unsqueeze(dim) for t in tensors], dim)
