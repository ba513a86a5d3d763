"""Fused cross-entropy on CUDA: the twin of ``kernels/cpu/cross_entropy.py`` (same arguments, results, special values).

One block per row (grid-stride over rows), threads strided over the classes. Per row:

1. online max and sum: each thread keeps ``(m, s)`` with ``s = sum exp(x - m)`` over its logits,
   rescaling ``s`` by ``exp(m_old - m_new)`` when the max grows, so each logit costs one
   exponential; the block merges the pairs in shared memory (``s1 e^(m1-M) + s2 e^(m2-M)``);
2. the gradient pass: ``p_j = exp(x_j - M) / S``, ``grad = a p_j - k w_j``, minus ``scale (1-eps) w_y``
   at the target, and (label smoothing) ``sum_c w_c (x_c - M)`` folded in shared memory for the loss.

The gradient pass recomputes ``exp(x - M)`` rather than storing the first pass's exponentials: on a
GPU the kernel is bound by memory traffic, and storing then rescaling would cost a full extra
read and write of the (N, C) gradient for the sake of one exponential per logit.

Loss and gradient formulas (and what ignored rows and special values give) are the CPU kernel's
docstring's; the reductions 'mean' / 'sum' run on the device, accumulating in float64.
"""
import math

import numpy as np
from numba import cuda

from kernels.cuda import array as ca
from kernels.cuda.elementwise import _exp, _log

_KERNELS = {}
_REDUCTIONS = ("none", "mean", "sum")


def _row_kernel(dtype, threads):
    """Kernel ``(x, rows, C, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad)``
    on flat buffers: x and grad are rows x C, loss is rows; keep = 1-eps, smooth = eps/C, w_sum = sum(w)."""
    key = (np.dtype(dtype).str, threads)
    if key in _KERNELS:
        return _KERNELS[key]
    vtype = np.dtype(dtype).type

    @cuda.jit
    def kernel(x, rows, C, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad):
        sm = cuda.shared.array(threads, vtype)
        ss = cuda.shared.array(threads, vtype)
        tid = cuda.threadIdx.x
        zero = keep - keep
        one = zero + 1
        for r in range(cuda.blockIdx.x, rows, cuda.gridDim.x):
            base = r * C
            # ---- pass 1: this thread's (m, s), one exponential per logit ----
            m = -math.inf + zero
            s = zero
            for j in range(tid, C, threads):
                v = x[base + j]
                if v > m:
                    # (v - v + 1) is 1, or nan for v = +inf (as exp(inf - inf) is in the CPU kernel)
                    s = s * _exp(m - v) + (v - v + one)
                    m = v
                elif v != -math.inf:        # -inf adds 0 (even when m is -inf); nan makes s nan
                    s += _exp(v - m)
            sm[tid] = m
            ss[tid] = s
            cuda.syncthreads()
            h = threads // 2
            while h > 0:
                if tid < h:
                    m1, m2 = sm[tid], sm[tid + h]
                    mm = m2 if m2 > m1 else m1
                    # a part with m = -inf holds s = 0 (or nan, kept): scale it by 0, not exp(nan)
                    t1 = ss[tid] * (_exp(m1 - mm) if m1 != -math.inf else zero)
                    t2 = ss[tid + h] * (_exp(m2 - mm) if m2 != -math.inf else zero)
                    sm[tid] = mm
                    ss[tid] = t1 + t2
                cuda.syncthreads()
                h //= 2
            M = sm[0]
            S = ss[0]
            cuda.syncthreads()   # sm / ss are reused below
            log_s = _log(S)
            inv_s = one / S
            # ---- the row's coefficients: grad = a p - k w (k without weights), then the target entry ----
            y = target[r]
            kept = y != ignore_index
            a = zero
            k = zero
            wy = zero
            if kept:
                wy = w[y] if has_weight else one
                if smooth > 0:
                    a = scale * (keep * wy + smooth * w_sum)
                    k = scale * smooth
                else:
                    a = scale * wy
            # ---- pass 2: gradient, and sum_c w_c (x_c - M) for the smoothed loss ----
            shift = zero
            for j in range(tid, C, threads):
                v = x[base + j]
                e = zero if v == -math.inf else _exp(v - M)
                wj = w[j] if has_weight else one
                g = (e * inv_s) * a - k * wj
                if kept and j == y:
                    g -= scale * keep * wy
                grad[base + j] = g
                if smooth > 0:
                    shift += wj * (v - M)
            if smooth > 0:   # the same for the whole block, so every thread meets the barriers
                ss[tid] = shift
                cuda.syncthreads()
                h = threads // 2
                while h > 0:
                    if tid < h:
                        ss[tid] += ss[tid + h]
                    cuda.syncthreads()
                    h //= 2
            if tid == 0:
                if kept:
                    nll = -wy * ((x[base + y] - M) - log_s)
                    if smooth > 0:
                        loss[r] = keep * nll + smooth * (log_s * w_sum - ss[0])
                    else:
                        loss[r] = nll
                else:
                    loss[r] = zero
            cuda.syncthreads()
    _KERNELS[key] = kernel
    return kernel


def cross_entropy_fused(logits, target, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    """``kernels.cpu.cross_entropy.cross_entropy_fused`` on CUDA: (N, C) CudaArray logits -> (loss, grad) CudaArrays.

    ``target`` and ``weight`` may be host arrays or CudaArrays; targets are validated on the host, and
    the 'mean' denominator is computed on the host from them (torch does the same sum).
    """
    from kernels.cuda import backend as G
    if not isinstance(logits, ca.CudaArray) or logits.ndim != 2 or logits.dtype not in (np.float32, np.float64):
        raise TypeError(f"cross_entropy_fused: expected (N, C) float32/float64 cuda logits, got "
                        f"{type(logits).__name__} {getattr(logits, 'dtype', None)} {getattr(logits, 'shape', None)}")
    n_rows, n_cls = logits.shape
    if n_cls == 0:
        raise ValueError(f"cross_entropy_fused: expected at least one class, got logits of shape {logits.shape}")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"cross_entropy_fused: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    dtype = logits.dtype
    t_host = (ca.to_numpy(target) if isinstance(target, ca.CudaArray) else np.asarray(target)).astype(np.int64)
    if t_host.shape != (n_rows,):
        raise ValueError(f"cross_entropy_fused: expected target of shape ({n_rows},), got {t_host.shape}")
    kept = t_host != ignore_index
    bad = kept & ((t_host < 0) | (t_host >= n_cls))
    if bad.any():
        raise IndexError(f"cross_entropy_fused: target {t_host[bad][0]} is out of bounds "
                         f"(expected 0 <= target < {n_cls}, or ignore_index={ignore_index})")
    has_weight = weight is not None
    w_host = None
    if has_weight:
        w_host = (ca.to_numpy(weight) if isinstance(weight, ca.CudaArray) else np.asarray(weight)).astype(dtype)
        if w_host.shape != (n_cls,):
            raise ValueError(f"cross_entropy_fused: expected weight of shape ({n_cls},), got {w_host.shape}")
    eps = max(float(label_smoothing), 0.0)
    if reduction == "mean":
        denom = (float(np.sum(w_host[t_host[kept]], dtype=np.float64)) if has_weight
                 else float(np.count_nonzero(kept)))
        scale = 1.0 / denom if denom != 0 else math.inf
    else:
        scale = 1.0
    w_sum = float(np.sum(w_host, dtype=np.float64)) if has_weight else float(n_cls)

    loss = ca.empty((n_rows,), dtype)
    grad = ca.empty((n_rows, n_cls), dtype)
    if n_rows:
        blocks, threads = ca.row_launch(n_rows, n_cls)
        if not has_weight:
            w_dev = G.scalar(0, dtype).buf
        elif isinstance(weight, ca.CudaArray):   # already on the device: no second upload
            w_dev = (weight if weight.dtype == dtype else G.astype(weight, dtype)).buf
        else:
            w_dev = G.from_numpy(w_host).buf
        f = dtype.type
        _row_kernel(dtype, threads)[blocks, threads](
            logits.buf, n_rows, n_cls, ca.upload_index(t_host), w_dev, has_weight, int(ignore_index),
            f(1 - eps), f(eps / n_cls), f(w_sum), f(scale), loss.buf, grad.buf)
    if reduction == "none":
        return loss, grad
    total = G.sum(G.astype(loss, np.float64), None, False)
    if reduction == "mean":
        total = G.divide(total, G.scalar(denom, np.float64))
    return G.astype(total, dtype), grad
