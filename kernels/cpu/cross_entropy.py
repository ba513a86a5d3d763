"""Fused cross-entropy for (N, C) logits and class-index targets: loss and d loss / d logits in one kernel.

Imported lazily (it imports numba). Semantics are PyTorch 2.13's
``F.cross_entropy(logits, target, weight, ignore_index=..., reduction=...,
label_smoothing=...)`` (LOSSES.md 1.5 (a), (b) and section 2), with
``L = log_softmax(x)``, ``p = exp(L)``, ``w`` the class weights (ones if None),
``W = sum(w)``, ``eps`` the smoothing and ``I`` the non-ignored rows:

    loss_n = (1-eps) * (-w[y_n] L[n,y_n]) + eps/C * sum_c w[c] (-L[n,c])      (n in I; 0 otherwise)
    grad[n,j] = s * ((1-eps) w[y_n] (p_j - [j=y_n]) + eps/C (p_j W - w[j]))   (n in I)

with ``s = 1/D``, ``D = sum_{n in I} w[y_n]`` for 'mean' (all ignored: loss nan,
gradients 0) and ``s = 1`` otherwise. Ignored rows get loss 0 and gradient
``0 - p*0`` as torch's log_softmax backward gives them: 0, or nan where the row
holds nan/+inf or is all -inf.

One pass over each row: blocks of ``CE_BLOCK`` logits, each with its block
max folded into a running max ``m``; ``exp(x - m)``, with ``m`` as it stands
after the block (kept in ``block_max``), is stored in the gradient buffer
while the sum is rescaled by ``exp(m_old - m_new)`` whenever the max grows;
the final pass over the (cache-resident) gradient row turns the stored
values into probabilities with one factor per block. That is one
exponential per logit plus one or two per block.

Drivers: parallel over rows from ``CE_PARALLEL_MIN_SIZE`` logits; below it serial,
row by row, or, for rows of at most ``CE_NARROW_MAX_CLASSES`` classes, with the
exponentials of all rows in one flat loop (a loop over a short row stays scalar).
A serial pass over the targets first checks them and sums the 'mean' denominator.
"""
import math

import numpy as np
from numba import prange

from kernels._jit import jit
from kernels.config import CE_BLOCK, CE_NARROW_MAX_CLASSES, CE_PARALLEL_MIN_SIZE
from kernels.cpu.rowwise_numba import _max, _store_exp, _u
from kernels.cpu.vexp import vexp

_REDUCTIONS = ("none", "mean", "sum")


@jit(fastmath={"reassoc", "contract"})
def _weighted_shift_sum(x, n, w, m):
    """sum_c w[c] * (x[n, c] - m)."""
    n = _u(n)
    s = x.dtype.type(0)
    for c in range(_u(x.shape[1])):
        s += w[c] * (x[n, c] - m)
    return s


@jit(fastmath={"reassoc"})
def _shift_sum(x, n, m):
    """sum_c (x[n, c] - m)."""
    n = _u(n)
    s = x.dtype.type(0)
    for c in range(_u(x.shape[1])):
        s += x[n, c] - m
    return s


@jit(inline="always", error_model="numpy")
def _cross_entropy_row(n, x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad, block_max):
    """Row n. keep = 1-eps, smooth = eps/C, w_sum = sum(w) (C without weights), scale = 1/D or 1; all
    x's dtype. block_max is (N, number of blocks); the block length follows from it.
    """
    n_cls = x.shape[1]
    n_blocks = block_max.shape[1]
    block = -(-n_cls // n_blocks)
    zero = x.dtype.type(0)
    # ---- the one pass over the logits: running max m, s = sum exp(x - m) ----
    m = zero
    s = zero
    for b in range(n_blocks):
        j0 = b * block
        j1 = min(j0 + block, n_cls)
        m_block = _max(x, n, j0, j1)
        if b == 0:
            m = m_block
        elif m_block > m:
            s *= math.exp(m - m_block)
            m = m_block
        block_max[n, b] = m
        if m == -np.inf:                        # all -inf so far: exp(x - m) is 0, not exp(nan)
            for j in range(_u(j0), _u(j1)):
                e = zero if x[_u(n), j] == -np.inf else x[_u(n), j]     # (or a nan, kept)
                grad[_u(n), j] = e
                s += e
        else:
            s += _store_exp(x, n, j0, j1, m, grad)
    _finish_row(n, x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad, block_max, m, s)


@jit(inline="always", error_model="numpy")
def _finish_row(n, x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad, block_max, m, s):
    """Row n's loss, and its gradient from the exponentials stored in grad (block b holds exp(x - block_max[n, b])),
    given the row max m and s = sum exp(x - m)."""
    n_cls = x.shape[1]
    n_blocks = block_max.shape[1]
    block = -(-n_cls // n_blocks)
    zero = x.dtype.type(0)
    one = x.dtype.type(1)
    log_s = math.log(s)
    inv_s = one / s
    # ---- loss of the row; the gradient is a * p - k * w (k * 1 without weights), then the target entry ----
    y = target[n]
    kept = y != ignore_index
    a = zero
    k = zero
    if kept:
        wy = w[y] if has_weight else one
        nll = -wy * ((x[n, y] - m) - log_s)
        if smooth > 0:
            shift_sum = _weighted_shift_sum(x, n, w, m) if has_weight else _shift_sum(x, n, m)
            loss[n] = keep * nll + smooth * (log_s * w_sum - shift_sum)   # sum_c w_c (-L_c)
            a = scale * (keep * wy + smooth * w_sum)
            k = scale * smooth
        else:
            loss[n] = nll
            a = scale * wy
    else:
        loss[n] = zero                          # gradient 0 - p * 0, as torch's log_softmax backward
    for b in range(n_blocks):
        j0 = b * block
        j1 = min(j0 + block, n_cls)
        bm = block_max[n, b]
        f = inv_s if bm == m else math.exp(bm - m) * inv_s     # stored exp(x - bm) -> p
        nu = _u(n)
        if has_weight and k != 0:
            for j in range(_u(j0), _u(j1)):
                grad[nu, j] = (grad[nu, j] * f) * a - k * w[j]
        else:
            for j in range(_u(j0), _u(j1)):
                grad[nu, j] = (grad[nu, j] * f) * a - k
    if kept:
        grad[n, y] -= scale * keep * (w[y] if has_weight else one)


@jit(parallel=True, error_model="numpy")  # IEEE division: 1/0 is inf, not ZeroDivisionError
def _cross_entropy_rows_parallel(x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad,
                                 block_max):
    for n in prange(x.shape[0]):   # each row writes only loss[n], grad[n] and block_max[n]
        _cross_entropy_row(n, x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad,
                           block_max)


@jit(error_model="numpy")
def _cross_entropy_rows_serial(x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad,
                               block_max):
    for n in range(x.shape[0]):
        _cross_entropy_row(n, x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad,
                           block_max)


@jit(error_model="numpy")
def _cross_entropy_rows_narrow(x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad,
                               block_max):
    """The serial driver for rows of a few classes (one block each), where per-row work would dominate:
    the exponentials of all rows are taken in one flat loop over the gradient buffer, which LLVM
    vectorises (a loop over one short row stays scalar). Same values as ``_cross_entropy_row``."""
    n_rows, n_cls = x.shape
    for n in range(_u(n_rows)):
        m = _max(x, n, 0, n_cls)
        block_max[n, 0] = m
        if m == -np.inf:                        # all -inf (or nan): exp(x) gives 0 (or keeps the nan)
            for j in range(_u(n_cls)):
                grad[n, j] = x[n, j]
        else:
            for j in range(_u(n_cls)):
                grad[n, j] = x[n, j] - m
    flat = grad.reshape(-1)
    for i in range(_u(flat.size)):
        flat[i] = vexp(flat[i])
    zero = x.dtype.type(0)
    for n in range(n_rows):
        s = zero
        for j in range(_u(n_cls)):
            s += grad[_u(n), j]
        _finish_row(n, x, target, w, has_weight, ignore_index, keep, smooth, w_sum, scale, loss, grad, block_max,
                    block_max[n, 0], s)


@jit()
def _check_targets(target, w, has_weight, ignore_index, n_cls):
    """(the first row whose target is out of range and not ignore_index, else -1; the 'mean'
    denominator: sum of w[y] over the rows not ignored, their count without weights)."""
    denom = 0.0
    for n in range(target.shape[0]):
        y = target[n]
        if y != ignore_index:
            if y < 0 or y >= n_cls:
                return n, denom
            denom += np.float64(w[y]) if has_weight else 1.0
    return -1, denom


def cross_entropy_fused(logits, target, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    """Cross-entropy of (N, C) logits with class-index targets, and its gradient, in one pass.

    Args:
        logits: (N, C) float32 or float64.
        target: (N,) integers, each in [0, C) or equal to ``ignore_index``.
        weight: None or (C,) class weights (cast to the logits' dtype).
        ignore_index: target value whose rows are skipped (loss 0, gradient 0).
        label_smoothing: eps in [0, 1]; negative values act as 0, like torch.
        reduction: 'none' | 'mean' | 'sum'.

    Returns:
        (loss, grad_logits): loss is (N,) for 'none', else a 0-d array; both in
        the logits' dtype. ``grad_logits`` is d loss / d logits for an upstream
        gradient of 1; for 'none' that is a 1 per row, so the caller multiplies
        row n by its upstream gradient g[n].

    Raises:
        IndexError: a target outside [0, C) that is not ``ignore_index``.
    """
    logits = np.ascontiguousarray(logits)
    if logits.ndim != 2 or logits.dtype not in (np.float32, np.float64):
        raise TypeError(f"cross_entropy_fused: expected (N, C) float32/float64 logits, got {logits.dtype} {logits.shape}")
    n_rows, n_cls = logits.shape
    if n_cls == 0:
        raise ValueError("cross_entropy_fused: expected at least one class, got logits of shape "
                         f"{logits.shape}")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"cross_entropy_fused: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    dtype = logits.dtype
    target = np.ascontiguousarray(target).astype(np.int64, copy=False)
    if target.shape != (n_rows,):
        raise ValueError(f"cross_entropy_fused: expected target of shape ({n_rows},), got {target.shape}")
    has_weight = weight is not None
    w = np.ascontiguousarray(weight, dtype=dtype) if has_weight else np.empty(0, dtype)
    if has_weight and w.shape != (n_cls,):
        raise ValueError(f"cross_entropy_fused: expected weight of shape ({n_cls},), got {w.shape}")
    eps = max(float(label_smoothing), 0.0)
    bad, denom = _check_targets(target, w, has_weight, ignore_index, n_cls)
    if bad >= 0:
        raise IndexError(f"cross_entropy_fused: target {target[bad]} is out of bounds "
                         f"(expected 0 <= target < {n_cls}, or ignore_index={ignore_index})")
    scale = (1.0 / denom if denom != 0 else math.inf) if reduction == "mean" else 1.0
    loss = np.empty(n_rows, dtype)
    grad = np.empty_like(logits)
    block_max = np.empty((n_rows, -(-n_cls // CE_BLOCK)), dtype)   # CE_BLOCK is not compiled in: cached kernels stay valid
    w_sum = float(np.sum(w, dtype=np.float64)) if has_weight else float(n_cls)
    f = dtype.type
    if logits.size >= CE_PARALLEL_MIN_SIZE:
        rows = _cross_entropy_rows_parallel
    else:
        narrow = n_cls <= min(CE_NARROW_MAX_CLASSES, CE_BLOCK)   # (one block per row)
        rows = _cross_entropy_rows_narrow if narrow else _cross_entropy_rows_serial
    rows(logits, target, w, has_weight, ignore_index, f(1 - eps), f(eps / n_cls), f(w_sum), f(scale), loss, grad,
         block_max)
    if reduction == "none":
        return loss, grad
    total = float(np.add.reduce(loss, dtype=np.float64))   # np.sum's pairwise sum, without its wrapper
    if reduction == "mean":
        total = total / denom if denom != 0 else math.nan   # all ignored: 0/0, nan as in torch
    return np.asarray(total, dtype=dtype), grad
