"""Overlap losses for segmentation: Dice and Tversky (Keras forms) and optax's multiclass soft Dice.

They compare a predicted soft mask with a target mask through sums over regions, so they are
insensitive to how much background there is (unlike per-pixel cross-entropy)."""
import numpy as np

from tinygrad_losses import hooks
from tinygrad_losses.losses._checks import check_number, check_pair, EPS_K
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor


@hooks.labelled("tversky_loss")
def tversky_loss(input, target, alpha=0.5, beta=0.5, dim=None, eps=EPS_K, reduction="mean"):
    """Tversky loss: 1 − TP / (TP + α·FP + β·FN + eps), sums over ``dim``.

    TP = Σ ŷ·y, FP = Σ (1 − y)·ŷ, FN = Σ y·(1 − ŷ) with ŷ = input (probabilities), y = target.
    α = β = 0.5 is the Dice loss; β > α penalises missed foreground more (better recall).
    Args: input, target same shape; ``dim`` an int or tuple of dims to sum over (None: all, one
    value for the whole batch, as Keras's axis=None). Returns the shape without ``dim`` for 'none';
    'mean' divides by its number of elements.
    Example: the Dice example below with alpha=0.3, beta=0.7, dim=(1, 2) → [0.5, 0.776536].
    Keras: keras.losses.tversky(target, input, alpha, beta, axis=dim).
    >>> x = tl.tensor([[[0.0, 1], [0, 1]], [[0.4, 0], [0, 0.9]]])
    >>> y = tl.tensor([[[1.0, 1], [0, 0]], [[1, 1], [0, 0]]])
    >>> F.tversky_loss(x, y, alpha=0.3, beta=0.7, dim=(1, 2), reduction='none')
    tensor([0.5000, 0.7765])
    """
    fn = "tversky_loss"
    check_pair(input, target, fn, floating_target=False)
    y = target.to(input.dtype)
    check_number(alpha, "alpha", fn, low=0)
    check_number(beta, "beta", fn, low=0)
    check_number(eps, "eps", fn, low=0)
    reduction = check_reduction(reduction)
    tp = (input * y).sum(dim)
    fp = ((1 - y) * input).sum(dim)
    fn_ = (y * (1 - input)).sum(dim)
    return reduce(1 - tp / (tp + alpha * fp + beta * fn_ + eps), reduction)


@hooks.labelled("dice_loss")
def dice_loss(input, target, dim=None, eps=EPS_K, reduction="mean"):
    """Dice loss: one minus the soft Dice coefficient (F1 score) of prediction and target masks.

    ℓ = 1 − 2·Σ(y·ŷ) / (Σy + Σŷ + eps), sums over ``dim``.
    Args: input (probabilities), target, same shape; ``dim`` int/tuple (None: all elements, one
    value for the whole batch). Returns the shape without ``dim`` for 'none'; 'mean' divides by its
    number of elements.
    Example: target = two samples [[1,1],[0,0]], input = [[0,1],[0,1]] and [[0.4,0],[0,0.9]]:
    dim=None → 0.616438; dim=(1, 2) → [0.5, 0.757576].
    Keras: keras.losses.dice(target, input, axis=dim).
    >>> x = tl.tensor([[[0.0, 1], [0, 1]], [[0.4, 0], [0, 0.9]]])
    >>> y = tl.tensor([[[1.0, 1], [0, 0]], [[1, 1], [0, 0]]])
    >>> F.dice_loss(x, y), F.dice_loss(x, y, dim=(1, 2), reduction='none')
    (tensor(0.6164), tensor([0.5000, 0.7576]))
    """
    fn = "dice_loss"
    check_pair(input, target, fn, floating_target=False)
    y = target.to(input.dtype)
    check_number(eps, "eps", fn, low=0)
    reduction = check_reduction(reduction)
    inter = (y * input).sum(dim)
    return reduce(1 - 2 * inter / (y.sum(dim) + input.sum(dim) + eps), reduction)


@hooks.labelled("multiclass_dice_loss")
def multiclass_dice_loss(input, target, smooth=1.0, alpha=0.5, beta=0.5, apply_softmax=True,
                         class_weights=None, ignore_background=False, reduction="mean"):
    """optax's smoothed multiclass Dice/Tversky loss, one value per (sample, class).

    Layout (B, spatial…, C). probs = softmax over C (sigmoid when C = 1) if ``apply_softmax``, else
    ``input`` itself, whose class rows must sum to 1. With sums over the spatial dims,
    I = Σ probs·t, P = Σ probs, T = Σ t: coeff = (I + s)/(I + α(P − I) + β(T − I) + s) and
    ℓ_{b,c} = (1 − coeff)·class_weights[c]; ``ignore_background`` drops class 0.
    α = β = 0.5 gives the smoothed Dice 1 − (2I + 2s)/(P + T + 2s).
    Returns (B, C) (or (B, C − 1)) for 'none'; 'mean' divides by its number of elements, which
    equals optax's per-sample class mean averaged over the batch.
    Example: logits (1,2,2,2) [[[2,−1],[0.5,0.5]],[[−1,1],[0,2]]], one-hot targets
    [[[1,0],[1,0]],[[0,1],[0,1]]]: smooth=1 → 0.13132 (per class [0.138084, 0.124557]).
    optax: optax.losses.dice_loss(input, target, ...).
    >>> x = tl.tensor([[[[2., -1], [0.5, 0.5]], [[-1, 1], [0, 2]]]])
    >>> y = tl.tensor([[[[1., 0], [1, 0]], [[0, 1], [0, 1]]]])
    >>> F.multiclass_dice_loss(x, y)
    tensor(0.1313)
    """
    fn = "multiclass_dice_loss"
    check_pair(input, target, fn, floating_target=False)
    t = target.to(input.dtype)
    if input.ndim < 2:
        raise ValueError(f"{fn}: input must have shape (B, spatial..., C) with at least 2 dims, "
                         f"got {tuple(input.shape)}")
    for name, v in (("smooth", smooth), ("alpha", alpha), ("beta", beta)):
        check_number(v, name, fn, low=0)
    reduction = check_reduction(reduction)
    C = input.shape[-1]
    if apply_softmax:
        probs = input.sigmoid() if C == 1 else input.softmax(-1)
    else:
        sums = input.detach().numpy().sum(-1)
        if not np.allclose(sums, 1, atol=1e-5):
            raise ValueError(f"{fn}: with apply_softmax=False the input's class rows must sum to 1, got "
                             f"sums between {sums.min():.6g} and {sums.max():.6g}")
        probs = input
    spatial = tuple(range(1, input.ndim - 1)) or None
    if spatial is None:
        inter, p_sum, t_sum = probs * t, probs, t
    else:
        inter, p_sum, t_sum = (probs * t).sum(spatial), probs.sum(spatial), t.sum(spatial)
    coeff = (inter + smooth) / (inter + alpha * (p_sum - inter) + beta * (t_sum - inter) + smooth)
    ell = 1 - coeff
    if class_weights is not None:
        w = class_weights if isinstance(class_weights, Tensor) else Tensor(np.asarray(class_weights, input.dtype))
        if w.shape != (C,):
            raise ValueError(f"{fn}: class_weights must have shape ({C},), got {tuple(w.shape)}")
        ell = ell * w.to(input.dtype)
    if ignore_background:
        ell = ell[..., 1:]
    return reduce(ell, reduction)


_D_IN = [[[0.0, 1.0], [0.0, 1.0]], [[0.4, 0.0], [0.0, 0.9]]]


_D_T = [[[1.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]]


# ---- registry ------------------------------------------------------------------------------------
register("dice_loss", dice_loss, "DiceLoss", "segmentation",
         r"\ell = 1 - \frac{2\sum y\hat y}{\sum y + \sum \hat y + \epsilon}",
         "1 - 2 * sum(y * p) / (sum(y) + sum(p) + eps)",
         "One minus the soft Dice coefficient (the F1 score of soft masks): measures region overlap, "
         "so it is insensitive to the amount of background. The standard loss for binary "
         "segmentation with a small foreground. Keras's dice.",
         {"input": _D_IN, "target": _D_T, "dim": (1, 2), "reduction": "none"})
register("tversky_loss", tversky_loss, "TverskyLoss", "segmentation",
         r"\ell = 1 - \frac{TP}{TP + \alpha FP + \beta FN + \epsilon}", "1 - TP / (TP + alpha * FP + beta * FN + eps)",
         "A Dice loss with separate weights for false positives and false negatives; beta > alpha "
         "trades precision for recall, useful when missing small lesions is costly. Keras's tversky.",
         {"input": _D_IN, "target": _D_T, "alpha": 0.3, "beta": 0.7, "dim": (1, 2), "reduction": "none"})
register("multiclass_dice_loss", multiclass_dice_loss, "MultiClassDiceLoss", "segmentation",
         r"\ell_c = 1 - \frac{I_c + s}{I_c + \alpha(P_c - I_c) + \beta(T_c - I_c) + s}",
         "1 - (I + s) / (I + alpha * (P - I) + beta * (T - I) + s), per class",
         "Smoothed Dice (or Tversky) loss per class on softmax probabilities of a (B, spatial…, C) "
         "layout: each class's overlap counts equally however rare the class is. optax's dice_loss.",
         {"input": [[[[2.0, -1.0], [0.5, 0.5]], [[-1.0, 1.0], [0.0, 2.0]]]],
          "target": [[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]], "reduction": "none"})
