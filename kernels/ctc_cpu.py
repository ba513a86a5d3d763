"""CTC loss on the CPU: log-space alpha/beta recursions, parallel over the batch (numba).

Imported lazily by ``kernels/ctc.py`` (this module imports numba). Call it through
``kernels.ctc.ctc_loss_forward_backward``, which validates and normalises the inputs;
the kernel itself trusts its arguments.

Arithmetic follows torch's CPU kernel (``ctc_loss_cpu``) in the input dtype, so float32
results agree with torch to the last few ulps:

* alpha_t(s) = log(e1 + e2 + e3) + m + lp[t, l'(s)], with m the largest of the (up to
  three) predecessors and e_i = exp(la_i - m); the exp of the largest one is exactly 1,
  so it is not computed (same value, one exp fewer). If every predecessor is -inf the
  cell is -inf.
* beta is the mirror image (it also includes lp at its own time step, so
  alpha_t(s) + beta_t(s) counts lp[t, l'(s)] twice).
* grad[t, n, c] = exp(lp[t,n,c]) - exp(lcab + nll - lp[t,n,c]) for t < T_n, where
  lcab = logsumexp_{s: l'(s)=c} (alpha_t(s) + beta_t(s)); 0 for t >= T_n. This is
  torch's gradient (the gradient w.r.t. the logits of a log_softmax, see LOSSES.md 1.21),
  not the true partial -gamma.

Only the states that lie on some complete path are computed: at time t the state s must
satisfy s <= 2t+1 (reachable from the start) and s >= 2L-1-2(T_n-1-t) (can still reach
the end). Outside that band torch computes values that are either -inf or never reach
the loss, and whose beta (resp. alpha) partner is -inf, so they contribute nothing to the
loss or the gradient; skipping them changes no result.

Infeasible samples (T_n < L + number of adjacent repeats) give nll = +inf and, like
torch, a nan gradient for t < T_n (0 for t >= T_n), or a zero gradient with
``zero_infinity``. T_n = 0 gives nll -0.0 (L = 0; torch's sign) or +inf (L > 0), zero
gradient. ``nll`` is left +inf under ``zero_infinity``: the wrapper zeroes the loss.
"""
import math

import numpy as np
from numba import prange

from kernels._jit import jit


@jit(parallel=True)
def ctc_kernel(lp, targets, offsets, input_lengths, target_lengths, blank,
               need_grad, zero_infinity, neg, one, nll, grad):
    """Per-sample CTC negative log likelihood and (optionally) torch's gradient.

    lp: (T, N, C) float32/float64 log-probabilities.
    targets: 1-D int64; sample n's labels are targets[offsets[n] : offsets[n] + L_n].
    input_lengths, target_lengths: (N,) int64, already validated.
    blank: int; need_grad, zero_infinity: bool.
    neg, one: -inf and 1 in lp's dtype (numba promotes python literals to float64).
    nll: (N,) out, lp's dtype. grad: (T, N, C) out, written fully when need_grad.
    """
    T = lp.shape[0]
    N = lp.shape[1]
    C = lp.shape[2]
    zero = one - one
    for n in prange(N):
        Tn = input_lengths[n]
        L = target_lengths[n]
        off = offsets[n]
        S2 = 2 * L + 1
        # extended label l' and the "may skip the blank before s" mask
        ext = np.empty(S2, np.int64)
        skip = np.zeros(S2, np.bool_)
        repeats = 0
        for s in range(S2):
            if s % 2 == 0:
                ext[s] = blank
            else:
                ext[s] = targets[off + s // 2]
        for s in range(2, S2):
            if ext[s] != ext[s - 2]:
                skip[s] = True
            elif s % 2 == 1:
                repeats += 1

        if Tn < L + repeats:  # no alignment fits (this includes Tn == 0 < L)
            nll[n] = -neg
            if need_grad:
                nan = neg - neg
                fill = zero if zero_infinity else nan
                for t in range(T):
                    for c in range(C):
                        grad[t, n, c] = fill if t < Tn else zero
            continue
        if Tn == 0:  # and L == 0: the empty alignment, probability 1
            nll[n] = -zero
            if need_grad:
                for t in range(T):
                    for c in range(C):
                        grad[t, n, c] = zero
            continue

        # ---- alpha (forward) ----
        alpha = np.empty((Tn, S2), lp.dtype)
        hi = min(2 * L, 1)
        lo = max(0, 2 * L - 1 - 2 * (Tn - 1))
        for s in range(lo, hi + 1):
            alpha[0, s] = lp[0, n, ext[s]]
        for s in range(hi + 1, min(hi + 2, 2 * L) + 1):
            alpha[0, s] = neg
        for t in range(1, Tn):
            hi = min(2 * L, 2 * t + 1)
            lo = max(0, 2 * L - 1 - 2 * (Tn - 1 - t))
            for s in range(lo, hi + 1):
                la1 = alpha[t - 1, s]
                la2 = neg
                if s > 0:
                    la2 = alpha[t - 1, s - 1]
                la3 = neg
                if skip[s]:
                    la3 = alpha[t - 1, s - 2]
                if la1 >= la2 and la1 >= la3:
                    m = la1
                    if m == neg:
                        alpha[t, s] = neg
                        continue
                    r = (one + math.exp(la2 - m)) + math.exp(la3 - m)
                elif la2 >= la3:
                    m = la2
                    r = (math.exp(la1 - m) + one) + math.exp(la3 - m)
                else:
                    m = la3
                    r = (math.exp(la1 - m) + math.exp(la2 - m)) + one
                alpha[t, s] = (math.log(r) + m) + lp[t, n, ext[s]]
            for s in range(hi + 1, min(hi + 2, 2 * L) + 1):
                alpha[t, s] = neg

        if L == 0:
            ll = alpha[Tn - 1, 0]
        else:
            l1 = alpha[Tn - 1, 2 * L]
            l2 = alpha[Tn - 1, 2 * L - 1]
            if l1 >= l2:
                m = l1
                r = one + math.exp(l2 - m) if m != neg else zero
            else:
                m = l2
                r = math.exp(l1 - m) + one
            ll = (math.log(r) + m) if m != neg else neg
        nl = -ll
        nll[n] = nl
        if not need_grad:
            continue

        # ---- beta (backward), fused with the gradient at each t ----
        if zero_infinity and nl == -neg:
            for t in range(T):
                for c in range(C):
                    grad[t, n, c] = zero
            continue
        for t in range(Tn, T):
            for c in range(C):
                grad[t, n, c] = zero
        bcur = np.full(S2, neg, lp.dtype)
        bnext = np.full(S2, neg, lp.dtype)
        lcab = np.empty(C, lp.dtype)
        for t in range(Tn - 1, -1, -1):
            for c in range(C):
                lcab[c] = neg
            if t == Tn - 1:
                # beta's start; the two final states carry different symbols: no log-add
                bcur[2 * L] = lp[t, n, blank]
                lcab[blank] = alpha[t, 2 * L] + bcur[2 * L]
                if L > 0:
                    c = ext[2 * L - 1]
                    bcur[2 * L - 1] = lp[t, n, c]
                    lcab[c] = alpha[t, 2 * L - 1] + bcur[2 * L - 1]
            else:
                hi = min(2 * L, 2 * t + 1)
                lo = max(0, 2 * L - 1 - 2 * (Tn - 1 - t))
                # descending s, as torch accumulates lcab in that order
                for s in range(hi, lo - 1, -1):
                    lb1 = bnext[s]
                    lb2 = neg
                    if s < 2 * L:
                        lb2 = bnext[s + 1]
                    lb3 = neg
                    if s < 2 * L - 1 and skip[s + 2]:
                        lb3 = bnext[s + 2]
                    if lb1 >= lb2 and lb1 >= lb3:
                        m = lb1
                        if m == neg:
                            b = neg
                        else:
                            b = (math.log((one + math.exp(lb2 - m)) + math.exp(lb3 - m)) + m) + lp[t, n, ext[s]]
                    elif lb2 >= lb3:
                        m = lb2
                        b = (math.log((math.exp(lb1 - m) + one) + math.exp(lb3 - m)) + m) + lp[t, n, ext[s]]
                    else:
                        m = lb3
                        b = (math.log((math.exp(lb1 - m) + math.exp(lb2 - m)) + one) + m) + lp[t, n, ext[s]]
                    bcur[s] = b
                    # lcab[l'(s)] "log+=" alpha + beta
                    lab = alpha[t, s] + b
                    c = ext[s]
                    cur = lcab[c]
                    if cur == neg:
                        lcab[c] = lab
                    elif cur >= lab:
                        lcab[c] = math.log(one + math.exp(lab - cur)) + cur
                    else:
                        lcab[c] = math.log(math.exp(cur - lab) + one) + lab
            for c in range(C):
                lpc = lp[t, n, c]
                z = (lcab[c] + nl) - lpc
                e = zero
                if z != neg:
                    e = math.exp(z)
                grad[t, n, c] = math.exp(lpc) - e
            tmp = bnext
            bnext = bcur
            bcur = tmp
