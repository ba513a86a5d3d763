"""Shared pieces of the losses beyond PyTorch (Keras / optax / torchvision forms): boundary checks,
the Keras epsilon, and the few stable compositions more than one family uses."""
import numpy as np

from tinygrad_losses.tensor import Tensor, where
from tinygrad_losses.activations import logsigmoid
from tinygrad_losses.losses._torch_common import floating_arg, tensor_arg

EPS_K = 1e-7  # keras.backend.epsilon(): Keras clips probabilities to [EPS_K, 1 - EPS_K]


def check_tensor(x, name, fn, floating=True):
    """``x`` must be a Tensor (TypeError), floating unless ``floating=False``."""
    tensor_arg(fn, name, x)
    return floating_arg(fn, name, x) if floating else x


def check_same_shape(a, b, names, fn):
    if a.shape != b.shape:
        raise ValueError(f"{fn}: {names[0]} and {names[1]} must have the same shape, "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")


def check_at_least_1d(x, name, fn, why="the last one is reduced"):
    """``x`` must not be 0-d; ``why`` (None: no reason) is shown in parentheses in the error."""
    if x.ndim == 0:
        because = f" ({why})" if why else ""
        raise ValueError(f"{fn}: {name} must have at least 1 dim{because}, got a 0-d tensor")


def check_pair(input, target, fn, floating_target=True, last_axis=False):
    """The usual boundary of a two-argument loss: ``input`` a floating Tensor, ``target`` a Tensor
    (floating unless ``floating_target=False``) of input's shape; with ``last_axis`` (a loss that
    reduces the last dim) input must be at least 1-D."""
    check_tensor(input, "input", fn)
    check_tensor(target, "target", fn, floating=floating_target)
    check_same_shape(input, target, ("input", "target"), fn)
    if last_axis:
        check_at_least_1d(input, "input", fn)


def check_class_scores(input, fn):
    """Floating class scores (…, C) with a non-empty last (class) dim."""
    check_tensor(input, "input", fn)
    if input.ndim == 0 or input.shape[-1] == 0:
        raise ValueError(f"{fn}: input must have a non-empty last (class) dim, got shape {tuple(input.shape)}")


def check_labels(labels, scores, fn, name="target"):
    """Integer class labels of shape ``scores.shape[:-1]`` with values in [0, C)."""
    if not isinstance(labels, Tensor):
        raise TypeError(f"{fn}: {name} must be an int64 Tensor of class indices, got {type(labels).__name__}")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{fn}: {name} must hold integer class indices, got dtype {labels.dtype}")
    if scores.ndim == 0 or labels.shape != scores.shape[:-1]:
        raise ValueError(f"{fn}: {name} must have shape {tuple(scores.shape[:-1])} (input's shape without "
                         f"its last, class dim), got {tuple(labels.shape)}")
    C = scores.shape[-1]
    idx = labels.numpy()
    if idx.size and (idx.min() < 0 or idx.max() >= C):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"{fn}: {name} value {int(bad)} is out of bounds for {C} classes (expected 0..{C - 1})")
    return labels.long()


def check_number(value, name, fn, low=None, high=None, low_open=False, high_open=False):
    """A real number within [low, high] (``low_open``/``high_open`` exclude the ends)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: {name} must be a number, got {type(value).__name__}")
    ok_low = low is None or (value > low if low_open else value >= low)
    ok_high = high is None or (value < high if high_open else value <= high)
    if not (ok_low and ok_high):
        interval = ("(-inf" if low is None else ("(" if low_open else "[") + f"{low}") + ", " + \
                   ("inf)" if high is None else f"{high}" + (")" if high_open else "]"))
        raise ValueError(f"{fn}: {name} must be in {interval}, got {value}")
    return value


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


def xlogy(a, b):
    """a·log b with 0·log 0 = 0 (and a gradient that stays finite where a = 0)."""
    zero = a == 0
    b_safe = where(zero, 1.0, b)
    return where(zero, 0.0, a * b_safe.log())
