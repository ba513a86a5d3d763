"""Lessons of the classification losses (``losses/classification.py``, ``linear_cross_entropy.py``)."""
import numpy as np

from tinygrad_losses.losses.lessons import (Lesson, mean_factor, on_axis, one_hot, PER_ELEMENT, PER_SAMPLE,
                                            sigmoid, softmax, two_class_margin, two_class_one_hot)

CLASS_MEAN = ("'none' keeps one value per position; 'sum' adds them; 'mean' (default) divides the sum by "
              "Σ w[y_n] over the non-ignored positions (their count without weight), not by N: a batch "
              "whose targets are all ignored gives nan (0/0).")
CE_VS_MSE = ("CE vs MSE for classification: on softmax outputs MSE's gradient carries the softmax Jacobian "
             "p(1 − p) and vanishes when the model is confidently wrong; for logits [0, 8, 0] with true "
             "class 0, CE's gradient on the true logit is −0.9997 and MSE-on-softmax's is −0.00045 (torch "
             "gives the same). Softmax + CE is the maximum-likelihood loss of a categorical model, and the "
             "pair's gradient p − onehot(y) is as simple as a gradient gets.")
SIGMOID_PITFALL = ("BCE vs BCEWithLogits at extreme logits: in float32 sigmoid(20) rounds to exactly 1, so "
                   "binary_cross_entropy(sigmoid(20), 0) hits the log clamp and gives 100 with gradient 0 "
                   "(torch too), while binary_cross_entropy_with_logits(20, 0) gives the true 20 with "
                   "gradient 1. Feed logits to the logits version instead of a sigmoid to this one.")
BCE_WEIGHT = ("a tensor broadcast against the input (it must not enlarge it) multiplying each term; 'mean' "
              "still divides by numel, weights not included.")
FOCAL_GAMMA = "γ ≥ 0: the focusing power; γ = 0 gives back the plain cross-entropy (times the α weighting, if any)."


def _ce_rows(ex):
    x, y = ex["input"], ex["target"]
    eps, classes = ex.get("label_smoothing", 0.0), x.shape[1]
    q = (1 - eps) * one_hot(y, classes) + eps / classes
    return softmax(x) - q, x.shape[0]


def _cross_entropy(ex):
    g, n = _ce_rows(ex)
    return g * mean_factor(ex.get("reduction", "mean"), n)


def _nll(ex):
    x, y = ex["input"], ex["target"]
    return -one_hot(y, x.shape[1]) * mean_factor(ex.get("reduction", "mean"), len(y))


def _bce(ex):
    p, y = ex["input"], ex["target"]
    return (p - y) / (p * (1 - p)) * mean_factor(ex.get("reduction", "mean"), p.size)


def _bce_logits(ex):
    x, y, pw = ex["input"], ex["target"], ex.get("pos_weight", 1.0)
    s = sigmoid(x)
    return ((1 - y) * s - pw * y * (1 - s)) * mean_factor(ex.get("reduction", "mean"), x.size)


def _sigmoid_focal(ex):
    x, y = ex["input"], ex["target"]
    alpha, gamma = ex.get("alpha", 0.25), ex.get("gamma", 2.0)
    p = sigmoid(x)
    p_t = y * p + (1 - y) * (1 - p)
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    alpha_t = alpha * y + (1 - alpha) * (1 - y)
    g = alpha_t * (-gamma * (1 - p_t) ** (gamma - 1) * (2 * y - 1) * p * (1 - p) * bce + (1 - p_t) ** gamma * (p - y))
    return g * mean_factor(ex.get("reduction", "mean"), x.size)


def _binary_focal(ex):
    p, y, gamma = ex["input"], ex["target"], ex.get("gamma", 2.0)
    p_t = y * p + (1 - y) * (1 - p)
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    g = -gamma * (1 - p_t) ** (gamma - 1) * (2 * y - 1) * bce + (1 - p_t) ** gamma * (-y / p + (1 - y) / (1 - p))
    return g / p.shape[-1] * mean_factor(ex.get("reduction", "mean"), p.size // p.shape[-1])


def _categorical_focal(ex):
    p, y = ex["input"], ex["target"]
    alpha, gamma, clip = ex.get("alpha", 0.25), ex.get("gamma", 2.0), 1e-7
    total = p.sum(-1, keepdims=True)
    r = p / total
    q = np.clip(r, clip, 1 - clip)
    g_q = alpha * y * (gamma * (1 - q) ** (gamma - 1) * np.log(q) - (1 - q) ** gamma / q)
    g_r = np.where((r >= clip) & (r <= 1 - clip), g_q, 0.0)          # the clip passes no gradient outside
    g_p = g_r / total - (g_r * p).sum(-1, keepdims=True) / total ** 2  # through r = p / Σp
    return g_p * mean_factor(ex.get("reduction", "mean"), p.size // p.shape[-1])


def _poly1(ex):
    x, y, eps = ex["input"], ex["target"], ex.get("epsilon", 2.0)
    p = softmax(x)
    g = y.sum(-1, keepdims=True) * p - y + eps * (p * (y * p).sum(-1, keepdims=True) - y * p)
    return g * mean_factor(ex.get("reduction", "mean"), x.size // x.shape[-1])


def _generalized_ce(ex):
    p, y, q = ex["input"], ex["target"], ex.get("q", 0.7)
    mask = one_hot(y, p.shape[-1])
    return -mask * p ** (q - 1) * mean_factor(ex.get("reduction", "mean"), y.size)


def _sparse_sigmoid(z):
    return np.clip((z + 1) / 2, 0, 1)


def _sparsemax_loss(ex):
    x, y = ex["input"], ex["target"]
    z = np.where(y == 1, -x, x)
    g = np.where(y == 1, -1.0, 1.0) * _sparse_sigmoid(z)
    return g * mean_factor(ex.get("reduction", "mean"), x.size)


def sparsemax(s):
    """The Euclidean projection of each row of s onto the simplex (Martins & Astudillo 2016)."""
    z = np.sort(s, axis=-1)[..., ::-1]
    k = np.arange(1, s.shape[-1] + 1)
    cumulative = np.cumsum(z, axis=-1)
    support = (1 + k * z > cumulative).sum(-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, -1) - 1) / support
    return np.maximum(s - tau, 0)


def _multiclass_sparsemax(ex):
    s, y = ex["input"], ex["target"]
    return (sparsemax(s) - one_hot(y, s.shape[-1])) * mean_factor(ex.get("reduction", "mean"), y.size)


def _linear_ce(ex):
    x, w, b = ex["input"], ex["linear_weight"], ex.get("linear_bias", 0.0)
    g_logits, _ = _ce_rows({**ex, "input": x @ w.T + b})
    return g_logits @ w * mean_factor(ex.get("reduction", "mean"), x.shape[0])


def _two_class_logits(z):
    return {**two_class_one_hot(z), "from_logits": True}


def _bce_of_sigmoid(z):
    from tinygrad_losses.creation import ones_like
    return {"input": z.sigmoid(), "target": ones_like(z.detach())}


LESSONS = {
    "cross_entropy": Lesson(
        gradient="∂ℓ/∂x_n = softmax(x_n) − onehot(y_n), divided by N for 'mean' (by Σ w[y_n] with weights)",
        derivation=("ℓ_n = −log softmax(x_n)[y] = −x_{n,y} + log Σ_c e^{x_{n,c}};",
                    "∂/∂x_{n,c} of log Σ e^x is e^{x_c}/Σ e^x = softmax(x_n)_c, and of −x_{n,y} is −[c = y];",
                    "so the row's gradient is p_n − onehot(y_n): predicted minus wanted;",
                    "with label smoothing ε the wanted vector is (1 − ε)·onehot(y) + ε/C."),
        options={"weight": "(C,) class weights: row n is multiplied by w[y_n], and 'mean' divides by Σ w[y_n], "
                           "so the mean is a weighted average, not a plain average over N.",
                 "ignore_index": "a target value (default −100) whose rows contribute 0 and are left out of "
                                 "the 'mean' denominator (padding tokens).",
                 "label_smoothing": "ε in [0, 1]: the target becomes (1 − ε)·onehot(y) + ε/C and the gradient "
                                    "softmax(x) − that target, so the loss never reaches 0 and the logits "
                                    "stop growing once softmax matches it.",
                 "reduction": CLASS_MEAN},
        pitfalls=(CE_VS_MSE,
                  "It takes logits: passing softmax outputs applies softmax twice, squashing values in [0, 1] "
                  "toward a uniform distribution and shrinking every gradient. Use nll_loss on log-probabilities "
                  "instead.",
                  "Targets with the input's shape are read as class probabilities, not indices: a (N, C) "
                  "float target is soft labels, and 'mean' then divides by N, ignoring the weights."),
        use_when="Multi-class classification (one true class per sample, or soft labels) from raw logits: the "
                 "default classification loss.",
        equivalents={"PyTorch": "torch.nn.functional.cross_entropy(input, target)",
                     "Keras": "keras.losses.sparse_categorical_crossentropy(target, input, from_logits=True)",
                     "optax": "optax.losses.softmax_cross_entropy_with_integer_labels(input, target).mean()"},
        closed_form=_cross_entropy, plot="margin", plot_args=two_class_margin),
    "nll_loss": Lesson(
        gradient="∂ℓ/∂x_{n,c} = −w[y_n]·[c = y_n] / Σ w[y_n] for 'mean' (−[c = y_n]/N without weight)",
        derivation=("ℓ_n = −w[y_n]·x_{n,y_n} picks one entry per row;",
                    "its derivative is −w[y_n] at the picked entry and 0 elsewhere;",
                    "nll_loss(log_softmax(x)) = cross_entropy(x): the softmax part of CE's gradient comes "
                    "from log_softmax's backward."),
        options={"weight": "(C,) class weights, as in cross_entropy; 'mean' divides by Σ w[y_n].",
                 "ignore_index": "a target value (default −100) whose rows contribute 0 and leave the denominator.",
                 "reduction": CLASS_MEAN},
        pitfalls=("It expects log-probabilities and does not check: passing probabilities or logits gives a "
                  "loss that can be negative and a model that learns nothing useful.",
                  "No label_smoothing here; use cross_entropy for that."),
        use_when="When the model already ends in log_softmax (or outputs log-probabilities another way).",
        equivalents={"PyTorch": "torch.nn.functional.nll_loss(input, target)",
                     "Keras": "none (sparse_categorical_crossentropy takes probabilities or logits)",
                     "optax": "none (-jnp.take_along_axis(input, target[:, None], 1).mean())"},
        closed_form=_nll, plot=None),
    "binary_cross_entropy": Lesson(
        gradient="∂ℓ/∂p = w·(p − y) / (p (1 − p)), / numel for 'mean'",
        derivation=("ℓ = −w [y log p + (1 − y) log(1 − p)];",
                    "∂/∂p = −w [y/p − (1 − y)/(1 − p)] = w (p − y) / (p (1 − p));",
                    "through p = σ(x) (dp/dx = p(1 − p)) the denominator cancels: σ(x) − y, BCEWithLogits' gradient."),
        options={"weight": BCE_WEIGHT,
                 "reduction": PER_ELEMENT},
        pitfalls=(SIGMOID_PITFALL,
                  "The logs are clamped at −100 (as torch does), so p = 0 or 1 exactly gives 100, not inf, "
                  "and the gradient's denominator is floored at 1e-12."),
        use_when="Binary or multi-label targets when the model outputs probabilities you cannot get the logits of.",
        equivalents={"PyTorch": "torch.nn.functional.binary_cross_entropy(input, target)",
                     "Keras": "keras.losses.binary_crossentropy(target, input) (clips p to [1e-7, 1 − 1e-7])",
                     "optax": "none on probabilities (optax.losses.sigmoid_binary_cross_entropy takes logits)"},
        closed_form=_bce, plot="margin", plot_args=_bce_of_sigmoid),
    "binary_cross_entropy_with_logits": Lesson(
        gradient="∂ℓ/∂x = w·[(1 − y) σ(x) − p_w y (1 − σ(x))] = w·(σ(x) − y) when p_w = 1; / numel for 'mean'",
        derivation=("ℓ = −w [p_w y log σ(x) + (1 − y) log(1 − σ(x))];",
                    "d log σ(x)/dx = 1 − σ(x) and d log(1 − σ(x))/dx = −σ(x);",
                    "so ∂ℓ/∂x = w [−p_w y (1 − σ(x)) + (1 − y) σ(x)], which is σ(x) − y for p_w = w = 1."),
        options={"weight": BCE_WEIGHT,
                 "pos_weight": "p_w, broadcast from the right ((C,) aligns with the last dim; for "
                               "(N, C, H, W) use (C, 1, 1)): multiplies the positive term, so p_w = "
                               "#negatives/#positives balances a rare class (it raises recall).",
                 "reduction": PER_ELEMENT},
        pitfalls=(SIGMOID_PITFALL,
                  "pos_weight multiplies only the y log σ(x) term: for soft targets it reweights the positive "
                  "part of every element, not whole samples."),
        use_when="Binary and multi-label classification from logits: the stable default for sigmoid outputs.",
        equivalents={"PyTorch": "torch.nn.functional.binary_cross_entropy_with_logits(input, target)",
                     "Keras": "keras.losses.binary_crossentropy(target, input, from_logits=True)",
                     "optax": "optax.losses.sigmoid_binary_cross_entropy(input, target).mean()"},
        closed_form=_bce_logits, plot="margin", plot_args=on_axis(target=1.0)),
    "sigmoid_focal_loss": Lesson(
        gradient="∂ℓ/∂x = α_t [(1 − p_t)^γ (p − y) − γ (1 − p_t)^{γ−1} (2y − 1) p (1 − p) · bce]",
        derivation=("ℓ = α_t (1 − p_t)^γ · bce with p = σ(x), p_t = y p + (1 − y)(1 − p);",
                    "∂bce/∂x = p − y (as BCEWithLogits) and ∂p_t/∂x = (2y − 1) p (1 − p);",
                    "the product rule gives the two terms; γ = 0 leaves α_t (p − y)."),
        options={"alpha": "α in [0, 1] weights positives (α) against negatives (1 − α); None or negative turns it off.",
                 "gamma": FOCAL_GAMMA, "reduction": PER_ELEMENT},
        pitfalls=("torchvision's sigmoid_focal_loss defaults to reduction='none'; here 'mean' is the default "
                  "like every other loss. RetinaNet sums and divides by the number of positive anchors, "
                  "which is neither.",
                  "α = 0.25 down-weights the positives although they are rare: with γ = 2 the easy negatives "
                  "are already suppressed (the RetinaNet paper's choice)."),
        use_when="Dense detection and other binary tasks with extreme imbalance and many easy negatives.",
        equivalents={"PyTorch": "torchvision.ops.sigmoid_focal_loss(input, target, alpha, gamma)",
                     "Keras": "keras.losses.binary_focal_crossentropy(target, input, from_logits=True, "
                              "apply_class_balancing=True) (averages the last axis)",
                     "optax": "optax.losses.sigmoid_focal_loss(input, target, alpha=alpha, gamma=gamma)"},
        closed_form=_sigmoid_focal, plot="margin", plot_args=on_axis(target=1.0)),
    "binary_focal_crossentropy": Lesson(
        gradient="∂ℓ/∂p = [(1 − p_t)^γ (−y/p + (1 − y)/(1 − p)) − γ (1 − p_t)^{γ−1} (2y − 1) bce] / C",
        derivation=("ℓ = mean_last((1 − p_t)^γ · bce), bce = −(y log p + (1 − y) log(1 − p)), p_t = y p + (1 − y)(1 − p);",
                    "∂bce/∂p = −y/p + (1 − y)/(1 − p) and ∂p_t/∂p = 2y − 1;",
                    "the product rule, then 1/C for the mean over the last axis."),
        options={"gamma": FOCAL_GAMMA,
                 "alpha": "used only with apply_class_balancing: positives weigh α, negatives 1 − α.",
                 "apply_class_balancing": "turn α's weighting on (Keras's default is off).",
                 "from_logits": "read input as logits (the stable log-space form, no clipping).",
                 "label_smoothing": "y ← y (1 − ls) + ls/2 before anything else.",
                 "reduction": PER_SAMPLE},
        pitfalls=("With probabilities, p is clipped to [1e-7, 1 − 1e-7], so a saturated probability gets no "
                  "gradient; pass logits with from_logits=True.",
                  "alpha does nothing unless apply_class_balancing=True (Keras's behaviour, kept)."),
        use_when="Keras-style binary or multi-label models with class imbalance.",
        equivalents={"PyTorch": "none (torchvision.ops.sigmoid_focal_loss on logits is the closest)",
                     "Keras": "keras.losses.binary_focal_crossentropy(target, input)",
                     "optax": "none (optax.losses.sigmoid_focal_loss on logits)"},
        closed_form=_binary_focal, plot="margin", plot_args=on_axis(per_sample=True, target=1.0, from_logits=True)),
    "categorical_focal_loss": Lesson(
        gradient="∂ℓ/∂q_c = α y_c [γ (1 − q_c)^{γ−1} log q_c − (1 − q_c)^γ / q_c], then through q = clip(p/Σp)",
        derivation=("ℓ = Σ_c α (1 − q_c)^γ (−y_c log q_c) with q = clip(p/Σp, 1e-7, 1 − 1e-7);",
                    "the product rule on each class term gives ∂ℓ/∂q_c;",
                    "the clip passes the gradient only inside its bounds (the example's p = 0 gets none);",
                    "r = p/Σp has ∂r_c/∂p_k = [c = k]/Σp − p_c/(Σp)², so every class gets a share."),
        options={"alpha": "one scalar weight for every class (Keras).", "gamma": FOCAL_GAMMA,
                 "from_logits": "read input as logits: log q = log_softmax, exact in log space.",
                 "label_smoothing": "y ← y (1 − ls) + ls/C.", "reduction": PER_SAMPLE},
        pitfalls=("Probabilities are renormalised and clipped: an exact 0 gets no gradient and a saturated "
                  "row learns nothing; use from_logits=True.",
                  "Unlike torchvision's binary focal loss, α here is not a class balance; it only scales the loss."),
        use_when="Softmax classifiers with imbalanced classes in Keras-style code.",
        equivalents={"PyTorch": "none", "Keras": "keras.losses.categorical_focal_crossentropy(target, input)",
                     "optax": "none"},
        closed_form=_categorical_focal, plot="margin", plot_args=_two_class_logits),
    "poly1_loss": Lesson(
        gradient="∂ℓ/∂x = (Σy)·p − y + ε (p·⟨y, p⟩ − y ⊙ p), p = softmax(x); / samples for 'mean'",
        derivation=("CE part: −Σ_c y_c log p_c has gradient (Σ_c y_c) p − y;",
                    "∂p_c/∂x_k = p_c ([c = k] − p_k), so ∂/∂x_k of ε Σ_c y_c (1 − p_c) is −ε (y_k p_k − p_k ⟨y, p⟩);",
                    "adding the two gives the formula (one-hot y: p − y + ε p_t (p − onehot(y)))."),
        options={"epsilon": "the extra weight of the (1 − p_t) term; 0 is CE, −1 cancels CE's first Taylor term.",
                 "reduction": PER_SAMPLE},
        pitfalls=("ε > 0 (the paper's 2 for ImageNet) helps confident tasks; for noisy labels a negative ε "
                  "was better in the paper. It is a hyper-parameter to tune, not a free improvement.",),
        use_when="A drop-in for cross-entropy when you can afford tuning one more knob.",
        equivalents={"PyTorch": "none", "Keras": "none",
                     "optax": "optax.losses.poly_loss_cross_entropy(input, target, epsilon=epsilon)"},
        closed_form=_poly1, plot="margin", plot_args=two_class_margin),
    "generalized_cross_entropy": Lesson(
        gradient="∂ℓ/∂p_y = −p_y^{q−1} (0 for the other classes)",
        derivation=("ℓ = (1 − p_y^q)/q; d/dp p^q = q p^{q−1}, so ∂ℓ/∂p_y = −p_y^{q−1};",
                    "through a softmax this is p_y^q (p − onehot(y)): CE's gradient weighted by p_y^q,",
                    "so confidently wrong (likely mislabelled) samples get little weight."),
        options={"q": "q in (0, 1]: q → 0 is cross-entropy, q = 1 is MAE on probabilities.",
                 "reduction": "'none' keeps one value per sample; 'sum' adds them; 'mean' divides by their number."},
        pitfalls=("It takes probabilities, not logits: apply softmax first.",
                  "Large q trains slowly (MAE-like): the weight p_y^q is tiny early in training."),
        use_when="Classification with noisy labels.",
        equivalents={"PyTorch": "none",
                     "Keras": "keras.losses.categorical_generalized_cross_entropy(target, input, q)",
                     "optax": "none"},
        closed_form=_generalized_ce, plot=None),
    "sparsemax_loss": Lesson(
        gradient="∂ℓ/∂x = −sparse_sigmoid(−x) for y = 1, +sparse_sigmoid(x) for y = 0; sparse_sigmoid(z) = "
                 "clip((z + 1)/2, 0, 1)",
        derivation=("sparse_plus(z) is 0 (z ≤ −1), (z + 1)²/4 (|z| < 1), z (z ≥ 1);",
                    "its derivative is 0, (z + 1)/2, 1: sparse_sigmoid, continuous, so the loss is C¹;",
                    "with z = −x for positives the chain rule gives the minus sign."),
        options={"reduction": PER_ELEMENT},
        pitfalls=("The loss and gradient are exactly 0 beyond margin 1, so confident examples stop "
                  "contributing (unlike the logistic loss): good for sparsity, but no calibrated probabilities.",),
        use_when="Binary classification when you want a smooth hinge: logistic-like near the boundary, exactly "
                 "zero when right by a margin.",
        equivalents={"PyTorch": "none", "Keras": "none", "optax": "optax.losses.sparsemax_loss(input, target)"},
        closed_form=_sparsemax_loss, plot="margin", plot_args=on_axis(target=1.0)),
    "multiclass_sparsemax_loss": Lesson(
        gradient="∂ℓ/∂s = sparsemax(s) − onehot(y)",
        derivation=("ℓ = ⟨p, s⟩ − s_y + ½(1 − ‖p‖²) with p = sparsemax(s) = argmax_p ⟨p, s⟩ − ½‖p‖² on the simplex;",
                    "by Danskin's theorem the maximiser can be held fixed: ∂/∂s (max_p ...) = p;",
                    "the −s_y term adds −onehot(y): the same shape as softmax + CE's p − onehot(y)."),
        options={"reduction": "'none' keeps one value per sample; 'sum' adds them; 'mean' divides by their number."},
        pitfalls=("Scores must be finite: sparsemax sorts and sums them, so an inf mask does not work as it "
                  "does for softmax.",
                  "Exactly zero once the true class wins by a margin, so like a hinge it stops learning from "
                  "easy samples."),
        use_when="When sparse, interpretable class probabilities are wanted (attention, multi-label with few active).",
        equivalents={"PyTorch": "none", "Keras": "none",
                     "optax": "optax.losses.multiclass_sparsemax_loss(input, target)"},
        closed_form=_multiclass_sparsemax, plot="margin", plot_args=two_class_margin),
    "linear_cross_entropy": Lesson(
        gradient="∂ℓ/∂x_n = (softmax(z_n) − q_n) W, z_n = W x_n + b, q_n = (1 − ε) onehot(y_n) + ε/C; / N for 'mean'",
        derivation=("ℓ_n = cross_entropy(z_n, y_n) with z_n = W x_n + b;",
                    "CE's gradient with respect to z_n is softmax(z_n) − q_n;",
                    "∂z_n/∂x_n = W, so the chain rule multiplies by W (and ∂ℓ/∂W = Σ_n (p_n − q_n) x_nᵀ)."),
        options={"linear_weight": "W (C, in_features), the classifier's weight.",
                 "linear_bias": "b (C,), optional.",
                 "weight": "(C,) class weights, as in cross_entropy.",
                 "ignore_index": "None (= −100) or a target value to skip, as in cross_entropy.",
                 "label_smoothing": "ε, as in cross_entropy.",
                 "options": "accepted for torch compatibility; only batch_chunk_size (rows per chunk) is used.",
                 "reduction": CLASS_MEAN},
        pitfalls=("The point is memory: the (N, C) logits are never stored, only chunk × C at a time; the "
                  "values are identical for every chunking.",
                  CE_VS_MSE),
        use_when="Language-model heads with a large vocabulary, where N × V logits would not fit.",
        equivalents={"PyTorch": "torch.nn.functional.linear_cross_entropy(input, linear_weight, target)",
                     "Keras": "none", "optax": "none"},
        closed_form=_linear_ce, plot=None),
}
