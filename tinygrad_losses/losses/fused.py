"""The fused fast path of ``cross_entropy`` for class-index targets: one graph node, one kernel.

``FusedCrossEntropy`` runs the backend's ``cross_entropy_fused`` (``kernels/cpu/cross_entropy.py``,
``kernels/cuda/cross_entropy.py`` on "cuda"), which reads each row
of logits once and returns the loss and d loss / d logits together (online max and sum, one
exponential per logit). The composed ``cross_entropy`` in ``classification.py`` stays the
reference; importing this module installs the fast path there.

When the fused path is taken (the rule): the switch is on (``enabled``), the logits are float32
or float64, and the targets are class indices (the classification module has validated them).
That is sound for every order of differentiation because the node is exact at both:
  * first order (a plain ``backward()``): the saved kernel gradient, scaled by the upstream one;
  * higher order (``backward(create_graph=True)`` / ``tl.grad(..., create_graph=True)``, i.e.
    grad mode is on inside backward): the same gradient recomposed from Tensor ops
    (softmax, one-hot, weights), so the result can be differentiated again.
So the choice needs no knowledge, at forward time, of what the caller will do with the loss.

The graph shows which path ran: this node is named ``FusedCrossEntropy`` and has ``fused = True``.
``with tl.losses.fused.enabled(False):`` (or ``set_enabled(False)``) forces the composed path.
"""
import numpy as np

from tinygrad_losses import autograd, dtypes
from tinygrad_losses.autograd import Function
from tinygrad_losses.losses import classification
from tinygrad_losses.tensor import Tensor, where

_enabled = True


def is_enabled():
    return _enabled


def set_enabled(flag):
    """Turn the fused cross-entropy path on or off for the whole process."""
    global _enabled
    _enabled = bool(flag)


class enabled:
    """Context manager: ``with enabled(False): ...`` runs cross_entropy composed (for comparisons)."""

    def __init__(self, flag=True):
        self.flag = bool(flag)

    def __enter__(self):
        self.prev = _enabled
        set_enabled(self.flag)

    def __exit__(self, *exc):
        set_enabled(self.prev)


def mean_denominator(target, weight, ignore_index):
    """cross_entropy's 'mean' divisor for an int64 target array: D = Σ_{non-ignored} w[y] (their count
    without weights). An int, or a float64 with weights."""
    kept = target != ignore_index
    return np.sum(np.asarray(weight, np.float64)[target[kept]]) if weight is not None else np.count_nonzero(kept)


def composed_grad(x, target, weight, ignore_index, label_smoothing, scale):
    """d loss / d x for (N, C) logits, from Tensor ops (differentiable), upstream gradient 1 per row:

        grad[n, j] = s·((1−ε)·w[y_n]·(p_j − [j=y_n]) + (ε/C)·(p_j·Σ_c w[c] − w[j]))   (0 for ignored n)

    ``target`` is an int64 array, ``weight`` an array or None, ``scale`` s (1/D or 1) a float.
    """
    n_classes = x.shape[1]
    eps = label_smoothing
    t = np.asarray(target)
    kept_np = t != ignore_index
    safe = np.where(kept_np, t, 0)
    onehot = np.zeros(x.shape, x.dtype)
    onehot[np.arange(t.shape[0]), safe] = 1
    w = np.ones(n_classes, x.dtype) if weight is None else np.asarray(weight, x.dtype)
    w_y = np.where(kept_np, w[safe], 0).astype(x.dtype)
    p = x.softmax(1)
    a = Tensor(((1 - eps) * w_y + (eps / n_classes) * w.sum() * kept_np) * scale, dtype=x.dtype, device=x.device)
    kw = Tensor(np.outer(kept_np * (eps / n_classes) * scale, w).astype(x.dtype), device=x.device)
    ky = Tensor((onehot * ((1 - eps) * w_y * scale)[:, None]).astype(x.dtype), device=x.device)
    g = p * a.unsqueeze(1) - kw - ky
    # torch's log_softmax backward on an ignored row is 0 - p·0: 0, or nan where p is nan
    return where(Tensor(kept_np[:, None], device=x.device), g, p * 0)


class FusedCrossEntropy(Function):
    """Cross-entropy of (N, C) logits and int64 class targets, loss and gradient from one kernel.

    Output: (N,) for reduction 'none', else a scalar. Options: target (int64 array), weight
    (array or None), ignore_index, label_smoothing, reduction. First-order backward scales the
    saved gradient in place and hands it over (so a backward costs no extra pass); a second
    backward (retain_graph=True) recomputes it with the kernel.
    """
    fused = True

    def forward(self, B, x, target=None, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
        self.target, self.weight = target, weight
        self.ignore_index, self.label_smoothing, self.reduction = ignore_index, label_smoothing, reduction
        loss, self.grad = B.cross_entropy_fused(x, target, weight, ignore_index, label_smoothing, reduction)
        return loss

    def options(self):
        return {"target": self.target, "weight": self.weight, "ignore_index": self.ignore_index,
                "label_smoothing": self.label_smoothing, "reduction": self.reduction}

    def _scale(self):
        if self.reduction != "mean":
            return 1.0
        d = mean_denominator(self.target, self.weight, self.ignore_index)
        return 1.0 / d if d != 0 else 0.0  # all ignored: torch's gradients are 0

    def backward(self, g):
        x = self.parents[0]
        if autograd.is_grad_enabled():  # a graph of the backward is being built: recompose
            gx = composed_grad(x, self.target, self.weight, self.ignore_index, self.label_smoothing, self._scale())
            return gx * (g.unsqueeze(1) if self.reduction == "none" else g)
        grad = self.grad
        if grad is None:  # handed over by an earlier backward (retain_graph=True): recompute
            grad = x._backend.cross_entropy_fused(x._data, self.target, self.weight, self.ignore_index,
                                                  self.label_smoothing, self.reduction)[1]
        self.grad = None
        gd = g._data
        if self.reduction == "none":
            grad *= gd[:, None]
        elif x.device != "cpu" or gd != 1:  # (a device array has no truth value: always scale)
            grad *= gd
        return Tensor._make(grad, x.device, False)


def fused_class_index_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing):
    """The hook ``classification.cross_entropy`` calls with validated arguments: the fused loss,
    or None (composed path) when switched off or for dtypes the kernel does not take."""
    if not _enabled or input.dtype not in (dtypes.float32, dtypes.float64):
        return None
    n_classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    if input.ndim == 1:
        x2 = input.reshape(1, n_classes)
    elif input.ndim == 2:
        x2 = input
    else:  # (N, C, d1..dK) -> (N·d1···dK, C): class dim last, one row per position
        x2 = input.permute(0, *range(2, input.ndim), 1).reshape(-1, n_classes)
    t = np.ascontiguousarray(target.numpy(), dtype=np.int64).reshape(-1)
    w = None if weight is None else weight.numpy()
    try:
        loss = FusedCrossEntropy.apply(x2, target=t, weight=w, ignore_index=int(ignore_index),
                                       label_smoothing=float(label_smoothing), reduction=reduction)
    except IndexError:  # the kernel found a target out of range: report it as the composed path does
        classification.check_target_values("cross_entropy", target, ignore_index, n_classes)
        raise
    if reduction == "none":
        loss = loss.reshape(target.shape if input.ndim >= 2 else ())
    return loss


classification.fused_class_index_cross_entropy = fused_class_index_cross_entropy
