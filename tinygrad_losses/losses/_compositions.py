"""Small compositions several losses share: one-hot rows, L2 normalisation, and stable log forms.

Each is written with Tensor ops, so losses built on them keep second-order gradients."""
import numpy as np

from tinygrad_losses.activations import logsigmoid
from tinygrad_losses.tensor import Tensor, where


def one_hot_like(labels, scores):
    """One-hot rows of ``scores``' dtype for integer ``labels`` (no gradient)."""
    C = scores.shape[-1]
    oh = (labels.numpy()[..., None] == np.arange(C)).astype(scores.dtype)
    return Tensor._make(scores._backend.from_numpy(oh), scores.device, False)


def l2_normalize(x, dim, min_sq_norm):
    """x / sqrt(max(Σ_dim x², min_sq_norm)) along ``dim``: unit vectors, and a zero vector stays 0
    (the floor is on the *squared* norm)."""
    return x * (x * x).sum(dim, keepdim=True).clamp(min=min_sq_norm).rsqrt()


def logaddexp(a, b):
    """log(e^a + e^b) = m + log(e^(a−m) + e^(b−m)), m = max(a, b) held constant (the shift cancels
    in the gradient); finite when one side is −inf."""
    m = a.detach().maximum(b.detach())
    m = where(m.isfinite(), m, 0.0)
    return m + ((a - m).exp() + (b - m).exp()).log()


def log_one_minus_pt(x, y):
    """log(1 − p_t) for logits x and labels y, where p = σ(x) and p_t = y·p + (1−y)(1−p).

    1 − p_t = y·σ(−x) + (1−y)·σ(x). For hard labels this is logσ(−x) (y=1) or logσ(x) (y=0),
    exact in both tails; soft labels use logaddexp(log y + logσ(−x), log(1−y) + logσ(x)).
    """
    log_p, log_q = logsigmoid(x), logsigmoid(-x)  # log σ(x), log(1 − σ(x)) = log σ(−x)
    hard = (y == 0) | (y == 1)
    out = y * log_q + (1 - y) * log_p
    if bool(hard.all()):
        return out
    ys = where(hard, 0.5, y)  # keeps log y and log1p(−y) finite in the branch where() discards
    soft = logaddexp(ys.log() + log_q, (-ys).log1p() + log_p)
    return where(hard, out, soft)


def xlogy_masked(a, b):
    """a·log b with 0·log 0 = 0 (and a gradient that stays finite where a = 0)."""
    zero = a == 0
    b_safe = where(zero, 1.0, b)
    return where(zero, 0.0, a * b_safe.log())
