"""Special functions as primitives: ``Erf`` (needed by the exact GELU).

Erf exists as a primitive because it is not composable from the other primitives;
its forward is the backend's ``erf`` (on the CPU the numba kernel in ``kernels/cpu/special.py``,
imported on first use).
"""
import math

from tinygrad_losses.autograd import Function

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Erf(Function):
    """erf(x) = 2/sqrt(pi) ∫_0^x exp(-t²) dt; d/dx erf(x) = 2/sqrt(pi)·exp(-x²)."""

    def forward(self, B, x):
        return B.erf(x)

    def backward(self, g):
        x = self.parents[0]
        return g * (_TWO_OVER_SQRT_PI * (-(x * x)).exp())


def erf(input):
    """The error function of a tensor, elementwise (torch.erf); integer inputs are computed in float32."""
    return Erf.apply(input._float())
