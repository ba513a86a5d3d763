"""Classification losses: scores (logits or probabilities) against class labels.

PyTorch's cross_entropy, nll_loss, binary_cross_entropy and binary_cross_entropy_with_logits,
then the focal losses (torchvision / optax / Keras), poly-1, generalized cross-entropy and the
sparsemax losses.

For the PyTorch losses the class dimension is dim 1 (dim 0 for an unbatched 1-D input).
Class-index losses divide 'mean' by the summed class weight of the non-ignored targets, so an
all-ignored batch gives nan (0/0) with all-zero gradients, as in torch. The losses beyond
PyTorch take the class dim last; Keras-style ones return, for ``reduction='none'``, Keras's
per-sample value, so the default 'mean' equals Keras's 'sum_over_batch_size'. Labels that only
select branches are constants (no gradient).

``sparsemax`` is composed, not a primitive: its support (which entries stay positive) is a
piecewise-constant function of the scores, found by sorting without gradient, like relu's mask.
Given the support S (k entries), sparsemax(s)_i = s_i − τ on S and 0 elsewhere with
τ = (Σ_S s − 1)/k, an affine map of s, so the Tensor ops give its exact Jacobian
diag(m) − m mᵀ/k (m the support mask) and it can be differentiated again."""
import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses.activations import logsigmoid, Softplus
from tinygrad_losses import hooks
from tinygrad_losses.losses._checks import check_at_least_1d, check_class_scores, check_labels, check_number, check_pair, check_same_shape, check_tensor, constant_arg, EPS_K, floating_arg, tensor_arg, weight_not_enlarging
from tinygrad_losses.losses._compositions import log_one_minus_pt, one_hot_like
from tinygrad_losses.losses._reduction import check_reduction, legacy_flags, reduce
from tinygrad_losses.losses.primitives import BinaryCrossEntropy
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor, where


# A fused kernel for the class-index path of cross_entropy may install itself here: it is called
# with (input, target, weight, ignore_index, reduction, label_smoothing), already validated, and
# returns the loss, or None to fall back to the composition below (which stays the reference).
fused_class_index_cross_entropy = None


# ---- argument checks ---------------------------------------------------------------------------
def _class_dim(input):
    return 1 if input.ndim >= 2 else 0


def _check_weight(fn, weight, input, n_classes, same_dtype=True):
    tensor_arg(fn, "weight", weight)
    if weight.ndim != 1 or weight.shape[0] != n_classes:
        raise RuntimeError(f"{fn}: weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    if same_dtype and weight.dtype != input.dtype:  # class indices only: probability targets promote
        raise RuntimeError(f"{fn}: weight must have the input's dtype {input.dtype}, got {weight.dtype}")
    return weight


def _check_class_target(fn, shape, target):
    """torch's shape rules for class-index targets of logits of ``shape`` (at least 1-D: (C), (N, C) or
    (N, C, d1, ..., dK)); returns the int64 target."""
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"{fn}: expected target dtype to be Long or Byte (int64 or uint8) for class "
                           f"indices, but got {target.dtype}")
    if len(shape) == 1:
        if target.ndim > 1 or (target.ndim == 1 and target.shape[0] != 1):
            raise ValueError(f"{fn}: For 1D input, 1D target must have size 1, but got target size: "
                             f"{target.shape[0] if target.ndim == 1 else tuple(target.shape)}")
    else:
        batch = target.shape[0] if target.ndim else 0
        if batch != shape[0]:
            raise ValueError(f"{fn}: Expected input batch_size ({shape[0]}) to match target "
                             f"batch_size ({batch}).")
        if len(shape) == 2 and target.ndim != 1:
            raise RuntimeError(f"{fn}: 0D or 1D target tensor expected for a 2-D input, multi-target not "
                               f"supported; got target of shape {tuple(target.shape)}")
        expected = (shape[0],) + tuple(shape[2:])
        if len(shape) > 2 and tuple(target.shape) != expected:
            raise RuntimeError(f"{fn}: Expected target size {list(expected)}, got {list(target.shape)}")
    return target if target.dtype == dtypes.int64 else target.long()


def label_smoothing_arg(fn, label_smoothing):
    """torch's rule for ε: above 1 is a RuntimeError, below 0 counts as 0. Returns ε as a float."""
    if label_smoothing > 1:
        raise RuntimeError(f"{fn}: label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    return max(float(label_smoothing), 0.0)


def check_target_values(fn, target, ignore_index, n_classes):
    t = target.numpy()
    if t.size == 0 or (t.min() >= 0 and t.max() < n_classes):  # the common case, in two reductions
        return
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"{fn}: Target {t[bad].flat[0]} is out of bounds (classes are 0..{n_classes - 1}, "
                         f"ignore_index is {ignore_index}).")


# ---- the shared class-index computation ---------------------------------------------------------
def _class_index_loss(logp, target, weight, ignore_index, reduction, label_smoothing=0.0):
    """ℓ_n = (1−ε)·(−w[y_n]·logp[n, y_n]) + (ε/C)·(−Σ_c w[c]·logp[n, c]) for non-ignored n, 0 otherwise;
    'mean' divides by Σ_{non-ignored} w[y_n]."""
    cdim = _class_dim(logp)
    n_classes = logp.shape[cdim]
    if logp.ndim == 1:
        target = target.reshape(())
    ignored = target == ignore_index
    safe = target.where(~ignored, 0)  # any valid index where ignored: the value is masked out below
    picked = logp.gather(cdim, safe.unsqueeze(cdim)).squeeze(cdim)
    w_y = ((~ignored).to(logp.dtype) if weight is None
           else where(ignored, 0, weight[safe]))
    loss = where(ignored, 0, -w_y * picked)  # where (not ·0): a −inf log-prob at an ignored row stays 0
    if label_smoothing > 0:
        w_c = logp if weight is None else logp * weight.reshape((n_classes,) + (1,) * (logp.ndim - cdim - 1))
        smooth = where(ignored, 0, -w_c.sum(cdim))
        loss = (1 - label_smoothing) * loss + (label_smoothing / n_classes) * smooth
    return reduce(loss, reduction, denominator=w_y.sum())


# ---- the losses -----------------------------------------------------------------------------------
@hooks.labelled("cross_entropy")
@legacy_flags
def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between softmax(input) and the target classes (or class probabilities).

    Class indices:     ℓ_n = −w[y_n]·log softmax(x_n)[y_n]                   (0 where y_n = ignore_index)
      with smoothing:  ℓ_n = (1−ε)·(−w[y_n]·L[n, y_n]) + (ε/C)·(−Σ_c w[c]·L[n, c]),  L = log_softmax(x)
    Probabilities:     ℓ_n = −Σ_c w[c]·t̃[n, c]·L[n, c],  t̃ = (1−ε)·t + ε/C

    Args:
        input: logits (C), (N, C) or (N, C, d1, ..., dK); the class dim is 1 (0 for 1-D input).
        target: class indices (int64/uint8) of shape (), (N) or (N, d1, ..., dK), or — when its shape
            equals input's — floating class probabilities (not validated: need not sum to 1).
        weight: optional (C,) class weights of input's dtype (differentiable only with probabilities).
        ignore_index: target value that contributes nothing (class indices only; must be negative
            with probabilities).
        reduction: 'none' | 'mean' | 'sum'.  label_smoothing: ε in [0, 1] (< 0 is treated as 0, as torch).
    Returns: (), (N) or (N, d1, ..., dK) for 'none', else a scalar.
    'mean' divides by Σ w[y_n] over non-ignored positions (their count without weight; all ignored → nan);
    with probability targets by the number of positions N·d1···dK (weights not included).

    Example: x = [[0, ln 3]], y = [1] → softmax = [1/4, 3/4], ℓ = −ln(3/4) = 0.28768.
    >>> import math
    >>> F.cross_entropy(tl.tensor([[0, math.log(3)]]), tl.tensor([1]))
    tensor(0.2877)

    torch.nn.functional.cross_entropy.
    """
    fn = "cross_entropy"
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    reduction = check_reduction(reduction)
    label_smoothing = label_smoothing_arg(fn, label_smoothing)
    floating_arg(fn, "input", input)
    if target.shape == input.shape:  # torch's rule: same shape means class probabilities
        if not dtypes.is_floating(target.dtype):
            raise RuntimeError(f"{fn}: Expected floating point type for target with class probabilities "
                               f"(target has input's shape {tuple(input.shape)}), got {target.dtype}")
        if input.ndim == 0:
            raise IndexError(f"{fn}: input must have at least 1 dim (the class dim), got a 0-d tensor")
        if ignore_index >= 0:
            raise RuntimeError(f"{fn}: ignore_index is not supported for floating point target (got "
                               f"ignore_index={ignore_index}; probability targets need a negative value)")
        cdim = _class_dim(input)
        n_classes = input.shape[cdim]
        if weight is not None:
            _check_weight(fn, weight, input, n_classes, same_dtype=False)
        t = target if label_smoothing == 0 else target * (1 - label_smoothing) + label_smoothing / n_classes
        logp = input.log_softmax(cdim)
        if weight is not None:
            logp = logp * weight.reshape((n_classes,) + (1,) * (input.ndim - cdim - 1))
        return reduce(-(t * logp).sum(cdim), reduction)

    if input.ndim == 0:
        raise IndexError(f"{fn}: input must have at least 1 dim (the class dim), got a 0-d tensor")
    target = _check_class_target(fn, input.shape, target)
    n_classes = input.shape[_class_dim(input)]
    if weight is not None:
        constant_arg(fn, "weight", _check_weight(fn, weight, input, n_classes))
    if fused_class_index_cross_entropy is not None:  # (its kernel checks the target values)
        out = fused_class_index_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
        if out is not None:
            return out
    check_target_values(fn, target, ignore_index, n_classes)
    logp = input.log_softmax(_class_dim(input))  # cross-entropy = nll_loss(log_softmax(x))
    return _class_index_loss(logp, target, weight, ignore_index, reduction, label_smoothing)


@hooks.labelled("nll_loss")
@legacy_flags
def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of the target class, given log-probabilities.

    ℓ_n = −w[y_n]·x[n, y_n]   (0 where y_n = ignore_index; input is used as-is, nothing is checked)

    Args:
        input: log-probabilities (C), (N, C) or (N, C, d1, ..., dK); class dim 1 (0 for 1-D input).
        target: int64/uint8 class indices (), (N) or (N, d1, ..., dK).
        weight: optional (C,) class weights of input's dtype (not differentiable).
        ignore_index: target value that contributes nothing.  reduction: 'none' | 'mean' | 'sum'.
    'mean' divides by Σ w[y_n] over non-ignored positions (all ignored, or empty → nan).
    Gradient: −w[y_n]/D at the target entry, 0 elsewhere.

    Example: x = [[−1.2, −0.5, −2], [−0.1, −3, −2.5]], y = [1, 0], w = [1, 2, 0.5]
    → (2·0.5 + 1·0.1) / (2 + 1) = 0.366667.
    >>> input = tl.tensor([[-1.2, -0.5, -2], [-0.1, -3, -2.5]])
    >>> target = tl.tensor([1, 0])
    >>> F.nll_loss(input, target, weight=tl.tensor([1.0, 2, 0.5]))
    tensor(0.3667)

    torch.nn.functional.nll_loss.
    """
    fn = "nll_loss"
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    reduction = check_reduction(reduction)
    if input.ndim == 0:
        raise ValueError(f"{fn}: Expected 1 or more dimensions (got 0) for input")
    floating_arg(fn, "input", input)
    target = _check_class_target(fn, input.shape, target)
    n_classes = input.shape[_class_dim(input)]
    if weight is not None:
        constant_arg(fn, "weight", _check_weight(fn, weight, input, n_classes))
    check_target_values(fn, target, ignore_index, n_classes)
    return _class_index_loss(input, target, weight, ignore_index, reduction)


@hooks.labelled("binary_cross_entropy")
@legacy_flags
def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Binary cross-entropy between probabilities and (soft) labels.

    ℓ = −w·[ y·max(log p, −100) + (1−y)·max(log(1−p), −100) ]

    Args:
        input: probabilities p in [0, 1], any shape.  target: same shape and dtype, values in [0, 1].
        weight: optional, broadcast against target; must not enlarge the input's shape (not differentiable).
        reduction: 'none' | 'mean' | 'sum'.  'mean' divides by numel (weights not included).
    NOTE the gradient is torch's w·(p − y)/max(p(1−p), 1e−12), not the derivative of the clamped
    forward: at p = 0, y = 1 the loss is 100 and the gradient ≈ −1e12. Target gradient w·(log(1−p) − log p).
    For logits use binary_cross_entropy_with_logits (stable, no clamp).

    Example: p = [0.5], y = [1] → ℓ = ln 2 = 0.693147; p = [0], y = [1] → ℓ = 100.
    >>> F.binary_cross_entropy(tl.tensor([0.5]), tl.tensor([1.0]))
    tensor(0.6931)
    >>> F.binary_cross_entropy(tl.tensor([0.0]), tl.tensor([1.0]))
    tensor(100.)

    torch.nn.functional.binary_cross_entropy.
    """
    fn = "binary_cross_entropy"
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    if target.shape != input.shape:
        raise ValueError(f"{fn}: Using a target size {tuple(target.shape)} that is different to the input "
                         f"size {tuple(input.shape)} is deprecated. Please ensure they have the same size.")
    reduction = check_reduction(reduction)
    floating_arg(fn, "input", input)
    if target.dtype != input.dtype:
        raise RuntimeError(f"{fn}: target must have the input's dtype {input.dtype}, got {target.dtype}")
    for name, t in (("input", input), ("target", target)):
        v = t.numpy()
        if not np.all((v >= 0) & (v <= 1)):  # nan fails both comparisons, so it is refused too
            outside = v[~((v >= 0) & (v <= 1))].flat[0]
            raise RuntimeError(f"{fn}: all elements of {name} should be between 0 and 1, got {outside}")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        tensor_arg(fn, "weight", weight)
        constant_arg(fn, "weight", weight)
        weight_not_enlarging(fn, "weight", weight, input.shape)
        loss = loss * weight.to(input.dtype)  # torch multiplies in place: the result keeps input's dtype
    return reduce(loss, reduction)


@hooks.labelled("binary_cross_entropy_with_logits")
@legacy_flags
def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy on logits, computed stably.

    ℓ = −w·[ pw·y·logσ(x) + (1−y)·logσ(−x) ]
      = w·[ (1−y)·x + (1 + (pw−1)·y)·softplus(−x) ]
    using logσ(x) = −softplus(−x) and logσ(−x) = −x − softplus(−x).

    Args:
        input: logits, any shape.  target: same shape (values not validated).
        weight: optional, broadcast against input, must not enlarge it (not differentiable).
        pos_weight: optional weight of the positive term, broadcast against input from the right:
            (C,) aligns with the last dim; for (N, C, H, W) use (C, 1, 1).
        reduction: 'none' | 'mean' | 'sum'.  'mean' divides by numel.
    Large finite logits are exact (x = −1000, y = 1 → 1000); x = ±inf gives nan (inf − inf), as torch.
    Gradient: ∂ℓ/∂x = w·[(pw·y + 1 − y)·σ(x) − pw·y].

    Example: x = [0], y = [1] → ln 2 = 0.693147; with pos_weight = [3] → 3·ln 2.
    >>> F.binary_cross_entropy_with_logits(tl.tensor([0.]), tl.tensor([1.]))
    tensor(0.6931)
    >>> F.binary_cross_entropy_with_logits(tl.tensor([0.]), tl.tensor([1.]), pos_weight=tl.tensor([3.]))
    tensor(2.0794)

    torch.nn.functional.binary_cross_entropy_with_logits.
    """
    fn = "binary_cross_entropy_with_logits"
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    if target.shape != input.shape:
        raise ValueError(f"{fn}: Target size {tuple(target.shape)} must be the same as input size "
                         f"{tuple(input.shape)}")
    reduction = check_reduction(reduction)
    floating_arg(fn, "input", input)
    if not dtypes.is_floating(target.dtype):
        raise RuntimeError(f"{fn}: target must have a floating point dtype (the result cannot be cast to "
                           f"{target.dtype}), got {target.dtype}")
    for name, w in (("weight", weight), ("pos_weight", pos_weight)):
        if w is not None:
            tensor_arg(fn, name, w)
            constant_arg(fn, name, w)
            weight_not_enlarging(fn, name, w, input.shape)
    dtype = dtypes.result_type(input, target)  # weights never promote the result (torch)
    softplus_neg = Softplus.apply(-input)  # softplus(−x) = −logσ(x), finite for every finite x
    if pos_weight is None:
        loss = (1 - target) * input + softplus_neg
    else:
        loss = (1 - target) * input + (1 + (pos_weight.to(dtype) - 1) * target) * softplus_neg
    if weight is not None:
        loss = loss * weight.to(dtype)
    return reduce(loss, reduction)


# ---- focal losses ---------------------------------------------------------------------------------
def _check_focal(gamma, alpha, fn, alpha_may_be_off):
    check_number(gamma, "gamma", fn, low=0)
    if alpha is not None and not (alpha_may_be_off and isinstance(alpha, (int, float)) and alpha < 0):
        check_number(alpha, "alpha", fn, low=0, high=1)


def _modulating(log_one_minus, gamma):
    """(1 − p)^γ = exp(γ·log(1 − p)): finite and with a finite gradient even where p rounds to 1."""
    return (gamma * log_one_minus).exp() if gamma != 0 else 1


def _focal_bce_with_logits(x, y, gamma):
    """(1 − p_t)^γ · BCEWithLogits(x, y), p = σ(x), all in log space: finite for every finite logit."""
    bce = -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x))
    return _modulating(log_one_minus_pt(x, y), gamma) * bce


def _alpha_t(alpha, y):
    """α_t = α·y + (1−α)(1−y): α for positives, 1 − α for negatives."""
    return alpha * y + (1 - alpha) * (1 - y)


@hooks.labelled("sigmoid_focal_loss")
def sigmoid_focal_loss(input, target, alpha=0.25, gamma=2.0, reduction="mean"):
    """Binary focal loss on logits (torchvision / optax): BCE scaled down for well-classified elements.

    ℓ = α_t · (1 − p_t)^γ · BCEWithLogits(x, y), p = σ(x), p_t = y·p + (1−y)(1−p),
    α_t = α·y + (1−α)(1−y); elementwise. Stable: BCE = −(y·logσ(x) + (1−y)·logσ(−x)) and
    (1 − p_t)^γ = exp(γ·log(1 − p_t)) with log(1 − p_t) = logσ(−x) for y=1, logσ(x) for y=0
    (soft labels: logaddexp of both), so extreme logits give finite values and gradients.
    Args: input logits, target probabilities in [0, 1] (floating), same shape; alpha in [0, 1],
    or None / negative to switch α_t off (optax's alpha=None, torchvision's alpha=−1); gamma ≥ 0.
    Returns input's shape for 'none'; 'mean' divides by numel. NOTE torchvision defaults to
    reduction='none'; this engine's default is 'mean', like every other loss here.
    Example: input=[[2,−1,0.5],[−3,0,4]], target=[[1,0,0],[1,1,0]] → 'none'
    [[0.000450891, 0.0169935, 0.283059], [0.69157, 0.0433217, 2.90618]], mean 0.656929.
    torchvision.ops.sigmoid_focal_loss(input, target, alpha, gamma);
    optax.losses.sigmoid_focal_loss(input, target, alpha=alpha, gamma=gamma).
    >>> x, y = tl.tensor([[2., -1, 0.5], [-3, 0, 4]]), tl.tensor([[1., 0, 0], [1, 1, 0]])
    >>> F.sigmoid_focal_loss(x, y, reduction='none')
    tensor([[4.5089e-04, 1.6994e-02, 2.8306e-01],
            [6.9157e-01, 4.3322e-02, 2.9062e+00]])
    >>> F.sigmoid_focal_loss(x, y)
    tensor(0.6569)
    """
    fn = "sigmoid_focal_loss"
    check_pair(input, target, fn)
    _check_focal(gamma, alpha, fn, alpha_may_be_off=True)
    reduction = check_reduction(reduction)
    ell = _focal_bce_with_logits(input, target, gamma)
    if alpha is not None and alpha >= 0:
        ell = _alpha_t(alpha, target) * ell
    return reduce(ell, reduction)


@hooks.labelled("binary_focal_crossentropy")
def binary_focal_crossentropy(input, target, *, gamma=2.0, alpha=0.25, apply_class_balancing=False,
                              from_logits=False, label_smoothing=0.0, reduction="mean"):
    """Keras's binary focal cross-entropy: per-sample mean over the last axis of (1 − p_t)^γ · BCE.

    y ← y(1 − ls) + ls/2; ℓ = mean_last(w · (1 − p_t)^γ · bce), w = α·y + (1−α)(1−y) if
    ``apply_class_balancing`` else 1 (alpha is ignored otherwise, as in Keras).
    Probabilities (from_logits=False): p is clipped to [1e-7, 1 − 1e-7] first, bce = −(y log p +
    (1−y) log(1−p)). Logits: the stable log-space forms of ``sigmoid_focal_loss`` (no clipping;
    Keras does the same for its bce).
    Args: input (…, C) probabilities or logits; target (…, C) in [0, 1], same shape; the options are
    keyword-only. Returns (…) for 'none'; 'mean' divides by the number of samples.
    Example: target=[[0,1],[0,0]], input=[[0.6,0.4],[0.4,0.6]] → [0.329865, 0.205798];
    from_logits, target=[0,1,0,0], input=[−18.6,0.51,2.94,−12.8] → 0.691212.
    Keras: keras.losses.binary_focal_crossentropy(target, input, ...).
    >>> input = tl.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> target = tl.tensor([[0.0, 1], [0, 0]])
    >>> F.binary_focal_crossentropy(input, target, reduction='none')
    tensor([0.3299, 0.2058])
    >>> input = tl.tensor([-18.6, 0.51, 2.94, -12.8])
    >>> target = tl.tensor([0.0, 1, 0, 0])
    >>> F.binary_focal_crossentropy(input, target, from_logits=True)
    tensor(0.6912)
    """
    fn = "binary_focal_crossentropy"
    check_tensor(input, "input", fn)
    check_at_least_1d(input, "input", fn)
    check_tensor(target, "target", fn, floating=False)
    check_same_shape(input, target, ("input", "target"), fn)
    _check_focal(gamma, alpha, fn, alpha_may_be_off=False)
    check_number(label_smoothing, "label_smoothing", fn, low=0, high=1)
    reduction = check_reduction(reduction)
    y = target.to(input.dtype)
    if label_smoothing:
        y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        ell = _focal_bce_with_logits(input, y, gamma)
    else:
        p = input.clamp(EPS_K, 1 - EPS_K)
        bce = -(y * p.log() + (1 - y) * (-p).log1p())
        factor = (y * (1 - p) + (1 - y) * p) ** gamma  # 1 − p_t ≥ 1e-7 after clipping: pow is safe
        ell = factor * bce
    if apply_class_balancing:
        ell = _alpha_t(alpha, y) * ell
    return reduce(ell.mean(-1), reduction)


def _log_one_minus_softmax(x):
    """log(1 − softmax(x)_c) = logsumexp_{k≠c} x_k − logsumexp_k x_k, exact even where p_c rounds to 1
    (log1p(−p) would be log 0 there). Builds a (…, C, C) tensor: fine for class counts of losses."""
    C = x.shape[-1]
    off = np.where(np.eye(C, dtype=bool), -np.inf, 0).astype(x.dtype)
    others = (x.unsqueeze(-2) + Tensor(off, device=x.device)).logsumexp(-1)
    return others - x.logsumexp(-1, keepdim=True)


@hooks.labelled("categorical_focal_loss")
def categorical_focal_loss(input, target, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                           reduction="mean"):
    """Keras's categorical focal cross-entropy: CE with each class term scaled by α·(1 − p_c)^γ.

    y ← y(1 − ls) + ls/C; ℓ = Σ_c α·(1 − p_c)^γ·(−y_c log p_c) over the last (class) axis.
    Probabilities: p ← p / Σp, then clipped to [1e-7, 1 − 1e-7] (Keras). Logits: log p = log_softmax
    and log(1 − p_c) = logsumexp_{k≠c} x − logsumexp x, exact in log space (Keras clips the softmax
    too; values agree wherever 1e-7 ≤ p ≤ 1 − 1e-7). alpha is one scalar for every class.
    Args: input (…, C) probabilities or logits; target (…, C) one-hot or probabilities, same shape.
    Returns (…) for 'none'; 'mean' divides by the number of samples.
    Example: target=[[0,1,0],[0,0,1]], input=[[0.05,0.95,0],[0.1,0.8,0.1]] → [3.20583e−5, 0.466273].
    Keras: keras.losses.categorical_focal_crossentropy(target, input, ...).
    >>> input = tl.tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    >>> target = tl.tensor([[0.0, 1, 0], [0, 0, 1]])
    >>> F.categorical_focal_loss(input, target, reduction='none')
    tensor([3.2058e-05, 4.6627e-01])
    """
    fn = "categorical_focal_loss"
    check_class_scores(input, fn)
    check_tensor(target, "target", fn, floating=False)
    check_same_shape(input, target, ("input", "target"), fn)
    _check_focal(gamma, alpha, fn, alpha_may_be_off=False)
    check_number(label_smoothing, "label_smoothing", fn, low=0, high=1)
    reduction = check_reduction(reduction)
    y = target.to(input.dtype)
    if label_smoothing:
        y = y * (1 - label_smoothing) + label_smoothing / input.shape[-1]
    if from_logits:
        log_p, log_q = input.log_softmax(-1), _log_one_minus_softmax(input)
    else:
        p = (input / input.sum(-1, keepdim=True)).clamp(EPS_K, 1 - EPS_K)
        log_p, log_q = p.log(), (-p).log1p()
    ell = alpha * _modulating(log_q, gamma) * (-y * log_p)
    return reduce(ell.sum(-1), reduction)


# ---- cross-entropy variants -----------------------------------------------------------------------
def _probability_target(target, input, fn):
    """Probability targets of input's shape, or int class indices turned into one-hot rows."""
    if isinstance(target, Tensor) and target.dtype.kind in "iu" and target.shape == input.shape[:-1]:
        return one_hot_like(check_labels(target, input, fn), input)
    check_tensor(target, "target", fn)
    check_same_shape(input, target, ("input", "target"), fn)
    return target


@hooks.labelled("poly1_loss")
def poly1_loss(input, target, epsilon=2.0, reduction="mean"):
    """Poly-1 loss: cross entropy plus epsilon times the first polynomial term (1 − p_t).

    ℓ = −Σ_c y_c log_softmax(x)_c + ε·Σ_c y_c (1 − p_c), p = softmax(x) over the last axis
    (= CE + ε(1 − p_t) for one-hot y). Gradient: p − y + ε(p·Σ_c y_c p_c − y ⊙ p).
    Args: input (…, C) logits; target (…, C) probabilities, or (…) int class indices; epsilon any
    real (−1 removes the first term of CE's Taylor series). Returns (…) for 'none'.
    Example: input=[[1,2,0.5],[0.1,−1,2]], target=[[0,1,0],[0.1,0,0.9]] → [1.20731, 0.846037].
    optax: optax.losses.poly_loss_cross_entropy(input, target, epsilon=epsilon).
    >>> input = tl.tensor([[1, 2, 0.5], [0.1, -1, 2]])
    >>> target = tl.tensor([[0.0, 1, 0], [0.1, 0, 0.9]])
    >>> F.poly1_loss(input, target, reduction='none')
    tensor([1.2073, 0.8460])
    """
    fn = "poly1_loss"
    check_class_scores(input, fn)
    y = _probability_target(target, input, fn)
    check_number(epsilon, "epsilon", fn)
    reduction = check_reduction(reduction)
    log_p = input.log_softmax(-1)
    ce = -(y * log_p).sum(-1)
    return reduce(ce + epsilon * (y * (1 - log_p.exp())).sum(-1), reduction)


@hooks.labelled("generalized_cross_entropy")
def generalized_cross_entropy(input, target, q=0.7, reduction="mean"):
    """Generalized cross entropy (Zhang & Sabuncu 2018): between CE (q → 0) and MAE (q = 1), robust
    to noisy labels.

    ℓ = (1 − p_y^q)/q, p_y the probability of the true class.
    Args: input (…, C) probabilities; target (…) int class indices; q in (0, 1] (default 0.7, the
    paper's choice). Returns (…) for 'none'.
    Example: input=[[0.7,0.2,0.1],[0.1,0.3,0.6]], target=[0,1], q=0.7 → [0.315634, 0.813555].
    Keras: keras.losses.categorical_generalized_cross_entropy(target, input, q).
    >>> input = tl.tensor([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    >>> target = tl.tensor([0, 1])
    >>> F.generalized_cross_entropy(input, target, q=0.7, reduction='none')
    tensor([0.3156, 0.8136])
    """
    fn = "generalized_cross_entropy"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    check_number(q, "q", fn, low=0, high=1, low_open=True)
    reduction = check_reduction(reduction)
    p_y = (input * one_hot_like(labels, input)).sum(-1)
    return reduce((1 - p_y ** q) / q, reduction)


def _support(z):
    """Boolean mask of sparsemax's support along the last axis of the array ``z``: sort descending,
    k* = max{k : 1 + k·z_(k) > Σ_{i≤k} z_(i)}, τ = (Σ_{i≤k*} z_(i) − 1)/k*, support = {z > τ}."""
    zs = -np.sort(-z, axis=-1)
    cs = np.cumsum(zs, axis=-1)
    k = np.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    with np.errstate(invalid="ignore"):
        k_star = (1 + k * zs > cs).sum(-1, keepdims=True)  # the condition holds exactly for k ≤ k*
    tau = (np.take_along_axis(cs, np.maximum(k_star - 1, 0), -1) - 1) / np.maximum(k_star, 1)
    return z > tau


def sparsemax(input, dim=-1):
    """Euclidean projection of the scores onto the probability simplex along ``dim``.

    p = argmin_{p ∈ Δ} ‖p − s‖² = max(s − τ, 0) with τ chosen so that Σp = 1 (see the module
    docstring). Unlike softmax, low scores get exactly 0. Scores may be −inf (they get 0).
    Example: sparsemax([1, 0.5, −0.3, 0.9]) = [0.533333, 0.0333333, 0, 0.433333].
    jax: optax.projections.projection_simplex / jax.nn.sparsemax-style implementations.
    """
    check_tensor(input, "input", "sparsemax")
    check_at_least_1d(input, "input", "sparsemax", why=None)
    d = input._dim(dim)
    x = input.transpose(d, -1) if d != input.ndim - 1 else input
    mask = Tensor(_support(x.detach().numpy()), device=x.device)
    inside = where(mask, x, 0.0)
    tau = (inside.sum(-1, keepdim=True) - 1) / mask.sum(-1, keepdim=True).to(x.dtype)
    p = where(mask, x - tau, 0.0)
    return p.transpose(d, -1) if d != input.ndim - 1 else p


@hooks.labelled("sparsemax_loss")
def sparsemax_loss(input, target, reduction="mean"):
    """Binary sparsemax loss: the sparsemax analogue of the logistic loss, exactly 0 beyond a margin.

    ℓ = sparse_plus(−x) for y = 1, sparse_plus(x) for y = 0, with sparse_plus(z) = 0 (z ≤ −1),
    (z + 1)²/4 (−1 < z < 1), z (z ≥ 1); elementwise. Gradient ∓sparse_sigmoid(z): 0, (z + 1)/2, 1.
    Args: input logits (floating), target labels 0/1 (any real dtype), same shape. Returns input's
    shape for 'none'; 'mean' divides by numel.
    Example: input=[−2,−0.5,0.3,1.2,0], target=[1,1,0,0,1] → [2, 0.5625, 0.4225, 1.2, 0.25].
    optax: optax.losses.sparsemax_loss(input, target).
    >>> F.sparsemax_loss(tl.tensor([-2, -0.5, 0.3, 1.2, 0]), tl.tensor([1., 1, 0, 0, 1]), reduction='none')
    tensor([2.0000, 0.5625, 0.4225, 1.2000, 0.2500])
    """
    fn = "sparsemax_loss"
    check_pair(input, target, fn, floating_target=False)
    if not bool(((target == 0) | (target == 1)).all()):
        raise ValueError(f"{fn}: target must hold labels 0 or 1, got values {np.unique(target.numpy())[:5]}")
    reduction = check_reduction(reduction)
    z = where(target == 1, -input, input)
    ell = where(z <= -1, 0.0, where(z < 1, (z + 1).square() / 4, z))
    return reduce(ell, reduction)


@hooks.labelled("multiclass_sparsemax_loss")
def multiclass_sparsemax_loss(input, target, reduction="mean"):
    """Multiclass sparsemax loss: the Fenchel–Young loss of sparsemax, the analogue of softmax + CE.

    ℓ = ⟨p, s⟩ − s_y + ½(1 − ‖p‖²), p = sparsemax(s) over the last axis; ℓ = 0 exactly when
    p = e_y. Gradient p − e_y. Scores must be finite.
    Args: input (…, C) scores; target (…) int class indices. Returns (…) for 'none'.
    Example: input=[1,0.5,−0.3,0.9], target=1 → 0.703333; input=[2,0.1,−1], target=0 → 0.
    optax: optax.losses.multiclass_sparsemax_loss(input, target).
    >>> F.multiclass_sparsemax_loss(tl.tensor([1, 0.5, -0.3, 0.9]), tl.tensor(1))
    tensor(0.7033)
    >>> F.multiclass_sparsemax_loss(tl.tensor([2, 0.1, -1]), tl.tensor(0))
    tensor(0.)
    """
    fn = "multiclass_sparsemax_loss"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    reduction = check_reduction(reduction)
    p = sparsemax(input)
    true = (input * one_hot_like(labels, input)).sum(-1)
    ell = (p * input).sum(-1) - true + 0.5 * (1 - (p * p).sum(-1))
    return reduce(ell, reduction)


# ---- registry ------------------------------------------------------------------------------------
register("cross_entropy", cross_entropy, "CrossEntropyLoss", "classification",
         r"\ell_n = -w_{y_n} \log \frac{e^{x_{n,y_n}}}{\sum_c e^{x_{n,c}}}",
         "l_n = -w[y_n] * log_softmax(x_n)[y_n]",
         "Multi-class classification from logits: the negative log-likelihood of the true class under "
         "softmax. Supports class weights, ignored targets, label smoothing and soft (probability) targets.",
         {"input": [[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]], "target": [1, 2]})
register("nll_loss", nll_loss, "NLLLoss", "classification", r"\ell_n = -w_{y_n} x_{n,y_n}",
         "l_n = -w[y_n] * x[n, y_n]",
         "Negative log-likelihood given log-probabilities (e.g. after log_softmax): cross_entropy without "
         "the softmax.",
         {"input": [[-1.2, -0.5, -2.0], [-0.1, -3.0, -2.5]], "target": [1, 0]})
register("binary_cross_entropy", binary_cross_entropy, "BCELoss", "classification",
         r"\ell = -w\,[\,y \log p + (1-y)\log(1-p)\,]", "l = -w * (y log p + (1 - y) log(1 - p))",
         "Binary (or multi-label) classification from probabilities; the logs are clamped at -100. Prefer "
         "the logits version for stability.",
         {"input": [0.9, 0.2, 0.6, 0.5], "target": [1.0, 0.0, 0.0, 0.3]})
register("binary_cross_entropy_with_logits", binary_cross_entropy_with_logits, "BCEWithLogitsLoss",
         "classification", r"\ell = -w\,[\,p_w\,y \log\sigma(x) + (1-y)\log(1-\sigma(x))\,]",
         "l = -w * (pw * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x)))",
         "Binary / multi-label classification from logits, computed stably with softplus; pos_weight "
         "trades recall against precision per class.",
         {"input": [2.0, -1.0, 0.0], "target": [1.0, 0.0, 1.0]})
register("sigmoid_focal_loss", sigmoid_focal_loss, "SigmoidFocalLoss", "classification",
         r"\ell = -\alpha_t (1 - p_t)^\gamma \log p_t", "alpha_t * (1 - p_t)^gamma * bce_with_logits(x, y)",
         "Binary cross-entropy down-weighted by (1 − p_t)^γ for elements already classified well, so "
         "training focuses on hard examples; α_t rebalances positives and negatives. The loss of "
         "RetinaNet for dense detection with extreme class imbalance (torchvision, optax).",
         {"input": [[2.0, -1.0, 0.5], [-3.0, 0.0, 4.0]], "target": [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]],
          "reduction": "none"})
register("binary_focal_crossentropy", binary_focal_crossentropy, "BinaryFocalCrossentropy", "classification",
         r"\ell = \frac{1}{C}\sum_c w_c (1 - p_{t,c})^\gamma \, \mathrm{bce}_c",
         "mean_last(w * (1 - p_t)^gamma * bce(p, y))",
         "Keras's binary focal loss: the focal loss on probabilities (or logits) averaged over the last "
         "axis, with optional label smoothing and class balancing by alpha.",
         {"input": [[0.6, 0.4], [0.4, 0.6]], "target": [[0.0, 1.0], [0.0, 0.0]], "reduction": "none"})
register("categorical_focal_loss", categorical_focal_loss, "CategoricalFocalLoss", "classification",
         r"\ell = -\sum_c \alpha (1 - p_c)^\gamma y_c \log p_c", "sum_c(alpha * (1 - p_c)^gamma * -y_c * log p_c)",
         "The focal loss for softmax classifiers: each class's cross-entropy term is scaled by "
         "α(1 − p_c)^γ, so confident correct predictions contribute little. Keras's "
         "categorical_focal_crossentropy.",
         {"input": [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], "target": [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
          "reduction": "none"})
register("poly1_loss", poly1_loss, "Poly1Loss", "classification",
         r"\ell = -\sum_c y_c \log p_c + \epsilon \sum_c y_c (1 - p_c)", "CE(x, y) + epsilon * sum(y * (1 - p))",
         "Cross-entropy with the weight of the first term of its Taylor expansion in (1 − p_t) changed "
         "by epsilon (Leng et al. 2022, PolyLoss); epsilon > 0 pushes harder on the true class. "
         "optax's poly_loss_cross_entropy.",
         {"input": [[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]], "target": [[0.0, 1.0, 0.0], [0.1, 0.0, 0.9]],
          "reduction": "none"})
register("generalized_cross_entropy", generalized_cross_entropy, "GeneralizedCrossEntropy", "classification",
         r"\ell = \frac{1 - p_y^q}{q}", "(1 - p_y^q) / q",
         "A Box-Cox transform of the true-class probability that interpolates between cross-entropy "
         "(q → 0) and mean absolute error (q = 1): more robust to noisy labels than CE, easier to train "
         "than MAE.", {"input": [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], "target": [0, 1], "q": 0.7,
                       "reduction": "none"})
register("sparsemax_loss", sparsemax_loss, "SparsemaxLoss", "classification",
         r"\ell = \mathrm{sparse\_plus}(\mp x)", "sparse_plus(-x if y == 1 else x)",
         "A binary classification loss built on sparse_plus, a smooth hinge: quadratic near the decision "
         "boundary and exactly zero once the logit is beyond the margin of 1 (so, unlike the logistic "
         "loss, confident correct examples stop contributing). optax's sparsemax_loss.",
         {"input": [-2.0, -0.5, 0.3, 1.2, 0.0], "target": [1, 1, 0, 0, 1], "reduction": "none"})
register("multiclass_sparsemax_loss", multiclass_sparsemax_loss, "MultiClassSparsemaxLoss", "classification",
         r"\ell = \langle p, s\rangle - s_y + \tfrac12 (1 - \|p\|^2),\ p = \mathrm{sparsemax}(s)",
         "<p, s> - s_y + (1 - |p|^2) / 2, p = sparsemax(s)",
         "The loss that pairs with sparsemax as cross-entropy pairs with softmax: its gradient is "
         "sparsemax(s) − e_y and it is exactly zero once the true class wins by a margin, giving sparse, "
         "interpretable probabilities. optax's multiclass_sparsemax_loss.",
         {"input": [[1.0, 0.5, -0.3, 0.9]], "target": [1], "reduction": "none"})

from tinygrad_losses.losses import fused as _fused  # noqa: E402,F401
