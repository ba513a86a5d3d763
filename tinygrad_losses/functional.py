"""torch.nn.functional for tinygrad-losses: activations and every loss, composed from Tensor ops.

This is the one home of the functional names (``tinygrad_losses.nn.functional`` is this module).
Each loss family lives in its own file under ``tinygrad_losses/losses/``, named like the
registry's kinds; this module re-exports them.
"""
from tinygrad_losses import rng as _rng
from tinygrad_losses.activations import (softplus, logsigmoid, relu, leaky_relu, sigmoid, tanh,  # noqa: F401
                                         gelu, silu, elu)
from tinygrad_losses.creation import one_hot  # noqa: F401
from tinygrad_losses.losses.regression import (l1_loss, mse_loss, smooth_l1_loss, huber_loss,  # noqa: F401
                                               log_cosh_loss, msle_loss, mape_loss, poisson_loss,
                                               cosine_similarity_loss, pinball_loss, pseudo_huber_loss)
from tinygrad_losses.losses.classification import (cross_entropy, nll_loss, binary_cross_entropy,  # noqa: F401
                                                   binary_cross_entropy_with_logits, sigmoid_focal_loss,
                                                   binary_focal_crossentropy, categorical_focal_loss, poly1_loss,
                                                   generalized_cross_entropy, sparsemax, sparsemax_loss,
                                                   multiclass_sparsemax_loss)
from tinygrad_losses.losses.linear_cross_entropy import linear_cross_entropy  # noqa: F401
from tinygrad_losses.losses.margin import (soft_margin_loss, multilabel_soft_margin_loss,  # noqa: F401
                                           margin_ranking_loss, multi_margin_loss, multilabel_margin_loss,
                                           hinge_loss, squared_hinge_loss, categorical_hinge_loss,
                                           multiclass_hinge_loss, perceptron_loss, multiclass_perceptron_loss,
                                           ranking_softmax_loss)
from tinygrad_losses.losses.metric import (pairwise_distance, cosine_similarity, cosine_embedding_loss,  # noqa: F401
                                           triplet_margin_loss, triplet_margin_with_distance_loss,
                                           hinge_embedding_loss, ntxent_loss, info_nce_loss)
from tinygrad_losses.losses.distribution import (poisson_nll_loss, gaussian_nll_loss, kl_div,  # noqa: F401
                                                 generalized_kl_divergence, js_divergence)
from tinygrad_losses.losses.segmentation import dice_loss, tversky_loss, multiclass_dice_loss  # noqa: F401
from tinygrad_losses.losses.sequence import ctc_loss  # noqa: F401
from tinygrad_losses.ops.linear import Linear as _LinearOp
from tinygrad_losses.tensor import Tensor


def softmax(input, dim, dtype=None):
    return input.softmax(dim, dtype)


def log_softmax(input, dim, dtype=None):
    return input.log_softmax(dim, dtype)


def linear(input, weight, bias=None):
    """input @ weightᵀ + bias: input (*, in), weight (out, in), bias (out,); one graph node."""
    for name, t in (("input", input), ("weight", weight), ("bias", bias)):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"linear: {name} must be a Tensor, got {type(t).__name__}")
    if weight.ndim != 2 or input.ndim < 1 or input.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"linear: input of shape {input.shape} does not fit weight of shape {weight.shape} "
                           f"(expected input (*, {weight.shape[1] if weight.ndim == 2 else 'in'}))")
    if bias is not None and bias.shape != (weight.shape[0],):
        raise RuntimeError(f"linear: bias must have shape ({weight.shape[0]},), got {bias.shape}")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise RuntimeError(f"linear: expected one dtype, got input {input.dtype}, weight {weight.dtype}"
                           + (f", bias {bias.dtype}" if bias is not None else ""))
    return _LinearOp.apply(input, weight) if bias is None else _LinearOp.apply(input, weight, bias)


def dropout(input, p=0.5, training=True):
    """Zero each element with probability p and scale the rest by 1/(1-p) (identity when not training)."""
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    keep = _rng.generator().random(input.shape) >= p
    mask = Tensor((keep / (1 - p)).astype(input.dtype), device=input.device)
    return input * mask


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """input / max(‖input‖_p, eps) along ``dim``: unit vectors, and zero vectors stay zero."""
    if not isinstance(input, Tensor):
        raise TypeError(f"normalize: input must be a Tensor, got {type(input).__name__}")
    if not isinstance(eps, (int, float)) or isinstance(eps, bool) or eps < 0:
        raise ValueError(f"normalize: eps must be a non-negative number, got {eps!r}")
    return input / input.norm(p, dim, keepdim=True).clamp_min(eps)
