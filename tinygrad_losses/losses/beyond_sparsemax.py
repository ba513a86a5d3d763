"""Sparsemax and its losses (Martins & Astudillo 2016): a softmax that can output exact zeros.

``sparsemax`` is composed, not a primitive: its support (which entries stay positive) is a
piecewise-constant function of the scores, found by sorting without gradient, like relu's mask.
Given the support S (k entries), sparsemax(s)_i = s_i − τ on S and 0 elsewhere with
τ = (Σ_S s − 1)/k, an affine map of s, so the Tensor ops give its exact Jacobian
diag(m) − m mᵀ/k (m the support mask) and it can be differentiated again.
"""
import numpy as np

from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._beyond_common import (check_tensor, check_at_least_1d, check_pair,
                                                    check_class_scores, check_labels, one_hot_like)
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor, where


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


@named_scope("sparsemax_loss")
def sparsemax_loss(input, target, reduction="mean"):
    """Binary sparsemax loss: the sparsemax analogue of the logistic loss, exactly 0 beyond a margin.

    ℓ = sparse_plus(−x) for y = 1, sparse_plus(x) for y = 0, with sparse_plus(z) = 0 (z ≤ −1),
    (z + 1)²/4 (−1 < z < 1), z (z ≥ 1); elementwise. Gradient ∓sparse_sigmoid(z): 0, (z + 1)/2, 1.
    Args: input logits (floating), target labels 0/1 (any real dtype), same shape. Returns input's
    shape for 'none'; 'mean' divides by numel.
    Example: input=[−2,−0.5,0.3,1.2,0], target=[1,1,0,0,1] → [2, 0.5625, 0.4225, 1.2, 0.25].
    optax: optax.losses.sparsemax_loss(input, target).
    """
    fn = "sparsemax_loss"
    check_pair(input, target, fn, floating_target=False)
    if not bool(((target == 0) | (target == 1)).all()):
        raise ValueError(f"{fn}: target must hold labels 0 or 1, got values {np.unique(target.numpy())[:5]}")
    reduction = check_reduction(reduction)
    z = where(target == 1, -input, input)
    ell = where(z <= -1, 0.0, where(z < 1, (z + 1).square() / 4, z))
    return reduce(ell, reduction)


@named_scope("multiclass_sparsemax_loss")
def multiclass_sparsemax_loss(input, target, reduction="mean"):
    """Multiclass sparsemax loss: the Fenchel–Young loss of sparsemax, the analogue of softmax + CE.

    ℓ = ⟨p, s⟩ − s_y + ½(1 − ‖p‖²), p = sparsemax(s) over the last axis; ℓ = 0 exactly when
    p = e_y. Gradient p − e_y. Scores must be finite.
    Args: input (…, C) scores; target (…) int class indices. Returns (…) for 'none'.
    Example: input=[1,0.5,−0.3,0.9], target=1 → 0.703333; input=[2,0.1,−1], target=0 → 0.
    optax: optax.losses.multiclass_sparsemax_loss(input, target).
    """
    fn = "multiclass_sparsemax_loss"
    check_class_scores(input, fn)
    labels = check_labels(target, input, fn)
    reduction = check_reduction(reduction)
    p = sparsemax(input)
    true = (input * one_hot_like(labels, input)).sum(-1)
    ell = (p * input).sum(-1) - true + 0.5 * (1 - (p * p).sum(-1))
    return reduce(ell, reduction)


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
