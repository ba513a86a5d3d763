"""The CPU backend: numpy for most elementwise and linear-algebra work, numba kernels (imported
on first use) for the hot loops: the softmax family, relu and the bias add of large arrays, the
fused cross-entropy and CTC.

This module's functions are the backend interface: a device backend (``kernels/cuda/backend.py``)
provides the same names with the same meaning on its own arrays. Arrays in, arrays out.
"""
import numpy as np

from kernels.cpu import rowwise
from kernels.cpu.ctc import ctc_loss_forward, ctc_loss_forward_backward  # noqa: F401  (numba on first call)


# ---- moving data --------------------------------------------------------------------------
name = "cpu"


def from_numpy(a):
    """Host array -> this device (here: the same array)."""
    return a


def to_numpy(a):
    return np.asarray(a)


def copy(a):
    return np.array(a, copy=True)


def astype(a, dtype):
    return a.astype(dtype)


zeros = np.zeros
ones = np.ones
full = np.full
empty = np.empty
arange = np.arange
eye = np.eye

# ---- elementwise ---------------------------------------------------------------------------
negative = np.negative
exp = np.exp
log = np.log
log1p = np.log1p
expm1 = np.expm1
sqrt = np.sqrt
sin = np.sin
cos = np.cos
tanh = np.tanh
abs = np.abs
sign = np.sign
add = np.add
subtract = np.subtract
multiply = np.multiply
divide = np.divide
power = np.power
maximum = np.maximum
minimum = np.minimum
where = np.where
clip = np.clip
equal = np.equal
not_equal = np.not_equal
less = np.less
less_equal = np.less_equal
greater = np.greater
greater_equal = np.greater_equal
logical_and = np.logical_and
logical_or = np.logical_or
logical_xor = np.logical_xor
logical_not = np.logical_not
isnan = np.isnan
isinf = np.isinf
isfinite = np.isfinite


def sigmoid(x):
    # 1/(1+e^-x) for x >= 0, e^x/(1+e^x) otherwise: no overflow, full precision in both tails
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _numba_sized(a, b=None):
    """Hand a (and b) to a numba kernel? ``rowwise.numba_sized(a)``, and both C-contiguous, of one dtype."""
    return (rowwise.numba_sized(a) and a.flags.c_contiguous
            and (b is None or (b.dtype == a.dtype and b.flags.c_contiguous)))


def _elementwise():
    from kernels.cpu import elementwise
    return elementwise


def relu(x):
    if _numba_sized(x):
        out = np.empty_like(x)
        _elementwise().relu(x.reshape(-1), out.reshape(-1))
        return out
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def relu_backward(g, out):
    """0 where out <= 0, else g (relu'(0) = 0; as torch, a nan output passes its gradient)."""
    if g.shape == out.shape and _numba_sized(g, out):
        grad_in = np.empty_like(g)
        _elementwise().relu_backward(g.reshape(-1), out.reshape(-1), grad_in.reshape(-1))
        return grad_in
    return np.where(out <= 0, g.dtype.type(0), g)


def erf(x):
    from kernels.cpu.special import erf as kernel
    if x.dtype in (np.float32, np.float64):
        return kernel(x)
    return kernel(x.astype(np.float32)).astype(x.dtype)  # float16: computed in float32


def linear(x, w, b=None):
    """x @ wᵀ (+ b): the bias is added in place into the product."""
    out = np.matmul(x, w.T)
    if b is None:
        return out
    if out.ndim == 2 and b.ndim == 1 and _numba_sized(out, b):
        _elementwise().add_rows_inplace(out, b)
        return out
    return np.add(out, b, out=out) if b.dtype == out.dtype else np.add(out, b)


def sum_rows(x):
    """Sum of a 2-D array over its rows (axis 0): a bias gradient. A matrix-vector product with a
    vector of ones for floats (BLAS: 4x faster than numpy's sum over axis 0 at (300, 100))."""
    if x.dtype in (np.float32, np.float64):
        return np.ones(x.shape[0], x.dtype) @ x
    return np.sum(x, axis=0)


# ---- reductions ----------------------------------------------------------------------------
def sum(x, axis, keepdims):
    return np.add.reduce(x, axis=axis, keepdims=keepdims)   # np.sum without its Python wrapper


def max(x, axis, keepdims):
    return np.max(x, axis=axis, keepdims=keepdims)


def min(x, axis, keepdims):
    return np.min(x, axis=axis, keepdims=keepdims)


def argmax(x, axis, keepdims):
    return np.argmax(x, axis=axis, keepdims=keepdims)


def argmin(x, axis, keepdims):
    return np.argmin(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    return np.any(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return np.all(x, axis=axis, keepdims=keepdims)


logsumexp = rowwise.logsumexp
softmax = rowwise.softmax
log_softmax = rowwise.log_softmax
softmax_backward = rowwise.softmax_backward
log_softmax_backward = rowwise.log_softmax_backward

# ---- linear algebra and movement ----------------------------------------------------------
matmul = np.matmul
reshape = np.reshape
transpose = np.transpose


def broadcast_to(x, shape):
    """A read-only broadcast view, as np.broadcast_to. A one-element array (the gradient of a
    full sum or mean) takes a shortcut: np.broadcast_to's checks cost twice the view itself."""
    if x.size == 1 and x.flags.c_contiguous and len(shape) >= x.ndim:
        view = np.ndarray(shape, x.dtype, x, strides=(0,) * len(shape))
        view.flags.writeable = False
        return view
    return np.broadcast_to(x, shape)


concatenate = np.concatenate


def getitem(x, index):
    return x[index]


def index_add(shape, dtype, index, values, basic):
    """zeros(shape) with ``values`` added at ``index`` (repeated indices accumulate)."""
    out = np.zeros(shape, dtype)
    if basic:
        out[index] = values
    else:
        np.add.at(out, index, values)
    return out


def take_along_axis(x, index, axis):
    return np.take_along_axis(x, index, axis)


def scatter_add_along_axis(shape, dtype, index, values, axis):
    """zeros(shape) with ``values[i]`` added at position ``index[i]`` along ``axis`` (torch's scatter_add)."""
    out = np.zeros(shape, dtype)
    coords = list(np.indices(index.shape, sparse=True))
    coords[axis] = index
    np.add.at(out, tuple(coords), values)
    return out


def scalar(value, dtype):
    """A 0-d array holding a Python number, for ops between a tensor and a scalar."""
    try:
        return np.asarray(value, dtype=dtype)
    except OverflowError:  # e.g. -3 for uint8: wrap around like torch (and C) instead of raising
        return np.asarray(value).astype(dtype)


def softplus(z):
    """log(1 + e^z) without overflow: logaddexp(0, z) = max(z, 0) + log1p(e^-|z|)."""
    return np.logaddexp(0, z).astype(z.dtype, copy=False)


# ---- fused losses (numba kernels, imported on first use) ------------------------------------
def cross_entropy_fused(*args, **kwargs):
    """See ``kernels/cpu/cross_entropy.py: cross_entropy_fused``."""
    from kernels.cpu.cross_entropy import cross_entropy_fused as kernel
    return kernel(*args, **kwargs)
