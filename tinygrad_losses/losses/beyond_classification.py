"""Classification losses beyond PyTorch: hinge family (Keras / optax), perceptron, focal losses
(torchvision / optax / Keras), poly-1 and generalized cross entropy.

Argument order is torch's ``(input, target)``; Keras writes ``(y_true, y_pred)``. Keras-style
losses return, for ``reduction='none'``, Keras's per-sample value (the mean, or for categorical
losses the sum, over the last axis); the default ``'mean'`` then equals Keras's
``'sum_over_batch_size'``. optax-style losses return optax's unreduced per-example values.
Labels (±1 / 0-1 / one-hot) that only select branches are treated as constants (no gradient).
"""
import numpy as np

from tinygrad_losses.activations import logsigmoid
from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._beyond_common import (EPS_K, check_tensor, check_same_shape, check_at_least_1d,
                                                    check_pair, check_class_scores, check_labels, check_number,
                                                    one_hot_like, log_one_minus_pt)
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor


def _labels_pm1(target, input, fn):
    """Keras's hinge labels: ±1, or 0/1 mapped to ±1 when every label is 0 or 1; as a constant."""
    check_tensor(target, "target", fn, floating=False)
    check_same_shape(input, target, ("input", "target"), fn)
    y = target.detach().to(input.dtype)
    if bool(((y == 0) | (y == 1)).all()):
        y = 2 * y - 1
    return y


# ---- hinge family ---------------------------------------------------------------------------------
@named_scope("hinge_loss")
def hinge_loss(input, target, reduction="mean"):
    """Binary hinge loss (the SVM loss) on scores ``input`` and labels ``target`` ∈ {−1, 1}.

    ℓ = mean_last(max(0, 1 − y·s)); labels that are all 0 or 1 are first mapped to −1/1 (Keras).
    Gradient −y/C where 1 − y·s > 0, and 0 at the kink (relu; jax's maximum would give −y/2).
    Args: input (…, C) floating scores; target (…, C) labels, any real dtype. Returns (…) for 'none'
    (Keras's per-sample value); 'mean' divides by the number of samples.
    Example: target=[[0,1,1],[1,0,0]], input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]] → [0.966667, 0.8].
    Keras: keras.losses.hinge(target, input); optax.losses.hinge_loss(input, target) is the elementwise ℓ.
    """
    fn = "hinge_loss"
    check_tensor(input, "input", fn)
    check_at_least_1d(input, "input", fn)
    y = _labels_pm1(target, input, fn)
    reduction = check_reduction(reduction)
    return reduce((1 - y * input).relu().mean(-1), reduction)


@named_scope("squared_hinge_loss")
def squared_hinge_loss(input, target, reduction="mean"):
    """Squared hinge loss: the hinge squared, so it is differentiable at the margin.

    ℓ = mean_last(max(0, 1 − y·s)²), labels as in ``hinge_loss``; gradient −2y·max(0, 1 − y·s)/C.
    Args/returns as ``hinge_loss``.
    Example: target=[[0,1,1],[1,0,0]], input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]] → [1.23, 1.06667].
    Keras: keras.losses.squared_hinge(target, input).
    """
    fn = "squared_hinge_loss"
    check_tensor(input, "input", fn)
    check_at_least_1d(input, "input", fn)
    y = _labels_pm1(target, input, fn)
    reduction = check_reduction(reduction)
    return reduce((1 - y * input).relu().square().mean(-1), reduction)


@named_scope("categorical_hinge_loss")
def categorical_hinge_loss(input, target, reduction="mean"):
    """Keras's categorical hinge on one-hot targets: the best wrong score against the true one.

    ℓ = max(0, neg − pos + 1), pos = Σ_c y_c s_c, neg = max_c (1 − y_c)·s_c. NOTE (Keras's own
    definition, kept) the true class contributes 0 to ``neg``, so when every wrong score is
    negative neg = 0; ``multiclass_hinge_loss`` is the exact Crammer–Singer loss. Gradient 0 at the
    kink; tied maxima share the gradient evenly.
    Args: input (…, C) scores, target (…, C) one-hot, same shape. Returns (…) for 'none'.
    Example: target=[[0,1,0],[0,0,1]], input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]] → [0.5, 1.9].
    Keras: keras.losses.categorical_hinge(target, input).
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


@named_scope("multiclass_hinge_loss")
def multiclass_hinge_loss(input, target, reduction="mean"):
    """Crammer–Singer multiclass hinge: the margin by which the true class fails to beat every other by 1.

    ℓ = max_j (s_j + 1 − [j = y]) − s_y (≥ 0). Tied maxima share the gradient evenly.
    Args: input (…, C) scores; target (…) int class indices in [0, C). Returns (…) for 'none'.
    Example: input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]], target=[1,2] → [0.5, 1.9];
    input=[−2,−1,−3], target=1 → 0 (Keras's categorical hinge gives 2 there).
    optax: optax.losses.multiclass_hinge_loss(input, target).
    """
    fn = "multiclass_hinge_loss"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    reduction = check_reduction(reduction)
    onehot = one_hot_like(labels, input)
    true = (input * onehot).sum(-1)
    return reduce((input + 1 - onehot).amax(-1) - true, reduction)


# ---- perceptron -----------------------------------------------------------------------------------
@named_scope("perceptron_loss")
def perceptron_loss(input, target, reduction="mean"):
    """Binary perceptron loss: positive only for misclassified points, with no margin.

    ℓ = max(0, −y·s), y ∈ {−1, 1}, elementwise; gradient −y where y·s < 0 and 0 at y·s = 0
    (relu; optax's jnp.maximum gives −y/2 there).
    Args: input floating scores, target labels ±1 (any real dtype), same shape. Returns input's
    shape for 'none'; 'mean' divides by numel.
    Example: input=[0.5,−0.2,1,−1.5], target=[1,1,−1,−1] → [0, 0.2, 1, 0].
    optax: optax.losses.perceptron_loss(input, target).
    """
    fn = "perceptron_loss"
    check_pair(input, target, fn, floating_target=False)
    reduction = check_reduction(reduction)
    y = target.detach().to(input.dtype)
    return reduce((-y * input).relu(), reduction)


@named_scope("multiclass_perceptron_loss")
def multiclass_perceptron_loss(input, target, reduction="mean"):
    """Multiclass perceptron loss: how far the true score is below the best score.

    ℓ = max_j s_j − s_y; gradient e_argmax − e_y (tied maxima share evenly).
    Args: input (…, C) scores; target (…) int class indices. Returns (…) for 'none'.
    Example: input=[[0.3,0.8,−0.4],[1.5,−0.2,0.6]], target=[1,2] → [0, 0.9].
    optax: optax.losses.multiclass_perceptron_loss(input, target).
    """
    fn = "multiclass_perceptron_loss"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    reduction = check_reduction(reduction)
    true = (input * one_hot_like(labels, input)).sum(-1)
    return reduce(input.amax(-1) - true, reduction)


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


@named_scope("sigmoid_focal_loss")
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
    """
    fn = "sigmoid_focal_loss"
    check_pair(input, target, fn)
    _check_focal(gamma, alpha, fn, alpha_may_be_off=True)
    reduction = check_reduction(reduction)
    ell = _focal_bce_with_logits(input, target, gamma)
    if alpha is not None and alpha >= 0:
        ell = _alpha_t(alpha, target) * ell
    return reduce(ell, reduction)


@named_scope("binary_focal_crossentropy")
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


@named_scope("categorical_focal_loss")
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


@named_scope("poly1_loss")
def poly1_loss(input, target, epsilon=2.0, reduction="mean"):
    """Poly-1 loss: cross entropy plus epsilon times the first polynomial term (1 − p_t).

    ℓ = −Σ_c y_c log_softmax(x)_c + ε·Σ_c y_c (1 − p_c), p = softmax(x) over the last axis
    (= CE + ε(1 − p_t) for one-hot y). Gradient: p − y + ε(p·Σ_c y_c p_c − y ⊙ p).
    Args: input (…, C) logits; target (…, C) probabilities, or (…) int class indices; epsilon any
    real (−1 removes the first term of CE's Taylor series). Returns (…) for 'none'.
    Example: input=[[1,2,0.5],[0.1,−1,2]], target=[[0,1,0],[0.1,0,0.9]] → [1.20731, 0.846037].
    optax: optax.losses.poly_loss_cross_entropy(input, target, epsilon=epsilon).
    """
    fn = "poly1_loss"
    check_class_scores(input, fn)
    y = _probability_target(target, input, fn)
    check_number(epsilon, "epsilon", fn)
    reduction = check_reduction(reduction)
    log_p = input.log_softmax(-1)
    ce = -(y * log_p).sum(-1)
    return reduce(ce + epsilon * (y * (1 - log_p.exp())).sum(-1), reduction)


@named_scope("generalized_cross_entropy")
def generalized_cross_entropy(input, target, q=0.7, reduction="mean"):
    """Generalized cross entropy (Zhang & Sabuncu 2018): between CE (q → 0) and MAE (q = 1), robust
    to noisy labels.

    ℓ = (1 − p_y^q)/q, p_y the probability of the true class.
    Args: input (…, C) probabilities; target (…) int class indices; q in (0, 1] (default 0.7, the
    paper's choice). Returns (…) for 'none'.
    Example: input=[[0.7,0.2,0.1],[0.1,0.3,0.6]], target=[0,1], q=0.7 → [0.315634, 0.813555].
    Keras: keras.losses.categorical_generalized_cross_entropy(target, input, q).
    """
    fn = "generalized_cross_entropy"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    check_number(q, "q", fn, low=0, high=1, low_open=True)
    reduction = check_reduction(reduction)
    p_y = (input * one_hot_like(labels, input)).sum(-1)
    return reduce((1 - p_y ** q) / q, reduction)


# ---- registry -------------------------------------------------------------------------------------
_S = [[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]]
register("hinge_loss", hinge_loss, "HingeLoss", "classification",
         r"\ell = \frac{1}{C}\sum_c \max(0, 1 - y_c s_c)", "mean_last(max(0, 1 - y * s))",
         "The SVM loss for labels ±1: zero once a score is on the right side with margin 1, linear "
         "otherwise. Encourages a margin rather than calibrated probabilities. Keras's hinge (0/1 labels "
         "are mapped to ±1).", {"input": _S, "target": [[0, 1, 1], [1, 0, 0]], "reduction": "none"})
register("squared_hinge_loss", squared_hinge_loss, "SquaredHingeLoss", "classification",
         r"\ell = \frac{1}{C}\sum_c \max(0, 1 - y_c s_c)^2", "mean_last(max(0, 1 - y * s)^2)",
         "The hinge loss squared: differentiable at the margin and harsher on large violations. "
         "Keras's squared_hinge.", {"input": _S, "target": [[0, 1, 1], [1, 0, 0]], "reduction": "none"})
register("categorical_hinge_loss", categorical_hinge_loss, "CategoricalHingeLoss", "classification",
         r"\ell = \max(0, \max_c (1 - y_c) s_c - \sum_c y_c s_c + 1)", "max(0, max((1 - y) * s) - sum(y * s) + 1)",
         "Keras's multiclass hinge on one-hot targets: the best wrong-class score should trail the true "
         "score by 1. Note that the true class counts as 0 among the wrong ones.",
         {"input": _S, "target": [[0, 1, 0], [0, 0, 1]], "reduction": "none"})
register("multiclass_hinge_loss", multiclass_hinge_loss, "MultiClassHingeLoss", "classification",
         r"\ell = \max_j (s_j + 1 - [j = y]) - s_y", "max_j(s_j + 1 - [j == y]) - s_y",
         "The Crammer–Singer multiclass SVM loss: zero when the true class beats every other class by a "
         "margin of 1, otherwise the largest violation. optax's multiclass_hinge_loss.",
         {"input": _S, "target": [1, 2], "reduction": "none"})
register("perceptron_loss", perceptron_loss, "PerceptronLoss", "classification",
         r"\ell = \max(0, -y s)", "max(0, -y * s)",
         "Rosenblatt's perceptron criterion: zero for correctly classified points (no margin), linear in "
         "the score of misclassified ones. optax's perceptron_loss.",
         {"input": [0.5, -0.2, 1.0, -1.5], "target": [1, 1, -1, -1], "reduction": "none"})
register("multiclass_perceptron_loss", multiclass_perceptron_loss, "MultiClassPerceptronLoss",
         "classification", r"\ell = \max_j s_j - s_y", "max(s) - s_y",
         "The multiclass perceptron criterion: how far the true score is below the top score; zero once "
         "the true class wins. optax's multiclass_perceptron_loss.",
         {"input": _S, "target": [1, 2], "reduction": "none"})
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
