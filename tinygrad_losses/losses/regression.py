"""Regression losses: a prediction against a real-valued target.

PyTorch's l1_loss, mse_loss, smooth_l1_loss and huber_loss broadcast ``input`` against
``target`` (with torch's UserWarning when the shapes differ) and compute an elementwise loss of
d = input − target. The functional l1/mse/huber take an optional elementwise ``weight`` of
exactly ``input``'s shape; NOTE weighted l1/mse 'mean' divides by Σweight but weighted huber
'mean' divides by numel (torch's inconsistency).

Beyond PyTorch: Keras's log-cosh, MSLE, MAPE, Poisson and cosine similarity, plus pinball
(quantile) and pseudo-Huber. These take input and target of one shape (no broadcasting); the
Keras-style ones return, for ``reduction='none'``, Keras's per-sample value (the mean over the
last axis), so the default 'mean' equals Keras's default 'sum_over_batch_size'."""
import math

from tinygrad_losses import dtypes
from tinygrad_losses.activations import softplus
from tinygrad_losses import hooks
from tinygrad_losses.losses._checks import check_number, check_pair, EPS_K, tensor_arg, warn_if_broadcast
from tinygrad_losses.losses._compositions import l2_normalize
from tinygrad_losses.losses._reduction import check_reduction, legacy_flags, reduce, strict_reduction
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


@hooks.labelled("l1_loss")
@legacy_flags
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
    >>> x, y = tl.tensor([0.5, -1, 2, 3]), tl.tensor([0.5, 1, 0.5, 0])
    >>> F.l1_loss(x, y, reduction='none'), F.l1_loss(x, y)
    (tensor([0.0000, 2.0000, 1.5000, 3.0000]), tensor(1.6250))
    >>> F.l1_loss(x, y, weight=tl.tensor([1., 3, 0, 1]))
    tensor(1.8000)

    torch.nn.functional.l1_loss.
    """
    reduction = _setup("l1_loss", input, target, reduction, weight, floating=False)
    d = input - target
    if reduction == "mean" and not dtypes.is_floating(d.dtype):
        raise RuntimeError(f"l1_loss: reduction='mean' needs a floating point dtype (mean of integers is "
                           f"undefined), got {d.dtype}; use reduction='sum' or float tensors")
    return _weighted_reduce(d.abs(), reduction, weight, divide_by_weight=True)


@hooks.labelled("mse_loss")
@legacy_flags
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
    >>> x, y = tl.tensor([0.5, -1, 2, 3]), tl.tensor([0.5, 1, 0.5, 0])
    >>> F.mse_loss(x, y, reduction='none'), F.mse_loss(x, y)
    (tensor([0.0000, 4.0000, 2.2500, 9.0000]), tensor(3.8125))

    torch.nn.functional.mse_loss.
    """
    reduction = _setup("mse_loss", input, target, reduction, weight)
    d = input - target
    return _weighted_reduce(d * d, reduction, weight, divide_by_weight=True)


@hooks.labelled("smooth_l1_loss")
@legacy_flags
def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """Smooth L1: quadratic near zero, linear beyond ``beta``.

    ℓ = 0.5·d²/β if |d| < β, else |d| − 0.5·β   (d = x − y).

    Args:
        input, target: floating tensors whose shapes broadcast (a UserWarning when they differ).
        reduction: 'none' | 'mean' | 'sum'.  beta: ≥ 0; β = 0 is exactly l1_loss.
    'mean' divides by numel(ℓ). Gradient d/β inside, sign(d) outside (continuous at |d| = β).

    Example: x = [0.5, −1, 2, 3], y = [0.3, 1, 0.5, 0], β = 0.5 → ℓ = [0.04, 1.75, 1.25, 2.75], mean 1.4475.
    >>> x, y = tl.tensor([0.5, -1, 2, 3]), tl.tensor([0.3, 1, 0.5, 0])
    >>> F.smooth_l1_loss(x, y, reduction='none', beta=0.5), F.smooth_l1_loss(x, y, beta=0.5)
    (tensor([0.0400, 1.7500, 1.2500, 2.7500]), tensor(1.4475))

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


@hooks.labelled("huber_loss")
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
    >>> F.huber_loss(tl.tensor([0.5, -1, 2, 3]), tl.tensor([0.3, 1, 0.5, 0]), reduction='none', delta=0.5)
    tensor([0.0200, 0.8750, 0.6250, 1.3750])
    >>> F.huber_loss(tl.tensor([0.5, -1, 2, 3]), tl.tensor([0.3, 1, 0.5, 0]), delta=0.5)
    tensor(0.7237)

    torch.nn.functional.huber_loss.
    """
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta: got delta={delta}")
    reduction = _setup("huber_loss", input, target, reduction, weight)
    d = input - target
    a = d.abs()
    loss = where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return _weighted_reduce(loss, reduction, weight, divide_by_weight=False)


@hooks.labelled("log_cosh_loss")
def log_cosh_loss(input, target, reduction="mean"):
    """Log-cosh: a smooth L1 that behaves like d²/2 near 0 and like |d| − log 2 far away.

    ℓ = mean_last(log cosh(d)), d = input − target; gradient tanh(d)/C.
    Args: input, target (…, C) floating, same shape. Returns (…) for 'none', else a scalar;
    'mean' divides by the number of samples (elements of (…)).
    Example: target=[[1,2,0],[0.5,−1,3]], input=[[1.5,0,0.1],[0.5,30,2]] → 'none' [0.48337, 10.2469].
    Keras: keras.losses.log_cosh(target, input); optax.losses.log_cosh is the elementwise ℓ.
    >>> input = tl.tensor([[1.5, 0, 0.1], [0.5, 30, 2]])
    >>> target = tl.tensor([[1.0, 2, 0], [0.5, -1, 3]])
    >>> F.log_cosh_loss(input, target, reduction='none')
    tensor([ 0.4834, 10.2469])
    """
    check_pair(input, target, "log_cosh_loss", last_axis=True)
    reduction = check_reduction(reduction)
    d = input - target
    ell = d + softplus(-2 * d) - math.log(2)  # log cosh d = log((e^d + e^−d)/2), no overflow for any d
    return reduce(ell.mean(-1), reduction)


@hooks.labelled("msle_loss")
def msle_loss(input, target, reduction="mean"):
    """Mean squared logarithmic error (Keras): squared error of log(1 + ·), so relative errors count.

    ℓ = mean_last((log1p(max(input, ε)) − log1p(max(target, ε)))²), ε = 1e-7 (negative values are
    clipped to ε first, as Keras does; no gradient flows through the clipped values).
    Args: input, target (…, C) floating, same shape. Returns (…) for 'none'; 'mean' divides by the
    number of samples.
    Example: target=[[1,2,0],[0.5,10,3]], input=[[1.5,0,0.1],[0.5,8,−1]] → [0.421942, 0.654027].
    Keras: keras.losses.mean_squared_logarithmic_error(target, input).
    >>> input = tl.tensor([[1.5, 0, 0.1], [0.5, 8, -1]])
    >>> target = tl.tensor([[1.0, 2, 0], [0.5, 10, 3]])
    >>> F.msle_loss(input, target, reduction='none')
    tensor([0.4219, 0.6540])
    """
    check_pair(input, target, "msle_loss", last_axis=True)
    reduction = check_reduction(reduction)
    diff = input.clamp(min=EPS_K).log1p() - target.clamp(min=EPS_K).log1p()
    return reduce((diff * diff).mean(-1), reduction)


@hooks.labelled("mape_loss")
def mape_loss(input, target, reduction="mean"):
    """Mean absolute percentage error (Keras), in percent.

    ℓ = 100 · mean_last(|target − input| / max(|target|, ε)), ε = 1e-7: a zero target makes its
    term ≈ |input|·1e9 (Keras's behaviour, kept). The gradient at input = target is 0.
    Args: input, target (…, C) floating, same shape. Returns (…) for 'none'; 'mean' divides by the
    number of samples.
    Example: target=[[1,2,0],[0.5,10,3]], input=[[1.5,0,0.1],[0.5,8,−1]] → [3.33334e7, 51.1111].
    Keras: keras.losses.mean_absolute_percentage_error(target, input).
    >>> input = tl.tensor([[1.5, 0, 0.1], [0.5, 8, -1]])
    >>> target = tl.tensor([[1.0, 2, 0], [0.5, 10, 3]])
    >>> F.mape_loss(input, target, reduction='none')
    tensor([3.3333e+07, 5.1111e+01])
    """
    check_pair(input, target, "mape_loss", last_axis=True)
    reduction = check_reduction(reduction)
    ell = (target - input).abs() / target.abs().clamp(min=EPS_K)
    return reduce(100 * ell.mean(-1), reduction)


@hooks.labelled("poisson_loss")
def poisson_loss(input, target, reduction="mean"):
    """Poisson negative log-likelihood (Keras form) of counts ``target`` under the rate ``input``.

    ℓ = mean_last(input − target · log(input + ε)), ε = 1e-7 (the log(target!) term is dropped).
    The input is the rate itself, not its log: torch's poisson_nll_loss(log_input=False, eps=1e-7)
    computes the same elements but averages over all of them.
    Args: input (…, C) rates ≥ 0, target (…, C) counts, floating, same shape. Returns (…) for
    'none'; 'mean' divides by the number of samples.
    Example: target=[[1,0,3],[2,1,0]], input=[[0.5,0.2,2.5],[2,1e−9,0.3]] → [0.381425, 5.67395].
    Keras: keras.losses.poisson(target, input).
    >>> input = tl.tensor([[0.5, 0.2, 2.5], [2, 1e-09, 0.3]])
    >>> target = tl.tensor([[1.0, 0, 3], [2, 1, 0]])
    >>> F.poisson_loss(input, target, reduction='none')
    tensor([0.3814, 5.6740])
    """
    check_pair(input, target, "poisson_loss", last_axis=True)
    reduction = check_reduction(reduction)
    return reduce((input - target * (input + EPS_K).log()).mean(-1), reduction)


@hooks.labelled("cosine_similarity_loss")
def cosine_similarity_loss(input, target, dim=-1, eps=EPS_K, reduction="mean"):
    """Negative cosine similarity along ``dim`` (Keras): −1 for parallel vectors, 1 for opposite ones.

    ℓ = −Σ_dim n(target)·n(input), n(v) = v / sqrt(max(Σ_dim v², eps²)); a zero vector gives 0.
    Gradient w.r.t. input: −(t̂ − cos·î)/‖input‖ (where ‖input‖ > eps).
    Args: input, target floating, same shape; ``dim`` the vector dim; ``eps`` the norm floor (Keras
    1e-7; optax's cosine_similarity uses 0, i.e. nan for zero vectors). Returns the shape without
    ``dim`` for 'none'; 'mean' divides by the number of vectors.
    Example: target=[[1,2,3],[0,0,0]], input=[[1,0,1],[1,2,0]] → [−0.755929, 0].
    Keras: keras.losses.cosine_similarity(target, input, axis=dim); optax.losses.cosine_distance = 1 + ℓ.
    >>> input = tl.tensor([[1.0, 0, 1], [1, 2, 0]])
    >>> target = tl.tensor([[1.0, 2, 3], [0, 0, 0]])
    >>> F.cosine_similarity_loss(input, target, reduction='none')
    tensor([-0.7559, -0.0000])
    """
    check_pair(input, target, "cosine_similarity_loss", last_axis=True)
    check_number(eps, "eps", "cosine_similarity_loss", low=0)
    reduction = check_reduction(reduction)
    dim = input._dim(dim)
    t_hat, x_hat = l2_normalize(target, dim, eps * eps), l2_normalize(input, dim, eps * eps)  # ‖·‖ floored at eps
    return reduce(-(t_hat * x_hat).sum(dim), reduction)


@hooks.labelled("pinball_loss")
def pinball_loss(input, target, tau=0.5, reduction="mean"):
    """Pinball (quantile) loss: minimised when ``input`` is the tau-quantile of the target's distribution.

    ℓ = max(tau·e, (tau − 1)·e), e = target − input, elementwise; the gradient at e = 0 is taken
    from the tau·e branch (−tau w.r.t. input). tau = 0.5 gives half the L1 loss.
    Args: input, target floating, same shape; tau in (0, 1). Returns input's shape for 'none';
    'mean' divides by numel.
    Example: target=[1,2,3], input=[1.5,1,3], tau=0.9 → [0.05, 0.9, 0], mean 0.316667.
    No Keras/optax equivalent (tensorflow_addons had PinballLoss).
    >>> F.pinball_loss(tl.tensor([1.5, 1, 3]), tl.tensor([1., 2, 3]), tau=0.9, reduction='none')
    tensor([0.0500, 0.9000, 0.0000])
    >>> F.pinball_loss(tl.tensor([1.5, 1, 3]), tl.tensor([1., 2, 3]), tau=0.9)
    tensor(0.3167)
    """
    check_pair(input, target, "pinball_loss")
    check_number(tau, "tau", "pinball_loss", low=0, high=1, low_open=True, high_open=True)
    reduction = check_reduction(reduction)
    e = target - input
    return reduce((e * tau).where(e >= 0, e * (tau - 1)), reduction)


@hooks.labelled("pseudo_huber_loss")
def pseudo_huber_loss(input, target, delta=1.0, reduction="mean"):
    """Pseudo-Huber (Charbonnier): a Huber loss that is smooth everywhere.

    ℓ = δ²·(sqrt(1 + (d/δ)²) − 1), d = input − target, elementwise: ≈ d²/2 near 0, ≈ δ·|d| far away.
    Computed as d² / (sqrt(1 + (d/δ)²) + 1), the same value without the cancellation near d = 0.
    Args: input, target floating, same shape; delta > 0. Returns input's shape for 'none';
    'mean' divides by numel.
    Example: d=[0,0.5,3], delta=1 → [0, 0.118034, 2.16228].
    >>> F.pseudo_huber_loss(tl.tensor([0., 0.5, 3]), tl.tensor([0., 0, 0]), reduction='none')
    tensor([0.0000, 0.1180, 2.1623])
    """
    check_pair(input, target, "pseudo_huber_loss")
    check_number(delta, "delta", "pseudo_huber_loss", low=0, low_open=True)
    reduction = check_reduction(reduction)
    d = input - target
    r = d / delta
    return reduce(d * d / ((1 + r * r).sqrt() + 1), reduction)  # δ²(√(1+r²) − 1) = d²/(√(1+r²) + 1)


# ---- registry ------------------------------------------------------------------------------------
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
register("log_cosh_loss", log_cosh_loss, "LogCoshLoss", "regression",
         r"\ell = \frac{1}{C}\sum_c \log\cosh(x_c - y_c)", "mean_last(log(cosh(x - y)))",
         "A smooth version of the L1 loss: quadratic (d²/2) for small errors and linear (|d| − log 2) for "
         "large ones, with gradient tanh(d) bounded by 1. Use it for regression with occasional outliers "
         "when you want a twice-differentiable loss. Keras's log_cosh.",
         {"input": [[1.5, 0.0, 0.1], [0.5, 30.0, 2.0]], "target": [[1.0, 2.0, 0.0], [0.5, -1.0, 3.0]],
          "reduction": "none"})
register("msle_loss", msle_loss, "MSLELoss", "regression",
         r"\ell = \frac{1}{C}\sum_c (\log(1+\max(x_c,\epsilon)) - \log(1+\max(y_c,\epsilon)))^2",
         "mean_last((log1p(max(x, eps)) - log1p(max(y, eps)))^2)",
         "Squared error between log(1 + prediction) and log(1 + target): penalises relative rather than "
         "absolute errors, and under-prediction more than over-prediction. For positive targets spanning "
         "orders of magnitude (counts, prices). Keras's mean_squared_logarithmic_error.",
         {"input": [[1.5, 0.0, 0.1], [0.5, 8.0, -1.0]], "target": [[1.0, 2.0, 0.0], [0.5, 10.0, 3.0]],
          "reduction": "none"})
register("mape_loss", mape_loss, "MAPELoss", "regression",
         r"\ell = \frac{100}{C}\sum_c \frac{|y_c - x_c|}{\max(|y_c|, \epsilon)}",
         "100 * mean_last(|y - x| / max(|y|, eps))",
         "The mean absolute error as a percentage of the target. Scale-free and easy to report, but it "
         "explodes for targets near zero and favours under-prediction. Keras's "
         "mean_absolute_percentage_error.",
         {"input": [[1.5, 0.0, 0.1], [0.5, 8.0, -1.0]], "target": [[1.0, 2.0, 0.0], [0.5, 10.0, 3.0]],
          "reduction": "none"})
register("poisson_loss", poisson_loss, "PoissonLoss", "regression",
         r"\ell = \frac{1}{C}\sum_c (x_c - y_c \log(x_c + \epsilon))", "mean_last(x - y * log(x + eps))",
         "Negative log-likelihood of count targets under a Poisson distribution whose rate is the "
         "prediction (the log y! term is constant and dropped). For count data such as events per "
         "interval. Keras's poisson; torch's poisson_nll_loss(log_input=False) up to the averaging.",
         {"input": [[0.5, 0.2, 2.5], [2.0, 1e-9, 0.3]], "target": [[1.0, 0.0, 3.0], [2.0, 1.0, 0.0]],
          "reduction": "none"})
register("cosine_similarity_loss", cosine_similarity_loss, "CosineSimilarityLoss", "regression",
         r"\ell = -\frac{x \cdot y}{\max(\|x\|,\epsilon)\,\max(\|y\|,\epsilon)}",
         "-sum(normalize(y) * normalize(x), dim)",
         "The negative cosine of the angle between prediction and target vectors: −1 when they point the "
         "same way, regardless of length. For embeddings or directions where only orientation matters. "
         "Keras's cosine_similarity (optax's cosine_distance is 1 plus this).",
         {"input": [[1.0, 0.0, 1.0], [1.0, 2.0, 0.0]], "target": [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]],
          "reduction": "none"})
register("pinball_loss", pinball_loss, "PinballLoss", "regression",
         r"\ell = \max(\tau (y - x), (\tau - 1)(y - x))", "max(tau * (y - x), (tau - 1) * (y - x))",
         "The quantile loss: under-predictions cost tau per unit and over-predictions 1 − tau, so the "
         "minimiser is the tau-quantile of the target. Train one output per tau for prediction intervals.",
         {"input": [1.5, 1.0, 3.0], "target": [1.0, 2.0, 3.0], "tau": 0.9, "reduction": "none"})
register("pseudo_huber_loss", pseudo_huber_loss, "PseudoHuberLoss", "regression",
         r"\ell = \delta^2\left(\sqrt{1 + ((x - y)/\delta)^2} - 1\right)",
         "delta^2 * (sqrt(1 + ((x - y) / delta)^2) - 1)",
         "A smooth approximation of the Huber loss (Charbonnier loss): quadratic near zero, linear with "
         "slope delta far away, and infinitely differentiable. Common in image restoration and robust "
         "regression.",
         {"input": [0.0, 0.5, 3.0], "target": [0.0, 0.0, 0.0], "delta": 1.0, "reduction": "none"})
