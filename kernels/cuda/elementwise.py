"""Elementwise CUDA kernels: unary, binary and ternary maps with broadcasting, and strided copies.

Every map is a grid-stride loop over the output's flat index ``i``; each operand is read at
``offset + sum(coord[d] * stride[d])`` with stride 0 along broadcast dims, so one kernel covers
broadcasting, transposes and basic slices. Scalar maths is written once as device functions;
the math-module calls are guarded so that IEEE results (log 0 = -inf, sqrt -1 = nan) come out
the same on a GPU and in numba's simulator (whose ``math`` raises on those).
"""
import math

from numba import cuda

INF = math.inf
NAN = math.nan

device = cuda.jit(device=True)


# ---- scalar maths (the CPU twin is numpy's ufuncs in kernels/cpu/backend.py) ----------------------------
@device
def _identity(x):
    return x


@device
def _to_bool(x):
    return x != 0


@device
def _negative(x):
    return -x


@device
def _exp(x):
    if x > 709.0:  # NOTE math.exp raises OverflowError in the simulator; IEEE says inf
        return INF
    return math.exp(x)


@device
def _log(x):
    if x > 0:
        return math.log(x)
    if x == 0:
        return -INF
    return NAN  # negative or nan


@device
def _log1p(x):
    if x > -1:
        return math.log1p(x)
    if x == -1:
        return -INF
    return NAN


@device
def _expm1(x):
    if x > 709.0:
        return INF
    return math.expm1(x)


@device
def _sqrt(x):
    if x >= 0:
        return math.sqrt(x)
    return NAN


@device
def _sin(x):
    if math.isinf(x):
        return NAN
    return math.sin(x)


@device
def _cos(x):
    if math.isinf(x):
        return NAN
    return math.cos(x)


@device
def _tanh(x):
    return math.tanh(x)


@device
def _abs(x):
    return abs(x)


@device
def _sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return x  # 0, -0 or nan


@device
def _sigmoid(x):
    # 1/(1+e^-x) for x >= 0, e^x/(1+e^x) otherwise: exp(-|x|) never overflows
    e = math.exp(-abs(x)) if not math.isinf(x) else 0.0
    if x >= 0:
        return 1.0 / (1.0 + e)
    if x < 0:
        return e / (1.0 + e)
    return x  # nan


@device
def _relu(x):
    if x > 0 or x != x:  # nan propagates (numpy's maximum(nan, 0))
        return x
    return 0


@device
def _erf(x):
    return math.erf(x)


@device
def relu_backward(g, out):
    """0 where out <= 0, else g (a nan output passes its gradient, as in torch)."""
    if out <= 0:
        return 0
    return g


@device
def _softplus(x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
    if math.isinf(x):
        return x if x > 0 else 0.0
    m = x if x > 0 else 0.0
    return m + math.log1p(math.exp(-abs(x)))


@device
def _isnan(x):
    return x != x


@device
def _isinf(x):
    return x == INF or x == -INF


@device
def _isfinite(x):
    return x == x and x != INF and x != -INF


@device
def _logical_not(x):
    return not x


@device
def _add(a, b):
    return a + b


@device
def _subtract(a, b):
    return a - b


@device
def _multiply(a, b):
    return a * b


@device
def _divide(a, b):
    return a / b


@device
def _power(a, b):
    return a ** b


@device
def _maximum(a, b):
    if a != a or a > b:  # nan propagates, as numpy.maximum
        return a
    return b


@device
def _minimum(a, b):
    if a != a or a < b:
        return a
    return b


@device
def _equal(a, b):
    return a == b


@device
def _not_equal(a, b):
    return a != b


@device
def _less(a, b):
    return a < b


@device
def _less_equal(a, b):
    return a <= b


@device
def _greater(a, b):
    return a > b


@device
def _greater_equal(a, b):
    return a >= b


@device
def _logical_and(a, b):
    return a and b


@device
def _logical_or(a, b):
    return a or b


@device
def _logical_xor(a, b):
    return a != b


@device
def _where(c, a, b):
    return a if c else b


UNARY = {name[1:]: globals()[name] for name in (
    "_identity", "_to_bool", "_negative", "_exp", "_log", "_log1p", "_expm1", "_sqrt", "_sin", "_cos", "_tanh",
    "_abs", "_sign", "_sigmoid", "_relu", "_erf", "_softplus", "_isnan", "_isinf", "_isfinite", "_logical_not")}
BINARY = {name[1:]: globals()[name] for name in (
    "_add", "_subtract", "_multiply", "_divide", "_power", "_maximum", "_minimum", "_equal", "_not_equal",
    "_less", "_less_equal", "_greater", "_greater_equal", "_logical_and", "_logical_or", "_logical_xor")}


# ---- kernels, one per scalar function, built on first use ------------------------------------------
_KERNELS = {}


def map1(op):
    """Kernel ``(out, n, shape, a, a_off, a_strides)``: out[i] = op(a at i's coordinates)."""
    key = ("map1", op)
    if key not in _KERNELS:
        @cuda.jit
        def kernel(out, n, shape, a, ao, as_):
            for i in range(cuda.grid(1), n, cuda.gridsize(1)):
                rem, ia = i, ao
                for d in range(len(shape) - 1, -1, -1):
                    c = rem % shape[d]
                    rem //= shape[d]
                    ia += c * as_[d]
                out[i] = op(a[ia])
        _KERNELS[key] = kernel
    return _KERNELS[key]


def map2(op):
    """Kernel ``(out, n, shape, a, a_off, a_strides, b, b_off, b_strides)``."""
    key = ("map2", op)
    if key not in _KERNELS:
        @cuda.jit
        def kernel(out, n, shape, a, ao, as_, b, bo, bs):
            for i in range(cuda.grid(1), n, cuda.gridsize(1)):
                rem, ia, ib = i, ao, bo
                for d in range(len(shape) - 1, -1, -1):
                    c = rem % shape[d]
                    rem //= shape[d]
                    ia += c * as_[d]
                    ib += c * bs[d]
                out[i] = op(a[ia], b[ib])
        _KERNELS[key] = kernel
    return _KERNELS[key]


def map3(op):
    """Kernel ``(out, n, shape, a, a_off, a_strides, b, ..., c, ...)``."""
    key = ("map3", op)
    if key not in _KERNELS:
        @cuda.jit
        def kernel(out, n, shape, a, ao, as_, b, bo, bs, c, co, cs):
            for i in range(cuda.grid(1), n, cuda.gridsize(1)):
                rem, ia, ib, ic = i, ao, bo, co
                for d in range(len(shape) - 1, -1, -1):
                    k = rem % shape[d]
                    rem //= shape[d]
                    ia += k * as_[d]
                    ib += k * bs[d]
                    ic += k * cs[d]
                out[i] = op(a[ia], b[ib], c[ic])
        _KERNELS[key] = kernel
    return _KERNELS[key]


@cuda.jit
def copy_strided(dst, do, ds, n, shape, src, so, ss):
    """dst[do + coord.ds] = src[so + coord.ss] for every coordinate of ``shape`` (setitem, concatenate)."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        rem, isrc, idst = i, so, do
        for d in range(len(shape) - 1, -1, -1):
            c = rem % shape[d]
            rem //= shape[d]
            isrc += c * ss[d]
            idst += c * ds[d]
        dst[idst] = src[isrc]
