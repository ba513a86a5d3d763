"""Argument checks shared by the loss families, and the Keras epsilon.

Each raises torch's error type with our own message: the function, the argument, what was
expected and what was received. Losses validate here, at the public boundary; kernels and
primitives trust their inputs."""
import warnings

import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses.autograd import is_grad_enabled
from tinygrad_losses.tensor import broadcast_error, Tensor


def tensor_arg(fn, name, value):
    """``value`` must be a Tensor (TypeError otherwise)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}: {name} must be a Tensor, got {type(value).__name__}")
    return value


def floating_arg(fn, name, t, error=TypeError):
    """``t`` must have a floating dtype (torch's NotImplementedError for integers becomes ``error``)."""
    if not dtypes.is_floating(t.dtype):
        raise error(f"{fn}: {name} must have a floating point dtype, got {t.dtype}")
    return t


def broadcast_shape(fn, *shapes):
    """The broadcast of ``shapes``; RuntimeError naming the first pair that does not broadcast."""
    out = ()
    for s in shapes:
        try:
            out = np.broadcast_shapes(out, s)
        except ValueError:
            raise RuntimeError(f"{fn}: {broadcast_error(out, s)}") from None
    return tuple(out)


def warn_if_broadcast(input, target):
    """torch's UserWarning for the pointwise regression losses when the shapes differ."""
    if input.shape != target.shape:
        warnings.warn(f"Using a target size {tuple(target.shape)} that is different to the input size "
                      f"{tuple(input.shape)}. This will likely lead to incorrect results due to "
                      f"broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=5)  # points at the loss's caller


def constant_arg(fn, name, t):
    """A tensor torch does not differentiate (class weights): refuse requires_grad while recording."""
    if is_grad_enabled() and t.requires_grad:
        raise RuntimeError(f"{fn}: {name} is not differentiable (as in torch): pass a tensor with "
                           f"requires_grad=False (e.g. {name}.detach())")
    return t


def weight_not_enlarging(fn, name, weight, shape):
    """``weight`` broadcast with ``shape`` (the loss's shape) must keep it: RuntimeError otherwise."""
    out = broadcast_shape(fn, shape, weight.shape)
    if out != tuple(shape):
        raise RuntimeError(f"{fn}: {name} of shape {tuple(weight.shape)} would enlarge the loss: the output "
                           f"has shape {tuple(shape)} but the broadcast shape is {out}")
    return weight


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
