"""Lessons of the segmentation losses (``losses/segmentation.py``): overlaps of soft masks."""
import numpy as np

from tinygrad_losses.losses.lessons import Lesson, softmax

OVER_DIMS = ("'none' keeps one value per index not in ``dim``; 'sum' adds them; 'mean' (default) divides by "
             "their number. dim=None sums over everything: one Dice for the whole batch.")
BATCH_DICE = ("With dim=None the overlap is pooled over the batch, so a sample with an empty mask has no loss of "
              "its own; per-sample dims (dim=(1, 2)) score each image, and an empty target with an empty "
              "prediction then gives 1 − 0/eps = 1, a full loss for a perfect answer.")
IMBALANCE = ("Dice vs cross-entropy: Dice is a ratio of sums, so it ignores how much background there is "
             "(good for a tiny foreground), but its gradient for one pixel depends on every other and is noisy "
             "early in training; Dice + CE is the common mix.")


def _summed(a, dim):
    return a.sum(axis=dim, keepdims=True) if dim is not None else a.sum()


def _overlap_gradient(ex, alpha, beta, dim):
    """∂ℓ/∂ŷ of ℓ = 1 − TP / (TP + α FP + β FN + eps) over ``dim`` (Dice: α = β = ½ after doubling)."""
    p, y, eps = ex["input"], ex["target"], ex.get("eps", 1e-7)
    tp, fp, fn = _summed(p * y, dim), _summed((1 - y) * p, dim), _summed(y * (1 - p), dim)
    denominator = tp + alpha * fp + beta * fn + eps
    return -(y * denominator - tp * (y + alpha * (1 - y) - beta * y)) / denominator ** 2


def _mean_over_rest(g, shape, dim, reduction):
    rest = 1 if dim is None else np.prod([n for i, n in enumerate(shape) if i not in np.atleast_1d(dim)])
    return g / rest if reduction == "mean" else g


def _dice(ex):
    p, y, dim, eps = ex["input"], ex["target"], ex.get("dim"), ex.get("eps", 1e-7)
    tp, denominator = _summed(p * y, dim), _summed(y, dim) + _summed(p, dim) + eps
    g = -2 * (y * denominator - tp) / denominator ** 2
    return _mean_over_rest(g, p.shape, dim, ex.get("reduction", "mean"))


def _tversky(ex):
    dim = ex.get("dim")
    g = _overlap_gradient(ex, ex.get("alpha", 0.5), ex.get("beta", 0.5), dim)
    return _mean_over_rest(g, ex["input"].shape, dim, ex.get("reduction", "mean"))


def _multiclass_dice(ex):
    x, t = ex["input"], ex["target"]
    s, alpha, beta = ex.get("smooth", 1.0), ex.get("alpha", 0.5), ex.get("beta", 0.5)
    p = softmax(x)                                     # the example's C = 2 > 1: softmax over the classes
    spatial = tuple(range(1, x.ndim - 1))
    i, total_p, total_t = (p * t).sum(spatial, keepdims=True), p.sum(spatial, keepdims=True), t.sum(spatial, keepdims=True)
    numerator = i + s
    denominator = i + alpha * (total_p - i) + beta * (total_t - i) + s
    d_coeff = (t * denominator - numerator * ((1 - alpha - beta) * t + alpha)) / denominator ** 2
    g_p = -d_coeff                                     # ℓ = 1 − coeff per (sample, class)
    g = p * (g_p - (p * g_p).sum(-1, keepdims=True))  # through the softmax over the class axis
    count = x.shape[0] * x.shape[-1]
    return g / count if ex.get("reduction", "mean") == "mean" else g


LESSONS = {
    "dice_loss": Lesson(
        gradient="∂ℓ/∂ŷ = −2 (y·D − I) / D², I = Σ y ŷ, D = Σ y + Σ ŷ + eps (sums over dim)",
        derivation=("ℓ = 1 − 2I/D; ∂I/∂ŷ = y and ∂D/∂ŷ = 1;",
                    "the quotient rule: ∂(I/D)/∂ŷ = (y D − I)/D², times −2;",
                    "so a pixel's gradient depends on the whole mask through I and D."),
        options={"dim": "the dims to sum over (int or tuple); None sums all elements.",
                 "eps": "added to the denominator (1e-7) so an empty target and prediction give a finite loss.",
                 "reduction": OVER_DIMS},
        pitfalls=(IMBALANCE, BATCH_DICE, "It expects probabilities (after sigmoid), not logits."),
        use_when="Binary segmentation with a small foreground (medical images).",
        equivalents={"PyTorch": "none (MONAI's DiceLoss)", "Keras": "keras.losses.dice(target, input, axis=dim)",
                     "optax": "none on probabilities (optax.losses.dice_loss applies softmax or sigmoid)"},
        closed_form=_dice, plot=None),
    "tversky_loss": Lesson(
        gradient="∂ℓ/∂ŷ = −(y·D − TP·(y + α(1 − y) − β y)) / D², D = TP + α FP + β FN + eps",
        derivation=("TP = Σ ŷ y, FP = Σ (1 − y) ŷ, FN = Σ y (1 − ŷ): ∂/∂ŷ gives y, 1 − y and −y;",
                    "ℓ = 1 − TP/D, and the quotient rule gives −(y D − TP ∂D/∂ŷ)/D²;",
                    "α = β = ½ is the Dice loss (D = (Σ y + Σ ŷ)/2)."),
        options={"alpha": "the weight of false positives.", "beta": "the weight of false negatives; β > α favours recall.",
                 "dim": "the dims to sum over; None sums all elements.", "eps": "added to the denominator (1e-7).",
                 "reduction": OVER_DIMS},
        pitfalls=(IMBALANCE, "α and β act through their ratio and their size: α = β = ½ is Dice, α = β = 1 is the "
                             "Jaccard (IoU) loss; Salehi et al. found α = 0.3, β = 0.7 best for lesions."),
        use_when="Segmentation where missing foreground costs more than false alarms (lesions).",
        equivalents={"PyTorch": "none (MONAI's TverskyLoss)",
                     "Keras": "keras.losses.tversky(target, input, alpha, beta, axis=dim)", "optax": "none"},
        closed_form=_tversky, plot=None),
    "multiclass_dice_loss": Lesson(
        gradient="∂ℓ_c/∂p = −[t·den − num·((1 − α − β) t + α)] / den², then p ⊙ (g − ⟨p, g⟩) through the softmax",
        derivation=("per class: num = I + s, den = (1 − α − β) I + α P + β T + s, with I = Σ p t, P = Σ p, T = Σ t;",
                    "∂I/∂p = t, ∂P/∂p = 1, so the quotient rule gives ∂(num/den)/∂p, and ℓ = 1 − num/den;",
                    "the softmax's Jacobian diag(p) − p pᵀ maps it to the logits: p ⊙ (g − Σ_c p_c g_c)."),
        options={"smooth": "s added to the numerator and denominator (1): empty classes give 0 loss, not nan.",
                 "alpha": "false-positive weight (0.5: Dice).", "beta": "false-negative weight (0.5: Dice).",
                 "apply_softmax": "apply softmax over the last (class) axis (sigmoid when C = 1); False: input "
                                  "is already probabilities.",
                 "class_weights": "(C,) weights of each class's loss.",
                 "ignore_background": "drop class 0 from the result.",
                 "reduction": "'none' keeps the (B, C) matrix; 'sum' adds it; 'mean' divides by B·C (optax's "
                              "per-sample class mean averaged over the batch)."},
        pitfalls=("The layout is channels-last (B, spatial…, C), optax's, not torch's (B, C, spatial…): move "
                  "the class axis first.",
                  "Every class counts equally, so a class absent from an image (T = 0) still contributes "
                  "1 − s/(αP + s); keep smooth or ignore the background.", IMBALANCE),
        use_when="Multi-class segmentation with rare classes.",
        equivalents={"PyTorch": "none (MONAI's DiceLoss(softmax=True))", "Keras": "none",
                     "optax": "optax.losses.dice_loss(input, target)"},
        closed_form=_multiclass_dice, plot=None),
}
