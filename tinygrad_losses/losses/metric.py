"""Metric-learning and contrastive losses: distances and similarities between embeddings.

PyTorch's hinge_embedding, cosine_embedding, triplet_margin and triplet_margin_with_distance,
the two functionals they rest on (pairwise_distance, cosine_similarity), then NT-Xent (optax's
labelled form) and InfoNCE / CLIP, cross-entropies over similarity logits computed in log space
with a row-max shift. torch's eps rules:

  * pairwise_distance adds eps to every coordinate of the difference: ‖x1 − x2 + eps‖_p;
  * cosine_similarity divides each vector by max(‖x‖, eps), the max invisible to autograd;
  * cosine_embedding_loss uses its own form, Σx1·x2 / sqrt((Σx1² + 1e-12)(Σx2² + 1e-12))."""
import numbers

import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses import hooks
from tinygrad_losses.losses._checks import broadcast_shape, check_number, check_same_shape, check_tensor, floating_arg, tensor_arg
from tinygrad_losses.losses._compositions import l2_normalize
from tinygrad_losses.losses._reduction import check_reduction, legacy_flags, reduce, strict_reduction
from tinygrad_losses.losses.primitives import ClampStraightThrough
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor, where


# torch's EPSILON in cosine_embedding_loss, added to each squared norm: a float32 constant, so
# 1e-12 rounded to float32 (9.99999996e-13) even for float64 inputs (it shows at zero vectors)
_COSINE_EMBEDDING_EPS = float(np.float32(1e-12))


# ---- distances -------------------------------------------------------------------------------
@hooks.labelled("pairwise_distance")
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm distance between x1 and x2 along the last dim: ‖x1 − x2 + eps‖_p.

    NOTE eps is added to each coordinate of the difference (torch's rule), not to the norm.
    Args: x1, x2 (*, D) broadcast together (integers promoted to float); p any number (0 counts the
    non-zero coordinates, inf takes the largest); keepdim keeps the reduced dim as size 1.
    Returns (*) (or (*, 1) with keepdim). The gradient at a zero difference is 0.
    Example: x1=[1,1,1], x2=[0,0,0], eps=0 → √3.
    torch.nn.functional.pairwise_distance.
    """
    fn = "pairwise_distance"
    tensor_arg(fn, "x1", x1)
    tensor_arg(fn, "x2", x2)
    if not isinstance(p, numbers.Real):
        raise TypeError(f"{fn}: p must be a number, got {type(p).__name__}")
    broadcast_shape(fn, x1.shape, x2.shape)
    return (x1 - x2 + eps).norm(p, dim=-1, keepdim=keepdim)


@hooks.labelled("cosine_similarity")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along ``dim``: Σ (x1/‖x1‖)·(x2/‖x2‖).

    Each norm is replaced by max(‖x‖, eps) in value only (torch clamps it under no_grad), so a zero
    vector gives 0 and a finite gradient x2/(eps·‖x2‖), exactly as torch.
    Args: x1, x2 broadcast together; their common dtype must be floating (one may be integer).
    Returns the broadcast shape without ``dim``; |result| ≤ 1.
    Example: x1=[1,2,3], x2=[1,0,1], dim=0 → 4/(√14·√2) = 0.755929.
    torch.nn.functional.cosine_similarity.
    """
    fn = "cosine_similarity"
    tensor_arg(fn, "x1", x1)
    tensor_arg(fn, "x2", x2)
    common = dtypes.result_type(x1, x2)
    if not dtypes.is_floating(common):
        raise RuntimeError(f"{fn}: x1 and x2 must have a floating common dtype, got {x1.dtype} and {x2.dtype}")
    shape = broadcast_shape(fn, x1.shape, x2.shape)
    x1, x2 = x1.to(common).expand(shape), x2.to(common).expand(shape)

    def clamped_norm(x):  # value max(‖x‖, eps), gradient of ‖x‖ (torch clamps under no_grad)
        return ClampStraightThrough.apply(x.norm(2, dim=dim, keepdim=True), min=eps)
    return ((x1 / clamped_norm(x1)) * (x2 / clamped_norm(x2))).sum(dim)


# ---- losses ----------------------------------------------------------------------------------
@hooks.labelled("cosine_embedding_loss")
@legacy_flags
def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """Cosine embedding loss: y = 1 pulls the two vectors' directions together, y = −1 pushes the
    cosine below ``margin``.

    cos = Σ x1·x2 / sqrt((Σ x1² + 1e-12)·(Σ x2² + 1e-12))   (torch's form; a zero vector gives cos 0)
    ℓ = [y = 1]·(1 − cos) + [y = −1]·max(0, cos − margin)   (any other y gives 0).
    Args: input1, input2 (N, D) with target (N), or unbatched (D), (D), (); batch sizes broadcast.
    y only selects branches (no gradient). Returns (N) or () for 'none'; 'mean' divides by N.
    Gradient passes at cos = margin (torch's clamp convention).
    Example: x1=[[1,2,3],[0.5,−1,0]], x2=[[1,0,1],[0.5,1,2]], y=[1,−1], margin −0.5
    → cos=[0.755929,−0.29277], mean 0.225651.
    >>> x1, x2 = tl.tensor([[1., 2, 3], [0.5, -1, 0]]), tl.tensor([[1., 0, 1], [0.5, 1, 2]])
    >>> F.cosine_embedding_loss(x1, x2, tl.tensor([1, -1]), margin=-0.5)
    tensor(0.2257)

    torch.nn.functional.cosine_embedding_loss.
    """
    fn = "cosine_embedding_loss"
    reduction = check_reduction(reduction)
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        tensor_arg(fn, name, t)
    if target.ndim > 1:
        raise RuntimeError(f"{fn}: target must be 0-D or 1-D (multi-target not supported), got shape "
                           f"{tuple(target.shape)}")
    want = target.ndim + 1
    if input1.ndim != want or input2.ndim != want:
        raise RuntimeError(f"{fn}: a {target.ndim}-D target expects {want}-D inputs, got input1 of shape "
                           f"{tuple(input1.shape)} and input2 of shape {tuple(input2.shape)}")
    broadcast_shape(fn, input1.shape, input2.shape)
    d = target.ndim
    prod_sum = (input1 * input2).sum(d)
    mag1 = (input1 * input1).sum(d) + _COSINE_EMBEDDING_EPS
    mag2 = (input2 * input2).sum(d) + _COSINE_EMBEDDING_EPS
    cos = prod_sum / (mag1 * mag2).sqrt()
    broadcast_shape(fn, cos.shape, target.shape)
    pos = 1 - cos
    neg = (cos - margin).clamp(min=0)
    loss = where(target == 1, pos, 0) + where(target == -1, neg, 0)
    return reduce(loss, reduction)


def _triplet_checks(fn, anchor, positive, negative, margin):
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        tensor_arg(fn, name, t)
    if not margin > 0:
        raise ValueError(f"{fn}: margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"{fn}: anchor, positive and negative must have the same number of dims, got "
                           f"anchor {anchor.ndim}D, positive {positive.ndim}D and negative {negative.ndim}D")


def _triplet(distance, anchor, positive, negative, margin, swap):
    """max(0, margin + d(a, p) − d(a, n)), with d(a, n) replaced by min(d(a, n), d(p, n)) under swap."""
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance(positive, negative))  # NOTE a tie splits the gradient 0.5/0.5, as torch's min
    return (margin + d_pos - d_neg).clamp(min=0)


@hooks.labelled("triplet_margin_loss")
@legacy_flags
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction="mean"):
    """Triplet margin loss: the anchor should be closer to the positive than to the negative by ``margin``.

    d(a, b) = ‖a − b + eps‖_p over the last dim (pairwise_distance: eps added to each coordinate);
    ℓ = max(0, margin + d(a, pos) − d(a, neg)); with swap, d(a, neg) ← min(d(a, neg), d(pos, neg))
    (Balntas et al. 2016).
    Args: anchor, positive, negative (*, D) with the same number of dims (broadcast together);
    margin > 0; p the norm's order. Returns (*) for 'none'; 'mean' divides by its number of elements.
    Gradient passes at the kink (clamp convention); a tie under swap splits it evenly (torch's min).
    Example: a=[[1,2],[0,0],[1,1]], pos=[[1.5,2],[0,1],[1,1]], neg=[[1,3],[2,0.5],[1.5,1.2]] → 0.320495.
    >>> a = tl.tensor([[1.0, 2], [0, 0], [1, 1]])
    >>> pos = tl.tensor([[1.5, 2], [0, 1], [1, 1]])
    >>> neg = tl.tensor([[1.0, 3], [2, 0.5], [1.5, 1.2]])
    >>> F.triplet_margin_loss(a, pos, neg)
    tensor(0.3205)

    torch.nn.functional.triplet_margin_loss.
    """
    fn = "triplet_margin_loss"
    reduction = check_reduction(reduction)
    _triplet_checks(fn, anchor, positive, negative, margin)

    def distance(a, b):
        return pairwise_distance(a, b, p, eps)
    return reduce(_triplet(distance, anchor, positive, negative, margin, swap), reduction)


@hooks.labelled("triplet_margin_with_distance_loss")
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """Triplet margin loss with any distance: ℓ = max(0, margin + d(a, pos) − d(a, neg)).

    ``distance_function(x, y)`` returns one non-negative distance per sample (default
    pairwise_distance: p=2, eps=1e-6); with swap, d(a, neg) ← min(d(a, neg), d(pos, neg)).
    Args: anchor, positive, negative with the same number of dims; keyword-only options; margin > 0.
    Returns the distances' shape for 'none'; 'mean' divides by its number of elements.
    ('elementwise_mean' is refused here, as in torch.)
    Example: distance 1 − cosine_similarity, margin 0.5, swap, a=[[1.1,2.1],[0.1,0.1],[1.1,1.1]],
    pos/neg as triplet_margin_loss's example → 0.548102.
    >>> a = tl.tensor([[1.1, 2.1], [0.1, 0.1], [1.1, 1.1]])
    >>> pos = tl.tensor([[1.5, 2], [0, 1], [1, 1]])
    >>> neg = tl.tensor([[1.0, 3], [2, 0.5], [1.5, 1.2]])
    >>> distance_function = lambda u, v: 1 - F.cosine_similarity(u, v)
    >>> F.triplet_margin_with_distance_loss(a, pos, neg, distance_function=distance_function, margin=0.5, swap=True)
    tensor(0.5481)

    torch.nn.functional.triplet_margin_with_distance_loss.
    """
    fn = "triplet_margin_with_distance_loss"
    reduction = strict_reduction(reduction)
    _triplet_checks(fn, anchor, positive, negative, margin)
    distance = pairwise_distance if distance_function is None else distance_function
    if not callable(distance):
        raise TypeError(f"{fn}: distance_function must be callable (x, y) -> distances, got "
                        f"{type(distance).__name__}")

    def checked(a, b):
        d = distance(a, b)
        if not isinstance(d, Tensor):
            raise TypeError(f"{fn}: distance_function must return a Tensor, got {type(d).__name__}")
        return d
    return reduce(_triplet(checked, anchor, positive, negative, margin, swap), reduction)


# one triplet example for both triplet losses (the default distance makes them equal here: 0.320495)
_TRIPLET = {"anchor": [[1.0, 2.0], [0.0, 0.0], [1.0, 1.0]], "positive": [[1.5, 2.0], [0.0, 1.0], [1.0, 1.0]],
            "negative": [[1.0, 3.0], [2.0, 0.5], [1.5, 1.2]]}


# ---- elementwise hinges ----------------------------------------------------------------------
@hooks.labelled("hinge_embedding_loss")
@legacy_flags
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
    >>> x, y = tl.tensor([0.3, 1.5, 0.5, -0.2, 1]), tl.tensor([1., -1, -1, 1, -1])
    >>> F.hinge_embedding_loss(x, y, reduction='none'), F.hinge_embedding_loss(x, y)
    (tensor([ 0.3000,  0.0000,  0.5000, -0.2000,  0.0000]), tensor(0.1200))

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


def _check_matrix(x, name, fn):
    check_tensor(x, name, fn)
    if x.ndim != 2:
        raise ValueError(f"{fn}: {name} must have shape (N, D), got {tuple(x.shape)}")


@hooks.labelled("ntxent_loss")
def ntxent_loss(embeddings, labels, temperature=0.07, reduction="mean"):
    """Normalized temperature-scaled cross entropy (SimCLR's NT-Xent) in optax's labelled form.

    S_ij = cos(e_i, e_j)/τ, cosine with the squared norm floored at the dtype's machine epsilon.
    For every ordered positive pair (i, j) — i ≠ j, same label —
    ℓ_ij = −log(e^{S_ij} / (e^{S_ij} + Σ_{k: label_k ≠ label_i} e^{S_ik})): i's other positives are
    not in the denominator. Computed with the row max of S subtracted (it cancels).
    Args: embeddings (N, D) floating; labels (N,) integer; temperature > 0.
    Returns the (N, N) matrix ℓ (0 off the positive pairs) for 'none'; 'mean' (optax's value)
    divides by the number of positive pairs (nan when there are none); 'sum' adds them.
    Example: E=[[1,0],[0.8,0.6],[0,1],[−0.6,0.8]], labels=[0,0,1,1]: τ=0.07 → 0.0279325,
    τ=0.5 → 0.43019. With one positive per anchor this is SimCLR's loss.
    optax: optax.losses.ntxent(embeddings, labels, temperature).
    >>> e, labels = tl.tensor([[1., 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]]), tl.tensor([0, 0, 1, 1])
    >>> F.ntxent_loss(e, labels, temperature=0.07), F.ntxent_loss(e, labels, temperature=0.5)
    (tensor(0.0279), tensor(0.4302))
    """
    fn = "ntxent_loss"
    _check_matrix(embeddings, "embeddings", fn)
    if not isinstance(labels, Tensor) or labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise TypeError(f"{fn}: labels must be a 1-D integer Tensor, got "
                        + (f"dtype {labels.dtype} and shape {tuple(labels.shape)}" if isinstance(labels, Tensor)
                           else type(labels).__name__))
    if labels.shape[0] != embeddings.shape[0]:
        raise ValueError(f"{fn}: labels must have one entry per embedding ({embeddings.shape[0]}), "
                         f"got {labels.shape[0]}")
    check_number(temperature, "temperature", fn, low=0, low_open=True)
    reduction = check_reduction(reduction)
    e = embeddings
    unit = l2_normalize(e, -1, float(np.finfo(e.dtype).eps))  # squared norm floored at machine epsilon
    S = unit @ unit.T / temperature
    lab = labels.numpy()
    same = lab[:, None] == lab[None, :]
    pos = Tensor(same & ~np.eye(len(lab), dtype=bool), device=e.device)
    neg = Tensor(~same, device=e.device)
    S = S - S.detach().amax(-1, keepdim=True)  # log-ratios are unchanged by a per-row shift
    neg_sum = where(neg, S.exp(), 0.0).sum(-1, keepdim=True)
    ell = where(pos, (S.exp() + neg_sum).log() - S, 0.0)
    n_pos = int(pos.numpy().sum())
    return reduce(ell, reduction, denominator=n_pos if n_pos else float("nan"))


@hooks.labelled("info_nce_loss")
def info_nce_loss(query, keys, temperature=0.1, symmetric=False, reduction="mean"):
    """InfoNCE: classify each query's own key (row i ↔ key i) among all keys, by dot-product logits.

    logits = q·kᵀ/τ; ℓ_i = −log_softmax(logits_i)[i]. ``symmetric=True`` is CLIP's loss,
    ℓ_i = ½(−log_softmax(logits_i·)[i] − log_softmax(logits_·i)[i]). Inputs are used as given
    (L2-normalise them first for the usual cosine form).
    Args: query (N, D), keys (N, D) floating; temperature > 0. Returns (N,) for 'none'; 'mean'
    divides by N.
    Example: q=[[1,0],[0.6,0.8],[0,1]], k=[[0.8,0.6],[1,0],[−0.6,0.8]], τ=0.1 → 1.96073,
    symmetric 1.95204.
    >>> q, k = tl.tensor([[1., 0], [0.6, 0.8], [0, 1]]), tl.tensor([[0.8, 0.6], [1, 0], [-0.6, 0.8]])
    >>> F.info_nce_loss(q, k, temperature=0.1), F.info_nce_loss(q, k, temperature=0.1, symmetric=True)
    (tensor(1.9607), tensor(1.9520))
    """
    fn = "info_nce_loss"
    _check_matrix(query, "query", fn)
    _check_matrix(keys, "keys", fn)
    check_same_shape(query, keys, ("query", "keys"), fn)
    check_number(temperature, "temperature", fn, low=0, low_open=True)
    reduction = check_reduction(reduction)
    logits = query @ keys.T / temperature
    diag = Tensor(np.eye(query.shape[0], dtype=bool), device=query.device)
    rows = -where(diag, logits.log_softmax(-1), 0.0).sum(-1)
    if symmetric:
        cols = -where(diag, logits.log_softmax(0), 0.0).sum(0)
        rows = (rows + cols) / 2
    return reduce(rows, reduction)


_E = [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-0.6, 0.8]]


# ---- registry ------------------------------------------------------------------------------------
register("cosine_embedding_loss", cosine_embedding_loss, "CosineEmbeddingLoss", "metric learning",
         r"\ell = [y=1](1-\cos(x_1,x_2)) + [y=-1]\max(0, \cos(x_1,x_2) - m)",
         "l = [y = 1]·(1 − cos(x1, x2)) + [y = −1]·max(0, cos(x1, x2) − margin)",
         "Learns embeddings whose directions agree for similar pairs (y = 1) and differ for dissimilar "
         "ones (y = −1, cosine pushed below the margin). Lengths are ignored.",
         {"input1": [[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]], "input2": [[1.0, 0.0, 1.0], [0.5, 1.0, 2.0]],
          "target": [1.0, -1.0], "margin": -0.5})
register("triplet_margin_loss", triplet_margin_loss, "TripletMarginLoss", "metric learning",
         r"\ell = \max(0, m + \|a - p + \epsilon\|_p - \|a - n + \epsilon\|_p)",
         "l = max(0, margin + ‖a − pos + eps‖_p − ‖a − neg + eps‖_p)",
         "Metric learning from triplets: an anchor must be closer to a positive (same identity) than to "
         "a negative by a margin. Used for face recognition and retrieval embeddings (FaceNet).", _TRIPLET)
register("triplet_margin_with_distance_loss", triplet_margin_with_distance_loss,
         "TripletMarginWithDistanceLoss", "metric learning",
         r"\ell = \max(0, m + d(a, p) - d(a, n))",
         "l = max(0, margin + d(a, pos) − d(a, neg))",
         "The triplet loss with a distance of your choice (cosine distance, a learned metric ...); "
         "the default is the Euclidean pairwise distance.", _TRIPLET)
register("hinge_embedding_loss", hinge_embedding_loss, "HingeEmbeddingLoss", "metric learning",
         r"\ell = [y \ne 1]\max(0, m - x) + [y \ne -1]\,x",
         "l = [y != 1]·max(0, margin − x) + [y != −1]·x",
         "For a distance x between two items and a label y = 1 (similar) or −1 (dissimilar): similar "
         "pairs are pulled to distance 0, dissimilar ones pushed beyond the margin. Used for learning "
         "embeddings or semi-supervised similarity from pairwise labels.",
         {"input": [0.3, 1.5, 0.5, -0.2, 1.0], "target": [1.0, -1.0, -1.0, 1.0, -1.0]})
register("ntxent_loss", ntxent_loss, "NTXentLoss", "metric learning",
         r"\ell_{ij} = -\log \frac{e^{S_{ij}}}{e^{S_{ij}} + \sum_{k \in neg(i)} e^{S_{ik}}},\ S = \cos/\tau",
         "-log(exp(S_ij) / (exp(S_ij) + sum_neg exp(S_ik))), S = cos(e_i, e_j) / tau",
         "The contrastive loss of SimCLR: pulls embeddings with the same label together and pushes "
         "different labels apart on the unit sphere, as a softmax over cosine similarities sharpened by "
         "the temperature. optax's ntxent.", {"embeddings": _E, "labels": [0, 0, 1, 1], "temperature": 0.5})
register("info_nce_loss", info_nce_loss, "InfoNCELoss", "metric learning",
         r"\ell_i = -\log \frac{e^{q_i\cdot k_i/\tau}}{\sum_j e^{q_i\cdot k_j/\tau}}",
         "CE(q @ k.T / tau, arange(N))",
         "Contrastive predictive coding's loss: each query must pick out its own key among all keys in "
         "the batch (the other keys are negatives). With symmetric=True it is CLIP's image–text loss.",
         {"query": [[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], "keys": [[0.8, 0.6], [1.0, 0.0], [-0.6, 0.8]],
          "temperature": 0.1, "reduction": "none"})
