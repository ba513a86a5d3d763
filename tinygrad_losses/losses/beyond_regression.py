"""Regression losses beyond PyTorch: Keras's log-cosh, MSLE, MAPE, Poisson and cosine similarity,
plus pinball (quantile) and pseudo-Huber.

Argument order is torch's ``(input, target)`` = ``(prediction, truth)``; Keras writes
``(y_true, y_pred)``. The Keras-style losses return, for ``reduction='none'``, Keras's per-sample
value (the mean over the last axis), so the default ``'mean'`` equals Keras's default
``'sum_over_batch_size'``. Input and target must have the same shape (no broadcasting).
"""
import math

from tinygrad_losses.activations import softplus
from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._beyond_common import EPS_K, check_pair, check_number, l2_normalize
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses.registry import register


@named_scope("log_cosh_loss")
def log_cosh_loss(input, target, reduction="mean"):
    """Log-cosh: a smooth L1 that behaves like d²/2 near 0 and like |d| − log 2 far away.

    ℓ = mean_last(log cosh(d)), d = input − target; gradient tanh(d)/C.
    Args: input, target (…, C) floating, same shape. Returns (…) for 'none', else a scalar;
    'mean' divides by the number of samples (elements of (…)).
    Example: target=[[1,2,0],[0.5,−1,3]], input=[[1.5,0,0.1],[0.5,30,2]] → 'none' [0.48337, 10.2469].
    Keras: keras.losses.log_cosh(target, input); optax.losses.log_cosh is the elementwise ℓ.
    """
    check_pair(input, target, "log_cosh_loss", last_axis=True)
    reduction = check_reduction(reduction)
    d = input - target
    ell = d + softplus(-2 * d) - math.log(2)  # log cosh d = log((e^d + e^−d)/2), no overflow for any d
    return reduce(ell.mean(-1), reduction)


@named_scope("msle_loss")
def msle_loss(input, target, reduction="mean"):
    """Mean squared logarithmic error (Keras): squared error of log(1 + ·), so relative errors count.

    ℓ = mean_last((log1p(max(input, ε)) − log1p(max(target, ε)))²), ε = 1e-7 (negative values are
    clipped to ε first, as Keras does; no gradient flows through the clipped values).
    Args: input, target (…, C) floating, same shape. Returns (…) for 'none'; 'mean' divides by the
    number of samples.
    Example: target=[[1,2,0],[0.5,10,3]], input=[[1.5,0,0.1],[0.5,8,−1]] → [0.421942, 0.654027].
    Keras: keras.losses.mean_squared_logarithmic_error(target, input).
    """
    check_pair(input, target, "msle_loss", last_axis=True)
    reduction = check_reduction(reduction)
    diff = input.clamp(min=EPS_K).log1p() - target.clamp(min=EPS_K).log1p()
    return reduce((diff * diff).mean(-1), reduction)


@named_scope("mape_loss")
def mape_loss(input, target, reduction="mean"):
    """Mean absolute percentage error (Keras), in percent.

    ℓ = 100 · mean_last(|target − input| / max(|target|, ε)), ε = 1e-7: a zero target makes its
    term ≈ |input|·1e9 (Keras's behaviour, kept). The gradient at input = target is 0.
    Args: input, target (…, C) floating, same shape. Returns (…) for 'none'; 'mean' divides by the
    number of samples.
    Example: target=[[1,2,0],[0.5,10,3]], input=[[1.5,0,0.1],[0.5,8,−1]] → [3.33334e7, 51.1111].
    Keras: keras.losses.mean_absolute_percentage_error(target, input).
    """
    check_pair(input, target, "mape_loss", last_axis=True)
    reduction = check_reduction(reduction)
    ell = (target - input).abs() / target.abs().clamp(min=EPS_K)
    return reduce(100 * ell.mean(-1), reduction)


@named_scope("poisson_loss")
def poisson_loss(input, target, reduction="mean"):
    """Poisson negative log-likelihood (Keras form) of counts ``target`` under the rate ``input``.

    ℓ = mean_last(input − target · log(input + ε)), ε = 1e-7 (the log(target!) term is dropped).
    The input is the rate itself, not its log: torch's poisson_nll_loss(log_input=False, eps=1e-7)
    computes the same elements but averages over all of them.
    Args: input (…, C) rates ≥ 0, target (…, C) counts, floating, same shape. Returns (…) for
    'none'; 'mean' divides by the number of samples.
    Example: target=[[1,0,3],[2,1,0]], input=[[0.5,0.2,2.5],[2,1e−9,0.3]] → [0.381425, 5.67395].
    Keras: keras.losses.poisson(target, input).
    """
    check_pair(input, target, "poisson_loss", last_axis=True)
    reduction = check_reduction(reduction)
    return reduce((input - target * (input + EPS_K).log()).mean(-1), reduction)


@named_scope("cosine_similarity_loss")
def cosine_similarity_loss(input, target, dim=-1, eps=EPS_K, reduction="mean"):
    """Negative cosine similarity along ``dim`` (Keras): −1 for parallel vectors, 1 for opposite ones.

    ℓ = −Σ_dim n(target)·n(input), n(v) = v / sqrt(max(Σ_dim v², eps²)); a zero vector gives 0.
    Gradient w.r.t. input: −(t̂ − cos·î)/‖input‖ (where ‖input‖ > eps).
    Args: input, target floating, same shape; ``dim`` the vector dim; ``eps`` the norm floor (Keras
    1e-7; optax's cosine_similarity uses 0, i.e. nan for zero vectors). Returns the shape without
    ``dim`` for 'none'; 'mean' divides by the number of vectors.
    Example: target=[[1,2,3],[0,0,0]], input=[[1,0,1],[1,2,0]] → [−0.755929, 0].
    Keras: keras.losses.cosine_similarity(target, input, axis=dim); optax.losses.cosine_distance = 1 + ℓ.
    """
    check_pair(input, target, "cosine_similarity_loss", last_axis=True)
    check_number(eps, "eps", "cosine_similarity_loss", low=0)
    reduction = check_reduction(reduction)
    dim = input._dim(dim)
    t_hat, x_hat = l2_normalize(target, dim, eps * eps), l2_normalize(input, dim, eps * eps)  # ‖·‖ floored at eps
    return reduce(-(t_hat * x_hat).sum(dim), reduction)


@named_scope("pinball_loss")
def pinball_loss(input, target, tau=0.5, reduction="mean"):
    """Pinball (quantile) loss: minimised when ``input`` is the tau-quantile of the target's distribution.

    ℓ = max(tau·e, (tau − 1)·e), e = target − input, elementwise; the gradient at e = 0 is taken
    from the tau·e branch (−tau w.r.t. input). tau = 0.5 gives half the L1 loss.
    Args: input, target floating, same shape; tau in (0, 1). Returns input's shape for 'none';
    'mean' divides by numel.
    Example: target=[1,2,3], input=[1.5,1,3], tau=0.9 → [0.05, 0.9, 0], mean 0.316667.
    No Keras/optax equivalent (tensorflow_addons had PinballLoss).
    """
    check_pair(input, target, "pinball_loss")
    check_number(tau, "tau", "pinball_loss", low=0, high=1, low_open=True, high_open=True)
    reduction = check_reduction(reduction)
    e = target - input
    return reduce((e * tau).where(e >= 0, e * (tau - 1)), reduction)


@named_scope("pseudo_huber_loss")
def pseudo_huber_loss(input, target, delta=1.0, reduction="mean"):
    """Pseudo-Huber (Charbonnier): a Huber loss that is smooth everywhere.

    ℓ = δ²·(sqrt(1 + (d/δ)²) − 1), d = input − target, elementwise: ≈ d²/2 near 0, ≈ δ·|d| far away.
    Computed as d² / (sqrt(1 + (d/δ)²) + 1), the same value without the cancellation near d = 0.
    Args: input, target floating, same shape; delta > 0. Returns input's shape for 'none';
    'mean' divides by numel.
    Example: d=[0,0.5,3], delta=1 → [0, 0.118034, 2.16228].
    """
    check_pair(input, target, "pseudo_huber_loss")
    check_number(delta, "delta", "pseudo_huber_loss", low=0, low_open=True)
    reduction = check_reduction(reduction)
    d = input - target
    r = d / delta
    return reduce(d * d / ((1 + r * r).sqrt() + 1), reduction)  # δ²(√(1+r²) − 1) = d²/(√(1+r²) + 1)


# ---- registry -------------------------------------------------------------------------------------
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
