"""CTC loss on CUDA: the twin of ``kernels/cpu/ctc.py`` + ``kernels/cpu/ctc_numba.py`` (same arguments, results, special values).

One block per batch element (grid-stride over the batch); its threads stride over the extended label
positions s = 0..2L (l' = b, l1, b, ..., lL, b), with ``cuda.syncthreads()`` between time steps:

    A_t(s) = cell(A_{t-1}(s), A_{t-1}(s-1), [skip] A_{t-1}(s-2)) + lp[t, l'(s)]
    B_t(s) = cell(B_{t+1}(s), B_{t+1}(s+1), [skip] B_{t+1}(s+2)) + lp[t, l'(s)]

with torch's per-cell log-sum-exp ``cell(l1, l2, l3) = log(sum exp(l_i - m)) + m`` (m the largest;
all -inf stays -inf). Alpha is kept for every t (global work array); beta in two rolling rows,
each fused with its gradient row: grad[t, c] = exp(lp) - exp(-inf + nll - lp) (0 except where
lp = -inf, as in torch) minus, added atomically per state s with l'(s) = c,
exp(A_t(s) + B_t(s) + nll - lp[t, c]). States off every complete path get -inf from the
recursion itself (the CPU kernel skips them as a band).

Validation and target layout happen on the host (targets and lengths are host values for the
engine); log_probs, the work arrays and the results stay on the device.
"""
import math

import numpy as np
from numba import cuda

from kernels.cuda import array as ca
from kernels.cpu.ctc import check_log_probs, prepare_targets
from kernels.cuda.elementwise import _exp, _log

_KERNELS = {}
NEG = -math.inf


@cuda.jit(device=True)
def _cell(l1, l2, l3, lpv):
    """torch's per-cell form: log(exp(l1-m) + exp(l2-m) + exp(l3-m)) + m + lpv, m = max (nan propagates)."""
    m = l1
    if l2 > m:
        m = l2
    if l3 > m:
        m = l3
    if m == NEG:
        return ((l1 + l2) + l3) + lpv
    return (_log((_exp(l1 - m) + _exp(l2 - m)) + _exp(l3 - m)) + m) + lpv


def _kernel(threads):
    if threads in _KERNELS:
        return _KERNELS[threads]

    @cuda.jit
    def kernel(lp, T, N, C, ext, skip, S2, il, tl, repeats, need_grad, zero_infinity, alpha, beta, nll, grad):
        """lp: flat (T, N, C); ext, skip: flat (N, S2) extended labels and skip flags; alpha: flat (N, T, S2);
        beta: flat (N, 2, S2); nll: (N,); grad: flat (T, N, C) (written when need_grad)."""
        tid = cuda.threadIdx.x
        for n in range(cuda.blockIdx.x, N, cuda.gridDim.x):
            Tn = il[n]
            L = tl[n]
            S = 2 * L + 1
            lab = n * S2
            a0 = n * T * S2
            b0 = n * 2 * S2
            zero = 0.0
            dead = Tn < L + repeats[n]           # no alignment fits (includes Tn == 0 < L)
            if dead or Tn == 0:
                if tid == 0:
                    nll[n] = (0.0 if zero_infinity else math.inf) if dead else -0.0
                if need_grad:
                    fill = zero if (zero_infinity or not dead) else math.nan
                    for i in range(tid, T * C, threads):
                        t = i // C
                        grad[(t * N + n) * C + i % C] = fill if t < Tn else zero
                cuda.syncthreads()
                continue
            # ---- alpha ----
            for s in range(tid, S, threads):
                alpha[a0 + s] = lp[n * C + ext[lab + s]] if s <= 1 else NEG
            cuda.syncthreads()
            for t in range(1, Tn):
                prev = a0 + (t - 1) * S2
                for s in range(tid, S, threads):
                    l2 = alpha[prev + s - 1] if s > 0 else NEG
                    l3 = alpha[prev + s - 2] if skip[lab + s] != 0 else NEG
                    alpha[prev + S2 + s] = _cell(alpha[prev + s], l2, l3, lp[(t * N + n) * C + ext[lab + s]])
                cuda.syncthreads()
            last = a0 + (Tn - 1) * S2
            if L == 0:
                ll = alpha[last]
            else:      # torch's two-term form (a nan l1 propagates)
                l1 = alpha[last + 2 * L]
                l2 = alpha[last + 2 * L - 1]
                m = l2 if l1 < l2 else l1
                ll = NEG if m == NEG else _log(_exp(l1 - m) + _exp(l2 - m)) + m
            nl = -ll
            if tid == 0:
                nll[n] = 0.0 if (zero_infinity and nl == math.inf) else nl
            if not need_grad:
                cuda.syncthreads()
                continue
            if nl == math.inf:                   # probability 0: nan gradient (0 with zero_infinity)
                fill = zero if zero_infinity else math.nan
                for i in range(tid, T * C, threads):
                    t = i // C
                    grad[(t * N + n) * C + i % C] = fill if t < Tn else zero
                cuda.syncthreads()
                continue
            for i in range(tid, (T - Tn) * C, threads):
                grad[((Tn + i // C) * N + n) * C + i % C] = zero
            # ---- beta, fused with the gradient ----
            cur = 0
            for s in range(tid, S, threads):
                beta[b0 + s] = lp[((Tn - 1) * N + n) * C + ext[lab + s]] if s >= 2 * L - 1 else NEG
            cuda.syncthreads()
            for t in range(Tn - 1, -1, -1):
                row = (t * N + n) * C
                if t < Tn - 1:
                    nxt = b0 + cur * S2
                    cur = 1 - cur
                    for s in range(tid, S, threads):
                        l2 = beta[nxt + s + 1] if s + 1 < S else NEG
                        l3 = beta[nxt + s + 2] if s + 2 < S and skip[lab + s + 2] != 0 else NEG
                        beta[b0 + cur * S2 + s] = _cell(beta[nxt + s], l2, l3, lp[row + ext[lab + s]])
                    cuda.syncthreads()
                for c in range(tid, C, threads):
                    v = lp[row + c]
                    grad[row + c] = _exp(v) - _exp((NEG + nl) - v)
                cuda.syncthreads()
                for s in range(tid, S, threads):
                    c = ext[lab + s]
                    g = _exp(((alpha[a0 + t * S2 + s] + beta[b0 + cur * S2 + s]) + nl) - lp[row + c])
                    cuda.atomic.add(grad, row + c, -g)
                cuda.syncthreads()
    _KERNELS[threads] = kernel
    return kernel


def _layout(flat, offsets, tl, blank, N):
    """Host: extended labels (N, 2 Lmax + 1), skip flags (s-2 -> s allowed) and adjacent repeats per sample."""
    lmax = int(tl.max()) if N else 0
    pos = np.arange(lmax)
    used = pos < tl[:, None]
    lab = np.full((N, lmax), blank, np.int64)
    if flat.size:
        lab = np.where(used, flat[np.minimum(offsets[:, None] + pos, flat.size - 1)], blank)
    ext = np.full((N, 2 * lmax + 1), blank, np.int64)
    ext[:, 1::2] = lab
    same = used[:, 1:] & (lab[:, 1:] == lab[:, :-1])
    skip = np.zeros((N, 2 * lmax + 1), np.int64)
    skip[:, 3::2] = used[:, 1:] & ~same
    return ext, skip, same.sum(axis=1).astype(np.int64)


def _run(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, need_grad):
    if not isinstance(log_probs, ca.CudaArray):
        raise TypeError(f"ctc_loss (cuda): expected log_probs as a cuda array, got {type(log_probs).__name__}")
    shape, unbatched = check_log_probs(log_probs.shape, log_probs.dtype)
    flat, offsets, il, tl, blank = prepare_targets(targets, input_lengths, target_lengths, blank, shape)
    T, N, C = shape
    dtype = log_probs.dtype
    ext, skip, repeats = _layout(flat, offsets, tl, blank, N)
    S2 = ext.shape[1]
    nll = ca.empty((N,), dtype)
    grad = ca.empty((T, N, C) if need_grad else (1,), dtype)
    alpha = ca.empty((N, T, S2), dtype)
    beta = ca.empty((N, 2, S2), dtype)
    blocks, threads = ca.row_launch(N, max(S2, C))
    up = ca.upload_index
    _kernel(threads)[blocks, threads](log_probs.buf, T, N, C, up(ext), up(skip), S2, up(il), up(tl), up(repeats),
                                      bool(need_grad), bool(zero_infinity), alpha.buf, beta.buf, nll.buf, grad.buf)
    if unbatched:
        from kernels.cuda import backend as G
        nll = G.reshape(nll, ())
        grad = G.reshape(grad, (T, C)) if need_grad else grad
    return nll, (grad if need_grad else None)


def ctc_loss_forward_backward(log_probs, targets, input_lengths, target_lengths, blank=0, zero_infinity=False):
    """``kernels.cpu.ctc.ctc_loss_forward_backward`` on CUDA: per-sample nll (N,) and the unscaled gradient (T, N, C)."""
    return _run(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, True)


def ctc_loss_forward(log_probs, targets, input_lengths, target_lengths, blank=0, zero_infinity=False):
    """Per-sample CTC nll only (no beta / gradient pass)."""
    return _run(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, False)[0]
