"""numba kernel for erf (imported lazily by ``tinygrad_losses/ops/special.py``).

``math.erf`` is the C library's erf, correctly rounded to within an ulp in float64;
numba compiles the scalar call into one loop over the (flattened, contiguous) array.
"""
import math

import numpy as np

from kernels._jit import jit

_u = np.uint64  # unsigned indices: see the note in kernels/cpu/rowwise_numba.py


@jit()
def _erf_flat(x, out):
    for i in range(_u(x.size)):
        out[i] = math.erf(x[i])


def erf(x):
    """erf of a float32/float64 array, elementwise, in its dtype."""
    x = np.ascontiguousarray(x)
    out = np.empty_like(x)
    _erf_flat(x.reshape(-1), out.reshape(-1))
    return out
