"""Special functions as primitives: ``Erf`` (needed by the exact GELU).

Erf exists as a primitive because it is not composable from the other primitives;
its forward runs the numba kernel in ``kernels/special_cpu.py`` (imported on first use).
"""
import math

import numpy as np

from tinygrad_losses.autograd import Function

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf_array(B, x):
    kernel = getattr(B, "erf", None)  # a device backend may bring its own
    if kernel is not None:
        return kernel(x)
    from kernels.special_cpu import erf
    if x.dtype in (np.float32, np.float64):
        return erf(x)
    return erf(x.astype(np.float32)).astype(x.dtype)  # float16: compute in float32


class Erf(Function):
    """erf(x) = 2/sqrt(pi) ∫_0^x exp(-t²) dt; d/dx erf(x) = 2/sqrt(pi)·exp(-x²)."""

    def forward(self, B, x):
        return _erf_array(B, x)

    def backward(self, g):
        x = self.parents[0]
        return g * (_TWO_OVER_SQRT_PI * (-(x * x)).exp())


def erf(input):
    """The error function of a tensor, elementwise (torch.erf); integer inputs are computed in float32."""
    return Erf.apply(input._float())
