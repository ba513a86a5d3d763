"""Activations composed from primitives (plus Softplus, a primitive for stability)."""
import math

from tinygrad_losses.autograd import Function
from tinygrad_losses.ops.special import erf
from tinygrad_losses.tensor import where


class Softplus(Function):
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|) (np.logaddexp(0, z)): no overflow for large z,
    full precision for very negative z; the derivative is sigmoid(z)."""

    def forward(self, B, z):
        return B.softplus(z)

    def backward(self, g):
        return g * self.parents[0].sigmoid()


def softplus(input, beta=1.0, threshold=20.0):
    """(1/beta)·log(1 + exp(beta·x)), and x itself where beta·x > threshold (torch's rule)."""
    z = input._float() * beta if beta != 1 else input._float()
    soft = Softplus.apply(z)
    if beta != 1:
        soft = soft / beta
    return where(z > threshold, input._float(), soft)


def logsigmoid(input):
    """log σ(x) = −softplus(−x), finite for every finite x."""
    return -Softplus.apply(-input._float())


def relu(input):
    return input.relu()


def leaky_relu(input, negative_slope=0.01):
    """x where x > 0, negative_slope·x elsewhere (the gradient at 0 is negative_slope, as in torch)."""
    return where(input > 0, input, input * negative_slope)


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def gelu(input, approximate="none"):
    """x·Φ(x) = x/2·(1 + erf(x/√2)); approximate='tanh': x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    if approximate == "none":
        return input * 0.5 * (1 + erf(input * (1 / math.sqrt(2))))
    if approximate == "tanh":
        return input * 0.5 * (1 + (math.sqrt(2 / math.pi) * (input + 0.044715 * input * input * input)).tanh())
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input):
    """x·σ(x) (the swish)."""
    return input * input.sigmoid()


def elu(input, alpha=1.0):
    """x where x > 0, alpha·(eˣ − 1) elsewhere. The exponential sees min(x, 0), so large x cannot
    overflow it (an inf there would turn the unselected branch's zero gradient into nan)."""
    return where(input > 0, input, alpha * input.clamp(max=0).expm1())


__all__ = ["softplus", "logsigmoid", "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "silu", "elu"]
