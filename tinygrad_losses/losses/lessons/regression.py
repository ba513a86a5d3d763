"""Lessons of the regression losses (``losses/regression.py``): d = input − target is the residual."""
import numpy as np

from tinygrad_losses.losses.lessons import Lesson, mean_factor, on_axis, PER_ELEMENT, PER_SAMPLE

WEIGHT = ("a tensor of exactly input's shape multiplying each term (functional only); 'mean' then divides by "
          "Σ weight instead of numel, a weighted average (torch's rule).")
HUBER_WEIGHT = ("a tensor of exactly input's shape multiplying each term (functional only); unlike mse_loss "
                "and l1_loss, 'mean' still divides by numel (torch's rule).")


def _mse(ex):
    d = ex["input"] - ex["target"]
    return 2 * d * mean_factor(ex.get("reduction", "mean"), d.size)


def _l1(ex):
    d = ex["input"] - ex["target"]
    return np.sign(d) * mean_factor(ex.get("reduction", "mean"), d.size)


def _huber(ex):
    d, delta = ex["input"] - ex["target"], ex.get("delta", 1.0)
    return np.clip(d, -delta, delta) * mean_factor(ex.get("reduction", "mean"), d.size)


def _smooth_l1(ex):
    d, beta = ex["input"] - ex["target"], ex.get("beta", 1.0)
    return np.clip(d / beta, -1, 1) * mean_factor(ex.get("reduction", "mean"), d.size)


def _log_cosh(ex):
    d = ex["input"] - ex["target"]
    return np.tanh(d) / d.shape[-1] * mean_factor(ex.get("reduction", "mean"), d.size // d.shape[-1])


def _pseudo_huber(ex):
    d, delta = ex["input"] - ex["target"], ex.get("delta", 1.0)
    return d / np.sqrt(1 + (d / delta) ** 2) * mean_factor(ex.get("reduction", "mean"), d.size)


def _pinball(ex):
    e, tau = ex["target"] - ex["input"], ex.get("tau", 0.5)
    return np.where(e >= 0, -tau, 1 - tau) * mean_factor(ex.get("reduction", "mean"), e.size)


def _mape(ex):
    x, y = ex["input"], ex["target"]
    g = 100 * np.sign(x - y) / np.maximum(np.abs(y), 1e-7) / y.shape[-1]
    return g * mean_factor(ex.get("reduction", "mean"), y.size // y.shape[-1])


def _msle(ex):
    x, y, eps = ex["input"], ex["target"], 1e-7
    d = np.log1p(np.maximum(x, eps)) - np.log1p(np.maximum(y, eps))
    g = np.where(x > eps, 2 * d / (1 + np.maximum(x, eps)), 0.0) / x.shape[-1]
    return g * mean_factor(ex.get("reduction", "mean"), x.size // x.shape[-1])


def _poisson(ex):
    x, y = ex["input"], ex["target"]
    g = (1 - y / (x + 1e-7)) / x.shape[-1]
    return g * mean_factor(ex.get("reduction", "mean"), x.size // x.shape[-1])


def _cosine(ex):
    x, t = ex["input"], ex["target"]
    x_norm = np.sqrt((x * x).sum(-1, keepdims=True))
    t_hat = t / np.maximum(np.sqrt((t * t).sum(-1, keepdims=True)), 1e-7)
    x_hat = x / np.maximum(x_norm, 1e-7)
    cos = (x_hat * t_hat).sum(-1, keepdims=True)
    g = -(t_hat - cos * x_hat) / x_norm
    return g * mean_factor(ex.get("reduction", "mean"), x.size // x.shape[-1])


OUTLIERS = ("MSE vs robust losses: a squared loss gives an outlier with residual 100 a gradient 100 times "
            "that of a residual-1 point, so a few outliers steer the fit; Huber, smooth L1, log-cosh and "
            "pseudo-Huber cap the slope at a constant (demos/regression_outliers.py shows the fitted lines).")

LESSONS = {
    "mse_loss": Lesson(
        gradient="∂ℓ/∂x_i = 2 (x_i − y_i) / N for 'mean' (N = numel), 2 (x_i − y_i) for 'sum'",
        derivation=("ℓ = (1/N) Σ_i (x_i − y_i)²; only the i-th term depends on x_i,",
                    "and d/dx (x − y)² = 2 (x − y) by the chain rule; the mean keeps its 1/N."),
        options={"reduction": PER_ELEMENT, "weight": WEIGHT},
        pitfalls=(OUTLIERS,
                  "MSE for classification: on softmax probabilities the gradient through the softmax is "
                  "p(1 − p)-shaped and vanishes when a wrong class is confidently predicted (p → 0 or 1), "
                  "while cross-entropy's gradient p − onehot(y) stays large exactly then; use cross_entropy "
                  "on logits (demos/compare_losses.py).",
                  "Shapes that broadcast (input (N, 1) against target (N,)) compare every pair, an (N, N) "
                  "loss: torch and this library warn, so keep target the input's shape."),
        use_when="Regression with roughly Gaussian noise: it estimates the conditional mean and is smooth "
                 "everywhere. The default when there are no outliers.",
        equivalents={"PyTorch": "torch.nn.functional.mse_loss(input, target)",
                     "Keras": "keras.losses.mean_squared_error(target, input) (mean over the last axis)",
                     "optax": "optax.losses.squared_error(input, target).mean() (optax has no 1/2; "
                              "optax.l2_loss is half of it)"},
        closed_form=_mse, plot="residual", plot_args=on_axis()),
    "l1_loss": Lesson(
        gradient="∂ℓ/∂x_i = sign(x_i − y_i) / N for 'mean', with sign(0) = 0",
        derivation=("ℓ = (1/N) Σ_i |x_i − y_i|; d|d|/dd = sign(d) away from 0;",
                    "at d = 0 |d| has no derivative and the subgradient 0 is used, as torch does."),
        options={"reduction": PER_ELEMENT, "weight": WEIGHT},
        pitfalls=("The gradient has the same size for every residual, so it does not shrink near the optimum: "
                  "with a fixed learning rate the fit oscillates around it; decay the rate or use Huber.",
                  "It estimates the median, not the mean: on skewed noise L1 and MSE fit different lines."),
        use_when="Regression with outliers or heavy-tailed noise, or when the median is the quantity wanted.",
        equivalents={"PyTorch": "torch.nn.functional.l1_loss(input, target)",
                     "Keras": "keras.losses.mean_absolute_error(target, input)",
                     "optax": "jnp.abs(input - target).mean() (no named loss)"},
        closed_form=_l1, plot="residual", plot_args=on_axis()),
    "huber_loss": Lesson(
        gradient="∂ℓ/∂x_i = clip(d_i, −δ, δ) / N for 'mean', d = x − y",
        derivation=("ℓ(d) = ½ d² for |d| < δ: derivative d;",
                    "ℓ(d) = δ (|d| − ½ δ) otherwise: derivative δ·sign(d);",
                    "both are clip(d, −δ, δ), and they meet at |d| = δ, so the gradient is continuous."),
        options={"delta": "δ > 0, where the quadratic turns linear; also the largest gradient an element can get.",
                 "reduction": PER_ELEMENT, "weight": HUBER_WEIGHT},
        pitfalls=(OUTLIERS,
                  "huber_loss(δ) = δ · smooth_l1_loss(β = δ): same shape, but Huber's linear slope is δ and "
                  "smooth L1's is 1; swapping them changes the effective learning rate by δ."),
        use_when="Regression with outliers when you still want MSE's behaviour on small residuals: δ marks "
                 "what counts as an outlier (in the units of the target). Used for DQN's TD error.",
        equivalents={"PyTorch": "torch.nn.functional.huber_loss(input, target, delta=delta)",
                     "Keras": "keras.losses.huber(target, input, delta=delta) (mean over the last axis)",
                     "optax": "optax.losses.huber_loss(input, target, delta=delta).mean()"},
        closed_form=_huber, plot="residual", plot_args=on_axis()),
    "smooth_l1_loss": Lesson(
        gradient="∂ℓ/∂x_i = clip(d_i / β, −1, 1) / N for 'mean', d = x − y",
        derivation=("ℓ(d) = ½ d²/β for |d| < β: derivative d/β;",
                    "ℓ(d) = |d| − ½ β otherwise: derivative sign(d);",
                    "both are clip(d/β, −1, 1): L1's slope far away, a parabola of width β near 0."),
        options={"beta": "β ≥ 0, the width of the quadratic zone; β = 0 is exactly l1_loss.",
                 "reduction": PER_ELEMENT},
        pitfalls=(OUTLIERS,
                  "smooth_l1_loss = huber_loss / β: the far-away slope stays 1 whatever β, while Huber's is δ. "
                  "Fast R-CNN's box regression uses this one."),
        use_when="Box regression in detectors and any regression that wants L1's robustness without L1's kink "
                 "at zero.",
        equivalents={"PyTorch": "torch.nn.functional.smooth_l1_loss(input, target, beta=beta)",
                     "Keras": "keras.losses.huber(target, input, delta=beta) / beta",
                     "optax": "optax.losses.huber_loss(input, target, delta=beta).mean() / beta"},
        closed_form=_smooth_l1, plot="residual", plot_args=on_axis()),
    "log_cosh_loss": Lesson(
        gradient="∂ℓ/∂x_i = tanh(d_i) / C per sample (C the last axis), / number of samples for 'mean'",
        derivation=("d/dd log cosh(d) = sinh(d)/cosh(d) = tanh(d);",
                    "tanh(d) ≈ d near 0 (MSE's ½d² behaviour) and → ±1 far away (L1's slope);",
                    "the mean over the last axis brings 1/C."),
        options={"reduction": PER_SAMPLE},
        pitfalls=(OUTLIERS,
                  "cosh overflows for |d| > 710 in float64 (89 in float32), so log(cosh(d)) written as is gives inf; "
                  "the loss here uses the equal form d + softplus(−2d) − log 2, finite for any residual."),
        use_when="Regression with occasional outliers when a twice-differentiable loss is wanted (e.g. for "
                 "Newton-type boosting).",
        equivalents={"PyTorch": "none (compose it)",
                     "Keras": "keras.losses.log_cosh(target, input)",
                     "optax": "optax.losses.log_cosh(input, target).mean(-1)"},
        closed_form=_log_cosh, plot="residual", plot_args=on_axis(per_sample=True)),
    "pseudo_huber_loss": Lesson(
        gradient="∂ℓ/∂x_i = d_i / sqrt(1 + (d_i/δ)²) / N for 'mean'",
        derivation=("ℓ = δ² (sqrt(1 + (d/δ)²) − 1);",
                    "dℓ/dd = δ² · (2d/δ²) / (2 sqrt(1 + (d/δ)²)) = d / sqrt(1 + (d/δ)²);",
                    "≈ d near 0 and → δ·sign(d) far away: Huber's gradient, smoothed."),
        options={"delta": "δ > 0: the slope far away, and the scale at which the loss bends.",
                 "reduction": PER_ELEMENT},
        pitfalls=(OUTLIERS,
                  "Written naively δ²(sqrt(1 + (d/δ)²) − 1) loses every digit for tiny d (1 − 1 cancels); "
                  "the equal form d² / (sqrt(1 + (d/δ)²) + 1) does not."),
        use_when="Robust regression and image restoration (the Charbonnier loss) when every derivative "
                 "should exist.",
        equivalents={"PyTorch": "none (compose it)", "Keras": "none",
                     "optax": "none (optax.losses.huber_loss is the piecewise Huber)"},
        closed_form=_pseudo_huber, plot="residual", plot_args=on_axis()),
    "pinball_loss": Lesson(
        gradient="∂ℓ/∂x_i = −τ where e_i = y_i − x_i ≥ 0, 1 − τ where e_i < 0; / N for 'mean'",
        derivation=("ℓ = τ e for e ≥ 0 (under-prediction), (τ − 1) e for e < 0;",
                    "de/dx = −1, so the slopes are −τ and 1 − τ;",
                    "setting the expected gradient to 0 gives P(y ≤ x) = τ: x is the τ-quantile."),
        options={"tau": "τ in (0, 1): the quantile; 0.5 is the median (half the L1 loss).",
                 "reduction": PER_ELEMENT},
        pitfalls=("One output per quantile, trained separately, can cross (the 0.9 prediction below the 0.5 "
                  "one); sort them or add a penalty.",
                  "Like L1, the gradient does not shrink near the optimum."),
        use_when="Prediction intervals and quantile regression: train outputs for τ = 0.05 and 0.95 to get a "
                 "90% band.",
        equivalents={"PyTorch": "none (compose it)",
                     "Keras": "none (tensorflow_addons had tfa.losses.PinballLoss)",
                     "optax": "none"},
        closed_form=_pinball, plot="residual", plot_args=on_axis(tau=0.9)),
    "mape_loss": Lesson(
        gradient="∂ℓ/∂x_i = 100 · sign(x_i − y_i) / max(|y_i|, ε) / C, / samples for 'mean' (ε = 1e-7)",
        derivation=("ℓ = (100/C) Σ_c |y_c − x_c| / max(|y_c|, ε); the denominator is a constant in x,",
                    "so each term is L1's gradient sign(x − y) scaled by 100 / max(|y|, ε)."),
        options={"reduction": PER_SAMPLE},
        pitfalls=("A target of 0 divides by ε = 1e-7: the example's zero target makes its sample's loss 3.3e7 "
                  "and that element's gradient 3.3e8, which is Keras's behaviour; do not use MAPE with targets "
                  "near zero.",
                  "Asymmetric: for positive targets an over-prediction can cost any amount, a non-negative "
                  "under-prediction at most 100%, so minimising MAPE biases predictions low."),
        use_when="Reporting or fitting errors relative to strictly positive targets of different scales "
                 "(sales, demand).",
        equivalents={"PyTorch": "none", "Keras": "keras.losses.mean_absolute_percentage_error(target, input)",
                     "optax": "none"},
        closed_form=_mape, plot="residual", plot_args=on_axis(per_sample=True, target=1.0, offset=1.0)),
    "msle_loss": Lesson(
        gradient="∂ℓ/∂x_i = 2 (log1p(x_i) − log1p(y_i)) / (1 + x_i) / C where x_i > ε, else 0",
        derivation=("ℓ = (1/C) Σ_c (log1p(max(x_c, ε)) − log1p(max(y_c, ε)))²;",
                    "d/dx log1p(x) = 1/(1 + x), so the chain rule gives 2 (difference) / (1 + x);",
                    "where x ≤ ε the clip max(x, ε) is constant in x: no gradient (x = 0 or −1 in the example)."),
        options={"reduction": PER_SAMPLE},
        pitfalls=("Negative predictions are clipped to ε and get no gradient at all, so a model that outputs "
                  "negatives is not pulled back; make the output positive (softplus, exp).",
                  "It penalises under-prediction more than over-prediction by the same amount."),
        use_when="Positive targets spanning orders of magnitude (counts, prices), where relative errors matter.",
        equivalents={"PyTorch": "none (mse_loss(log1p(x), log1p(y)))",
                     "Keras": "keras.losses.mean_squared_logarithmic_error(target, input)", "optax": "none"},
        closed_form=_msle, plot="residual", plot_args=on_axis(per_sample=True, target=1.0, offset=1.0)),
    "poisson_loss": Lesson(
        gradient="∂ℓ/∂x_i = (1 − y_i / (x_i + ε)) / C, / samples for 'mean' (ε = 1e-7)",
        derivation=("ℓ = (1/C) Σ_c (x_c − y_c log(x_c + ε)), the Poisson NLL of rate x without log y!;",
                    "d/dx = 1 − y/(x + ε): zero at x = y (ε aside), the rate that makes y likeliest."),
        options={"reduction": PER_SAMPLE},
        pitfalls=("The input is the rate itself, so it must stay positive: a rate near 0 with y > 0 has a "
                  "gradient of −y/ε (−3.3e6 in the example); predict the log-rate and use "
                  "poisson_nll_loss(log_input=True) instead.",
                  "torch's poisson_nll_loss(log_input=False, eps=1e-7) has the same elements but averages over "
                  "all of them, not over the last axis first."),
        use_when="Count targets (events per interval) with a model that outputs a positive rate.",
        equivalents={"PyTorch": "torch.nn.functional.poisson_nll_loss(input, target, log_input=False, eps=1e-7) "
                                "(averaged differently)",
                     "Keras": "keras.losses.poisson(target, input)", "optax": "none"},
        closed_form=_poisson, plot=None),
    "cosine_similarity_loss": Lesson(
        gradient="∂ℓ/∂x = −(t̂ − cos·x̂) / ‖x‖ per vector (x̂, t̂ the unit vectors), 0 for a zero vector",
        derivation=("ℓ = −x·t̂ / ‖x‖; ∂(x/‖x‖)/∂x = (I − x̂x̂ᵀ)/‖x‖,",
                    "so ∂ℓ/∂x = −(I − x̂x̂ᵀ) t̂ / ‖x‖ = −(t̂ − cos·x̂)/‖x‖:",
                    "orthogonal to x, so the gradient turns x and never changes its length."),
        options={"dim": "the axis holding the vectors.",
                 "eps": "the floor of each norm (Keras's 1e-7): a zero vector gives 0, not nan.",
                 "reduction": "'none' keeps one value per vector; 'sum' adds them; 'mean' divides by the "
                              "number of vectors."},
        pitfalls=("It ignores length: predictions that are 10× too large cost nothing. Add an MSE term if "
                  "magnitudes matter.",
                  "A zero target vector gives loss 0 and no gradient (the example's second row)."),
        use_when="Embeddings, directions or normalised features, where only the orientation is meaningful.",
        equivalents={"PyTorch": "-torch.nn.functional.cosine_similarity(input, target, dim) (eps 1e-8 on the norms)",
                     "Keras": "keras.losses.cosine_similarity(target, input, axis=dim)",
                     "optax": "optax.losses.cosine_distance(input, target) − 1 (optax uses eps 0 by default)"},
        closed_form=_cosine, plot=None),
}
