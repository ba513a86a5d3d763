"""numba kernels for the softmax family along one axis (imported lazily by ``kernels/cpu/rowwise.py``).

The input is made C-contiguous and viewed as ``(outer, D, inner)``, ``D`` being
the reduced axis; no transposing copy is made.

* ``inner == 1`` ("rows"): every row is contiguous. ``prange`` over rows; each
  pass over a row is a vectorised loop (max as an integer max of ``order_key``,
  sums through helpers compiled with ``reassoc``).
* ``inner > 1`` ("cols"): ``prange`` over tasks made of one outer index and a
  block of inner indices (``_cols_block``: all of them where there are enough
  outer indices); each pass walks ``d`` and is vectorised across the block with
  per-task accumulators (element-wise, so exact IEEE order).

Forward: pass 1 max, pass 2 sum of exponentials, pass 3 writes (softmax
stores the exponentials in pass 2 and scales them in pass 3). One exponential
per element everywhere, the backward of log_softmax included.

Floating-point flags: only the helpers whose sole job is a sum carry
``reassoc`` (that is what lets LLVM vectorise a sum; nan and inf propagate
through a sum in any order). Everything that forms an output is plain IEEE.
``vexp`` keeps its own flags (see ``kernels/cpu/vexp.py``).

Special values follow torch: a nan anywhere makes its row nan (through the
max, or else through the sum of exponentials); a ``+inf`` gives ``inf - inf =
nan`` for (log_)softmax and ``inf`` for logsumexp (whose shift is 0 when the
max is infinite, as in torch); an all ``-inf`` row gives nan for (log_)softmax
and ``-inf`` for logsumexp.
"""
import math

import numpy as np
from numba import get_num_threads, prange

from kernels._jit import jit
from kernels.cpu.vexp import from_order_key, order_key, vexp

_SUM = {"reassoc"}
_DOT = {"reassoc", "contract"}
_u = np.uint64
# Indices are unsigned in the loops below: numba gives a signed index a negative-index
# wraparound, and with it LLVM keeps these loops on the scalar path (measured 5x slower).
# Nor do the loops slice in a prange body: a slice updates the array's reference count,
# an atomic on memory that every thread shares.


# ---- helpers on x[r, j0:j1], a range of one row of a 2-D array ---------------------------------
@jit()
def _max(x, r, j0, j1):
    """Max of x[r, j0:j1] (non-empty); with a nan among them, nan or the max of the others."""
    r = _u(r)
    m = order_key(x[r, _u(j0)])
    for j in range(_u(j0 + 1), _u(j1)):
        m = max(m, order_key(x[r, j]))
    return from_order_key(m)


@jit(fastmath=_SUM)
def _sum_exp(x, r, j0, j1, m):
    r = _u(r)
    s = x.dtype.type(0)
    for j in range(_u(j0), _u(j1)):
        s += vexp(x[r, j] - m)
    return s


@jit(fastmath=_SUM)
def _store_exp(x, r, j0, j1, m, out):
    """out[r, j0:j1] = exp(x[r, j0:j1] - m); returns its sum."""
    r = _u(r)
    s = x.dtype.type(0)
    for j in range(_u(j0), _u(j1)):
        e = vexp(x[r, j] - m)
        out[r, j] = e
        s += e
    return s


@jit(fastmath=_SUM)
def _sum(x, r):
    r = _u(r)
    s = x.dtype.type(0)
    for j in range(_u(x.shape[1])):
        s += x[r, j]
    return s


@jit(fastmath=_DOT)
def _dot(a, b, r):
    r = _u(r)
    s = a.dtype.type(0)
    for j in range(_u(a.shape[1])):
        s += a[r, j] * b[r, j]
    return s


# ---- row kernels (inner == 1): arrays are (R, D) ----------------------------------------------
@jit(parallel=True)
def _logsumexp_rows(x, out):
    d = x.shape[1]
    for r in prange(x.shape[0]):
        m = _max(x, r, 0, d)
        if abs(m) == np.inf:
            m = x.dtype.type(0)
        out[r] = math.log(_sum_exp(x, r, 0, d, m)) + m


@jit(parallel=True)
def _log_softmax_rows(x, out):
    d = x.shape[1]
    for r in prange(x.shape[0]):
        m = _max(x, r, 0, d)
        ls = math.log(_sum_exp(x, r, 0, d, m))
        r = _u(r)
        for j in range(_u(d)):
            out[r, j] = (x[r, j] - m) - ls


@jit(parallel=True)
def _softmax_rows(x, out):
    d = x.shape[1]
    for r in prange(x.shape[0]):
        inv = x.dtype.type(1) / _store_exp(x, r, 0, d, _max(x, r, 0, d), out)
        r = _u(r)
        for j in range(_u(d)):
            out[r, j] *= inv


@jit(parallel=True)
def _log_softmax_backward_rows(g, y, out):
    for r in prange(g.shape[0]):
        s = _sum(g, r)
        r = _u(r)
        for j in range(_u(g.shape[1])):
            out[r, j] = g[r, j] - vexp(y[r, j]) * s


@jit(parallel=True)
def _softmax_backward_rows(g, y, out):
    for r in prange(g.shape[0]):
        s = _dot(g, y, r)
        r = _u(r)
        for j in range(_u(g.shape[1])):
            out[r, j] = y[r, j] * (g[r, j] - s)


# ---- column kernels (inner > 1): arrays are (outer, D, inner). A task is one outer index o and
# the inner indices j0:j0+n; the passes walk d with one accumulator per inner index (exact IEEE
# order), vectorised across the block ------------------------------------------------------------
@jit()
def _task(t, nb, blk, inner):
    """Task t -> (outer index, first inner index, block length), all unsigned."""
    o = t // nb
    j0 = (t - o * nb) * blk
    return _u(o), _u(j0), _u(min(blk, inner - j0))


@jit()
def _block_max(x, o, j0, n):
    m = np.empty(n, x.dtype)
    for i in range(n):
        m[i] = x[o, 0, j0 + i]
    for d in range(_u(1), _u(x.shape[1])):
        for i in range(n):
            v = x[o, d, j0 + i]
            m[i] = v if v > m[i] else m[i]             # ignores a nan v; a nan m[i] stays
    return m


@jit()
def _block_sum_exp(x, o, j0, n, m):
    s = np.zeros_like(m)
    for d in range(_u(x.shape[1])):
        for i in range(n):
            s[i] += vexp(x[o, d, j0 + i] - m[i])
    return s


@jit(parallel=True)
def _logsumexp_cols(x, out, blk):
    nb = (x.shape[2] + blk - 1) // blk
    for t in prange(x.shape[0] * nb):
        o, j0, n = _task(t, nb, blk, x.shape[2])
        m = _block_max(x, o, j0, n)
        for i in range(n):
            if abs(m[i]) == np.inf:
                m[i] = 0
        s = _block_sum_exp(x, o, j0, n, m)
        for i in range(n):
            out[o, j0 + i] = math.log(s[i]) + m[i]


@jit(parallel=True)
def _log_softmax_cols(x, out, blk):
    nb = (x.shape[2] + blk - 1) // blk
    for t in prange(x.shape[0] * nb):
        o, j0, n = _task(t, nb, blk, x.shape[2])
        m = _block_max(x, o, j0, n)
        ls = _block_sum_exp(x, o, j0, n, m)
        for i in range(n):
            ls[i] = math.log(ls[i])
        for d in range(_u(x.shape[1])):
            for i in range(n):
                out[o, d, j0 + i] = (x[o, d, j0 + i] - m[i]) - ls[i]


@jit(parallel=True)
def _softmax_cols(x, out, blk):
    nb = (x.shape[2] + blk - 1) // blk
    for t in prange(x.shape[0] * nb):
        o, j0, n = _task(t, nb, blk, x.shape[2])
        m = _block_max(x, o, j0, n)
        s = np.zeros_like(m)
        for d in range(_u(x.shape[1])):
            for i in range(n):
                e = vexp(x[o, d, j0 + i] - m[i])
                out[o, d, j0 + i] = e
                s[i] += e
        for i in range(n):
            s[i] = s.dtype.type(1) / s[i]
        for d in range(_u(x.shape[1])):
            for i in range(n):
                out[o, d, j0 + i] *= s[i]


@jit(parallel=True)
def _log_softmax_backward_cols(g, y, out, blk):
    nb = (g.shape[2] + blk - 1) // blk
    for t in prange(g.shape[0] * nb):
        o, j0, n = _task(t, nb, blk, g.shape[2])
        s = np.zeros(n, g.dtype)
        for d in range(_u(g.shape[1])):
            for i in range(n):
                s[i] += g[o, d, j0 + i]
        for d in range(_u(g.shape[1])):
            for i in range(n):
                out[o, d, j0 + i] = g[o, d, j0 + i] - vexp(y[o, d, j0 + i]) * s[i]


@jit(parallel=True)
def _softmax_backward_cols(g, y, out, blk):
    nb = (g.shape[2] + blk - 1) // blk
    for t in prange(g.shape[0] * nb):
        o, j0, n = _task(t, nb, blk, g.shape[2])
        s = np.zeros(n, g.dtype)
        for d in range(_u(g.shape[1])):
            for i in range(n):
                s[i] += g[o, d, j0 + i] * y[o, d, j0 + i]
        for d in range(_u(g.shape[1])):
            for i in range(n):
                out[o, d, j0 + i] = y[o, d, j0 + i] * (g[o, d, j0 + i] - s[i])


# ---- Python entry points (called by kernels/cpu/rowwise.py with a normalised axis, D >= 1) ---------
def _split(shape, axis):
    return math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:])


def _cols_block(outer, inner):
    """Inner indices per task of the column kernels. All of them (each pass then streams whole
    rows) unless there are fewer outer indices than threads and the rows are long; then blocks of
    at least 1024, one task per thread. Measured, CPU ms of one thread for log_softmax float32:
    (1, 8192, 1000) whole rows 7.4, blocks of 512 18.3; (1, 1000, 8192) whole 10.5, 512 10.9."""
    split = min(-(-get_num_threads() // outer), inner // 1024)
    return inner if split <= 1 else -(-inner // (16 * split)) * 16


def _forward(rows_kernel, cols_kernel, x, axis):
    x = np.ascontiguousarray(x)
    out = np.empty_like(x)
    outer, d, inner = _split(x.shape, axis)
    if inner == 1:
        rows_kernel(x.reshape(outer, d), out.reshape(outer, d))
    else:
        cols_kernel(x.reshape(outer, d, inner), out.reshape(outer, d, inner),
                    _cols_block(outer, inner))
    return out


def _backward(rows_kernel, cols_kernel, grad, out, axis):
    grad = np.ascontiguousarray(grad)
    out = np.ascontiguousarray(out)
    res = np.empty_like(grad)
    outer, d, inner = _split(grad.shape, axis)
    if inner == 1:
        shape = (outer, d)
        rows_kernel(grad.reshape(shape), out.reshape(shape), res.reshape(shape))
    else:
        shape = (outer, d, inner)
        cols_kernel(grad.reshape(shape), out.reshape(shape), res.reshape(shape),
                    _cols_block(outer, inner))
    return res


def logsumexp(x, axis):
    """logsumexp along ``axis`` (axis removed); ``x`` float32/float64, ``x.shape[axis] >= 1``."""
    x = np.ascontiguousarray(x)
    outer, d, inner = _split(x.shape, axis)
    out = np.empty(x.shape[:axis] + x.shape[axis + 1:], x.dtype)
    if inner == 1:
        _logsumexp_rows(x.reshape(outer, d), out.reshape(outer))
    else:
        _logsumexp_cols(x.reshape(outer, d, inner), out.reshape(outer, inner), _cols_block(outer, inner))
    return out


def log_softmax(x, axis):
    return _forward(_log_softmax_rows, _log_softmax_cols, x, axis)


def softmax(x, axis):
    return _forward(_softmax_rows, _softmax_cols, x, axis)


def log_softmax_backward(grad, out, axis):
    return _backward(_log_softmax_backward_rows, _log_softmax_backward_cols, grad, out, axis)


def softmax_backward(grad, out, axis):
    return _backward(_softmax_backward_rows, _softmax_backward_cols, grad, out, axis)
