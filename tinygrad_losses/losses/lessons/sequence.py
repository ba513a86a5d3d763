"""Lessons of the sequence losses (``losses/sequence.py``)."""
import itertools

import numpy as np

from tinygrad_losses.losses.lessons import Lesson


def _collapse(path, blank):
    """CTC's many-to-one map: merge repeats, then drop blanks."""
    return tuple(k for k, _ in itertools.groupby(path) if k != blank)


def _posterior(log_probs, target, blank):
    """γ_t(k) = P(π_t = k | the alignment collapses to target), by listing every path (tiny T only)."""
    steps, classes = log_probs.shape
    gamma, total = np.zeros_like(log_probs), 0.0
    for path in itertools.product(range(classes), repeat=steps):
        if _collapse(path, blank) == tuple(target):
            p = np.exp(sum(log_probs[t, k] for t, k in enumerate(path)))
            total += p
            gamma[np.arange(steps), list(path)] += p
    return gamma / total


def _ctc(ex):
    lp, blank = ex["log_probs"], ex.get("blank", 0)
    unbatched = lp.ndim == 2
    lp = lp[:, None] if unbatched else lp
    targets, lengths, target_lengths = ex["targets"], ex["input_lengths"], ex["target_lengths"]
    rows = ([targets] if unbatched else list(targets) if targets.ndim == 2
            else np.split(targets, np.cumsum(target_lengths)[:-1]))
    g = np.zeros_like(lp)
    reduction = ex.get("reduction", "mean")
    for n, row in enumerate(rows):
        steps, target = lengths[n], row[:target_lengths[n]]
        factor = 1 / (max(target_lengths[n], 1) * len(rows)) if reduction == "mean" else 1
        g[:steps, n] = (np.exp(lp[:steps, n]) - _posterior(lp[:steps, n], target, blank)) * factor
    return g[:, 0] if unbatched else g


LESSONS = {
    "ctc_loss": Lesson(
        gradient="torch's ∂ℓ/∂log_probs[t, k] = y_t(k) − γ_t(k), y = exp(log_probs), γ the alignment posterior",
        derivation=("ℓ = −log Σ_{π → target} Π_t y_t(π_t), summed over the alignments π that collapse to the target;",
                    "∂ℓ/∂log y_t(k) = −γ_t(k): the share of the likelihood whose path has k at step t;",
                    "torch returns y_t(k) − γ_t(k), the gradient through a log_softmax of the logits, assuming "
                    "log_probs came from one; α/β recursions compute γ in O(T·S)."),
        options={"blank": "the index of the blank symbol (default 0).",
                 "zero_infinity": "impossible alignments (input too short) give inf; True turns those losses "
                                  "and their gradients into 0.",
                 "input_lengths": "the valid time steps of each sequence (the rest gets no gradient).",
                 "target_lengths": "the length of each target; targets may be concatenated (1-D) or padded (N, S).",
                 "reduction": "'none' keeps one value per sequence; 'sum' adds them; 'mean' (default) divides "
                              "each loss by its target length, then averages over the batch."},
        pitfalls=("The gradient is not the derivative of the forward formula with respect to log_probs (that "
                  "is −γ): it is the one through log_softmax, so feed log_softmax outputs, as torch requires. "
                  "The test checks it against a finite difference of ctc(log_softmax(z)).",
                  "An input shorter than the target plus the blanks its repeats need gives inf (and nan "
                  "gradients) unless zero_infinity=True.",
                  "'mean' divides by the target lengths first, so long targets weigh less than with 'sum'."),
        use_when="Sequence labelling without an alignment: speech and handwriting recognition.",
        equivalents={"PyTorch": "torch.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths)",
                     "Keras": "keras.losses.ctc(target, output) (different argument layout)",
                     "optax": "optax.losses.ctc_loss(logits, logit_paddings, labels, label_paddings)"},
        wrt="log_probs", closed_form=_ctc, plot=None,
        notes=("No closed form worth writing by hand: the closed form here lists every alignment of the tiny "
               "worked example to get γ, and the α/β recursions are what scale.",)),
}
