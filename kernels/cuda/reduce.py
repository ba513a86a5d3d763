"""Reduction CUDA kernels: one block per output row, a shared-memory tree within the block.

The caller lays the input out as ``rows x L`` (reduced dims last, contiguous). Each thread
folds a strided slice of its row, then the block halves its shared buffer ``log2(threads)``
times. The row-wise softmax family (CPU twin: kernels/cpu/rowwise.py) uses the same scheme twice
per row: a max pass, then a sum of exponentials shifted by it.
"""
import math

import numpy as np
from numba import cuda

from kernels.cuda.elementwise import _add, _exp, _log, _maximum, _minimum

_KERNELS = {}

FOLDS = {"sum": _add, "max": _maximum, "min": _minimum}


def fold(kind, acc_dtype, threads):
    """Kernel ``(x, rows, L, identity, out)``: out[r] = kind-fold of x[r*L:(r+1)*L] (``identity`` if L = 0)."""
    key = ("fold", kind, np.dtype(acc_dtype).str, threads)
    if key not in _KERNELS:
        op = FOLDS[kind]
        dtype = np.dtype(acc_dtype).type

        @cuda.jit
        def kernel(x, rows, L, identity, out):
            buf = cuda.shared.array(threads, dtype)
            tid = cuda.threadIdx.x
            for r in range(cuda.blockIdx.x, rows, cuda.gridDim.x):
                acc = identity[0]
                for j in range(tid, L, threads):
                    acc = op(acc, x[r * L + j])
                buf[tid] = acc
                cuda.syncthreads()
                s = threads // 2
                while s > 0:
                    if tid < s:
                        buf[tid] = op(buf[tid], buf[tid + s])
                    cuda.syncthreads()
                    s //= 2
                if tid == 0:
                    out[r] = buf[0]
                cuda.syncthreads()
        _KERNELS[key] = kernel
    return _KERNELS[key]


def arg_fold(is_max, dtype, threads):
    """Kernel ``(x, rows, L, out)``: index of the first max (min) of each row; nan counts as the extreme."""
    key = ("arg", is_max, np.dtype(dtype).str, threads)
    if key not in _KERNELS:
        vtype = np.dtype(dtype).type

        @cuda.jit(device=True)
        def better(v, i, w, j):
            """Is (v at i) preferred over (w at j)? nan first, then the extreme, then the lower index."""
            if j < 0:
                return i >= 0
            if i < 0:
                return False
            if w != w:
                return v != v and i < j
            if v != v:
                return True
            if v == w:
                return i < j
            return v > w if is_max else v < w

        @cuda.jit
        def kernel(x, rows, L, out):
            vals = cuda.shared.array(threads, vtype)
            idx = cuda.shared.array(threads, np.int64)
            tid = cuda.threadIdx.x
            for r in range(cuda.blockIdx.x, rows, cuda.gridDim.x):
                best_v = x[r * L]
                best_i = -1
                for j in range(tid, L, threads):
                    v = x[r * L + j]
                    if better(v, j, best_v, best_i):
                        best_v, best_i = v, j
                vals[tid] = best_v
                idx[tid] = best_i
                cuda.syncthreads()
                s = threads // 2
                while s > 0:
                    if tid < s and better(vals[tid + s], idx[tid + s], vals[tid], idx[tid]):
                        vals[tid] = vals[tid + s]
                        idx[tid] = idx[tid + s]
                    cuda.syncthreads()
                    s //= 2
                if tid == 0:
                    out[r] = idx[0]
                cuda.syncthreads()
        _KERNELS[key] = kernel
    return _KERNELS[key]


LOGSUMEXP, SOFTMAX, LOG_SOFTMAX = 0, 1, 2


def rowwise(mode, threads):
    """Kernel ``(x, rows, L, out)`` for the softmax family along the last (contiguous) dim.
    logsumexp writes one value per row; softmax and log_softmax write L. Special values are
    torch's: softmax shifts by the max (so +inf or an all -inf row gives nan); logsumexp shifts
    by 0 where the max is infinite."""
    key = ("rowwise", mode, threads)
    if key not in _KERNELS:
        @cuda.jit
        def kernel(x, rows, L, out):
            buf = cuda.shared.array(threads, np.float64)
            tid = cuda.threadIdx.x
            for r in range(cuda.blockIdx.x, rows, cuda.gridDim.x):
                base = r * L
                m = -math.inf
                for j in range(tid, L, threads):
                    m = _maximum(m, x[base + j] * 1.0)
                buf[tid] = m
                cuda.syncthreads()
                s = threads // 2
                while s > 0:
                    if tid < s:
                        buf[tid] = _maximum(buf[tid], buf[tid + s])
                    cuda.syncthreads()
                    s //= 2
                m = buf[0]
                cuda.syncthreads()
                if mode == LOGSUMEXP and (m == math.inf or m == -math.inf):
                    m = 0.0
                acc = 0.0
                for j in range(tid, L, threads):
                    acc += _exp(x[base + j] - m)
                buf[tid] = acc
                cuda.syncthreads()
                s = threads // 2
                while s > 0:
                    if tid < s:
                        buf[tid] += buf[tid + s]
                    cuda.syncthreads()
                    s //= 2
                total = buf[0]
                cuda.syncthreads()
                if mode == LOGSUMEXP:
                    if tid == 0:
                        out[r] = _log(total) + m
                elif mode == SOFTMAX:
                    inv = 1.0 / total
                    for j in range(tid, L, threads):
                        out[base + j] = _exp(x[base + j] - m) * inv
                else:
                    lse = _log(total)
                    for j in range(tid, L, threads):
                        out[base + j] = (x[base + j] - m) - lse
        _KERNELS[key] = kernel
    return _KERNELS[key]
