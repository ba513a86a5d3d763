"""Row-wise softmax family along any axis: logsumexp, softmax, log_softmax and their backwards.

numpy reference versions; float32/float64 inputs of at least
``config.NUMBA_MIN_SIZE`` elements go to the numba kernels in
``kernels/cpu/rowwise_numba.py`` (imported on first use, so importing this module
does not import numba).

``axis`` may be negative. A 0-d input is one row of one element (as in torch,
axis must then be 0 or -1). Special values are torch's: log_softmax/softmax
compute ``x - max`` first, so a ``+inf`` entry or an all ``-inf`` row gives nan
for the whole row; logsumexp shifts by 0 when the max is infinite, so it gives
``+inf`` and ``-inf`` there; nan anywhere in a row makes that row nan.
"""
import numpy as np

try:
    from numpy.lib.array_utils import normalize_axis_index
except ImportError:  # numpy < 2
    from numpy.core.multiarray import normalize_axis_index

from kernels.config import NUMBA_MIN_SIZE

_NUMBA_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def numba_sized(x):
    """Use a numba kernel for x? float32/float64, non-empty and at least ``NUMBA_MIN_SIZE``
    elements (also the test of ``kernels/cpu/backend.py``'s element-wise kernels)."""
    return x.dtype in _NUMBA_DTYPES and x.size >= max(NUMBA_MIN_SIZE, 1)


def _cpu():
    from kernels.cpu import rowwise_numba
    return rowwise_numba


def _normalise(x, axis):
    """Return (x as a floating ndarray of ndim >= 1, axis in range, was-0-d)."""
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if x.ndim == 0:
        normalize_axis_index(axis, 1)
        return x.reshape(1), 0, True
    return x, normalize_axis_index(axis, x.ndim), False


def logsumexp(x, axis, keepdims=False):
    x, axis, scalar = _normalise(x, axis)
    out = _cpu().logsumexp(x, axis) if numba_sized(x) else _np_logsumexp(x, axis)
    out = np.expand_dims(out, axis) if keepdims else out
    return out.reshape(()) if scalar else out


def log_softmax(x, axis):
    x, axis, scalar = _normalise(x, axis)
    out = _cpu().log_softmax(x, axis) if numba_sized(x) else _np_log_softmax(x, axis)
    return out.reshape(()) if scalar else out


def softmax(x, axis):
    x, axis, scalar = _normalise(x, axis)
    out = _cpu().softmax(x, axis) if numba_sized(x) else _np_softmax(x, axis)
    return out.reshape(()) if scalar else out


def softmax_backward(grad, out, axis):
    """d softmax: out * (grad - sum(grad * out))."""
    grad, out, axis, scalar = _backward_args(grad, out, axis)
    res = _cpu().softmax_backward(grad, out, axis) if numba_sized(grad) else _np_softmax_backward(grad, out, axis)
    return res.reshape(()) if scalar else res


def log_softmax_backward(grad, out, axis):
    """d log_softmax: grad - exp(out) * sum(grad)."""
    grad, out, axis, scalar = _backward_args(grad, out, axis)
    res = _cpu().log_softmax_backward(grad, out, axis) if numba_sized(grad) else _np_log_softmax_backward(grad, out, axis)
    return res.reshape(()) if scalar else res


def _backward_args(grad, out, axis):
    """(grad, out, axis, was-0-d) with one common dtype."""
    grad, axis, scalar = _normalise(grad, axis)
    out = np.asarray(out).reshape(grad.shape)
    if grad.dtype != out.dtype:
        dtype = np.result_type(grad, out)
        grad, out = grad.astype(dtype), out.astype(dtype)
    return grad, out, axis, scalar


# ---- numpy versions: IEEE results as torch gives them (log 0 = -inf, inf - inf = nan), no warnings ----
@np.errstate(all="ignore")
def _np_logsumexp(x, axis):
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.abs(m) == np.inf, 0, m)                  # torch's shift: 0 where the max is +-inf
    return np.log(np.sum(np.exp(x - m), axis=axis)) + np.squeeze(m, axis)


@np.errstate(all="ignore")
def _np_log_softmax(x, axis):
    out = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    out -= np.log(np.sum(np.exp(out), axis=axis, keepdims=True))
    return out


@np.errstate(all="ignore")
def _np_softmax(x, axis):
    out = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))
    out *= 1 / np.sum(out, axis=axis, keepdims=True)
    return out


@np.errstate(all="ignore")
def _np_softmax_backward(grad, out, axis):
    return out * (grad - np.sum(grad * out, axis=axis, keepdims=True))


@np.errstate(all="ignore")
def _np_log_softmax_backward(grad, out, axis):
    return grad - np.exp(out) * np.sum(grad, axis=axis, keepdims=True)
