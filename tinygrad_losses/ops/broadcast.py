"""The one place where broadcasting is undone: gradients are summed back to their operand's shape.

Also the helpers of the first-order fast path: while no graph of the backward is being built
(a plain ``backward()``), backward rules may work on arrays directly, skipping the Tensor-op
machinery; with create_graph=True they use Tensor ops so the result can be differentiated.
"""
from tinygrad_losses import autograd
from tinygrad_losses.tensor import Tensor


def first_order():
    """True while a plain backward runs (no graph of the backward is being built)."""
    return not autograd._grad_enabled


def wrap(array, like):
    """A constant Tensor of ``array`` on ``like``'s device (for first-order backward rules)."""
    return Tensor._make(array, like._device, False, like._backend)


def sum_to_shape(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, so it has ``shape``.

    In a plain backward it works on the array; otherwise with Tensor ops, so that it is
    differentiable (create_graph=True).
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and grad.shape[lead + i] != 1)
    if first_order():
        B = grad._backend
        summed = B.sum(grad._data, axes, True) if axes else grad._data
        return wrap(B.reshape(summed, shape), grad)
    if axes:
        grad = grad.sum(axes, keepdim=True)
    return grad.reshape(shape) if grad.shape != shape else grad
