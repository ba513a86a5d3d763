"""numba kernel for erf (imported lazily by ``tinygrad_losses/ops/special.py``).

``math.erf`` is the C library's erf, correctly rounded to within an ulp in float64;
numba compiles the scalar call into a vectorised loop over the array.
"""
import math

import numba


def _erf(v):
    return math.erf(v)


try:
    erf = numba.vectorize(["float32(float32)", "float64(float64)"], cache=True)(_erf)
except RuntimeError:  # no writable cache directory: compile without a cache
    erf = numba.vectorize(["float32(float32)", "float64(float64)"])(_erf)
