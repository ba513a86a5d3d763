"""Lessons of the margin and ranking losses (``losses/margin.py``): z = y·s is the margin."""
import numpy as np

from tinygrad_losses.losses.lessons import (Lesson, mean_factor, on_axis, one_hot, PER_ELEMENT, PER_SAMPLE,
                                            shared_argmax, sigmoid, softmax, two_class_margin, two_class_one_hot)

PER_SAMPLE_ONLY = "'none' keeps one value per sample; 'sum' adds them; 'mean' (default) divides by their number."
HINGE_VS_LOGISTIC = ("Hinge vs logistic: the hinge is exactly 0 once the margin passes 1, so correct, confident "
                     "samples stop contributing (sparse support vectors) and the scores are not probabilities; "
                     "the logistic loss never reaches 0 and gives calibrated σ(s).")
KINK = "at the kink (margin exactly 1) the subgradient 0 is used, as relu's."


def _labels_pm1(y):
    """Keras's rule: labels that are all 0 or 1 become −1 / 1."""
    return 2 * y - 1 if np.isin(y, (0, 1)).all() else y


def _hinge(ex):
    s, y = ex["input"], _labels_pm1(ex["target"])
    g = np.where(1 - y * s > 0, -y, 0) / s.shape[-1]
    return g * mean_factor(ex.get("reduction", "mean"), s.size // s.shape[-1])


def _squared_hinge(ex):
    s, y = ex["input"], _labels_pm1(ex["target"])
    g = -2 * y * np.maximum(0, 1 - y * s) / s.shape[-1]
    return g * mean_factor(ex.get("reduction", "mean"), s.size // s.shape[-1])


def _perceptron(ex):
    s, y = ex["input"], ex["target"]
    return np.where(y * s < 0, -y, 0) * mean_factor(ex.get("reduction", "mean"), s.size)


def _soft_margin(ex):
    x, y = ex["input"], ex["target"]
    return -y * sigmoid(-y * x) * mean_factor(ex.get("reduction", "mean"), x.size)


def _margin_ranking(ex):
    x1, x2, y, margin = ex["input1"], ex["input2"], ex["target"], ex.get("margin", 0.0)
    return np.where(-y * (x1 - x2) + margin >= 0, -y, 0) * mean_factor(ex.get("reduction", "mean"), x1.size)


def _multi_margin(ex):
    x, y, p, margin = ex["input"], ex["target"], ex.get("p", 1), ex.get("margin", 1.0)
    n, classes = x.shape
    w = ex["weight"][y] if "weight" in ex else np.ones(n)
    x_y = x[np.arange(n), y][:, None]
    violation = np.maximum(0, margin - x_y + x) * (1 - one_hot(y, classes))
    g = p * violation ** (p - 1) * (violation > 0) * w[:, None] / classes   # ∂/∂x_i, i ≠ y
    g -= one_hot(y, classes) * g.sum(1, keepdims=True)                      # x_y appears in every term
    return g * mean_factor(ex.get("reduction", "mean"), n)


def _multilabel_margin(ex):
    x, targets = ex["input"], ex["target"]
    g = np.zeros_like(x)
    for n, row in enumerate(targets):
        labels = list(row[:list(row).index(-1)] if -1 in row else row)
        others = [i for i in range(x.shape[1]) if i not in labels]
        for j in labels:
            for i in others:
                if 1 - (x[n, j] - x[n, i]) > 0:
                    g[n, j] -= 1 / x.shape[1]
                    g[n, i] += 1 / x.shape[1]
    return g * mean_factor(ex.get("reduction", "mean"), x.shape[0])


def _multilabel_soft_margin(ex):
    x, y = ex["input"], ex["target"]
    w = ex.get("weight", 1.0)
    return w * (sigmoid(x) - y) / x.shape[1] * mean_factor(ex.get("reduction", "mean"), x.shape[0])


def _categorical_hinge(ex):
    s, y = ex["input"], ex["target"]
    wrong = (1 - y) * s
    active = (wrong.max(-1) - (y * s).sum(-1) + 1 > 0)[..., None]
    g = np.where(active, shared_argmax(wrong) * (1 - y) - y, 0)
    return g * mean_factor(ex.get("reduction", "mean"), s.size // s.shape[-1])


def _multiclass_hinge(ex):
    s, y = ex["input"], ex["target"]
    e_y = one_hot(y, s.shape[-1])
    return (shared_argmax(s + 1 - e_y) - e_y) * mean_factor(ex.get("reduction", "mean"), y.size)


def _multiclass_perceptron(ex):
    s, y = ex["input"], ex["target"]
    return (shared_argmax(s) - one_hot(y, s.shape[-1])) * mean_factor(ex.get("reduction", "mean"), y.size)


def _ranking_softmax(ex):
    s, y = ex["input"], ex["target"]
    g = y.sum(-1, keepdims=True) * softmax(s) - y
    return g * mean_factor(ex.get("reduction", "mean"), s.size // s.shape[-1])


def _ranking_pair(z):
    from tinygrad_losses.creation import ones_like, zeros_like
    return {"input1": z, "input2": zeros_like(z.detach()), "target": ones_like(z.detach())}


def _one_label_of_two(z):
    """Scores [0, z] with the label set {1}: the margin x[1] − x[0] is z."""
    from tinygrad_losses.creation import tensor
    args = two_class_margin(z)
    return {**args, "target": tensor(np.tile([1, -1], (z.shape[0], 1)))}


LESSONS = {
    "hinge_loss": Lesson(
        gradient="∂ℓ/∂s = −y/C where 1 − y·s > 0, else 0; / samples for 'mean'",
        derivation=("ℓ = (1/C) Σ_c max(0, 1 − y_c s_c);",
                    "inside the margin (1 − y s > 0) the term is 1 − y s, derivative −y;",
                    "outside it is 0; " + KINK),
        options={"reduction": PER_SAMPLE},
        pitfalls=(HINGE_VS_LOGISTIC,
                  "Labels must be ±1; 0/1 labels are mapped to ±1 only when every label is 0 or 1 (Keras's rule), "
                  "so a batch of all-1 labels is read as +1."),
        use_when="Linear SVMs and max-margin classifiers where probabilities are not needed.",
        equivalents={"PyTorch": "none (torch.nn.functional.hinge_embedding_loss is a different loss)",
                     "Keras": "keras.losses.hinge(target, input)",
                     "optax": "optax.losses.hinge_loss(input, target).mean(-1)"},
        closed_form=_hinge, plot="margin", plot_args=on_axis(per_sample=True, target=1.0)),
    "squared_hinge_loss": Lesson(
        gradient="∂ℓ/∂s = −2y·max(0, 1 − y·s) / C; / samples for 'mean'",
        derivation=("ℓ = (1/C) Σ_c max(0, 1 − y_c s_c)²;",
                    "the chain rule: 2 max(0, 1 − y s) · (−y);",
                    "the factor max(0, ·) is 0 at the margin, so the gradient is continuous there."),
        options={"reduction": PER_SAMPLE},
        pitfalls=(HINGE_VS_LOGISTIC,
                  "Squaring makes large violations count quadratically, so it is as sensitive to mislabelled "
                  "points as MSE."),
        use_when="An SVM loss that is differentiable everywhere (L2-SVM).",
        equivalents={"PyTorch": "none", "Keras": "keras.losses.squared_hinge(target, input)", "optax": "none"},
        closed_form=_squared_hinge, plot="margin", plot_args=on_axis(per_sample=True, target=1.0)),
    "perceptron_loss": Lesson(
        gradient="∂ℓ/∂s = −y where y·s < 0, else 0",
        derivation=("ℓ = max(0, −y s): positive only for misclassified points;",
                    "there it is −y s, derivative −y; at y s = 0 the subgradient 0 is used (optax's maximum gives −y/2)."),
        options={"reduction": PER_ELEMENT},
        pitfalls=("No margin: a point exactly on the boundary costs nothing, so the solution is any separating "
                  "line, often close to the data; use the hinge for a margin.",),
        use_when="Rosenblatt's perceptron; teaching, or online learning on separable data.",
        equivalents={"PyTorch": "none", "Keras": "none", "optax": "optax.losses.perceptron_loss(input, target)"},
        closed_form=_perceptron, plot="margin", plot_args=on_axis(target=1.0)),
    "soft_margin_loss": Lesson(
        gradient="∂ℓ/∂x = −y·σ(−y x), / numel for 'mean'",
        derivation=("ℓ = log(1 + e^{−y x}) = softplus(−y x);",
                    "softplus'(u) = σ(u), and du/dx = −y: the logistic loss's gradient on the margin y x."),
        options={"reduction": PER_ELEMENT},
        pitfalls=(HINGE_VS_LOGISTIC,
                  "Labels are ±1 here, 0/1 for BCEWithLogits: soft_margin_loss(x, 2y − 1) equals "
                  "binary_cross_entropy_with_logits(x, y)."),
        use_when="Binary logistic regression written with ±1 labels.",
        equivalents={"PyTorch": "torch.nn.functional.soft_margin_loss(input, target)",
                     "Keras": "none (binary_crossentropy with from_logits and 0/1 labels)",
                     "optax": "none (optax.losses.sigmoid_binary_cross_entropy with 0/1 labels)"},
        closed_form=_soft_margin, plot="margin", plot_args=on_axis(target=1.0)),
    "margin_ranking_loss": Lesson(
        gradient="∂ℓ/∂x1 = −y where margin − y (x1 − x2) ≥ 0, else 0 (∂ℓ/∂x2 is its negative); / N for 'mean'",
        derivation=("ℓ = max(0, −y (x1 − x2) + margin);",
                    "inside it the derivative with respect to x1 is −y, and +y with respect to x2;",
                    "at the kink itself torch (clamp_min) keeps the −y: the example's last pair sits exactly there;",
                    "y = 1 asks for x1 ranked above x2 by at least the margin."),
        options={"margin": "how far x1 must beat x2 before the pair costs nothing (default 0: no margin).",
                 "reduction": PER_ELEMENT},
        pitfalls=("With the default margin 0 a tie costs nothing and the pair gives no gradient; set a margin.",),
        use_when="Pairwise learning to rank (RankSVM), when only the order of two scores is known.",
        equivalents={"PyTorch": "torch.nn.functional.margin_ranking_loss(input1, input2, target, margin)",
                     "Keras": "none", "optax": "none"},
        wrt="input1", closed_form=_margin_ranking, plot="margin", plot_args=_ranking_pair),
    "multi_margin_loss": Lesson(
        gradient="∂ℓ/∂x_i = p·v_i^{p−1}·w[y]/C for i ≠ y with v_i = margin − x_y + x_i > 0; ∂ℓ/∂x_y = −Σ_i of those",
        derivation=("ℓ = (1/C) Σ_{i≠y} w[y] max(0, margin − x_y + x_i)^p;",
                    "each active term has derivative p v^{p−1} w[y]/C with respect to x_i,",
                    "and the same with a minus sign with respect to x_y, which is in every term."),
        options={"p": "1 (hinge) or 2 (squared hinge).",
                 "margin": "how far the true class must beat each other class (default 1).",
                 "weight": "(C,) class weights, indexed by the true class y.",
                 "reduction": "'none' keeps one value per sample; 'sum' adds them; 'mean' divides by N (not by "
                              "the summed weights, unlike cross_entropy)."},
        pitfalls=("The sum runs over i ≠ y but the 1/C counts the true class too (torch's definition).",
                  "Weston–Watkins sums every violation; the Crammer–Singer multiclass_hinge_loss takes only "
                  "the worst one."),
        use_when="Multi-class SVM training (Weston–Watkins) on logits.",
        equivalents={"PyTorch": "torch.nn.functional.multi_margin_loss(input, target)", "Keras": "none",
                     "optax": "none"},
        closed_form=_multi_margin, plot="margin", plot_args=two_class_margin),
    "multilabel_margin_loss": Lesson(
        gradient="∂ℓ/∂x_j −= 1/C and ∂ℓ/∂x_i += 1/C for every label j and non-label i with 1 − (x_j − x_i) > 0",
        derivation=("ℓ = (1/C) Σ_{j∈J} Σ_{i∉J} max(0, 1 − (x_j − x_i)), J the labels before the first −1;",
                    "each active pair adds −1/C to its label's score and +1/C to the non-label's."),
        options={"reduction": "'none' keeps one value per sample; 'sum' adds them; 'mean' divides by N."},
        pitfalls=("The target is a list of label indices padded with −1, not a 0/1 mask: everything after the "
                  "first −1 is ignored, so [3, 0, −1, 1] means the labels {3, 0}.",),
        use_when="Multi-label classification with a ranking view: every true label above every other.",
        equivalents={"PyTorch": "torch.nn.functional.multilabel_margin_loss(input, target)", "Keras": "none",
                     "optax": "none"},
        closed_form=_multilabel_margin, plot="margin", plot_args=_one_label_of_two),
    "multilabel_soft_margin_loss": Lesson(
        gradient="∂ℓ/∂x_c = w_c (σ(x_c) − y_c) / C, / N for 'mean'",
        derivation=("ℓ = −(1/C) Σ_c w_c [y_c log σ(x_c) + (1 − y_c) log σ(−x_c)];",
                    "as in BCEWithLogits each class gives σ(x_c) − y_c;",
                    "the mean over classes brings 1/C."),
        options={"weight": "(C,) per-class weights.",
                 "reduction": "'none' keeps one value per sample (the class mean); 'sum' adds them; 'mean' "
                              "divides by N."},
        pitfalls=("With reduction='mean' it equals binary_cross_entropy_with_logits(input, target) exactly; "
                  "they differ in 'none' (one value per sample here, per element there) and 'sum' (here "
                  "divided by C).",),
        use_when="Multi-label classification from logits, torch's named form.",
        equivalents={"PyTorch": "torch.nn.functional.multilabel_soft_margin_loss(input, target)",
                     "Keras": "keras.losses.binary_crossentropy(target, input, from_logits=True)",
                     "optax": "optax.losses.sigmoid_binary_cross_entropy(input, target).mean(-1)"},
        closed_form=_multilabel_soft_margin, plot="margin", plot_args=on_axis(per_sample=True, target=1.0)),
    "categorical_hinge_loss": Lesson(
        gradient="∂ℓ/∂s = e_k − y where ℓ > 0, k the argmax of (1 − y)·s (ties share); else 0",
        derivation=("ℓ = max(0, neg − pos + 1), pos = Σ_c y_c s_c, neg = max_c (1 − y_c) s_c;",
                    "∂pos/∂s = y and ∂neg/∂s = e_k at the best wrong score;",
                    "inside the hinge the difference is the gradient."),
        options={"reduction": PER_SAMPLE_ONLY},
        pitfalls=("The true class counts as a 0 among the wrong ones (Keras's definition), so when every wrong "
                  "score is negative neg = 0, not the best wrong score: for s = [−2, −1, −3], y = 1 it gives 2, "
                  "where the Crammer–Singer multiclass_hinge_loss gives 0.",),
        use_when="Keras models with one-hot targets and an SVM-style objective.",
        equivalents={"PyTorch": "none", "Keras": "keras.losses.categorical_hinge(target, input)",
                     "optax": "none (optax.losses.multiclass_hinge_loss is Crammer–Singer)"},
        closed_form=_categorical_hinge, plot="margin", plot_args=two_class_one_hot),
    "multiclass_hinge_loss": Lesson(
        gradient="∂ℓ/∂s = e_k − e_y, k = argmax_j (s_j + 1 − [j = y]) (ties share evenly)",
        derivation=("ℓ = max_j (s_j + 1 − [j = y]) − s_y;",
                    "the max's gradient is e_k at its argmax, the −s_y term adds −e_y;",
                    "when the true class wins by 1, k = y and the gradient is 0."),
        options={"reduction": PER_SAMPLE_ONLY},
        pitfalls=("Only the worst violation gets a gradient, so learning can be slower than multi_margin_loss "
                  "early on.",),
        use_when="Crammer–Singer multi-class SVMs.",
        equivalents={"PyTorch": "none", "Keras": "none (categorical_hinge differs, see its lesson)",
                     "optax": "optax.losses.multiclass_hinge_loss(input, target)"},
        closed_form=_multiclass_hinge, plot="margin", plot_args=two_class_margin),
    "multiclass_perceptron_loss": Lesson(
        gradient="∂ℓ/∂s = e_k − e_y, k = argmax_j s_j (ties share evenly)",
        derivation=("ℓ = max_j s_j − s_y;",
                    "the max contributes e_k at the argmax, −s_y contributes −e_y;",
                    "zero when the true class already has the top score (the example's first row)."),
        options={"reduction": PER_SAMPLE_ONLY},
        pitfalls=("No margin: a tie at the top costs nothing.",),
        use_when="The multi-class perceptron algorithm; structured prediction baselines.",
        equivalents={"PyTorch": "none", "Keras": "none",
                     "optax": "optax.losses.multiclass_perceptron_loss(input, target)"},
        closed_form=_multiclass_perceptron, plot="margin", plot_args=two_class_margin),
    "ranking_softmax_loss": Lesson(
        gradient="∂ℓ/∂s = (Σ_i y_i)·softmax(s) − y per list",
        derivation=("ℓ = −Σ_i y_i log softmax(s)_i = −Σ_i y_i s_i + (Σ_i y_i) log Σ_j e^{s_j};",
                    "differentiating as for cross-entropy gives (Σ y) softmax(s) − y."),
        options={"where_mask": "(…, L) bool: False items are left out (logit −inf, label 0).",
                 "reduction": "'none' keeps one value per list; 'sum' adds them; 'mean' divides by the number of lists."},
        pitfalls=("Labels are not normalised: a list with relevance [2, 1, 0] weighs twice a list with [1, 0.5, 0].",),
        use_when="Listwise learning to rank (ListNet): search results, recommendations.",
        equivalents={"PyTorch": "none", "Keras": "none",
                     "optax": "optax.losses.ranking_softmax_loss(input, target)"},
        closed_form=_ranking_softmax, plot="margin", plot_args=two_class_one_hot),
}
