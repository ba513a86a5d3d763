"""Margin and ranking losses: a score must beat a margin, or rank above another score.

PyTorch's soft_margin, multilabel_soft_margin, multi_margin, multilabel_margin and
margin_ranking; the hinge family (binary, squared, categorical, Crammer–Singer: Keras / optax),
the perceptron losses, and optax's listwise ranking_softmax_loss.

NOTE two gradient conventions at the hinge's kink, both torch's:
  * margin_ranking (and hinge_embedding in ``metric.py``) are written with clamp(min=0), whose
    gradient passes at 0;
  * multi_margin and multilabel_margin reproduce torch's C++ kernels, which count a term only where
    z > 0 strictly: their masks are built with a comparison and applied with ``where``.

Argument order is torch's ``(input, target)``; Keras writes ``(y_true, y_pred)``. Labels
(±1 / 0-1 / one-hot) that only select branches are treated as constants (no gradient)."""
import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses.activations import logsigmoid, Softplus
from tinygrad_losses import hooks
from tinygrad_losses.autograd import is_grad_enabled
from tinygrad_losses.losses._checks import broadcast_shape, check_at_least_1d, check_class_scores, check_labels, check_pair, check_same_shape, check_tensor, constant_arg, floating_arg, tensor_arg
from tinygrad_losses.losses._compositions import one_hot_like
from tinygrad_losses.losses._reduction import check_reduction, legacy_flags, reduce, strict_reduction
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


@hooks.labelled("soft_margin_loss")
@legacy_flags
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
    >>> F.soft_margin_loss(tl.tensor([0.3, -1.5, 2]), tl.tensor([1., 1, -1]))
    tensor(1.4609)

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


@hooks.labelled("multilabel_soft_margin_loss")
@legacy_flags
def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    """Multi-label one-versus-all logistic loss, averaged over the classes (the last dim).

    ℓ_n = −(1/C)·Σ_c w_c·[y_c·logσ(x_c) + (1 − y_c)·logσ(−x_c)],  C = input.size(−1).
    Args: input x (*, C) floating logits; target y (*, C) in [0, 1] (broadcast silently, integer
    targets promoted, differentiable); weight (C) or anything broadcastable (optional, differentiable).
    Returns input.shape[:-1] for 'none' (0-d for a 1-D input); 'mean' divides by numel(input)/C,
    never by Σw. As in torch, the sum runs over dim input.ndim − 1 of the broadcast loss.
    Example: x=[[0.3,−1.5,2,0.1],[1,0,−0.5,0.2]], y=[[1,0,1,0],[0,0,1,1]], w=[1,2,0.5,1]
    → ℓ=[0.441261,0.946183], mean 0.693722.
    >>> x, y = tl.tensor([[0.3, -1.5, 2, 0.1], [1, 0, -0.5, 0.2]]), tl.tensor([[1., 0, 1, 0], [0, 0, 1, 1]])
    >>> w = tl.tensor([1., 2, 0.5, 1])
    >>> F.multilabel_soft_margin_loss(x, y, weight=w, reduction='none')
    tensor([0.4413, 0.9462])
    >>> F.multilabel_soft_margin_loss(x, y, weight=w)
    tensor(0.6937)

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
@hooks.labelled("margin_ranking_loss")
@legacy_flags
def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """Margin ranking loss: x1 should rank above x2 by ``margin`` when y = 1, below when y = −1.

    ℓ = max(0, −y·(x1 − x2) + margin).
    Args: input1, input2, target: tensors with the same number of dims, broadcast together (y is
    not validated; every floating argument gets a gradient). Returns the broadcast shape for 'none';
    'mean' divides by its number of elements.
    Gradient: ∂/∂x1 = −y·[z ≥ 0], ∂/∂x2 = y·[z ≥ 0], ∂/∂y = −(x1 − x2)·[z ≥ 0] (passes at z = 0).
    Example: x1=[1,2,0.5,3], x2=[2,1,0.5,3.5], y=[1,1,−1,−1], margin 0.5 → ℓ=[1.5,0,0.5,0], mean 0.5.
    >>> x1, x2, y = tl.tensor([1., 2, 0.5, 3]), tl.tensor([2, 1, 0.5, 3.5]), tl.tensor([1., 1, -1, -1])
    >>> F.margin_ranking_loss(x1, x2, y, margin=0.5, reduction='none'), F.margin_ranking_loss(x1, x2, y, margin=0.5)
    (tensor([1.5000, 0.0000, 0.5000, 0.0000]), tensor(0.5000))

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
@hooks.labelled("multi_margin_loss")
@legacy_flags
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
    >>> x, y = tl.tensor([[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0]]), tl.tensor([3, 0])
    >>> F.multi_margin_loss(x, y, reduction='none'), F.multi_margin_loss(x, y)
    (tensor([0.3250, 0.5250]), tensor(0.4250))

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


@hooks.labelled("multilabel_margin_loss")
@legacy_flags
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
    >>> x, y = tl.tensor([[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0]]), tl.tensor([[3, 0, -1, 1], [2, -1, 0, 1]])
    >>> F.multilabel_margin_loss(x, y, reduction='none'), F.multilabel_margin_loss(x, y)
    (tensor([0.8500, 0.1750]), tensor(0.5125))

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


def _labels_pm1(target, input, fn):
    """Keras's hinge labels: ±1, or 0/1 mapped to ±1 when every label is 0 or 1; as a constant."""
    check_tensor(target, "target", fn, floating=False)
    check_same_shape(input, target, ("input", "target"), fn)
    y = target.detach().to(input.dtype)
    if bool(((y == 0) | (y == 1)).all()):
        y = 2 * y - 1
    return y


# ---- hinge family ---------------------------------------------------------------------------------
@hooks.labelled("hinge_loss")
def hinge_loss(input, target, reduction="mean"):
    """Binary hinge loss (the SVM loss) on scores ``input`` and labels ``target`` ∈ {−1, 1}.

    ℓ = mean_last(max(0, 1 − y·s)); labels that are all 0 or 1 are first mapped to −1/1 (Keras).
    Gradient −y/C where 1 − y·s > 0, and 0 at the kink (relu; jax's maximum would give −y/2).
    Args: input (…, C) floating scores; target (…, C) labels, any real dtype. Returns (…) for 'none'
    (Keras's per-sample value); 'mean' divides by the number of samples.
    Example: target=[[0,1,1],[1,0,0]], input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]] → [0.966667, 0.8].
    Keras: keras.losses.hinge(target, input); optax.losses.hinge_loss(input, target) is the elementwise ℓ.
    >>> input = tl.tensor([[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]])
    >>> target = tl.tensor([[0.0, 1, 1], [1, 0, 0]])
    >>> F.hinge_loss(input, target, reduction='none')
    tensor([0.9667, 0.8000])
    """
    fn = "hinge_loss"
    check_tensor(input, "input", fn)
    check_at_least_1d(input, "input", fn)
    y = _labels_pm1(target, input, fn)
    reduction = check_reduction(reduction)
    return reduce((1 - y * input).relu().mean(-1), reduction)


@hooks.labelled("squared_hinge_loss")
def squared_hinge_loss(input, target, reduction="mean"):
    """Squared hinge loss: the hinge squared, so it is differentiable at the margin.

    ℓ = mean_last(max(0, 1 − y·s)²), labels as in ``hinge_loss``; gradient −2y·max(0, 1 − y·s)/C.
    Args/returns as ``hinge_loss``.
    Example: target=[[0,1,1],[1,0,0]], input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]] → [1.23, 1.06667].
    Keras: keras.losses.squared_hinge(target, input).
    >>> input = tl.tensor([[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]])
    >>> target = tl.tensor([[0.0, 1, 1], [1, 0, 0]])
    >>> F.squared_hinge_loss(input, target, reduction='none')
    tensor([1.2300, 1.0667])
    """
    fn = "squared_hinge_loss"
    check_tensor(input, "input", fn)
    check_at_least_1d(input, "input", fn)
    y = _labels_pm1(target, input, fn)
    reduction = check_reduction(reduction)
    return reduce((1 - y * input).relu().square().mean(-1), reduction)


@hooks.labelled("categorical_hinge_loss")
def categorical_hinge_loss(input, target, reduction="mean"):
    """Keras's categorical hinge on one-hot targets: the best wrong score against the true one.

    ℓ = max(0, neg − pos + 1), pos = Σ_c y_c s_c, neg = max_c (1 − y_c)·s_c. NOTE (Keras's own
    definition, kept) the true class contributes 0 to ``neg``, so when every wrong score is
    negative neg = 0; ``multiclass_hinge_loss`` is the exact Crammer–Singer loss. Gradient 0 at the
    kink; tied maxima share the gradient evenly.
    Args: input (…, C) scores, target (…, C) one-hot, same shape. Returns (…) for 'none'.
    Example: target=[[0,1,0],[0,0,1]], input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]] → [0.5, 1.9].
    Keras: keras.losses.categorical_hinge(target, input).
    >>> input = tl.tensor([[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]])
    >>> target = tl.tensor([[0.0, 1, 0], [0, 0, 1]])
    >>> F.categorical_hinge_loss(input, target, reduction='none')
    tensor([0.5000, 1.9000])
    """
    fn = "categorical_hinge_loss"
    check_class_scores(input, fn)
    check_tensor(target, "target", fn, floating=False)
    check_same_shape(input, target, ("input", "target"), fn)
    reduction = check_reduction(reduction)
    y = target.detach().to(input.dtype)
    pos = (y * input).sum(-1)
    neg = ((1 - y) * input).amax(-1)
    return reduce((neg - pos + 1).relu(), reduction)


@hooks.labelled("multiclass_hinge_loss")
def multiclass_hinge_loss(input, target, reduction="mean"):
    """Crammer–Singer multiclass hinge: the margin by which the true class fails to beat every other by 1.

    ℓ = max_j (s_j + 1 − [j = y]) − s_y (≥ 0). Tied maxima share the gradient evenly.
    Args: input (…, C) scores; target (…) int class indices in [0, C). Returns (…) for 'none'.
    Example: input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]], target=[1,2] → [0.5, 1.9];
    input=[−2,−1,−3], target=1 → 0 (Keras's categorical hinge gives 2 there).
    optax: optax.losses.multiclass_hinge_loss(input, target).
    >>> input = tl.tensor([[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]])
    >>> target = tl.tensor([1, 2])
    >>> F.multiclass_hinge_loss(input, target, reduction='none')
    tensor([0.5000, 1.9000])
    >>> F.multiclass_hinge_loss(tl.tensor([-2., -1, -3]), tl.tensor(1))
    tensor(0.)
    """
    fn = "multiclass_hinge_loss"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    reduction = check_reduction(reduction)
    onehot = one_hot_like(labels, input)
    true = (input * onehot).sum(-1)
    return reduce((input + 1 - onehot).amax(-1) - true, reduction)


# ---- perceptron -----------------------------------------------------------------------------------
@hooks.labelled("perceptron_loss")
def perceptron_loss(input, target, reduction="mean"):
    """Binary perceptron loss: positive only for misclassified points, with no margin.

    ℓ = max(0, −y·s), y ∈ {−1, 1}, elementwise; gradient −y where y·s < 0 and 0 at y·s = 0
    (relu; optax's jnp.maximum gives −y/2 there).
    Args: input floating scores, target labels ±1 (any real dtype), same shape. Returns input's
    shape for 'none'; 'mean' divides by numel.
    Example: input=[0.5,−0.2,1,−1.5], target=[1,1,−1,−1] → [0, 0.2, 1, 0].
    optax: optax.losses.perceptron_loss(input, target).
    >>> F.perceptron_loss(tl.tensor([0.5, -0.2, 1, -1.5]), tl.tensor([1., 1, -1, -1]), reduction='none')
    tensor([0.0000, 0.2000, 1.0000, 0.0000])
    """
    fn = "perceptron_loss"
    check_pair(input, target, fn, floating_target=False)
    reduction = check_reduction(reduction)
    y = target.detach().to(input.dtype)
    return reduce((-y * input).relu(), reduction)


@hooks.labelled("multiclass_perceptron_loss")
def multiclass_perceptron_loss(input, target, reduction="mean"):
    """Multiclass perceptron loss: how far the true score is below the best score.

    ℓ = max_j s_j − s_y; gradient e_argmax − e_y (tied maxima share evenly).
    Args: input (…, C) scores; target (…) int class indices. Returns (…) for 'none'.
    Example: input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]], target=[1,2] → [0, 0.9].
    optax: optax.losses.multiclass_perceptron_loss(input, target).
    >>> input = tl.tensor([[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]])
    >>> target = tl.tensor([1, 2])
    >>> F.multiclass_perceptron_loss(input, target, reduction='none')
    tensor([0.0000, 0.9000])
    """
    fn = "multiclass_perceptron_loss"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    reduction = check_reduction(reduction)
    true = (input * one_hot_like(labels, input)).sum(-1)
    return reduce(input.amax(-1) - true, reduction)


_S = [[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]]


@hooks.labelled("ranking_softmax_loss")
def ranking_softmax_loss(input, target, where_mask=None, reduction="mean"):
    """Softmax (ListNet-style) ranking loss: cross-entropy of the relevance labels against the
    softmax of the scores over each list (the last axis).

    ℓ = −Σ_i y_i · log_softmax(s)_i. Items with ``where_mask`` False are left out (their logits act
    as −inf and their labels as 0); a list with no valid item gives 0.
    Args: input (…, L) scores; target (…, L) relevance labels ≥ 0 (floating), same shape;
    where_mask (…, L) bool or None. Returns (…) for 'none'; 'mean' divides by the number of lists.
    Example: s=[2,1,3], y=[1,0,0] → 1.40761.
    optax: optax.losses.ranking_softmax_loss(input, target, where=where_mask) (rax's softmax_loss).
    >>> F.ranking_softmax_loss(tl.tensor([2., 1, 3]), tl.tensor([1., 0, 0]))
    tensor(1.4076)
    """
    fn = "ranking_softmax_loss"
    check_pair(input, target, fn, last_axis=True)
    reduction = check_reduction(reduction)
    if where_mask is None:
        return reduce(-(target * input.log_softmax(-1)).sum(-1), reduction)
    if not isinstance(where_mask, Tensor) or where_mask.dtype.kind != "b" or where_mask.shape != input.shape:
        raise TypeError(f"{fn}: where_mask must be a bool Tensor of shape {tuple(input.shape)}, got "
                        + (f"{where_mask.dtype} of shape {tuple(where_mask.shape)}"
                           if isinstance(where_mask, Tensor) else type(where_mask).__name__))
    # masked items get −inf logits; lists with no valid item keep theirs (their labels are all masked)
    keep = where_mask | ~where_mask.any(-1, keepdim=True)
    log_p = where(keep, input, float("-inf")).log_softmax(-1)
    return reduce(-where(where_mask, target * log_p, 0.0).sum(-1), reduction)


# ---- registry ------------------------------------------------------------------------------------
register("soft_margin_loss", soft_margin_loss, "SoftMarginLoss", "margin and ranking",
         r"\ell = \log(1 + e^{-y x})",
         "l = log(1 + exp(−y·x))",
         "The logistic loss of a ±1 label: a smooth hinge for binary classification with labels −1/+1 "
         "(equal to binary cross-entropy with logits after mapping y to {0, 1}).",
         {"input": [0.3, -1.5, 2.0], "target": [1.0, 1.0, -1.0]})
register("multilabel_soft_margin_loss", multilabel_soft_margin_loss, "MultiLabelSoftMarginLoss",
         "margin and ranking",
         r"\ell_n = -\frac{1}{C}\sum_c w_c\,[y_c \log\sigma(x_c) + (1-y_c)\log\sigma(-x_c)]",
         "l_n = −(1/C)·Σ_c w_c·[y_c·logσ(x_c) + (1 − y_c)·logσ(−x_c)]",
         "Multi-label classification as C independent binary logistic problems, averaged over the "
         "classes: each sample may belong to any subset of the classes.",
         {"input": [[0.3, -1.5, 2.0, 0.1], [1.0, 0.0, -0.5, 0.2]], "target": [[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]})
register("margin_ranking_loss", margin_ranking_loss, "MarginRankingLoss", "margin and ranking",
         r"\ell = \max(0, -y(x_1 - x_2) + m)",
         "l = max(0, −y·(x1 − x2) + margin)",
         "Pairwise ranking: for y = 1 the first score should exceed the second by the margin, for "
         "y = −1 the other way round. The building block of pairwise learning-to-rank.",
         {"input1": [1.0, 2.0, 0.5, 3.0], "input2": [2.0, 1.0, 0.5, 3.5], "target": [1.0, 1.0, -1.0, -1.0],
          "margin": 0.5})
register("multi_margin_loss", multi_margin_loss, "MultiMarginLoss", "margin and ranking",
         r"\ell_n = \frac{1}{C}\sum_{i \ne y} w_y \max(0, m - x_y + x_i)^p",
         "l_n = (1/C)·Σ_{i≠y} w[y]·max(0, margin − x[y] + x[i])^p",
         "The multi-class SVM hinge (Weston–Watkins): every wrong class must score at least the margin "
         "below the true class; only violations cost. p = 2 squares them.",
         {"input": [[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0.0]], "target": [3, 0]})
register("multilabel_margin_loss", multilabel_margin_loss, "MultiLabelMarginLoss", "margin and ranking",
         r"\ell_n = \frac{1}{C}\sum_{j \in J}\sum_{i \notin J} \max(0, 1 - (x_j - x_i))",
         "l_n = (1/C)·Σ_{j∈J} Σ_{i∉J} max(0, 1 − (x[j] − x[i]))",
         "Multi-label hinge: every listed (relevant) class must score at least 1 above every unlisted "
         "class. Targets list class indices, ended by −1.",
         {"input": [[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0.0]], "target": [[3, 0, -1, 1], [2, -1, 0, 1]]})
register("hinge_loss", hinge_loss, "HingeLoss", "margin and ranking",
         r"\ell = \frac{1}{C}\sum_c \max(0, 1 - y_c s_c)", "mean_last(max(0, 1 - y * s))",
         "The SVM loss for labels ±1: zero once a score is on the right side with margin 1, linear "
         "otherwise. Encourages a margin rather than calibrated probabilities. Keras's hinge (0/1 labels "
         "are mapped to ±1).", {"input": _S, "target": [[0, 1, 1], [1, 0, 0]], "reduction": "none"})
register("squared_hinge_loss", squared_hinge_loss, "SquaredHingeLoss", "margin and ranking",
         r"\ell = \frac{1}{C}\sum_c \max(0, 1 - y_c s_c)^2", "mean_last(max(0, 1 - y * s)^2)",
         "The hinge loss squared: differentiable at the margin and harsher on large violations. "
         "Keras's squared_hinge.", {"input": _S, "target": [[0, 1, 1], [1, 0, 0]], "reduction": "none"})
register("categorical_hinge_loss", categorical_hinge_loss, "CategoricalHingeLoss", "margin and ranking",
         r"\ell = \max(0, \max_c (1 - y_c) s_c - \sum_c y_c s_c + 1)", "max(0, max((1 - y) * s) - sum(y * s) + 1)",
         "Keras's multiclass hinge on one-hot targets: the best wrong-class score should trail the true "
         "score by 1. Note that the true class counts as 0 among the wrong ones.",
         {"input": _S, "target": [[0, 1, 0], [0, 0, 1]], "reduction": "none"})
register("multiclass_hinge_loss", multiclass_hinge_loss, "MultiClassHingeLoss", "margin and ranking",
         r"\ell = \max_j (s_j + 1 - [j = y]) - s_y", "max_j(s_j + 1 - [j == y]) - s_y",
         "The Crammer–Singer multiclass SVM loss: zero when the true class beats every other class by a "
         "margin of 1, otherwise the largest violation. optax's multiclass_hinge_loss.",
         {"input": _S, "target": [1, 2], "reduction": "none"})
register("perceptron_loss", perceptron_loss, "PerceptronLoss", "margin and ranking",
         r"\ell = \max(0, -y s)", "max(0, -y * s)",
         "Rosenblatt's perceptron criterion: zero for correctly classified points (no margin), linear in "
         "the score of misclassified ones. optax's perceptron_loss.",
         {"input": [0.5, -0.2, 1.0, -1.5], "target": [1, 1, -1, -1], "reduction": "none"})
register("multiclass_perceptron_loss", multiclass_perceptron_loss, "MultiClassPerceptronLoss",
         "margin and ranking", r"\ell = \max_j s_j - s_y", "max(s) - s_y",
         "The multiclass perceptron criterion: how far the true score is below the top score; zero once "
         "the true class wins. optax's multiclass_perceptron_loss.",
         {"input": _S, "target": [1, 2], "reduction": "none"})
register("ranking_softmax_loss", ranking_softmax_loss, "RankingSoftmaxLoss", "margin and ranking",
         r"\ell = -\sum_i y_i \log \frac{e^{s_i}}{\sum_j e^{s_j}}", "-sum(y * log_softmax(s))",
         "A listwise learning-to-rank loss: treats the scores of a list's items as a softmax "
         "distribution and the relevance labels as targets, so relevant items are pushed to the top. "
         "optax's ranking_softmax_loss (ListNet / rax softmax_loss).",
         {"input": [2.0, 1.0, 3.0], "target": [1.0, 0.0, 0.0]})
