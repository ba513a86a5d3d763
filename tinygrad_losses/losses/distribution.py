"""Likelihood and divergence losses: a predicted distribution against observed data.

PyTorch's poisson_nll_loss, gaussian_nll_loss and kl_div; optax's generalized KL (for
unnormalised measures) and Jensen–Shannon."""
import math
import warnings

import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses import hooks
from tinygrad_losses.creation import full_like
from tinygrad_losses.losses._checks import check_pair, tensor_arg
from tinygrad_losses.losses._compositions import xlogy_masked
from tinygrad_losses.losses._reduction import check_reduction, legacy_flags, reduce, strict_reduction
from tinygrad_losses.losses.primitives import ClampStraightThrough, xlogy
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor, where


_KL_MEAN_WARNING = ("reduction: 'mean' divides the total loss by both the batch size and the support size."
                    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                    "'mean' will be changed to behave the same as 'batchmean' in the next major release.")


@hooks.labelled("poisson_nll_loss")
@legacy_flags
def poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """Negative log-likelihood of a Poisson target with rate exp(x) (or x).

    log_input=True:   ℓ = exp(x) − y·x              (x is the log-rate)
    log_input=False:  ℓ = x − y·log(x + eps)        (x is the rate; negative x gives nan)
    full=True adds Stirling's approximation of log(y!) where y > 1:  y·log y − y + ½·log(2π·y)

    Args:
        input, target: tensors that broadcast (silently); target values are not validated.
        reduction: 'none' | 'mean' | 'sum' ('mean' divides by numel(ℓ); 'elementwise_mean' is refused).
    Gradient: exp(x) − y, or 1 − y/(x + eps). NOTE with full=True the target gradient at y = 0 is nan
    (0·log 0 in the masked Stirling term), as in torch.

    Example: x = [0], y = [2] → ℓ = e⁰ − 0 = 1; full=True adds 2·ln 2 − 2 + ½·ln(4π) = 0.651806.
    >>> F.poisson_nll_loss(tl.tensor([0.0]), tl.tensor([2.0]))
    tensor(1.)
    >>> F.poisson_nll_loss(tl.tensor([0.0]), tl.tensor([2.0]), full=True)
    tensor(1.6518)

    torch.nn.functional.poisson_nll_loss.
    """
    fn = "poisson_nll_loss"
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    reduction = strict_reduction(reduction)  # torch parses this loss's reduction without the old alias
    with np.errstate(divide="ignore", invalid="ignore"):
        if log_input:
            loss = input.exp() - target * input
        else:
            loss = input - target * (input + eps).log()
        if full:
            y = target
            stirling = y * y.log() - y + 0.5 * (2 * math.pi * y).log()
            loss = loss + where(y > 1, stirling, 0)  # log(y!) ≈ 0 for y ∈ {0, 1}: no term there
    return reduce(loss, reduction)


def _gaussian_var(fn, input, var):
    """torch's checks of ``var`` (negative entries first, then the shape rules); returns a Tensor."""
    if isinstance(var, Tensor):
        if bool((var < 0).any()):
            raise ValueError(f"{fn}: var has negative entry/entries")
    elif isinstance(var, float):
        if var < 0:
            raise ValueError(f"{fn}: var has negative entry/entries (got var={var})")
        return full_like(input, var, dtype=input.dtype if dtypes.is_floating(input.dtype) else dtypes.DEFAULT_FLOAT)
    else:
        raise TypeError(f"{fn}: var must be a Tensor or a Python float, got {type(var).__name__} ({var!r})")
    if var.shape == input.shape:
        return var  # one variance per element (heteroscedastic)
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)  # one variance per row: broadcast over the last dim
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var  # exactly one mismatched dim, where var has size 1
    raise ValueError(f"{fn}: var is of incorrect size: got {tuple(var.shape)} for input {tuple(input.shape)} "
                     f"(expected {tuple(input.shape)}, {tuple(input.shape[:-1])}, or input's shape with "
                     f"one dim of size 1)")


@hooks.labelled("gaussian_nll_loss")
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of the target under N(input, var).

    ℓ = ½·(log v + (x − y)²/v)  [+ ½·log(2π) if full],   v = max(var, eps)

    Args:
        input: the predicted mean, any shape.  target: broadcast silently against input.
        var: a Tensor or a Python float (an int is a TypeError); no negative entries. Shape: input's,
            input's without the last dim (one variance per row), or input's with one dim of size 1.
        full: add the constant.  eps: the variance floor.
        reduction: 'none' | 'mean' | 'sum' ('mean' divides by numel(ℓ)).
    NOTE the clamp is invisible to autograd (torch clamps under no_grad): the gradient is evaluated at
    v but flows to var even below eps. ∂ℓ/∂x = (x − y)/v, ∂ℓ/∂var = ½(1/v − (x − y)²/v²).

    Example: x = [1], y = [3], var = [2] → ½·(ln 2 + 4/2) = 1.346574.
    >>> F.gaussian_nll_loss(tl.tensor([1.]), tl.tensor([3.]), tl.tensor([2.]))
    tensor(1.3466)

    torch.nn.functional.gaussian_nll_loss.
    """
    fn = "gaussian_nll_loss"
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    var = _gaussian_var(fn, input, var)
    message = fn + ": {reduction} is not valid (expected one of 'none', 'mean', 'sum')"
    reduction = strict_reduction(reduction, message=message)  # this loss's own parser has no deprecated alias
    v = ClampStraightThrough.apply(var, min=eps)
    d = input - target
    loss = 0.5 * (v.log() + d * d / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce(loss, reduction)


@hooks.labelled("kl_div")
@legacy_flags
def kl_div(input, target, reduction="mean", log_target=False):
    """Kullback–Leibler divergence KL(target ‖ q), given log q as input.

    log_target=False:  ℓ = y·log y − y·x   (xlogy: 0 where y = 0; nan where y < 0)
    log_target=True:   ℓ = exp(y)·(y − x)   (a −inf log-target gives nan, as in torch)

    Args:
        input: log-probabilities log q.  target: probabilities (or log-probabilities); broadcast silently.
        reduction: 'none' | 'batchmean' | 'sum' | 'mean'. 'batchmean' = Σℓ / input.size(0) — the true KL
            for a batch of distributions (a 1-D input divides by its length; 0-d: no division). 'mean'
            divides by numel(ℓ) and warns on every call that it is not the KL divergence.
    Gradient: ∂ℓ/∂x = −y (−exp(y)); target gradient log y + 1 − x (nan at y = 0) or exp(y)·(y − x + 1).

    Example: x = log [0.5, 0.5], y = [1, 0] → ℓ = [1·(0 − ln 0.5), 0], sum = ln 2 = 0.693147.
    >>> F.kl_div(tl.tensor([0.5, 0.5]).log(), tl.tensor([1., 0]), reduction='sum')
    tensor(0.6931)

    torch.nn.functional.kl_div.
    """
    fn = "kl_div"
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    if reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=3)
    reduction = check_reduction(reduction, extra=("batchmean",))
    if not (dtypes.is_floating(input.dtype) and dtypes.is_floating(target.dtype)):
        raise RuntimeError(f"{fn}: Integral inputs not supported: input and target must be floating point, "
                           f"got {input.dtype} and {target.dtype}")
    with np.errstate(divide="ignore", invalid="ignore"):
        if log_target:
            loss = target.exp() * (target - input)
        else:
            loss = xlogy(target, target) - target * input
    if reduction == "batchmean":
        return reduce(loss, "mean", denominator=input.shape[0] if input.ndim else 1)
    return reduce(loss, reduction)


@hooks.labelled("generalized_kl_divergence")
def generalized_kl_divergence(input, target, reduction="mean"):
    """Generalized KL divergence of non-negative measures t (target) and q = exp(input).

    ℓ = Σ_last [t·(log t − input) + e^input − t], with 0·log 0 = 0 (a t = 0 term is just q).
    It is ≥ 0, zero iff q = t, and equals the KL divergence when both sum to 1.
    Args: input (…, C) log-predictions; target (…, C) ≥ 0, same shape. Returns (…) for 'none';
    'mean' divides by the number of rows.
    Example: q=[0.2,0.5,0.6] (input = log q), t=[0.3,0,0.9] → 0.586558.
    optax: optax.losses.generalized_kl_divergence(input, target).
    >>> F.generalized_kl_divergence(tl.tensor([0.2, 0.5, 0.6]).log(), tl.tensor([0.3, 0, 0.9]))
    tensor(0.5866)
    """
    fn = "generalized_kl_divergence"
    check_pair(input, target, fn, last_axis=True)
    reduction = check_reduction(reduction)
    ell = xlogy_masked(target, target) - target * input + input.exp() - target
    return reduce(ell.sum(-1), reduction)


@hooks.labelled("js_divergence")
def js_divergence(input, target, reduction="mean"):
    """Jensen–Shannon divergence of two distributions along the last axis (symmetric, ≤ log 2).

    ℓ = ½·KL(P‖M) + ½·KL(Q‖M), M = (P + Q)/2, KL(A‖M) = Σ A·(log A − log M), 0·log 0 = 0.
    Args: input P, target Q (…, C) probabilities, same shape. Returns (…) for 'none'; 'mean'
    divides by the number of rows. Both arguments get gradients.
    Example: P=[0.2,0.5,0.3], Q=[0.1,0.1,0.8] → 0.140228.
    >>> F.js_divergence(tl.tensor([0.2, 0.5, 0.3]), tl.tensor([0.1, 0.1, 0.8]))
    tensor(0.1402)
    """
    fn = "js_divergence"
    check_pair(input, target, fn, last_axis=True)
    reduction = check_reduction(reduction)
    m = (input + target) / 2
    kl_p = xlogy_masked(input, input) - xlogy_masked(input, m)
    kl_q = xlogy_masked(target, target) - xlogy_masked(target, m)
    return reduce(((kl_p + kl_q) / 2).sum(-1), reduction)


# ---- registry ------------------------------------------------------------------------------------
register("poisson_nll_loss", poisson_nll_loss, "PoissonNLLLoss", "distribution",
         r"\ell = e^{x} - y\,x \;[+\, y\log y - y + \tfrac12\log(2\pi y)]",
         "l = exp(x) - y * x   (+ y log y - y + 0.5 log(2 pi y) where y > 1 if full)",
         "Regression of counts: the Poisson negative log-likelihood with the log-rate as input (or the rate "
         "itself with log_input=False).",
         {"input": [0.5, -1.0, 2.0, 0.0], "target": [1.0, 0.0, 3.0, 2.0]})
register("gaussian_nll_loss", gaussian_nll_loss, "GaussianNLLLoss", "distribution",
         r"\ell = \tfrac12\left(\log v + \frac{(x - y)^2}{v}\right),\; v = \max(\sigma^2, \epsilon)",
         "l = 0.5 * (log v + (x - y)^2 / v),  v = max(var, eps)",
         "Heteroscedastic regression: the model predicts a mean and a variance, and is charged for both "
         "the error and its claimed uncertainty.",
         {"input": [[1.0, 2.0], [0.5, -1.0]], "target": [[1.5, 2.0], [0.0, 1.0]], "var": [[0.5, 2.0], [1.0, 1.0]]})
register("kl_div", kl_div, "KLDivLoss", "distribution", r"\ell = y\,(\log y - x)", "l = y * (log y - x)",
         "Kullback-Leibler divergence of the target distribution from the predicted one (input in log "
         "space); use reduction='batchmean' for the true KL of a batch. Distillation, VAEs.",
         {"input": [[-1.5, -0.5, -1.2], [-0.2, -2.0, -2.2]], "target": [[0.2, 0.0, 0.8], [0.5, 0.25, 0.25]],
          "reduction": "batchmean"})
register("generalized_kl_divergence", generalized_kl_divergence, "GeneralizedKLDivLoss", "distribution",
         r"\ell = \sum_c t_c (\log t_c - x_c) + e^{x_c} - t_c", "sum(t * (log t - x) + exp(x) - t)",
         "The KL divergence extended to unnormalised non-negative measures (the I-divergence): the "
         "extra terms e^x − t make it zero exactly when the prediction equals the target. Used for "
         "non-negative matrix factorisation and count-like outputs. optax's generalized_kl_divergence.",
         {"input": [-1.6094379124341003, -0.6931471805599453, -0.5108256237659907],
          "target": [0.3, 0.0, 0.9]})
register("js_divergence", js_divergence, "JSDivLoss", "distribution",
         r"\ell = \tfrac12 KL(P\|M) + \tfrac12 KL(Q\|M),\ M = \tfrac12(P+Q)",
         "KL(P||M)/2 + KL(Q||M)/2, M = (P + Q)/2",
         "The Jensen–Shannon divergence: a symmetric, bounded (by log 2) smoothing of the KL divergence "
         "that stays finite when the supports differ. Its square root is a metric.",
         {"input": [0.2, 0.5, 0.3], "target": [0.1, 0.1, 0.8]})
