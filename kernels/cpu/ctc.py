"""CTC loss: input normalisation and validation around the numba kernel (``kernels/cpu/ctc_numba.py``).

Public functions (numpy arrays in, numpy arrays out; numba is imported only on the first call):

* ``ctc_loss_forward_backward(log_probs, targets, input_lengths, target_lengths, blank=0,
  zero_infinity=False) -> (nll, grad)``
* ``ctc_loss_forward(...same...) -> nll`` (no gradient work)
* ``ctc_reduce(nll, target_lengths, reduction) -> (loss, scale)``
* ``check_log_probs``, ``prepare_targets``: the input checks and target layout, shared with
  the CUDA twin (``kernels/cuda/ctc.py``)

Semantics are torch 2.13's ``F.ctc_loss`` (LOSSES.md 1.21):

* ``log_probs``: (T, N, C) or unbatched (T, C), float32 or float64; computed in that dtype.
  Unbatched input is handled here: it is run as N = 1 and the results come back as
  ``nll`` of shape () and ``grad`` of shape (T, C).
* ``targets``: batched: padded (N, S) with S >= max target length (padding ignored), or
  concatenated 1-D of length exactly sum(target_lengths). Unbatched: 1-D of length exactly
  target_length (torch treats it as the concatenated form; padding is not allowed) or
  (1, S) padded. Any integer dtype; float arrays are truncated to int64 as torch does.
* ``input_lengths``, ``target_lengths``: integer arrays (or lists) with N elements
  (unbatched: one element, 0-d allowed).

``nll`` is the per-sample negative log likelihood, unreduced. ``grad`` is torch's gradient
of each sample's nll with respect to ``log_probs`` (``exp(lp) - gamma``, zero for
t >= input_length), *unscaled*: the caller multiplies sample n's slice ``grad[:, n, :]``
by the upstream gradient of ``nll[n]`` (``ctc_reduce`` gives that factor for 'mean' and
'sum').

Infinite samples (the target does not fit into input_length, counting a blank between
repeated labels; or zero probability): nll = +inf and the gradient is nan for t < T_n
(0 beyond), exactly as torch. With ``zero_infinity=True`` their nll is 0 and their gradient
0. An input_length of 0 gives nll = -0.0 (torch's sign) for an empty target, +inf with a
zero gradient otherwise.

Departure from torch (LOSSES.md departure 3): target symbols actually used (the first
target_length of each row) are checked: outside [0, C) -> IndexError, equal to blank ->
ValueError. torch reads garbage / treats the blank as a symbol.
"""
import numpy as np

from kernels.config import CTC_PARALLEL_MIN_CELLS

_REDUCTIONS = ("none", "mean", "sum")


def _as_lengths(value, name):
    arr = np.asarray(value)
    if arr.size == 0 and arr.dtype == np.float64:  # np.asarray([]) is float64
        arr = arr.astype(np.int64)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        if arr.dtype.kind in "fc":
            raise RuntimeError(f"{name} must be integral, got an array of dtype {arr.dtype}")
        raise TypeError(f"{name} must be an integer array or a list of ints, got {type(value).__name__}"
                        f" of dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False).ravel()


def _prepare(log_probs, targets, input_lengths, target_lengths, blank):
    """Validate and normalise; returns (lp, flat_targets, offsets, il, tl, blank, unbatched)."""
    lp = np.asarray(log_probs)
    shape, unbatched = check_log_probs(lp.shape, lp.dtype)
    lp = np.ascontiguousarray(lp).reshape(shape)
    flat, offsets, il, tl, blank = prepare_targets(targets, input_lengths, target_lengths, blank, shape)
    return lp, flat, offsets, il, tl, blank, unbatched


def check_log_probs(shape, dtype):
    """Check log_probs' shape and dtype (any device); returns ((T, N, C), unbatched)."""
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        if dtype.kind in "biuf":  # torch: NotImplementedError for Half / Long / ...
            raise NotImplementedError(f"ctc_loss: log_probs must be float32 or float64, got {dtype}")
        raise TypeError(f"ctc_loss: log_probs must be a float32 or float64 array, got dtype {dtype}")
    shape = tuple(shape)
    unbatched = len(shape) == 2
    if unbatched:
        shape = (shape[0], 1, shape[1])
    if len(shape) != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), "
                           f"got a {len(shape)}-dimensional array of shape {shape}")
    if 0 in shape:
        raise RuntimeError(f"ctc_loss: log_probs must not be empty, got shape {shape}")
    return shape, unbatched


def prepare_targets(targets, input_lengths, target_lengths, blank, shape):
    """Validate targets and lengths (host arrays) against log_probs of ``shape`` (T, N, C);
    returns (flat_targets, offsets, il, tl, blank)."""
    T, N, C = shape
    blank = int(blank)
    if not 0 <= blank < C:
        raise RuntimeError(f"ctc_loss: blank must be in label range [0, {C}), got {blank}")

    il = _as_lengths(input_lengths, "input_lengths")
    tl = _as_lengths(target_lengths, "target_lengths")
    if il.size != N:
        raise RuntimeError(f"ctc_loss: input_lengths must be of size batch_size ({N}), got {il.size} elements")
    if tl.size != N:
        raise RuntimeError(f"ctc_loss: target_lengths must be of size batch_size ({N}), got {tl.size} elements")
    if il.min() < 0:
        raise RuntimeError(f"ctc_loss: expected input_lengths to be at least 0, got {il.min()}")
    if il.max() > T:
        raise RuntimeError(f"ctc_loss: expected input_lengths to be at most T={T}, got {il.max()}")
    if tl.min() < 0:
        raise RuntimeError(f"ctc_loss: expected target_lengths to be at least 0, got {tl.min()}")

    tg = np.asarray(targets)
    if tg.dtype == np.bool_ or tg.dtype.kind not in "iuf":
        raise TypeError(f"ctc_loss: targets must be an integer array, got dtype {tg.dtype}")
    if tg.ndim == 1:  # concatenated
        total = int(tl.sum())
        if tg.shape[0] != total:
            raise RuntimeError(f"ctc_loss: concatenated targets must have length sum(target_lengths) = {total}, "
                               f"got length {tg.shape[0]}")
        flat = np.ascontiguousarray(tg, dtype=np.int64)
        offsets = np.zeros(N, np.int64)
        np.cumsum(tl[:-1], out=offsets[1:])
        used = flat
    elif tg.ndim == 2:  # padded
        if tg.shape[0] != N:
            raise RuntimeError(f"ctc_loss: padded targets must have {N} rows (batch size), got shape {tg.shape}")
        S = tg.shape[1]
        if tl.max() > S:
            raise RuntimeError(f"ctc_loss: padded targets of shape {tg.shape} are too narrow for "
                               f"target_length {tl.max()}")
        flat = np.ascontiguousarray(tg, dtype=np.int64).reshape(-1)
        offsets = np.arange(N, dtype=np.int64) * S
        used = flat.reshape(N, S)[np.arange(S) < tl[:, None]]
    else:
        raise RuntimeError(f"ctc_loss: targets must be 1-D (concatenated) or 2-D (padded), "
                           f"got {tg.ndim} dimensions")
    if used.size:
        lo, hi = used.min(), used.max()
        if lo < 0 or hi >= C:
            bad = lo if lo < 0 else hi
            raise IndexError(f"ctc_loss: target symbol {bad} is out of range [0, {C}) (C = log_probs.shape[-1])")
        if np.any(used == blank):
            raise ValueError(f"ctc_loss: targets contain the blank index {blank}; target symbols must differ "
                             f"from blank")
    return flat, offsets, il, tl, blank


def _run(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, need_grad):
    lp, flat, offsets, il, tl, blank, unbatched = _prepare(
        log_probs, targets, input_lengths, target_lengths, blank)
    from kernels.cpu import ctc_numba  # imports numba on first use
    T, N, C = lp.shape
    dt = lp.dtype.type
    nll = np.empty(N, lp.dtype)
    grad = np.empty((T, N, C) if need_grad else (0, 0, 0), lp.dtype)
    work = int(np.dot(il, 2 * tl + 1))  # lattice cells
    kernel = ctc_numba.ctc_kernel_parallel if N > 1 and work >= CTC_PARALLEL_MIN_CELLS else ctc_numba.ctc_kernel_serial
    kernel(lp, flat, offsets, il, tl, blank, need_grad, bool(zero_infinity),
           dt(-np.inf), dt(1), dt(np.finfo(lp.dtype).tiny), nll, grad)
    if zero_infinity:
        nll[nll == np.inf] = 0  # torch: where(nll == inf, 0, nll); the kernel zeroed the gradient
    if unbatched:
        nll = nll.reshape(())
        grad = grad[:, 0, :] if need_grad else grad
    return nll, grad


def ctc_loss_forward_backward(log_probs, targets, input_lengths, target_lengths, blank=0,
                              zero_infinity=False):
    """Per-sample CTC nll (N,) and torch's unscaled gradient d nll_n / d log_probs (T, N, C).

    See the module docstring for accepted forms, infinite samples and errors.
    """
    return _run(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, True)


def ctc_loss_forward(log_probs, targets, input_lengths, target_lengths, blank=0, zero_infinity=False):
    """Per-sample CTC nll only (no beta / gradient pass)."""
    return _run(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, False)[0]


def ctc_reduce(nll, target_lengths, reduction="mean"):
    """Reduce per-sample nll like torch; returns (loss, scale).

    'none': (nll, ones); 'sum': (sum, ones); 'mean': (mean_n nll_n / max(L_n, 1), 1 / max(L_n, 1) / N).
    ``scale[n]`` is d loss / d nll[n]: multiply ``grad[:, n, :]`` by ``upstream * scale[n]``
    ('none': by the upstream gradient of nll[n] itself). For unbatched (0-d) nll the loss and
    scale are 0-d.
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    nll = np.asarray(nll)
    one = nll.dtype.type(1)
    if reduction == "none":
        return nll, np.ones_like(nll)
    if reduction == "sum":
        return nll.sum(dtype=nll.dtype), np.ones_like(nll)
    tl = np.maximum(np.asarray(target_lengths, dtype=np.int64).reshape(nll.shape), 1).astype(nll.dtype)
    n = nll.size
    loss = (nll / tl).mean(dtype=nll.dtype)
    scale = (one / nll.dtype.type(n)) / tl
    return loss, scale
