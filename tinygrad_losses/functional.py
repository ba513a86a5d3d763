"""torch.nn.functional for tinygrad-losses: activations and every loss, composed from Tensor ops.

Each loss family lives in its own file under ``tinygrad_losses/losses/``; this module
re-exports them (families are added here as they land).
"""
from tinygrad_losses.activations import softplus, logsigmoid, relu, leaky_relu, sigmoid, tanh  # noqa: F401
from tinygrad_losses.creation import one_hot  # noqa: F401


def softmax(input, dim, dtype=None):
    return input.softmax(dim, dtype)


def log_softmax(input, dim, dtype=None):
    return input.log_softmax(dim, dtype)
