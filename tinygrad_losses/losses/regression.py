"""PyTorch's pointwise regression losses: l1_loss, mse_loss, smooth_l1_loss, huber_loss.

All four broadcast ``input`` against ``target`` (with torch's UserWarning when the shapes
differ) and compute an elementwise loss of d = input − target. The functional l1/mse/huber
take an optional elementwise ``weight`` of exactly ``input``'s shape; NOTE weighted l1/mse
'mean' divides by Σweight but weighted huber 'mean' divides by numel (torch's inconsistency).
"""
from tinygrad_losses import dtypes
from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._reduction import check_reduction, reduce, strict_reduction
from tinygrad_losses.losses._torch_common import tensor_arg, warn_if_broadcast
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import where

_WEIGHTED_REDUCTION = "Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'."


def _setup(fn, input, target, reduction, weight, floating=True):
    """Validate the common arguments; return the reduction (and warn on broadcasting)."""
    tensor_arg(fn, "input", input)
    tensor_arg(fn, "target", target)
    if weight is None:
        reduction = check_reduction(reduction)
    else:
        tensor_arg(fn, "weight", weight)
        # the weighted path has its own parser, without the old 'elementwise_mean' alias
        reduction = strict_reduction(reduction, message=f"{fn}: " + _WEIGHTED_REDUCTION)
    kinds = {input.dtype.kind, target.dtype.kind}
    if "b" in kinds:
        raise RuntimeError(f"{fn}: input and target must be number tensors, got {input.dtype} and {target.dtype}")
    if floating and not (dtypes.is_floating(input.dtype) or dtypes.is_floating(target.dtype)):
        raise TypeError(f"{fn}: input and target must have a floating point dtype, got {input.dtype} "
                        f"and {target.dtype}")
    warn_if_broadcast(input, target)
    if weight is not None and weight.shape != input.shape:
        raise ValueError(f"{fn}: Weights and input must have the same size: weight has shape "
                         f"{tuple(weight.shape)}, input {tuple(input.shape)}")
    return reduction


def _weighted_reduce(loss, reduction, weight, divide_by_weight):
    if weight is None:
        return reduce(loss, reduction)
    return reduce(weight * loss, reduction, denominator=weight.sum() if divide_by_weight else None)


@named_scope("l1_loss")
def l1_loss(input, target, reduction="mean", weight=None):
    """Mean absolute error.

    ℓ = |x − y|, or w·|x − y| with ``weight``.

    Args:
        input, target: any shapes that broadcast (a UserWarning when they differ).
        reduction: 'none' | 'mean' | 'sum'.
        weight: optional tensor of exactly input's shape (functional only; nn.L1Loss has none).
    Returns: the broadcast shape for 'none', else a scalar.
    'mean' divides by numel(ℓ); with ``weight`` by Σweight (Σw = 0 gives nan).
    Integer inputs work for 'none'/'sum' (integer result) and raise RuntimeError for 'mean', as in torch.
    The gradient at x = y is 0 (sign(0) = 0).

    Example: x = [0.5, −1, 2, 3], y = [0.5, 1, 0.5, 0] → ℓ = [0, 2, 1.5, 3], mean 1.625;
    with w = [1, 3, 0, 1]: (0 + 6 + 0 + 3) / 5 = 1.8.
    torch.nn.functional.l1_loss.
    """
    reduction = _setup("l1_loss", input, target, reduction, weight, floating=False)
    d = input - target
    if reduction == "mean" and not dtypes.is_floating(d.dtype):
        raise RuntimeError(f"l1_loss: reduction='mean' needs a floating point dtype (mean of integers is "
                           f"undefined), got {d.dtype}; use reduction='sum' or float tensors")
    return _weighted_reduce(d.abs(), reduction, weight, divide_by_weight=True)


@named_scope("mse_loss")
def mse_loss(input, target, reduction="mean", weight=None):
    """Mean squared error.

    ℓ = (x − y)², or w·(x − y)² with ``weight``.

    Args:
        input, target: floating tensors whose shapes broadcast (a UserWarning when they differ).
        reduction: 'none' | 'mean' | 'sum'.
        weight: optional tensor of exactly input's shape (functional only).
    Returns: the broadcast shape for 'none', else a scalar.
    'mean' divides by numel(ℓ); with ``weight`` by Σweight.
    Gradient: ∂ℓ/∂x = 2w(x − y)/D.

    Example: x = [0.5, −1, 2, 3], y = [0.5, 1, 0.5, 0] → ℓ = [0, 4, 2.25, 9], mean 3.8125.
    torch.nn.functional.mse_loss.
    """
    reduction = _setup("mse_loss", input, target, reduction, weight)
    d = input - target
    return _weighted_reduce(d * d, reduction, weight, divide_by_weight=True)


@named_scope("smooth_l1_loss")
def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """Smooth L1: quadratic near zero, linear beyond ``beta``.

    ℓ = 0.5·d²/β if |d| < β, else |d| − 0.5·β   (d = x − y).

    Args:
        input, target: floating tensors whose shapes broadcast (a UserWarning when they differ).
        reduction: 'none' | 'mean' | 'sum'.  beta: ≥ 0; β = 0 is exactly l1_loss.
    'mean' divides by numel(ℓ). Gradient d/β inside, sign(d) outside (continuous at |d| = β).

    Example: x = [0.5, −1, 2, 3], y = [0.3, 1, 0.5, 0], β = 0.5 → ℓ = [0.04, 1.75, 1.25, 2.75], mean 1.4475.
    torch.nn.functional.smooth_l1_loss.
    """
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta: got beta={beta}")
    reduction = _setup("smooth_l1_loss", input, target, reduction, None)
    d = input - target
    a = d.abs()
    if beta == 0:  # the quadratic zone vanishes: exactly L1 (and no division by zero)
        return reduce(a, reduction)
    loss = where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)
    return reduce(loss, reduction)


@named_scope("huber_loss")
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: quadratic near zero, linear with slope ``delta`` beyond it.

    ℓ = 0.5·d² if |d| < δ, else δ·(|d| − 0.5·δ)   (d = x − y); huber(δ) = δ·smooth_l1(β = δ).

    Args:
        input, target: floating tensors whose shapes broadcast (a UserWarning when they differ).
        reduction: 'none' | 'mean' | 'sum'.  delta: > 0.
        weight: optional tensor of exactly input's shape (functional only).
    'mean' divides by numel(ℓ), **also with weight** (unlike l1/mse: torch's rule).
    Gradient d inside, δ·sign(d) outside.

    Example: x = [0.5, −1, 2, 3], y = [0.3, 1, 0.5, 0], δ = 0.5 → ℓ = [0.02, 0.875, 0.625, 1.375],
    mean 0.72375.
    torch.nn.functional.huber_loss.
    """
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta: got delta={delta}")
    reduction = _setup("huber_loss", input, target, reduction, weight)
    d = input - target
    a = d.abs()
    loss = where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return _weighted_reduce(loss, reduction, weight, divide_by_weight=False)


register("l1_loss", l1_loss, "L1Loss", "regression", r"\ell = |x - y|", "l = |x - y|",
         "Mean absolute error: robust to outliers (the median minimises it); its gradient has constant "
         "magnitude, so it does not shrink near the optimum.",
         {"input": [0.5, -1.0, 2.0, 3.0], "target": [0.5, 1.0, 0.5, 0.0]})
register("mse_loss", mse_loss, "MSELoss", "regression", r"\ell = (x - y)^2", "l = (x - y)^2",
         "Mean squared error: the Gaussian negative log-likelihood up to constants; penalises large "
         "errors quadratically (the mean minimises it).",
         {"input": [0.5, -1.0, 2.0, 3.0], "target": [0.5, 1.0, 0.5, 0.0]})
register("smooth_l1_loss", smooth_l1_loss, "SmoothL1Loss", "regression",
         r"\ell = \begin{cases} 0.5\,d^2/\beta & |d| < \beta \\ |d| - 0.5\,\beta & \text{otherwise} \end{cases}",
         "l = 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta   (d = x - y)",
         "Quadratic for small errors and linear for large ones (gradient capped at 1): the box-regression "
         "loss of Fast R-CNN. beta = 0 is L1.",
         {"input": [0.5, -1.0, 2.0, 3.0], "target": [0.3, 1.0, 0.5, 0.0], "beta": 0.5})
register("huber_loss", huber_loss, "HuberLoss", "regression",
         r"\ell = \begin{cases} 0.5\,d^2 & |d| < \delta \\ \delta(|d| - 0.5\,\delta) & \text{otherwise} \end{cases}",
         "l = 0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta)   (d = x - y)",
         "Robust regression: squared error near zero, absolute error (slope delta) for outliers; "
         "equals delta times smooth L1 with beta = delta.",
         {"input": [0.5, -1.0, 2.0, 3.0], "target": [0.3, 1.0, 0.5, 0.0], "delta": 0.5})
