"""Contrastive losses on embeddings: NT-Xent (optax's labelled form) and InfoNCE / CLIP.

Both are cross-entropies over similarity logits, computed in log space with a row-max shift.
"""
import numpy as np

from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._beyond_common import check_tensor, check_same_shape, check_number, l2_normalize
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor, where


def _check_matrix(x, name, fn):
    check_tensor(x, name, fn)
    if x.ndim != 2:
        raise ValueError(f"{fn}: {name} must have shape (N, D), got {tuple(x.shape)}")


@named_scope("ntxent_loss")
def ntxent_loss(embeddings, labels, temperature=0.07, reduction="mean"):
    """Normalized temperature-scaled cross entropy (SimCLR's NT-Xent) in optax's labelled form.

    S_ij = cos(e_i, e_j)/τ, cosine with the squared norm floored at the dtype's machine epsilon.
    For every ordered positive pair (i, j) — i ≠ j, same label —
    ℓ_ij = −log(e^{S_ij} / (e^{S_ij} + Σ_{k: label_k ≠ label_i} e^{S_ik})): i's other positives are
    not in the denominator. Computed with the row max of S subtracted (it cancels).
    Args: embeddings (N, D) floating; labels (N,) integer; temperature > 0.
    Returns the (N, N) matrix ℓ (0 off the positive pairs) for 'none'; 'mean' (optax's value)
    divides by the number of positive pairs (nan when there are none); 'sum' adds them.
    Example: E=[[1,0],[0.8,0.6],[0,1],[−0.6,0.8]], labels=[0,0,1,1]: τ=0.07 → 0.0279325,
    τ=0.5 → 0.43019. With one positive per anchor this is SimCLR's loss.
    optax: optax.losses.ntxent(embeddings, labels, temperature).
    """
    fn = "ntxent_loss"
    _check_matrix(embeddings, "embeddings", fn)
    if not isinstance(labels, Tensor) or labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise TypeError(f"{fn}: labels must be a 1-D integer Tensor, got "
                        + (f"dtype {labels.dtype} and shape {tuple(labels.shape)}" if isinstance(labels, Tensor)
                           else type(labels).__name__))
    if labels.shape[0] != embeddings.shape[0]:
        raise ValueError(f"{fn}: labels must have one entry per embedding ({embeddings.shape[0]}), "
                         f"got {labels.shape[0]}")
    check_number(temperature, "temperature", fn, low=0, low_open=True)
    reduction = check_reduction(reduction)
    e = embeddings
    unit = l2_normalize(e, -1, float(np.finfo(e.dtype).eps))  # squared norm floored at machine epsilon
    S = unit @ unit.T / temperature
    lab = labels.numpy()
    same = lab[:, None] == lab[None, :]
    pos = Tensor(same & ~np.eye(len(lab), dtype=bool), device=e.device)
    neg = Tensor(~same, device=e.device)
    S = S - S.detach().amax(-1, keepdim=True)  # log-ratios are unchanged by a per-row shift
    neg_sum = where(neg, S.exp(), 0.0).sum(-1, keepdim=True)
    ell = where(pos, (S.exp() + neg_sum).log() - S, 0.0)
    n_pos = int(pos.numpy().sum())
    return reduce(ell, reduction, denominator=n_pos if n_pos else float("nan"))


@named_scope("info_nce_loss")
def info_nce_loss(query, keys, temperature=0.1, symmetric=False, reduction="mean"):
    """InfoNCE: classify each query's own key (row i ↔ key i) among all keys, by dot-product logits.

    logits = q·kᵀ/τ; ℓ_i = −log_softmax(logits_i)[i]. ``symmetric=True`` is CLIP's loss,
    ℓ_i = ½(−log_softmax(logits_i·)[i] − log_softmax(logits_·i)[i]). Inputs are used as given
    (L2-normalise them first for the usual cosine form).
    Args: query (N, D), keys (N, D) floating; temperature > 0. Returns (N,) for 'none'; 'mean'
    divides by N.
    Example: q=[[1,0],[0.6,0.8],[0,1]], k=[[0.8,0.6],[1,0],[−0.6,0.8]], τ=0.1 → 1.96073,
    symmetric 1.95204.
    """
    fn = "info_nce_loss"
    _check_matrix(query, "query", fn)
    _check_matrix(keys, "keys", fn)
    check_same_shape(query, keys, ("query", "keys"), fn)
    check_number(temperature, "temperature", fn, low=0, low_open=True)
    reduction = check_reduction(reduction)
    logits = query @ keys.T / temperature
    diag = Tensor(np.eye(query.shape[0], dtype=bool), device=query.device)
    rows = -where(diag, logits.log_softmax(-1), 0.0).sum(-1)
    if symmetric:
        cols = -where(diag, logits.log_softmax(0), 0.0).sum(0)
        rows = (rows + cols) / 2
    return reduce(rows, reduction)


_E = [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-0.6, 0.8]]
register("ntxent_loss", ntxent_loss, "NTXentLoss", "metric learning",
         r"\ell_{ij} = -\log \frac{e^{S_{ij}}}{e^{S_{ij}} + \sum_{k \in neg(i)} e^{S_{ik}}},\ S = \cos/\tau",
         "-log(exp(S_ij) / (exp(S_ij) + sum_neg exp(S_ik))), S = cos(e_i, e_j) / tau",
         "The contrastive loss of SimCLR: pulls embeddings with the same label together and pushes "
         "different labels apart on the unit sphere, as a softmax over cosine similarities sharpened by "
         "the temperature. optax's ntxent.", {"embeddings": _E, "labels": [0, 0, 1, 1], "temperature": 0.5})
register("info_nce_loss", info_nce_loss, "InfoNCELoss", "metric learning",
         r"\ell_i = -\log \frac{e^{q_i\cdot k_i/\tau}}{\sum_j e^{q_i\cdot k_j/\tau}}",
         "CE(q @ k.T / tau, arange(N))",
         "Contrastive predictive coding's loss: each query must pick out its own key among all keys in "
         "the batch (the other keys are negatives). With symmetric=True it is CLIP's image–text loss.",
         {"query": [[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], "keys": [[0.8, 0.6], [1.0, 0.0], [-0.6, 0.8]],
          "temperature": 0.1, "reduction": "none"})
