"""The CUDA backend: the functions of ``kernels/cpu/backend.py``, same names and meaning, on ``CudaArray``s.

Importing this module raises a clear RuntimeError when numba.cuda sees no GPU (set
NUMBA_ENABLE_CUDASIM=1 before numba is first imported to use numba's simulator). Kernels live
in the other ``kernels/cuda/`` modules, each beside its CPU twin of the same name where one
exists; this module picks result dtypes (by numpy's rules, so both devices agree), lays operands
out, and launches them. It is the only door to them: nothing above ``kernels/`` does arithmetic
on a ``CudaArray``.
"""
import builtins
import functools
import math

import numpy as np

from kernels.cuda import array as ca
from kernels.config import CUDA_MATMUL_TILE, CUDA_MATMUL_TILE_SIMULATED
from kernels.cpu.rowwise import normalize_axis_index
from kernels.cuda.array import CudaArray, c_strides, empty
from kernels.cuda import elementwise as ew, index as ix, matmul as mm, reduce as rd
from kernels.cuda.cross_entropy import cross_entropy_fused  # noqa: F401
from kernels.cuda.ctc import ctc_loss_forward, ctc_loss_forward_backward  # noqa: F401

ca.check_available()

name = "cuda"
from_numpy = ca.from_numpy  # host -> device, one copy
to_numpy = ca.to_numpy  # device -> host, one copy


# ---- layout helpers ------------------------------------------------------------------------------
def _launch(kernel, n, *args):
    if n:
        blocks, threads = ca.launch_config(n)
        kernel[blocks, threads](*args)


def _pad(shape):
    """Kernels take at least one dim (a 0-d array is one element of shape (1,))."""
    return tuple(shape) or (1,)


def _operand(x, shape):
    """(buffer, offset, strides) reading contiguous ``x`` broadcast to ``shape`` (stride 0 on broadcast dims)."""
    lead = len(shape) - x.ndim
    own = c_strides(x.shape)
    strides = tuple(0 if d < lead or x.shape[d - lead] == 1 else own[d - lead] for d in range(len(shape)))
    return x.buf, 0, strides or (0,)


def _as_array(v, dtype):
    return v if isinstance(v, CudaArray) else ca.upload_constant(v, dtype)


@functools.lru_cache(maxsize=None)
def _probe_dtype(fname, *dtypes):
    """The dtype numpy's ``fname`` gives for these operand dtypes (numpy scalars/weak Python types)."""
    args = [np.zeros(1, d) if isinstance(d, np.dtype) else d(0) for d in dtypes]
    with np.errstate(all="ignore"):
        return getattr(np, fname)(*args).dtype


def _kind(v):
    """A dtype for an array, the Python type for a Python scalar (numpy 2 treats those as weak)."""
    if isinstance(v, CudaArray):
        return v.dtype
    if isinstance(v, (np.generic, np.ndarray)):
        return np.asarray(v).dtype
    return type(v) if type(v) in (builtins.bool, builtins.int, builtins.float) else np.asarray(v).dtype


def _map(op, out_dtype, *xs, out=None):
    """op(*xs) elementwise with broadcasting, into a new array of ``out_dtype`` or into ``out``
    (numpy's ``out=``: it has the broadcast shape and may be one of ``xs``, each element is read
    before it is written; values are cast to its dtype)."""
    shape = np.broadcast_shapes(*[x.shape for x in xs])
    if out is None:
        out = empty(shape, out_dtype)
    elif out.shape != shape:
        raise ValueError(f"non-broadcastable output operand with shape {out.shape} doesn't match the "
                         f"broadcast shape {shape}")
    kernel = {1: ew.map1, 2: ew.map2, 3: ew.map3}[len(xs)](op)
    args = []
    for x in xs:
        args.extend(_operand(x, shape))
    _launch(kernel, out.size, out.buf, out.size, _pad(shape), *args)
    return out


def _unary(fname, x, dtype=None, out=None):
    return _map(ew.UNARY[fname], dtype or _probe_dtype(fname, x.dtype), x, out=out)


def _binary(fname, a, b, out=None):
    out_dtype = _probe_dtype(fname, _kind(a), _kind(b))
    if not isinstance(a, CudaArray) or not isinstance(b, CudaArray):
        arr = a if isinstance(a, CudaArray) else b
        const_dtype = np.result_type(arr.dtype, a if arr is b else b)
        a, b = _as_array(a, const_dtype), _as_array(b, const_dtype)
    return _map(ew.BINARY[fname], out_dtype, a, b, out=out)


def _strided_copy(dst, doff, dstrides, src, shape):
    """Write contiguous ``src`` broadcast to ``shape`` into ``dst`` at (doff, dstrides)."""
    n = math.prod(shape)
    sbuf, soff, sstrides = _operand(src, shape)
    _launch(ew.copy_strided, n, dst.buf, doff, tuple(dstrides) or (0,), n, _pad(shape), sbuf, soff, sstrides)


# ---- moving data -----------------------------------------------------------------------------------
def copy(a):
    return _unary("identity", a, a.dtype)


def astype(a, dtype):
    dtype = np.dtype(dtype)
    if dtype == a.dtype:
        return copy(a)
    return _unary("to_bool" if dtype == np.bool_ else "identity", a, dtype)


def full(shape, fill_value, dtype=None):
    dtype = np.dtype(dtype) if dtype is not None else np.asarray(fill_value).dtype
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if isinstance(fill_value, CudaArray):
        return _map(ew.UNARY["identity"], dtype, broadcast_to(fill_value, shape))
    return _map(ew.UNARY["identity"], dtype, broadcast_to(ca.upload_constant(fill_value, dtype), shape))


def zeros(shape, dtype=float):
    return full(shape, 0, dtype)


def ones(shape, dtype=float):
    return full(shape, 1, dtype)


def arange(*args, **kwargs):
    return from_numpy(np.arange(*args, **kwargs))


def eye(*args, **kwargs):
    return from_numpy(np.eye(*args, **kwargs))


def scalar(value, dtype):
    """A 0-d array holding a Python number (uploaded once per value and dtype)."""
    try:
        np.asarray(value, dtype=dtype)
    except OverflowError:  # e.g. -3 for uint8: wrap around like the CPU backend
        value = np.asarray(value).astype(dtype).item()
    return ca.upload_constant(value, dtype)


# ---- elementwise (numpy's names; ``out=`` writes into an existing array, as numpy's) ----------------------
def negative(x, out=None):
    return _unary("negative", x, out=out)


def exp(x, out=None):
    return _unary("exp", x, out=out)


def log(x, out=None):
    return _unary("log", x, out=out)


def log1p(x, out=None):
    return _unary("log1p", x, out=out)


def expm1(x, out=None):
    return _unary("expm1", x, out=out)


def sqrt(x, out=None):
    return _unary("sqrt", x, out=out)


def sin(x, out=None):
    return _unary("sin", x, out=out)


def cos(x, out=None):
    return _unary("cos", x, out=out)


def tanh(x, out=None):
    return _unary("tanh", x, out=out)


def abs(x, out=None):
    return _unary("abs", x, out=out)


def sign(x, out=None):
    return _unary("sign", x, out=out)


def isnan(x, out=None):
    return _unary("isnan", x, out=out)


def isinf(x, out=None):
    return _unary("isinf", x, out=out)


def isfinite(x, out=None):
    return _unary("isfinite", x, out=out)


def logical_not(x, out=None):
    return _unary("logical_not", x, out=out)


def add(a, b, out=None):
    return _binary("add", a, b, out)


def subtract(a, b, out=None):
    return _binary("subtract", a, b, out)


def multiply(a, b, out=None):
    return _binary("multiply", a, b, out)


def divide(a, b, out=None):
    return _binary("divide", a, b, out)


def power(a, b, out=None):
    return _binary("power", a, b, out)


def maximum(a, b, out=None):
    return _binary("maximum", a, b, out)


def minimum(a, b, out=None):
    return _binary("minimum", a, b, out)


def equal(a, b, out=None):
    return _binary("equal", a, b, out)


def not_equal(a, b, out=None):
    return _binary("not_equal", a, b, out)


def less(a, b, out=None):
    return _binary("less", a, b, out)


def less_equal(a, b, out=None):
    return _binary("less_equal", a, b, out)


def greater(a, b, out=None):
    return _binary("greater", a, b, out)


def greater_equal(a, b, out=None):
    return _binary("greater_equal", a, b, out)


def logical_and(a, b, out=None):
    return _binary("logical_and", a, b, out)


def logical_or(a, b, out=None):
    return _binary("logical_or", a, b, out)


def logical_xor(a, b, out=None):
    return _binary("logical_xor", a, b, out)

def sigmoid(x):
    return _unary("sigmoid", x, x.dtype)


def relu(x):
    return _unary("relu", x, x.dtype)


def relu_backward(g, out):
    """0 where out <= 0, else g (relu'(0) = 0; as torch, a nan output passes its gradient)."""
    return _map(ew.relu_backward, g.dtype, g, out)


def erf(x):
    return _unary("erf", x, x.dtype)


def softplus(z):
    return _unary("softplus", z, z.dtype)


def where(cond, a, b):
    dtype = np.result_type(_kind(a) if isinstance(a, CudaArray) else a, _kind(b) if isinstance(b, CudaArray) else b)
    return _map(ew._where, dtype, cond, _as_array(a, dtype), _as_array(b, dtype))


def clip(x, lo, hi):
    out = x
    if lo is not None:
        out = maximum(out, lo)
    if hi is not None:
        out = minimum(out, hi)
    return out if out is not x else copy(x)


# ---- reductions ------------------------------------------------------------------------------------
def _axes(x, axis):
    if axis is None:
        return tuple(range(x.ndim))
    axis = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    return tuple(sorted(int(a) % builtins.max(x.ndim, 1) for a in axis)) if x.ndim else ()


def _rows(x, axis):
    """(x laid out as rows x L with the reduced dims last, rows, L, kept shape, reduced shape)."""
    axes = _axes(x, axis)
    keep = tuple(d for d in range(x.ndim) if d not in axes)
    kept = tuple(1 if d in axes else n for d, n in enumerate(x.shape))
    dropped = tuple(n for d, n in enumerate(x.shape) if d not in axes)
    if keep + axes != tuple(range(x.ndim)):
        x = transpose(x, keep + axes)
    rows = math.prod(x.shape[:len(keep)])
    L = math.prod(x.shape[len(keep):])
    return x, rows, L, kept, dropped


def _fold(kind, x, axis, keepdims, out_dtype, acc_dtype, identity):
    xr, rows, L, kept, dropped = _rows(x, axis)
    out = empty(kept if keepdims else dropped, out_dtype)
    if rows:
        blocks, threads = ca.row_launch(rows, L)
        rd.fold(kind, acc_dtype, threads)[blocks, threads](xr.buf, rows, L, ca.upload_constant(identity, acc_dtype).buf,
                                                           out.buf)
    return out


def sum(x, axis, keepdims):
    out_dtype = _probe_dtype("sum", x.dtype)
    acc = np.float64 if out_dtype.kind == "f" else out_dtype  # float32 sums accumulate in float64
    return _fold("sum", x, axis, keepdims, out_dtype, acc, 0)


def _extreme(x, largest):
    if x.dtype.kind == "f":
        return -math.inf if largest else math.inf
    if x.dtype.kind == "b":
        return not largest
    info = np.iinfo(x.dtype)
    return int(info.min if largest else info.max)


def max(x, axis, keepdims):
    return _fold("max", x, axis, keepdims, x.dtype, x.dtype, _extreme(x, True))


def min(x, axis, keepdims):
    return _fold("min", x, axis, keepdims, x.dtype, x.dtype, _extreme(x, False))


def _arg(is_max, x, axis, keepdims):
    if axis is None:
        x, keepdims = reshape(x, (-1,)), False
    xr, rows, L, kept, dropped = _rows(x, axis if axis is not None else 0)
    out = empty(kept if keepdims else dropped, np.int64)
    if rows:
        blocks, threads = ca.row_launch(rows, L)
        rd.arg_fold(is_max, x.dtype, threads)[blocks, threads](xr.buf, rows, L, out.buf)
    return out


def argmax(x, axis, keepdims):
    return _arg(True, x, axis, keepdims)


def argmin(x, axis, keepdims):
    return _arg(False, x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    return _fold("max", astype(x, np.bool_), axis, keepdims, np.bool_, np.bool_, False)


def all(x, axis=None, keepdims=False):
    return _fold("min", astype(x, np.bool_), axis, keepdims, np.bool_, np.bool_, True)


# ---- the softmax family (CPU twin: kernels/cpu/rowwise.py) ------------------------------------------------
def _rowwise(mode, x, axis, keepdims=False):
    if x.dtype.kind != "f":
        x = astype(x, np.float64)
    scalar_in = x.ndim == 0
    if scalar_in:
        normalize_axis_index(axis, 1)
        x = reshape(x, (1,))
    axis = normalize_axis_index(axis, x.ndim)
    xt, rows, L, kept, dropped = _rows(x, axis)
    out = empty(dropped if mode == rd.LOGSUMEXP else xt.shape, x.dtype)
    if rows:
        blocks, threads = ca.row_launch(rows, L)
        rd.rowwise(mode, threads)[blocks, threads](xt.buf, rows, L, out.buf)
    if mode == rd.LOGSUMEXP:
        out = reshape(out, kept) if keepdims else out
    elif axis != x.ndim - 1:
        out = transpose(out, tuple(np.argsort(tuple(d for d in range(x.ndim) if d != axis) + (axis,))))
    return reshape(out, ()) if scalar_in else out


def logsumexp(x, axis, keepdims=False):
    return _rowwise(rd.LOGSUMEXP, x, axis, keepdims)


def softmax(x, axis):
    return _rowwise(rd.SOFTMAX, x, axis)


def log_softmax(x, axis):
    return _rowwise(rd.LOG_SOFTMAX, x, axis)


def softmax_backward(grad, out, axis):
    """d softmax: out * (grad - sum(grad * out))."""
    return multiply(out, subtract(grad, sum(multiply(grad, out), axis, True)))


def log_softmax_backward(grad, out, axis):
    """d log_softmax: grad - exp(out) * sum(grad)."""
    return subtract(grad, multiply(exp(out), sum(grad, axis, True)))


# ---- linear algebra and movement ------------------------------------------------------------------
def matmul(a, b):
    if a.dtype.kind == "b" or b.dtype.kind == "b":
        raise TypeError("cuda matmul: bool arrays are not supported")
    dtype = np.result_type(a.dtype, b.dtype)
    a, b = astype(a, dtype) if a.dtype != dtype else a, astype(b, dtype) if b.dtype != dtype else b
    va, vb = a.ndim == 1, b.ndim == 1
    a2 = reshape(a, (1, a.shape[0])) if va else a
    b2 = reshape(b, (b.shape[0], 1)) if vb else b
    if a2.shape[-1] != b2.shape[-2]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not match")
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    (M, K), N = a2.shape[-2:], b2.shape[-1]
    a3 = broadcast_to(a2, batch + (M, K)) if a2.shape[:-2] != batch else a2
    b3 = broadcast_to(b2, batch + (K, N)) if b2.shape[:-2] != batch else b2
    out = empty(batch + (M, N), dtype)
    nb = math.prod(batch)
    if nb and M and N:
        if K == 0:
            out = zeros(out.shape, dtype)
        else:
            t = CUDA_MATMUL_TILE_SIMULATED if ca.SIMULATED else CUDA_MATMUL_TILE
            grid = ((N + t - 1) // t, (M + t - 1) // t, nb)
            mm.matmul_kernel(dtype, t)[grid, (t, t)](a3.buf, b3.buf, out.buf, M, K, N)
    shape = batch + ((M,) if not va else ()) + ((N,) if not vb else ())
    return reshape(out, shape)


def linear(x, w, b=None):
    """x @ wᵀ (+ b)."""
    out = matmul(x, transpose(w))
    return out if b is None else add(out, b)


def sum_rows(x):
    """Sum of a 2-D array over its rows (axis 0)."""
    return sum(x, 0, False)


def reshape(x, shape):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    if -1 in shape:
        known = math.prod(n for n in shape if n != -1)
        if known == 0 or x.size % known:
            raise ValueError(f"cannot reshape array of size {x.size} into shape {shape}")
        shape = tuple(x.size // known if n == -1 else n for n in shape)
    if math.prod(shape) != x.size:
        raise ValueError(f"cannot reshape array of size {x.size} into shape {shape}")
    return CudaArray(x.buf, shape, x.dtype, base=x.base if x.base is not None else x)


def transpose(x, axes=None):
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(int(a) % builtins.max(x.ndim, 1) for a in axes)
    shape = tuple(x.shape[a] for a in axes)
    own = c_strides(x.shape)
    out = empty(shape, x.dtype)
    n = out.size
    _launch(ew.map1(ew.UNARY["identity"]), n, out.buf, n, _pad(shape), x.buf, 0,
            tuple(own[a] for a in axes) or (0,))
    return out


def broadcast_to(x, shape):
    shape = tuple(int(n) for n in shape)
    if len(shape) < x.ndim or np.broadcast_shapes(x.shape, shape) != shape:
        raise ValueError(f"cannot broadcast shape {x.shape} to {shape}")
    if shape == x.shape:
        return x
    out = empty(shape, x.dtype)
    _launch(ew.map1(ew.UNARY["identity"]), out.size, out.buf, out.size, _pad(shape), *_operand(x, shape))
    return out


def concatenate(arrays, axis=0):
    arrays = list(arrays)
    first = arrays[0]
    axis = int(axis) % first.ndim
    dtype = np.result_type(*[a.dtype for a in arrays])
    shape = list(first.shape)
    shape[axis] = builtins.sum(a.shape[axis] for a in arrays)
    for a in arrays:
        if a.ndim != first.ndim or a.shape[:axis] + a.shape[axis + 1:] != first.shape[:axis] + first.shape[axis + 1:]:
            raise ValueError(f"concatenate: shapes {first.shape} and {a.shape} differ off axis {axis}")
    out = empty(tuple(shape), dtype)
    strides, start = c_strides(out.shape), 0
    for a in arrays:
        a = astype(a, dtype) if a.dtype != dtype else a
        _strided_copy(out, start * strides[axis], strides, a, a.shape)
        start += a.shape[axis]
    return out


# ---- indexing (index maps are built on the host from the host-side index; data stays on the device) -----
def _is_basic(index):
    return builtins.all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer))
                        and not isinstance(i, (bool, np.bool_)) for i in index)


def _basic_view(shape, index):
    """(offset, strides, shape) in elements of ``x[index]`` for a basic index, without touching memory:
    numpy slices a zero-size stand-in with ``shape``'s strides and we read the view's geometry."""
    if Ellipsis not in index:
        index = index + (Ellipsis,)  # makes numpy return a 0-d view instead of reading a scalar
    probe = np.lib.stride_tricks.as_strided(np.zeros(1, np.int64), shape=shape,
                                            strides=tuple(8 * s for s in c_strides(shape)), writeable=False)
    v = probe[index]
    offset = (v.__array_interface__["data"][0] - probe.__array_interface__["data"][0]) // 8
    return offset, tuple(s // 8 for s in v.strides), v.shape


def _flat_map(shape, index):
    """The flat positions ``x[index]`` reads, as a host int64 array (advanced indexing)."""
    return np.arange(math.prod(shape), dtype=np.int64).reshape(shape)[index]


def _tuple(index):
    return index if isinstance(index, tuple) else (index,)


def getitem(x, index):
    index = _tuple(index)
    if _is_basic(index):
        offset, strides, shape = _basic_view(x.shape, index)
        out = empty(shape, x.dtype)
        _launch(ew.map1(ew.UNARY["identity"]), out.size, out.buf, out.size, _pad(shape), x.buf, offset,
                strides or (0,))
        return out
    flat = _flat_map(x.shape, index)
    out = empty(flat.shape, x.dtype)
    _launch(ix.gather_flat, out.size, out.buf, out.size, x.buf, ca.upload_index(flat))
    return out


def setitem(x, index, value):
    """x[index] = value, in place (value: a CudaArray or a number, broadcast)."""
    index = _tuple(index)
    value = _as_array(value, x.dtype)
    if value.dtype != x.dtype:
        value = astype(value, x.dtype)
    if _is_basic(index):
        offset, strides, shape = _basic_view(x.shape, index)
        _strided_copy(x, offset, strides, value, shape)
        return
    flat = _flat_map(x.shape, index)
    v = broadcast_to(value, flat.shape)
    _launch(ix.scatter_flat, flat.size, x.buf, flat.size, v.buf, ca.upload_index(flat))


def index_add(shape, dtype, index, values, basic):
    """zeros(shape) with ``values`` added at ``index`` (repeated indices accumulate, atomically)."""
    out = zeros(shape, dtype)
    flat = _flat_map(tuple(shape), _tuple(index))
    v = broadcast_to(astype(values, dtype) if values.dtype != dtype else values, flat.shape)
    _launch(ix.scatter_add_flat, flat.size, out.buf, flat.size, v.buf, ca.upload_index(flat))
    return out


def take_along_axis(x, index, axis):
    out = empty(index.shape, x.dtype)
    _launch(ix.take_along, out.size, out.buf, out.size, x.buf, c_strides(x.shape), index.buf, _pad(index.shape),
            axis)
    return out


def scatter_add_along_axis(shape, dtype, index, values, axis):
    """zeros(shape) with ``values[i]`` added at position ``index[i]`` along ``axis`` (torch's scatter_add)."""
    out = zeros(shape, dtype)
    v = astype(values, dtype) if values.dtype != dtype else values
    _launch(ix.scatter_add_along, index.size, out.buf, index.size, c_strides(tuple(shape)), v.buf, index.buf,
            _pad(index.shape), axis)
    return out


# ---- array syntax on CudaArray, for the call sites above kernels/ that still use it ----------------------
# (the optimizers no longer do). Each goes once nothing calls it: run the CUDA suite without it.
def _inplace(fname):
    def f(self, other):
        return _binary(fname, self, other, out=self)
    return f


def _method(fname, reflected=False):
    if reflected:
        return lambda self, other: _binary(fname, other, self)
    return lambda self, other: _binary(fname, self, other)


for _op, _fname in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "divide"),
                    ("pow", "power")):
    setattr(CudaArray, f"__{_op}__", _method(_fname))
    setattr(CudaArray, f"__r{_op}__", _method(_fname, reflected=True))
    setattr(CudaArray, f"__i{_op}__", _inplace(_fname))
for _op, _fname in (("eq", "equal"), ("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"),
                    ("gt", "greater"), ("ge", "greater_equal")):
    setattr(CudaArray, f"__{_op}__", _method(_fname))
CudaArray.__hash__ = object.__hash__
CudaArray.__neg__ = lambda self: _unary("negative", self)
CudaArray.__getitem__ = getitem
CudaArray.__setitem__ = setitem
CudaArray.__array__ = lambda self, dtype=None, copy=None: to_numpy(self) if dtype is None else \
    to_numpy(self).astype(dtype)
CudaArray.copy = copy
CudaArray.astype = lambda self, dtype, copy=True: astype(self, dtype) if copy or np.dtype(dtype) != self.dtype \
    else self
CudaArray.reshape = lambda self, *shape: reshape(self, shape[0] if len(shape) == 1 else shape)
CudaArray.min = lambda self, axis=None, keepdims=False: min(self, axis, keepdims)
CudaArray.max = lambda self, axis=None, keepdims=False: max(self, axis, keepdims)
CudaArray.sum = lambda self, axis=None, keepdims=False: sum(self, axis, keepdims)
CudaArray.__int__ = lambda self: int(to_numpy(self).reshape(()))
CudaArray.__float__ = lambda self: float(to_numpy(self).reshape(()))
CudaArray.item = lambda self: to_numpy(self).reshape(()).item()
