"""CTC loss on the CPU: log-space alpha/beta recursions, parallel over the batch (numba).

Imported lazily by ``kernels/cpu/ctc.py`` (this module imports numba). Call it through
``kernels.cpu.ctc.ctc_loss_forward_backward``, which validates and normalises the inputs;
the kernel trusts its arguments. Everything is computed in the dtype of ``lp``
(float32 or float64), as torch does.

Notation: sample n, T_n = input length, L = target length, extended label
l' = (b, l1, b, ..., lL, b) of 2L+1 states, A = log alpha, B = log beta (both include
lp at their own time step), nll = -log P.

**Row-shifted log space.** torch evaluates every cell as
``log(exp(la1-m) + exp(la2-m) + exp(la3-m)) + m + lp`` with m the largest of its three
predecessors (3 exp + 1 log per cell, scalar libm calls). Here the shift is the maximum M
of the whole previous row: E(s) = exp(A_{t-1}(s) - M) is computed once per state and
shared by the (up to) three successors, ``A_t(s) = log(E(s) + E(s-1) + [skip] E(s-2)) + M
+ lp``: the same value up to rounding, and every step is a loop over the row that LLVM
vectorises (``vexp``, ``vlog`` and ``maxnum`` from kernels/cpu/vexp.py). When that sum is
below the smallest normal number (every predecessor is more than ~87 nats (float32) /
~708 nats (float64) below the row maximum), or nan, the cell is recomputed in torch's
per-cell form (``_cell``), so no probability mass is lost to underflow, -inf stays exact
and nan propagates. Results match torch to rounding, not bit for bit.

**Gradient** (torch's, LOSSES.md 1.21: the gradient w.r.t. the logits of a log_softmax):
grad[t, n, c] = exp(lp) - sum_{s: l'(s)=c} exp(A_t(s) + B_t(s) + nll - lp) for t < T_n,
0 for t >= T_n; plus, as in torch, exp(-inf + nll - lp) for every class, which is 0
except where lp = -inf (nan: torch's value there). Beta is computed backwards in time
with two rolling rows and fused with the gradient row by row.

**Band.** Only states on some complete path are computed: at time t, s <= 2t+1
(reachable from the start) and s >= 2L-1-2(T_n-1-t) (can still reach the end). Outside
that band torch's values are -inf or never reach the loss, and their alpha (resp. beta)
partner is -inf, so they contribute nothing.

**Infinite samples.** T_n < L + (number of adjacent repeats), including T_n = 0 < L,
gives nll = +inf and, like torch, a nan gradient for t < T_n (0 for t >= T_n); so does
probability 0 through lp = -inf. With ``zero_infinity`` the gradient is 0 (the kernel
leaves nll = +inf; the wrapper zeroes the loss). T_n = 0 with L = 0 gives nll = -0.0
(torch's sign) and a zero gradient.

Entry points: ``ctc_kernel_parallel`` (prange over the batch) and ``ctc_kernel_serial``
(same work in a plain loop, for small problems where a parallel region costs more than it
saves). Both run ``_sample`` per batch element; prange discipline: iteration n writes only
nll[n] and grad[:, n, :], and its work arrays are its own.
"""
import math

import numpy as np
from numba import prange

from kernels._jit import jit
from kernels.cpu.vexp import maxnum, vexp, vlog


@jit(parallel=True)
def ctc_kernel_parallel(lp, targets, offsets, input_lengths, target_lengths, blank,
                        need_grad, zero_infinity, neg, one, tiny, nll, grad):
    """Per-sample CTC negative log likelihood and (optionally) torch's gradient.

    lp: (T, N, C) float32/float64 log-probabilities (C-contiguous).
    targets: 1-D int64; sample n's labels are targets[offsets[n] : offsets[n] + L_n].
    input_lengths, target_lengths: (N,) int64, validated (0 <= T_n <= T, labels in
    [0, C) and != blank). blank: int. need_grad, zero_infinity: bool.
    neg, one, tiny: -inf, 1 and the smallest normal number in lp's dtype (python
    float literals would promote the arithmetic to float64).
    nll: (N,) out. grad: (T, N, C) out, fully written when need_grad (else unused).
    """
    for i in prange(lp.shape[1]):
        n = np.int64(i)  # prange's index is unsigned: keep one compiled _sample for both drivers
        _sample(lp, n, targets, offsets[n], input_lengths[n], target_lengths[n], blank,
                need_grad, zero_infinity, neg, one, tiny, nll, grad)


@jit()
def ctc_kernel_serial(lp, targets, offsets, input_lengths, target_lengths, blank,
                      need_grad, zero_infinity, neg, one, tiny, nll, grad):
    """``ctc_kernel_parallel`` without threads (same arguments, same results)."""
    for n in range(lp.shape[1]):
        _sample(lp, n, targets, offsets[n], input_lengths[n], target_lengths[n], blank,
                need_grad, zero_infinity, neg, one, tiny, nll, grad)


@jit()
def _cell(l1, l2, l3, lpv, neg):
    """torch's per-cell form: log(exp(l1-m) + exp(l2-m) + exp(l3-m)) + m + lpv, m = max (nan propagates)."""
    m = l1
    if l2 > m:
        m = l2
    if l3 > m:
        m = l3
    if m == neg:  # torch: m = 0 then; the sum is exactly 0 unless a term is nan
        return ((l1 + l2) + l3) + lpv
    return (math.log((math.exp(l1 - m) + math.exp(l2 - m)) + math.exp(l3 - m)) + m) + lpv


@jit()
def _sample(lp, n, targets, off, Tn, L, blank, need_grad, zero_infinity, neg, one, tiny, nll, grad):
    """Batch element n: writes nll[n] and, when need_grad, grad[:, n, :]."""
    T = lp.shape[0]
    C = lp.shape[2]
    zero = one - one
    nan = neg - neg
    S2 = 2 * L + 1
    # extended label l'; skip[s] = 1: the transition s-2 -> s is allowed
    ext = np.empty(S2, np.int64)
    skip = np.zeros(S2 + 2, lp.dtype)
    repeats = 0
    for s in range(S2):
        if s % 2 == 0:
            ext[s] = blank
        else:
            ext[s] = targets[off + s // 2]
    for s in range(3, S2, 2):
        if ext[s] != ext[s - 2]:
            skip[s] = one
        else:
            repeats += 1

    if Tn < L + repeats:  # no alignment fits (this includes Tn == 0 < L)
        nll[n] = -neg
        if need_grad:
            fill = zero if zero_infinity else nan
            for t in range(T):
                for c in range(C):
                    grad[t, n, c] = fill if t < Tn else zero
        return
    if Tn == 0:  # and L == 0: the empty alignment, probability 1
        nll[n] = -zero
        if need_grad:
            for t in range(T):
                for c in range(C):
                    grad[t, n, c] = zero
        return

    lpe = np.empty(S2, lp.dtype)  # lp[t, n, l'(s)] for the current t
    V = np.empty(S2, lp.dtype)    # row-shifted sums of the current row

    # ---------------- alpha ----------------
    alpha = np.empty((Tn, S2), lp.dtype)
    # E[s + 2] = exp(A_{t-1}(s) - M); E[0] = E[1] = 0 stand for states -2, -1
    E = np.zeros(S2 + 4, lp.dtype)
    hi = min(2 * L, 1)
    lo = max(0, 2 * L - 1 - 2 * (Tn - 1))
    for s in range(lo, hi + 1):
        alpha[0, s] = lp[0, n, ext[s]]
    for s in range(hi + 1, min(hi + 2, 2 * L) + 1):
        alpha[0, s] = neg
    for t in range(1, Tn):
        plo = lo
        phi = hi
        hi = min(2 * L, 2 * t + 1)
        lo = max(0, 2 * L - 1 - 2 * (Tn - 1 - t))
        prev = alpha[t - 1]
        cur = alpha[t]
        # Vectorised loops run over 0-based views: with an index starting at a variable,
        # numba's negative-index wraparound keeps LLVM from vectorising.
        pw = prev[plo:phi + 1]
        M = neg
        for i in range(pw.size):  # vectorised
            M = maxnum(M, pw[i])
        # M = -inf (every path dead) makes every E nan: all cells go to the fallback
        Ew = E[plo + 2:phi + 3]
        for i in range(pw.size):  # vectorised
            Ew[i] = vexp(pw[i] - M)
        E[phi + 3] = zero
        E[phi + 4] = zero
        for s in range(lo, hi + 1):
            lpe[s] = lp[t, n, ext[s]]
        Eb = E[lo:hi + 3]  # Eb[i], Eb[i+1], Eb[i+2]: states s-2, s-1, s for s = lo + i
        sk = skip[lo:hi + 1]
        lw = lpe[lo:hi + 1]
        Vw = V[lo:hi + 1]
        cw = cur[lo:hi + 1]
        bad = 0
        for i in range(cw.size):  # vectorised
            v = (Eb[i + 2] + Eb[i + 1]) + sk[i] * Eb[i]
            Vw[i] = v
            bad += not v >= tiny
            cw[i] = (vlog(maxnum(v, tiny)) + M) + lw[i]
        if bad:  # sum underflowed (far below the row maximum), or nan: torch's per-cell form
            for s in range(lo, hi + 1):
                if not V[s] >= tiny:
                    cur[s] = _cell(prev[s], prev[s - 1] if s > 0 else neg,
                                   prev[s - 2] if skip[s] != zero else neg, lpe[s], neg)
        for s in range(hi + 1, min(hi + 2, 2 * L) + 1):
            cur[s] = neg

    # nll: torch's two-term form (std::max: a nan l1 propagates)
    if L == 0:
        ll = alpha[Tn - 1, 0]
    else:
        l1 = alpha[Tn - 1, 2 * L]
        l2 = alpha[Tn - 1, 2 * L - 1]
        m = l2 if l1 < l2 else l1
        if m == neg:
            ll = neg
        else:
            ll = math.log(math.exp(l1 - m) + math.exp(l2 - m)) + m
    nl = -ll
    nll[n] = nl
    if not need_grad:
        return
    if nl == -neg:  # probability 0 (lp = -inf on every path)
        fill = zero if zero_infinity else nan
        for t in range(T):
            for c in range(C):
                grad[t, n, c] = fill if t < Tn else zero
        return
    for t in range(Tn, T):
        for c in range(C):
            grad[t, n, c] = zero

    # ---------------- beta, fused with the gradient ----------------
    # bcur: B_t on the band of t; bnext: B_{t+1}; F[s] = exp(B_{t+1}(s) - MB), with
    # F[2L+1] = F[2L+2] = 0. Entries below a band are never written (-inf / 0) and
    # stale entries above it are never read.
    bcur = np.full(S2, neg, lp.dtype)
    bnext = np.full(S2, neg, lp.dtype)
    F = np.zeros(S2 + 2, lp.dtype)
    G = np.empty(S2, lp.dtype)
    gsum = np.empty(C, lp.dtype)
    hi = min(2 * L, 2 * (Tn - 1) + 1)
    lo = max(0, 2 * L - 1)
    for t in range(Tn - 1, -1, -1):
        if t == Tn - 1:
            for s in range(lo, hi + 1):
                lpe[s] = lp[t, n, ext[s]]
                bcur[s] = lpe[s]
        else:
            nlo = lo
            nhi = hi
            hi = min(2 * L, 2 * t + 1)
            lo = max(0, 2 * L - 1 - 2 * (Tn - 1 - t))
            nw = bnext[nlo:nhi + 1]
            MB = neg
            for i in range(nw.size):  # vectorised
                MB = maxnum(MB, nw[i])
            for s in range(lo, nlo):
                F[s] = zero
            Fw = F[nlo:nhi + 1]
            for i in range(nw.size):  # vectorised
                Fw[i] = vexp(nw[i] - MB)
            for s in range(lo, hi + 1):
                lpe[s] = lp[t, n, ext[s]]
            Fb = F[lo:hi + 3]  # Fb[i], Fb[i+1], Fb[i+2]: states s, s+1, s+2 for s = lo + i
            sk = skip[lo + 2:hi + 3]
            lw = lpe[lo:hi + 1]
            Vw = V[lo:hi + 1]
            bw = bcur[lo:hi + 1]
            bad = 0
            for i in range(bw.size):  # vectorised
                v = (Fb[i] + Fb[i + 1]) + sk[i] * Fb[i + 2]
                Vw[i] = v
                bad += not v >= tiny
                bw[i] = (vlog(maxnum(v, tiny)) + MB) + lw[i]
            if bad:  # torch's per-cell form
                for s in range(lo, hi + 1):
                    if not V[s] >= tiny:
                        bcur[s] = _cell(bnext[s], bnext[s + 1] if s < 2 * L else neg,
                                        bnext[s + 2] if skip[s + 2] != zero else neg, lpe[s], neg)
        # gradient row t
        aw = alpha[t, lo:hi + 1]
        bw = bcur[lo:hi + 1]
        lw = lpe[lo:hi + 1]
        Gw = G[lo:hi + 1]
        for i in range(Gw.size):  # vectorised
            Gw[i] = vexp(((aw[i] + bw[i]) + nl) - lw[i])
        for c in range(C):
            gsum[c] = zero
        for s in range(lo, hi + 1):
            gsum[ext[s]] += G[s]
        lpt = lp[t, n]
        gt = grad[t, n]
        base = neg + nl
        for c in range(C):  # vectorised
            gt[c] = vexp(lpt[c]) - (gsum[c] + vexp(base - lpt[c]))
        tmp = bnext
        bnext = bcur
        bcur = tmp
