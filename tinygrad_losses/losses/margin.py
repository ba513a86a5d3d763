"""Margin and ranking losses (PyTorch's): hinge_embedding, soft_margin, multilabel_soft_margin,
margin_ranking, multi_margin, multilabel_margin.

NOTE two gradient conventions at the hinge's kink, both torch's (LOSSES.md §0.3):
  * hinge_embedding and margin_ranking are written with clamp(min=0), whose gradient passes at 0;
  * multi_margin and multilabel_margin reproduce torch's C++ kernels, which count a term only where
    z > 0 strictly: their masks are built with a comparison and applied with ``where``.
"""
import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses.activations import Softplus, logsigmoid
from tinygrad_losses.autograd import is_grad_enabled, named_scope
from tinygrad_losses.losses._reduction import check_reduction, reduce, strict_reduction
from tinygrad_losses.losses._torch_common import broadcast_shape, constant_arg, floating_arg, tensor_arg
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor, where


def _int64_target(fn, target):
    if target.dtype != dtypes.int64:
        raise RuntimeError(f"{fn}: target must be an int64 tensor of class indices (expected scalar type "
                           f"Long), got {target.dtype}")


def _vector_or_matrix(fn, input):
    """The C++ margin kernels take (C) or (N, C) with C > 0 (N may be 0); a 0-d input counts as (1,)."""
    if input.ndim > 2 or (input.ndim >= 1 and input.shape[-1] == 0):
        raise RuntimeError(f"{fn}: expected input of shape (C) or (N, C) with C > 0 (non-empty vector or "
                           f"matrix with optional 0-dim batch size), got {list(input.shape)}")
    return (1, 1) if input.ndim == 0 else (1, input.shape[0]) if input.ndim == 1 else input.shape


# ---- elementwise hinges ----------------------------------------------------------------------
@named_scope("hinge_embedding_loss")
def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """Hinge embedding loss: pull pairs with y = 1 to distance 0, push pairs with y = −1 beyond ``margin``.

    ℓ = [y ≠ 1]·max(0, margin − x) + [y ≠ −1]·x   (torch's exact form: y = 1 gives x, y = −1 gives
    the hinge, any other y the sum of both).
    Args: input x (*) floating (typically a distance), target y (*) broadcast with x (y only selects
    branches: it gets no gradient), margin any number. Returns the broadcast shape for 'none';
    'mean' divides by its number of elements.
    Gradient: [y ≠ −1] − [y ≠ 1]·[margin − x ≥ 0] (it passes at x = margin, torch's clamp convention).
    Departure: torch returns integer results for integer input ('none'/'sum'); we raise TypeError.
    Example: x=[0.3,1.5,0.5,−0.2,1], y=[1,−1,−1,1,−1] → ℓ=[0.3,0,0.5,−0.2,0], mean 0.12.
    torch.nn.functional.hinge_embedding_loss.
    """
    fn = "hinge_embedding_loss"
    reduction = check_reduction(reduction)
    floating_arg(fn, "input", tensor_arg(fn, "input", input))
    tensor_arg(fn, "target", target)
    broadcast_shape(fn, input.shape, target.shape)
    hinge = (margin - input).clamp(min=0)
    loss = where(target != 1, hinge, 0) + where(target != -1, input, 0)
    return reduce(loss, reduction)


@named_scope("soft_margin_loss")
def soft_margin_loss(input, target, reduction="mean"):
    """Soft margin loss: the logistic loss of a ±1 label.

    ℓ = log(1 + exp(−y·x)) = softplus(−y·x).
    Args: input x (*) floating; target y broadcastable *into* x's shape (cast to x's dtype; intended
    ±1, any real accepted; not differentiable: a target requiring grad is a RuntimeError, as in torch).
    Returns x's shape for 'none'; 'mean' divides by x's number of elements.
    Gradient: −y·σ(−y·x).
    Departure: torch evaluates log(1 + exp(−y·x)) naively and returns inf once −y·x ≳ 88.7 (float32)
    / 709.8 (float64); we use the stable softplus, so x=−1000, y=1 gives 1000.
    Example: x=[0.3,−1.5,2], y=[1,1,−1] → mean 1.4609.
    torch.nn.functional.soft_margin_loss.
    """
    fn = "soft_margin_loss"
    reduction = check_reduction(reduction)
    floating_arg(fn, "input", tensor_arg(fn, "input", input), error=RuntimeError)
    tensor_arg(fn, "target", target)
    if is_grad_enabled() and target.requires_grad:
        raise RuntimeError(f"{fn} is not differentiable with respect to argument 'target': pass a target "
                           f"with requires_grad=False (e.g. target.detach())")
    if broadcast_shape(fn, input.shape, target.shape) != input.shape:
        raise RuntimeError(f"{fn}: target of shape {tuple(target.shape)} must broadcast into input's shape "
                           f"{tuple(input.shape)} (the output has input's shape)")
    y = target.to(input.dtype)
    loss = Softplus.apply(-(y * input))  # softplus(z) = max(z, 0) + log1p(exp(−|z|)): never overflows
    return reduce(loss, reduction)


@named_scope("multilabel_soft_margin_loss")
def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    """Multi-label one-versus-all logistic loss, averaged over the classes (the last dim).

    ℓ_n = −(1/C)·Σ_c w_c·[y_c·logσ(x_c) + (1 − y_c)·logσ(−x_c)],  C = input.size(−1).
    Args: input x (*, C) floating logits; target y (*, C) in [0, 1] (broadcast silently, integer
    targets promoted, differentiable); weight (C) or anything broadcastable (optional, differentiable).
    Returns input.shape[:-1] for 'none' (0-d for a 1-D input); 'mean' divides by numel(input)/C,
    never by Σw. As in torch, the sum runs over dim input.ndim − 1 of the broadcast loss.
    Example: x=[[0.3,−1.5,2,0.1],[1,0,−0.5,0.2]], y=[[1,0,1,0],[0,0,1,1]], w=[1,2,0.5,1]
    → ℓ=[0.441261,0.946183], mean 0.693722.
    torch.nn.functional.multilabel_soft_margin_loss.
    """
    fn = "multilabel_soft_margin_loss"
    reduction = strict_reduction(reduction, message="{reduction} is not valid (expected one of 'none', "
                                                    "'mean', 'sum')")
    floating_arg(fn, "input", tensor_arg(fn, "input", input))
    tensor_arg(fn, "target", target)
    if input.ndim == 0:
        raise IndexError(f"{fn}: input must have at least 1 dim (the last one holds the classes), got a 0-d tensor")
    shape = broadcast_shape(fn, input.shape, target.shape)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        tensor_arg(fn, "weight", weight)
        broadcast_shape(fn, shape, weight.shape)
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(dim=class_dim) / input.shape[-1]
    return reduce(loss, reduction)


# ---- ranking ---------------------------------------------------------------------------------
@named_scope("margin_ranking_loss")
def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """Margin ranking loss: x1 should rank above x2 by ``margin`` when y = 1, below when y = −1.

    ℓ = max(0, −y·(x1 − x2) + margin).
    Args: input1, input2, target: tensors with the same number of dims, broadcast together (y is
    not validated; every floating argument gets a gradient). Returns the broadcast shape for 'none';
    'mean' divides by its number of elements.
    Gradient: ∂/∂x1 = −y·[z ≥ 0], ∂/∂x2 = y·[z ≥ 0], ∂/∂y = −(x1 − x2)·[z ≥ 0] (passes at z = 0).
    Example: x1=[1,2,0.5,3], x2=[2,1,0.5,3.5], y=[1,1,−1,−1], margin 0.5 → ℓ=[1.5,0,0.5,0], mean 0.5.
    torch.nn.functional.margin_ranking_loss.
    """
    fn = "margin_ranking_loss"
    reduction = check_reduction(reduction)
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        tensor_arg(fn, name, t)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"{fn}: input1, input2 and target must have the same number of dims, got shapes "
                           f"input1: {tuple(input1.shape)}, input2: {tuple(input2.shape)}, "
                           f"target: {tuple(target.shape)}")
    broadcast_shape(fn, input1.shape, input2.shape, target.shape)
    loss = (-target * (input1 - input2) + float(margin)).clamp(min=0)
    return reduce(loss, reduction)


# ---- the two C++ margin kernels of torch -------------------------------------------------------
@named_scope("multi_margin_loss")
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, reduction="mean"):
    """Multi-class hinge loss (Weston–Watkins): every wrong class should score ``margin`` below the target.

    ℓ_n = (1/C)·Σ_{i ≠ y_n} w[y_n]·max(0, margin − x[n, y_n] + x[n, i])^p,   p ∈ {1, 2}.
    Args: input x (N, C) or (C) floating; target y (N) int64 in [0, C) (() or (1,) for a (C) input);
    weight (C) (optional, same dtype as x, not differentiable: the *target class's* weight scales the
    row). Returns target's shape for 'none'; 'mean' divides by N (weights are not in the denominator).
    Gradient: a term counts only where z = margin − x_y + x_i > 0 strictly (torch's kernel):
    p=1: ±w_y/C, p=2: ±2·w_y·z/C.
    Departure: an empty batch gives nan for 'mean' and 0 for 'sum' (torch reads uninitialised memory).
    Example: x=[[0.1,0.2,0.4,0.8],[0.5,−0.3,0.9,0]], y=[3,0] → ℓ=[0.325,0.525], mean 0.425.
    torch.nn.functional.multi_margin_loss.
    """
    fn = "multi_margin_loss"
    if p != 1 and p != 2:
        raise ValueError(f"{fn}: only p == 1 and p == 2 are supported, got p={p!r}")
    if weight is not None and (not isinstance(weight, Tensor) or weight.ndim != 1):
        got = f"shape {tuple(weight.shape)}" if isinstance(weight, Tensor) else type(weight).__name__
        raise ValueError(f"{fn}: weight must be one-dimensional (C,), got {got}")
    reduction = check_reduction(reduction)
    floating_arg(fn, "input", tensor_arg(fn, "input", input))
    tensor_arg(fn, "target", target)
    N, C = _vector_or_matrix(fn, input)
    if target.ndim > 1 or target.numel() != N:
        raise RuntimeError(f"{fn}: target must be 1-D with one class index per sample: expected size [{N}], "
                           f"got {list(target.shape)} for input of shape {list(input.shape)}")
    _int64_target(fn, target)
    idx = target.numpy().reshape(N)
    if idx.size and (idx.min() < 0 or idx.max() >= C):
        bad = idx[(idx < 0) | (idx >= C)][0]
        raise RuntimeError(f"{fn}: target out of range: got class {bad}, expected values in [0, {C})")
    if weight is not None:
        if weight.numel() != C:
            raise RuntimeError(f"{fn}: inconsistent weight size: expected {C} (one per class), got "
                               f"{list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"{fn}: weight must have input's dtype {input.dtype}, got {weight.dtype}")
        constant_arg(fn, "weight", weight)
    x = input.reshape(N, C)
    y = Tensor(idx.reshape(N, 1), device=input.device)
    z = margin - x.gather(1, y) + x                                   # (N, C)
    active = (z.detach() > 0) & (Tensor(np.arange(C), device=input.device) != y)  # NOTE strict z > 0
    h = where(active, z if p == 1 else z * z, 0)
    if weight is not None:
        h = h * weight[y]                                              # the target class's weight, (N, 1)
    loss = (h.sum(1) / C).reshape(target.shape)
    return reduce(loss, reduction)


@named_scope("multilabel_margin_loss")
def multilabel_margin_loss(input, target, reduction="mean"):
    """Multi-label hinge loss: every listed class should score 1 above every class not listed.

    ℓ_n = (1/C)·Σ_{j ∈ J_n} Σ_{i ∉ J_n} max(0, 1 − (x[n, j] − x[n, i])),
    where J_n is target row n read left to right up to the first −1 (duplicates count again).
    Args: input x (N, C) or (C) floating; target int64 of input's shape, values in [−1, C) (checked
    over the whole tensor, also after the terminator, as torch does). Returns (N) or () for 'none';
    'mean' divides by N.
    Gradient: a term counts only where 1 − (x_j − x_i) > 0 strictly (torch's kernel): ∓1/C.
    Departure: an empty batch gives nan for 'mean' and 0 for 'sum' (torch reads uninitialised memory).
    Example: x=[[0.1,0.2,0.4,0.8],[0.5,−0.3,0.9,0]], y=[[3,0,−1,1],[2,−1,0,1]] → ℓ=[0.85,0.175],
    mean 0.5125.
    torch.nn.functional.multilabel_margin_loss.
    """
    fn = "multilabel_margin_loss"
    reduction = check_reduction(reduction)
    floating_arg(fn, "input", tensor_arg(fn, "input", input))
    tensor_arg(fn, "target", target)
    N, C = _vector_or_matrix(fn, input)
    if target.shape != input.shape:
        raise RuntimeError(f"{fn}: inconsistent target size: target must have input's shape "
                           f"{list(input.shape)}, got {list(target.shape)}")
    _int64_target(fn, target)
    t = target.numpy().reshape(N, C)
    if t.size and (t.min() < -1 or t.max() >= C):
        bad = t[(t < -1) | (t >= C)][0]
        raise RuntimeError(f"{fn}: argument #2 'target' is out of range: got {bad}, expected values in "
                           f"[-1, {C}) (-1 ends a row's list)")
    listed = np.cumsum(t == -1, axis=1) == 0                         # slots before the first -1
    K = int(listed.sum(1).max()) if N else 0                           # longest list: the slots we need
    listed, slots = listed[:, :K], np.where(listed, t, 0)[:, :K]
    is_target = np.zeros((N, C), dtype=bool)                           # class c is in J_n
    rows = np.broadcast_to(np.arange(N)[:, None], (N, K))
    is_target[rows[listed], slots[listed]] = True
    x = input.reshape(N, C)
    x_j = x.gather(1, Tensor(slots, device=input.device))             # (N, K) scores of the listed classes
    z = 1 - (x_j.unsqueeze(2) - x.unsqueeze(1))                        # (N, K, C)
    active = (Tensor(listed[:, :, None] & ~is_target[:, None, :], device=input.device)
              & (z.detach() > 0))                                      # NOTE strict z > 0
    loss = where(active, z, 0).sum((1, 2)) / C
    return reduce(loss.reshape(()) if input.ndim < 2 else loss, reduction)


register("hinge_embedding_loss", hinge_embedding_loss, "HingeEmbeddingLoss", "metric learning",
         r"\ell = [y \ne 1]\max(0, m - x) + [y \ne -1]\,x",
         "l = [y != 1]·max(0, margin − x) + [y != −1]·x",
         "For a distance x between two items and a label y = 1 (similar) or −1 (dissimilar): similar "
         "pairs are pulled to distance 0, dissimilar ones pushed beyond the margin. Used for learning "
         "embeddings or semi-supervised similarity from pairwise labels.",
         {"input": [0.3, 1.5, 0.5, -0.2, 1.0], "target": [1.0, -1.0, -1.0, 1.0, -1.0]})
register("soft_margin_loss", soft_margin_loss, "SoftMarginLoss", "classification",
         r"\ell = \log(1 + e^{-y x})",
         "l = log(1 + exp(−y·x))",
         "The logistic loss of a ±1 label: a smooth hinge for binary classification with labels −1/+1 "
         "(equal to binary cross-entropy with logits after mapping y to {0, 1}).",
         {"input": [0.3, -1.5, 2.0], "target": [1.0, 1.0, -1.0]})
register("multilabel_soft_margin_loss", multilabel_soft_margin_loss, "MultiLabelSoftMarginLoss",
         "classification",
         r"\ell_n = -\frac{1}{C}\sum_c w_c\,[y_c \log\sigma(x_c) + (1-y_c)\log\sigma(-x_c)]",
         "l_n = −(1/C)·Σ_c w_c·[y_c·logσ(x_c) + (1 − y_c)·logσ(−x_c)]",
         "Multi-label classification as C independent binary logistic problems, averaged over the "
         "classes: each sample may belong to any subset of the classes.",
         {"input": [[0.3, -1.5, 2.0, 0.1], [1.0, 0.0, -0.5, 0.2]], "target": [[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]})
register("margin_ranking_loss", margin_ranking_loss, "MarginRankingLoss", "ranking",
         r"\ell = \max(0, -y(x_1 - x_2) + m)",
         "l = max(0, −y·(x1 − x2) + margin)",
         "Pairwise ranking: for y = 1 the first score should exceed the second by the margin, for "
         "y = −1 the other way round. The building block of pairwise learning-to-rank.",
         {"input1": [1.0, 2.0, 0.5, 3.0], "input2": [2.0, 1.0, 0.5, 3.5], "target": [1.0, 1.0, -1.0, -1.0],
          "margin": 0.5})
register("multi_margin_loss", multi_margin_loss, "MultiMarginLoss", "classification",
         r"\ell_n = \frac{1}{C}\sum_{i \ne y} w_y \max(0, m - x_y + x_i)^p",
         "l_n = (1/C)·Σ_{i≠y} w[y]·max(0, margin − x[y] + x[i])^p",
         "The multi-class SVM hinge (Weston–Watkins): every wrong class must score at least the margin "
         "below the true class; only violations cost. p = 2 squares them.",
         {"input": [[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0.0]], "target": [3, 0]})
register("multilabel_margin_loss", multilabel_margin_loss, "MultiLabelMarginLoss", "classification",
         r"\ell_n = \frac{1}{C}\sum_{j \in J}\sum_{i \notin J} \max(0, 1 - (x_j - x_i))",
         "l_n = (1/C)·Σ_{j∈J} Σ_{i∉J} max(0, 1 − (x[j] − x[i]))",
         "Multi-label hinge: every listed (relevant) class must score at least 1 above every unlisted "
         "class. Targets list class indices, ended by −1.",
         {"input": [[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0.0]], "target": [[3, 0, -1, 1], [2, -1, 0, 1]]})
