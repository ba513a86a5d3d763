"""numba kernels for the softmax family along one axis (imported lazily by ``kernels/rowwise.py``).

The input is made C-contiguous and viewed as ``(outer, D, inner)``, ``D`` being
the reduced axis; no transposing copy is made.

* ``inner == 1`` ("rows"): every row is contiguous. ``prange`` over rows; each
  pass over a row is a vectorised loop (max through ``maxnum``, sums through
  helpers compiled with ``reassoc``).
* ``inner > 1`` ("cols"): ``prange`` over tasks made of one outer index and a
  block of ``ROWWISE_COLS_BLOCK`` inner indices; each pass walks ``d`` and is
  vectorised across the block with per-task accumulators (element-wise, so
  exact IEEE order).

Forward: pass 1 max, pass 2 sum of exponentials, pass 3 writes (softmax
stores the exponentials in pass 2 and scales them in pass 3). One exponential
per element everywhere, the backward of log_softmax included.

Floating-point flags: only the helpers whose sole job is a sum carry
``reassoc`` (that is what lets LLVM vectorise a sum; nan and inf propagate
through a sum in any order). Everything that forms an output is plain IEEE.
``vexp`` keeps its own flags (see ``kernels/vexp.py``).

Special values follow torch: the max ignores nan but a nan anywhere makes the
sum nan, so the whole row is nan; a ``+inf`` gives ``inf - inf = nan`` for
(log_)softmax and ``inf`` for logsumexp (whose shift is 0 when the max is
infinite, as in torch); an all ``-inf`` row gives nan for (log_)softmax and
``-inf`` for logsumexp.
"""
import math

import numpy as np
from numba import prange

from kernels._jit import jit
from kernels.config import ROWWISE_COLS_BLOCK
from kernels.vexp import maxnum, vexp

_SUM = {"reassoc"}
_DOT = {"reassoc", "contract"}


# ---- helpers on one contiguous row ------------------------------------------------------------
@jit()
def _row_max(v):
    """Max of a non-empty row, ignoring nan (nan only if all are nan)."""
    m = v[0]
    for i in range(1, v.size):
        m = maxnum(m, v[i])
    return m


@jit(fastmath=_SUM)
def _row_sum_exp(v, m):
    s = v.dtype.type(0)
    for i in range(v.size):
        s += vexp(v[i] - m)
    return s


@jit(fastmath=_SUM)
def _row_store_exp(v, m, out):
    """out = exp(v - m); returns its sum."""
    s = v.dtype.type(0)
    for i in range(v.size):
        e = vexp(v[i] - m)
        out[i] = e
        s += e
    return s


@jit(fastmath=_SUM)
def _row_sum(v):
    s = v.dtype.type(0)
    for i in range(v.size):
        s += v[i]
    return s


@jit(fastmath=_DOT)
def _row_dot(a, b):
    s = a.dtype.type(0)
    for i in range(a.size):
        s += a[i] * b[i]
    return s


# ---- row kernels (inner == 1): arrays are (R, D) ----------------------------------------------
@jit(parallel=True)
def _logsumexp_rows(x, out):
    for r in prange(x.shape[0]):
        xr = x[r]
        m = _row_max(xr)
        if abs(m) == np.inf:
            m = xr.dtype.type(0)
        out[r] = math.log(_row_sum_exp(xr, m)) + m


@jit(parallel=True)
def _log_softmax_rows(x, out):
    for r in prange(x.shape[0]):
        xr = x[r]
        o = out[r]
        m = _row_max(xr)
        ls = math.log(_row_sum_exp(xr, m))
        for i in range(xr.size):
            o[i] = (xr[i] - m) - ls


@jit(parallel=True)
def _softmax_rows(x, out):
    for r in prange(x.shape[0]):
        xr = x[r]
        o = out[r]
        inv = xr.dtype.type(1) / _row_store_exp(xr, _row_max(xr), o)
        for i in range(xr.size):
            o[i] *= inv


@jit(parallel=True)
def _log_softmax_backward_rows(g, y, out):
    for r in prange(g.shape[0]):
        gr = g[r]
        yr = y[r]
        o = out[r]
        s = _row_sum(gr)
        for i in range(gr.size):
            o[i] = gr[i] - vexp(yr[i]) * s


@jit(parallel=True)
def _softmax_backward_rows(g, y, out):
    for r in prange(g.shape[0]):
        gr = g[r]
        yr = y[r]
        o = out[r]
        s = _row_dot(gr, yr)
        for i in range(gr.size):
            o[i] = yr[i] * (gr[i] - s)


# ---- column kernels (inner > 1): arrays are (outer, D, inner) ---------------------------------
@jit()
def _task(t, nb, blk, inner):
    """Task t -> (outer index, first and past-the-last inner index of its block)."""
    o = t // nb
    j0 = (t - o * nb) * blk
    return o, j0, min(j0 + blk, inner)


@jit()
def _block_max(x, o, j0, j1):
    m = x[o, 0, j0:j1].copy()
    for d in range(1, x.shape[1]):
        v = x[o, d, j0:j1]
        for i in range(m.size):
            m[i] = maxnum(m[i], v[i])
    return m


@jit()
def _block_sum_exp(x, o, j0, j1, m):
    s = np.zeros_like(m)
    for d in range(x.shape[1]):
        v = x[o, d, j0:j1]
        for i in range(s.size):
            s[i] += vexp(v[i] - m[i])
    return s


@jit(parallel=True)
def _logsumexp_cols(x, out, blk):
    outer, D, inner = x.shape
    nb = (inner + blk - 1) // blk
    for t in prange(outer * nb):
        o, j0, j1 = _task(t, nb, blk, inner)
        m = _block_max(x, o, j0, j1)
        for i in range(m.size):
            if abs(m[i]) == np.inf:
                m[i] = 0
        s = _block_sum_exp(x, o, j0, j1, m)
        res = out[o, j0:j1]
        for i in range(s.size):
            res[i] = math.log(s[i]) + m[i]


@jit(parallel=True)
def _log_softmax_cols(x, out, blk):
    outer, D, inner = x.shape
    nb = (inner + blk - 1) // blk
    for t in prange(outer * nb):
        o, j0, j1 = _task(t, nb, blk, inner)
        m = _block_max(x, o, j0, j1)
        ls = _block_sum_exp(x, o, j0, j1, m)
        for i in range(ls.size):
            ls[i] = math.log(ls[i])
        for d in range(D):
            v = x[o, d, j0:j1]
            res = out[o, d, j0:j1]
            for i in range(v.size):
                res[i] = (v[i] - m[i]) - ls[i]


@jit(parallel=True)
def _softmax_cols(x, out, blk):
    outer, D, inner = x.shape
    nb = (inner + blk - 1) // blk
    for t in prange(outer * nb):
        o, j0, j1 = _task(t, nb, blk, inner)
        m = _block_max(x, o, j0, j1)
        s = np.zeros_like(m)
        for d in range(D):
            v = x[o, d, j0:j1]
            res = out[o, d, j0:j1]
            for i in range(v.size):
                e = vexp(v[i] - m[i])
                res[i] = e
                s[i] += e
        for i in range(s.size):
            s[i] = s.dtype.type(1) / s[i]
        for d in range(D):
            res = out[o, d, j0:j1]
            for i in range(res.size):
                res[i] *= s[i]


@jit(parallel=True)
def _log_softmax_backward_cols(g, y, out, blk):
    outer, D, inner = g.shape
    nb = (inner + blk - 1) // blk
    for t in prange(outer * nb):
        o, j0, j1 = _task(t, nb, blk, inner)
        s = np.zeros_like(g[o, 0, j0:j1])
        for d in range(D):
            v = g[o, d, j0:j1]
            for i in range(s.size):
                s[i] += v[i]
        for d in range(D):
            gv = g[o, d, j0:j1]
            yv = y[o, d, j0:j1]
            res = out[o, d, j0:j1]
            for i in range(s.size):
                res[i] = gv[i] - vexp(yv[i]) * s[i]


@jit(parallel=True)
def _softmax_backward_cols(g, y, out, blk):
    outer, D, inner = g.shape
    nb = (inner + blk - 1) // blk
    for t in prange(outer * nb):
        o, j0, j1 = _task(t, nb, blk, inner)
        s = np.zeros_like(g[o, 0, j0:j1])
        for d in range(D):
            gv = g[o, d, j0:j1]
            yv = y[o, d, j0:j1]
            for i in range(s.size):
                s[i] += gv[i] * yv[i]
        for d in range(D):
            gv = g[o, d, j0:j1]
            yv = y[o, d, j0:j1]
            res = out[o, d, j0:j1]
            for i in range(s.size):
                res[i] = yv[i] * (gv[i] - s[i])


# ---- Python entry points (called by kernels/rowwise.py with a normalised axis, D >= 1) ---------
def _split(shape, axis):
    return math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:])


def _forward(rows_kernel, cols_kernel, x, axis):
    x = np.ascontiguousarray(x)
    out = np.empty_like(x)
    outer, d, inner = _split(x.shape, axis)
    if inner == 1:
        rows_kernel(x.reshape(outer, d), out.reshape(outer, d))
    else:
        cols_kernel(x.reshape(outer, d, inner), out.reshape(outer, d, inner), ROWWISE_COLS_BLOCK)
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
        cols_kernel(grad.reshape(shape), out.reshape(shape), res.reshape(shape), ROWWISE_COLS_BLOCK)
    return res


def logsumexp(x, axis):
    """logsumexp along ``axis`` (axis removed); ``x`` float32/float64, ``x.shape[axis] >= 1``."""
    x = np.ascontiguousarray(x)
    outer, d, inner = _split(x.shape, axis)
    out = np.empty(x.shape[:axis] + x.shape[axis + 1:], x.dtype)
    if inner == 1:
        _logsumexp_rows(x.reshape(outer, d), out.reshape(outer))
    else:
        _logsumexp_cols(x.reshape(outer, d, inner), out.reshape(outer, inner), ROWWISE_COLS_BLOCK)
    return out


def log_softmax(x, axis):
    return _forward(_log_softmax_rows, _log_softmax_cols, x, axis)


def softmax(x, axis):
    return _forward(_softmax_rows, _softmax_cols, x, axis)


def log_softmax_backward(grad, out, axis):
    return _backward(_log_softmax_backward_rows, _log_softmax_backward_cols, grad, out, axis)


def softmax_backward(grad, out, axis):
    return _backward(_softmax_backward_rows, _softmax_backward_cols, grad, out, axis)
