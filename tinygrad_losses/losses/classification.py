"""PyTorch's classification losses: cross_entropy, nll_loss, binary_cross_entropy,
binary_cross_entropy_with_logits.

The class dimension is dim 1 (dim 0 for an unbatched 1-D input). Class-index losses divide
'mean' by the summed class weight of the non-ignored targets, so an all-ignored batch gives
nan (0/0) with all-zero gradients, as in torch.
"""
import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses.activations import Softplus
from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses._torch_common import constant_arg, floating_arg, tensor_arg, weight_not_enlarging
from tinygrad_losses.losses.primitives import BinaryCrossEntropy
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import where

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
@named_scope("cross_entropy")
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


@named_scope("nll_loss")
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


@named_scope("binary_cross_entropy")
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


@named_scope("binary_cross_entropy_with_logits")
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

# installs the fused fast path into the hook above (kept last: fused.py imports this module)
from tinygrad_losses.losses import fused as _fused  # noqa: E402,F401
