"""The one place where broadcasting is undone: gradients are summed back to their operand's shape.

``sum_to_shape`` works on Tensors (so it is differentiable, for create_graph=True);
``sum_array_to_shape`` is the same rule on raw arrays, for the ``backward_arrays`` rules.
"""


def _stretched_axes(grad_shape, shape):
    """The axes of ``grad_shape`` that broadcasting added in front of ``shape`` or stretched from 1."""
    lead = len(grad_shape) - len(shape)
    return tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and grad_shape[lead + i] != 1)


def sum_to_shape(grad, shape):
    """Sum the Tensor ``grad`` over the axes that broadcasting added or stretched, so it has ``shape``."""
    if grad.shape == shape:
        return grad
    axes = _stretched_axes(grad.shape, shape)
    if axes:
        grad = grad.sum(axes, keepdim=True)
    return grad.reshape(shape) if grad.shape != shape else grad


def sum_array_to_shape(B, grad, shape):
    """``sum_to_shape`` on a raw array of backend ``B``."""
    if grad.shape == shape:
        return grad
    axes = _stretched_axes(grad.shape, shape)
    return B.reshape(B.sum(grad, axes, True) if axes else grad, shape)
