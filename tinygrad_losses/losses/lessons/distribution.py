"""Lessons of the distribution losses (``losses/distribution.py``): likelihoods and divergences."""
import numpy as np

from tinygrad_losses.losses.lessons import Lesson, mean_factor, PER_ELEMENT, PER_ROW

KL_ARGUMENT_ORDER = ("kl_div(input, target) computes KL(target ‖ exp(input)): the input is the model's "
                     "log-probabilities and comes first, the reverse of the maths' KL(P ‖ Q) reading order.")


def _gaussian_nll(ex):
    x, y, var = ex["input"], ex["target"], ex["var"]
    v = np.maximum(var, ex.get("eps", 1e-6))
    return (x - y) / v * mean_factor(ex.get("reduction", "mean"), x.size)


def _generalized_kl(ex):
    x, t = ex["input"], ex["target"]
    return (np.exp(x) - t) * mean_factor(ex.get("reduction", "mean"), x.size // x.shape[-1])


def _js(ex):
    p, q = ex["input"], ex["target"]
    return 0.5 * np.log(2 * p / (p + q)) * mean_factor(ex.get("reduction", "mean"), p.size // p.shape[-1])


def _kl_div(ex):
    x, t, reduction = ex["input"], ex["target"], ex.get("reduction", "mean")
    g = -np.exp(t) if ex.get("log_target", False) else -t
    count = {"batchmean": x.shape[0] if x.ndim else 1, "mean": x.size}.get(reduction, 1)
    return g / count


def _poisson_nll(ex):
    x, y = ex["input"], ex["target"]
    g = np.exp(x) - y if ex.get("log_input", True) else 1 - y / (x + ex.get("eps", 1e-8))
    return g * mean_factor(ex.get("reduction", "mean"), x.size)


def _gaussian_residual(z):
    from tinygrad_losses.creation import ones_like, zeros_like
    return {"input": z, "target": zeros_like(z.detach()), "var": ones_like(z.detach())}


LESSONS = {
    "gaussian_nll_loss": Lesson(
        gradient="∂ℓ/∂x = (x − y)/v, v = max(var, eps); / numel for 'mean' (and ∂ℓ/∂var = ½(1/v − (x − y)²/v²))",
        derivation=("ℓ = ½ (log v + (x − y)²/v) is −log N(y; x, v) up to ½ log 2π;",
                    "∂/∂x of (x − y)²/(2v) is (x − y)/v: MSE's gradient divided by the predicted variance;",
                    "setting ∂ℓ/∂var = 0 gives var = (x − y)²: the variance learns the squared residual."),
        options={"var": "the predicted variance: input's shape, or one fewer trailing dim of size 1, or a float.",
                 "full": "add the constant ½ log 2π (the value changes, the gradients do not).",
                 "eps": "the floor of the variance (1e-6); torch applies it without autograd, so the gradient "
                        "still flows to var below it.",
                 "reduction": PER_ELEMENT},
        pitfalls=("A variance that collapses toward 0 makes (x − y)²/v explode: var = 1e-9 with residual 0.5 "
                  "gives a loss of 1.25e5 and a gradient of −1.25e11 on var (torch too); predict var through "
                  "softplus and keep eps.",
                  "Points with a large predicted variance get a small gradient on the mean: the model can "
                  "'give up' on hard points by raising var."),
        use_when="Regression that also predicts its own uncertainty (heteroscedastic noise).",
        equivalents={"PyTorch": "torch.nn.functional.gaussian_nll_loss(input, target, var)",
                     "Keras": "none", "optax": "none"},
        closed_form=_gaussian_nll, plot="residual", plot_args=_gaussian_residual),
    "kl_div": Lesson(
        gradient="∂ℓ/∂x = −y (log_target: −e^y), / N for 'batchmean', / numel for 'mean'",
        derivation=("ℓ = Σ y (log y − x): the y log y part is constant in x;",
                    "so ∂ℓ/∂x = −y, and a target of 0 gives no gradient;",
                    "through x = log_softmax(z) it becomes softmax(z) − y (Σ y = 1): CE with soft targets."),
        options={"log_target": "the target is given as log-probabilities too (ℓ = e^y (y − x)); stabler for tiny y.",
                 "reduction": "'batchmean' divides the sum by the batch size (input.shape[0]) and is the "
                              "true KL per sample; 'mean' divides by every element, i.e. KL/C, which torch "
                              "warns about; 'sum' and 'none' as usual."},
        pitfalls=(KL_ARGUMENT_ORDER,
                  "reduction='mean' is not the KL divergence: it is 'batchmean' divided by the number of "
                  "classes (for [log 0.5, log 0.5] against [0, 1]: 0.3466 vs 0.6931 = log 2). Use 'batchmean'.",
                  "The input must be log-probabilities (log_softmax), not probabilities or logits; nothing checks."),
        use_when="Distillation (student log-probs against teacher probs) and matching a target distribution.",
        equivalents={"PyTorch": "torch.nn.functional.kl_div(input, target, reduction='batchmean')",
                     "Keras": "keras.losses.kl_divergence(target, exp(input)) (probabilities, per sample)",
                     "optax": "optax.losses.kl_divergence(input, target).mean()"},
        closed_form=_kl_div, plot=None),
    "poisson_nll_loss": Lesson(
        gradient="∂ℓ/∂x = e^x − y (log_input); 1 − y/(x + eps) otherwise; / numel for 'mean'",
        derivation=("with log-rate x the Poisson NLL is e^x − y x (+ log y!, constant);",
                    "d/dx gives e^x − y: zero when the rate e^x equals the count;",
                    "with the rate itself, x − y log(x + eps) has derivative 1 − y/(x + eps)."),
        options={"log_input": "True (default): input is log λ, always valid; False: input is λ ≥ 0 itself.",
                 "full": "add Stirling's approximation of log y! (for y > 1): changes the value, not the gradient.",
                 "eps": "only with log_input=False: log(x + eps) avoids log 0.",
                 "reduction": PER_ELEMENT},
        pitfalls=("With log_input=False a rate near 0 and a positive count give a gradient near −y/eps; "
                  "predict the log-rate (the default) instead.",),
        use_when="Count regression (events, clicks) with a log link, as in Poisson GLMs.",
        equivalents={"PyTorch": "torch.nn.functional.poisson_nll_loss(input, target)",
                     "Keras": "keras.losses.poisson(target, exp(input)) (rate form, per sample)",
                     "optax": "none"},
        closed_form=_poisson_nll, plot=None),
    "generalized_kl_divergence": Lesson(
        gradient="∂ℓ/∂x = e^x − t, summed over the last axis; / rows for 'mean'",
        derivation=("ℓ = Σ [t (log t − x) + e^x − t];",
                    "∂/∂x gives −t + e^x: zero exactly when q = e^x equals t."),
        options={"reduction": PER_ROW},
        pitfalls=("Unlike kl_div it does not assume normalised inputs; for distributions that sum to 1 the "
                  "extra terms cancel and it is the KL divergence.",),
        use_when="Non-negative matrix factorisation and unnormalised intensities (the I-divergence).",
        equivalents={"PyTorch": "none", "Keras": "none",
                     "optax": "optax.losses.generalized_kl_divergence(input, target)"},
        closed_form=_generalized_kl, plot=None),
    "js_divergence": Lesson(
        gradient="∂ℓ/∂P_c = ½ log(P_c / M_c), M = (P + Q)/2",
        derivation=("ℓ = ½ Σ P log(P/M) + ½ Σ Q log(Q/M);",
                    "∂/∂P_c: ½ (log P_c + 1 − log M_c − P_c/(2M_c)) − ½ Q_c/(2M_c);",
                    "the last terms sum to −½ (P_c + Q_c)/(2M_c) = −½, which cancels the +½."),
        options={"reduction": PER_ROW},
        pitfalls=("Distributions with disjoint supports all score log 2, however far apart they are "
                  "(P = [½, ½, 0] against Q = [0, 0, 1] gives exactly log 2): the value carries no notion of "
                  "distance there, the reason the original GAN objective trains badly.",),
        use_when="A symmetric, bounded divergence between two distributions.",
        equivalents={"PyTorch": "none", "Keras": "none", "optax": "none"},
        closed_form=_js, plot=None),
}
