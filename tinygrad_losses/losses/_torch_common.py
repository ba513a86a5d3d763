"""Argument checks shared by the PyTorch loss families (regression, classification, distribution).

Each raises torch's error type with our own message: the function, the argument, what was
expected and what was received.
"""
import warnings

import numpy as np

from tinygrad_losses import dtypes
from tinygrad_losses.autograd import is_grad_enabled
from tinygrad_losses.tensor import Tensor, broadcast_error


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
