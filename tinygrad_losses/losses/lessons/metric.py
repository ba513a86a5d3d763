"""Lessons of the metric-learning and contrastive losses (``losses/metric.py``)."""
import numpy as np

from tinygrad_losses.losses.lessons import Lesson, mean_factor, on_axis, PER_ELEMENT, softmax

PAIRS_MEAN = "'none' keeps one value per pair; 'sum' adds them; 'mean' (default) divides by the number of pairs."
TRIPLETS_MEAN = ("'none' keeps one value per triplet; 'sum' adds them; 'mean' (default) divides by the number "
                 "of triplets, including the inactive ones (loss 0), so easy triplets dilute the gradient.")
MINING = ("Most random triplets are already satisfied (loss 0, no gradient): without mining hard or "
          "semi-hard negatives, training stalls.")


def _cosine_embedding(ex):
    x1, x2, y, margin = ex["input1"], ex["input2"], ex["target"], ex.get("margin", 0.0)
    n1 = np.sqrt((x1 * x1).sum(1, keepdims=True) + 1e-12)   # torch adds 1e-12 to each squared norm
    n2 = np.sqrt((x2 * x2).sum(1, keepdims=True) + 1e-12)
    cos = (x1 * x2).sum(1, keepdims=True) / (n1 * n2)
    d_cos = x2 / (n1 * n2) - cos * x1 / n1 ** 2
    g = np.where(y[:, None] == 1, -d_cos, np.where(cos - margin >= 0, d_cos, 0))
    return g * mean_factor(ex.get("reduction", "mean"), len(y))


def _hinge_embedding(ex):
    x, y, margin = ex["input"], ex["target"], ex.get("margin", 1.0)
    g = np.where(y != -1, 1.0, 0.0) + np.where((y != 1) & (margin - x >= 0), -1.0, 0.0)
    return g * mean_factor(ex.get("reduction", "mean"), x.size)


def _info_nce(ex):
    q, k, tau = ex["query"], ex["keys"], ex.get("temperature", 0.1)
    g_logits = softmax(q @ k.T / tau) - np.eye(len(q))
    return g_logits @ k / tau * mean_factor(ex.get("reduction", "mean"), len(q))


def _ntxent(ex):
    e, labels, tau = ex["embeddings"], ex["labels"], ex.get("temperature", 0.07)
    norm = np.sqrt((e * e).sum(1, keepdims=True))
    unit = e / norm
    s = unit @ unit.T / tau
    same = labels[:, None] == labels[None, :]
    positive = same & ~np.eye(len(e), dtype=bool)
    g_s = np.zeros_like(s)                      # ∂(Σ over positive pairs of ℓ_ij)/∂S
    for i, j in zip(*np.nonzero(positive)):
        negatives = ~same[i]
        denominator = np.exp(s[i, j]) + np.exp(s[i, negatives]).sum()
        g_s[i, j] += np.exp(s[i, j]) / denominator - 1
        g_s[i, negatives] += np.exp(s[i, negatives]) / denominator
    g_unit = (g_s + g_s.T) @ unit / tau       # S = Û Ûᵀ / τ
    g = (g_unit - (g_unit * unit).sum(1, keepdims=True) * unit) / norm   # through u = e / ‖e‖
    return g * mean_factor(ex.get("reduction", "mean"), positive.sum())


def _triplet(ex):
    a, p, n, margin = ex["anchor"], ex["positive"], ex["negative"], ex.get("margin", 1.0)
    to_p, to_n = a - p + 1e-6, a - n + 1e-6     # torch's pairwise_distance adds eps to the difference
    d_p = np.sqrt((to_p ** 2).sum(1, keepdims=True))
    d_n = np.sqrt((to_n ** 2).sum(1, keepdims=True))
    g = np.where(margin + d_p - d_n >= 0, to_p / d_p - to_n / d_n, 0)
    return g * mean_factor(ex.get("reduction", "mean"), len(a))


def _negative_at_distance(z):
    """Anchor and positive at 0, the negative at z (1-D embeddings): the loss against d(a, n) = |z|."""
    from tinygrad_losses.creation import zeros_like
    column = z.unsqueeze(-1)
    return {"anchor": zeros_like(column.detach()), "positive": zeros_like(column.detach()), "negative": column}


TRIPLET_DERIVATION = ("ℓ = max(0, margin + d(a, p) − d(a, n)), d(u, v) = ‖u − v + ε‖₂;",
                      "∂‖v‖/∂v = v/‖v‖, so ∂d(a, p)/∂a = (a − p + ε)/d(a, p);",
                      "inside the hinge the two distances give the difference of unit vectors:",
                      "the anchor moves toward the positive and away from the negative.")

LESSONS = {
    "cosine_embedding_loss": Lesson(
        gradient="∂ℓ/∂x1 = −∂cos/∂x1 for y = 1, +∂cos/∂x1 where cos > margin for y = −1; ∂cos/∂x1 = "
                 "x2/(‖x1‖‖x2‖) − cos·x1/‖x1‖²",
        derivation=("cos = x1·x2 / (‖x1‖ ‖x2‖) (torch adds 1e-12 to each squared norm);",
                    "the quotient rule: ∂cos/∂x1 = x2/(‖x1‖‖x2‖) − cos·x1/‖x1‖², orthogonal to x1;",
                    "y = 1 minimises 1 − cos, y = −1 the hinge max(0, cos − margin)."),
        options={"margin": "for dissimilar pairs (y = −1): only a cosine above it costs (between −1 and 1; 0 "
                           "to 0.5 is usual).",
                 "reduction": PAIRS_MEAN},
        pitfalls=("Lengths are ignored: it only turns vectors; with the default margin 0, dissimilar pairs need "
                  "only be orthogonal, not opposite.",),
        use_when="Learning embeddings from similar / dissimilar pairs when the angle is the metric.",
        equivalents={"PyTorch": "torch.nn.functional.cosine_embedding_loss(input1, input2, target, margin)",
                     "Keras": "none", "optax": "none"},
        wrt="input1", closed_form=_cosine_embedding, plot=None),
    "hinge_embedding_loss": Lesson(
        gradient="∂ℓ/∂x = 1 for y = 1; −1 where margin − x ≥ 0 for y = −1 (else 0); / numel for 'mean'",
        derivation=("x is a distance: similar pairs (y = 1) pay x itself, derivative 1;",
                    "dissimilar pairs pay max(0, margin − x), derivative −1 inside the margin;",
                    "at x = margin exactly torch (clamp_min) keeps the −1, as the example's last element shows."),
        options={"margin": "the distance beyond which dissimilar pairs cost nothing (default 1).",
                 "reduction": PER_ELEMENT},
        pitfalls=("The input is a distance (≥ 0), not a score: pass e.g. ‖a − b‖, and note the similar-pair "
                  "term is linear in it, so it never saturates.",),
        use_when="Contrastive learning from pairs with a precomputed distance, or semi-supervised embeddings.",
        equivalents={"PyTorch": "torch.nn.functional.hinge_embedding_loss(input, target, margin)",
                     "Keras": "none", "optax": "none"},
        closed_form=_hinge_embedding, plot="distance", plot_args=on_axis(target=-1.0)),
    "info_nce_loss": Lesson(
        gradient="∂ℓ/∂q = (softmax(q kᵀ/τ) − I) k / τ, summed over the rows that count",
        derivation=("ℓ_i = cross_entropy(L_i, i) with logits L = q kᵀ / τ;",
                    "CE's gradient with respect to L is softmax(L) − I (the positives on the diagonal);",
                    "∂L/∂q = k / τ, so the chain rule gives (softmax(L) − I) k / τ."),
        options={"temperature": "τ > 0: smaller τ sharpens the softmax and weighs hard negatives more.",
                 "symmetric": "also classify each key's query (CLIP): the mean of both directions.",
                 "reduction": "'none' keeps one value per query; 'sum' adds them; 'mean' divides by N."},
        pitfalls=("The inputs are used as given: L2-normalise them first for the cosine form, otherwise the "
                  "norm acts as a per-sample temperature.",
                  "A small τ (0.07) gives a 1/τ factor in the gradient: tune the learning rate with it."),
        use_when="Contrastive representation learning where each query has exactly one matching key in the batch.",
        equivalents={"PyTorch": "none (cross_entropy(q @ k.T / tau, arange(N)))", "Keras": "none",
                     "optax": "none (softmax_cross_entropy_with_integer_labels(q @ k.T / tau, arange(N)))"},
        wrt="query", closed_form=_info_nce, plot=None),
    "ntxent_loss": Lesson(
        gradient="∂ℓ/∂S_ij = σ_ij − 1 for the positive, e^{S_ik}/D_ij for each negative k; then through S = Ê "
                 "Êᵀ/τ and Ê = e/‖e‖",
        derivation=("ℓ_ij = −S_ij + log D_ij, D_ij = e^{S_ij} + Σ_{k negative} e^{S_ik};",
                    "∂ℓ_ij/∂S_ij = e^{S_ij}/D_ij − 1 and ∂ℓ_ij/∂S_ik = e^{S_ik}/D_ij;",
                    "S = Ê Êᵀ/τ gives ∂/∂Ê = (G + Gᵀ) Ê / τ for the collected G;",
                    "normalising removes the radial part: ∂/∂e = (g − (g·ê) ê)/‖e‖."),
        options={"temperature": "τ > 0: smaller sharpens the softmax over similarities (SimCLR tried 0.05 to "
                                "1; optax's default is 0.07).",
                 "reduction": "'none' keeps the (N, N) matrix (0 off the positive pairs); 'sum' adds them; "
                              "'mean' divides by the number of positive pairs (nan when there are none)."},
        pitfalls=("A batch with no two samples of one label has no positive pair: 'mean' gives nan.",
                  "Other positives of the same anchor are not in the denominator (optax's form), unlike "
                  "SupCon, which puts them there."),
        use_when="SimCLR-style self-supervised learning (two views per image, one label per image).",
        equivalents={"PyTorch": "none", "Keras": "none", "optax": "optax.losses.ntxent(embeddings, labels, temperature)"},
        wrt="embeddings", closed_form=_ntxent, plot=None),
    "triplet_margin_loss": Lesson(
        gradient="∂ℓ/∂a = (a − p + ε)/d(a, p) − (a − n + ε)/d(a, n) where margin + d(a, p) − d(a, n) ≥ 0",
        derivation=TRIPLET_DERIVATION,
        options={"margin": "how much farther the negative must be than the positive (default 1).",
                 "p": "the norm's order (default 2).", "eps": "added to each difference (1e-6), so d is never exactly 0.",
                 "swap": "use the smaller of d(a, n) and d(p, n) as the negative distance (Balntas et al.).",
                 "reduction": TRIPLETS_MEAN},
        pitfalls=(MINING,
                  "When anchor and positive coincide the gradient is the unit vector of (ε, ε), not 0 (the "
                  "example's third triplet): ε keeps the norm differentiable."),
        use_when="Metric learning (face recognition, retrieval) from anchor / positive / negative triplets.",
        equivalents={"PyTorch": "torch.nn.functional.triplet_margin_loss(anchor, positive, negative)",
                     "Keras": "none", "optax": "none"},
        wrt="anchor", closed_form=_triplet, plot="distance", plot_args=_negative_at_distance),
    "triplet_margin_with_distance_loss": Lesson(
        gradient="with the default distance as triplet_margin_loss: (a − p + ε)/d(a, p) − (a − n + ε)/d(a, n) when active",
        derivation=TRIPLET_DERIVATION[:1] + ("the default d is pairwise_distance, so the derivation is "
                                             "triplet_margin_loss's;",
                                             "with another d, ∂ℓ/∂a = ∂d(a, p)/∂a − ∂d(a, n)/∂a inside the hinge."),
        options={"distance_function": "any callable (x, y) → distances; None is pairwise_distance (p = 2, eps = 1e-6).",
                 "margin": "as in triplet_margin_loss (default 1).",
                 "swap": "use the smaller of d(a, n) and d(p, n).", "reduction": TRIPLETS_MEAN},
        pitfalls=(MINING,
                  "A distance that can be negative (e.g. 1 − cos is fine, −cos is not) breaks the meaning of the margin."),
        use_when="Triplet learning with a custom metric (cosine distance, a learned metric).",
        equivalents={"PyTorch": "torch.nn.functional.triplet_margin_with_distance_loss(anchor, positive, negative)",
                     "Keras": "none", "optax": "none"},
        wrt="anchor", closed_form=_triplet, plot="distance", plot_args=_negative_at_distance),
}
