"""Scalar primitives that LLVM can vectorise inside numba loops: ``vexp32``, ``vexp64``, ``vexp``,
``vlog32``/``vlog64``/``vlog`` (for normal positive inputs), ``maxnum``, ``order_key``/``from_order_key``.

numba lowers ``math.exp``/``np.exp`` to a libm call, which keeps the loop
around it scalar. ``vexp32``/``vexp64`` are plain arithmetic instead:

    x = k*ln2 + r,   k = round(x / ln2),   |r| <= ln2/2
    exp(x) = 2**k * exp(r),   exp(r) ~= 1 + r + r*r*Q(r)

* ``k*ln2`` is subtracted in two pieces (Cody-Waite): ``LN2_HI`` has enough
  trailing zero bits that ``k*LN2_HI`` is exact, ``LN2_LO`` is the remainder.
* ``k`` is rounded with the "magic number" trick: ``t = x/ln2 + 1.5*2**m``
  (m mantissa bits) pushes the fraction out of the mantissa, so ``t - 1.5*2**m``
  is ``k`` as a float and the low bits of ``t`` are ``k`` as an integer (no
  float-to-int conversion, which would need a guard against nan). Valid
  because ``x`` is clamped first.
* ``Q`` is a Chebyshev fit of ``(exp(r) - 1 - r)/r**2`` on ``[-ln2/2, ln2/2]``
  (computed once with ``mpmath.chebyfit``, 50 digits); relative error of
  ``1 + r + r*r*Q``: 1.0e-8 (float32, degree 4; a fifth of an ulp) and
  2.4e-19 (float64, degree 10), so the result is within 1 ulp of the true value.
* ``2**k`` is built from its bits (``(k + bias) << mantissa_bits`` viewed as a
  float). It is applied as two factors ``2**(k//2) * 2**(k - k//2)`` so that
  both are normal numbers over the whole clamped range: results that overflow
  become inf and results in the subnormal range are rounded once, like libm.

Special values: ``nan -> nan``, ``+inf -> inf``, ``-inf -> 0`` (the clamps
compare false on nan, so nan flows through the arithmetic).

Floating-point flags: only ``contract`` (fused multiply-add), which can only
make each step more exact. These functions must never be compiled with
``reassoc``: it would fold the magic-number rounding and the Cody-Waite split.
That is why they are *not* ``inline='always'`` at the numba level (numba's IR
inlining would compile them under the caller's flags); LLVM inlines them into
the calling loop anyway and keeps their per-instruction flags, and the loop
vectorises (``tests/kernels/test_vexp.py`` checks both).

``maxnum(a, b)`` is LLVM's ``llvm.maxnum``: IEEE maxNum, i.e. max that
ignores a nan operand. LLVM vectorises a ``maxnum`` reduction without any
fast-math flag, where ``m = v if v > m else m`` stays scalar. Callers must
detect nan some other way (the CTC kernel, its one user, through the sum of
exponentials; the row kernels take their max over ``order_key`` instead).

``order_key(x)`` is an integer of x's width whose signed order is the order of
the floats (the IEEE bits, with the magnitude bits flipped for negative
numbers); ``from_order_key`` inverts it. A max over keys is an integer max,
which LLVM vectorises and interleaves freely (twice as fast as the ``maxnum``
reduction, whose nan checks keep it to one vector at a time). A nan with the
sign bit clear (numpy's and torch's nan) sorts above +inf, one with it set
below -inf.
"""
import math

import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic, overload

from kernels._jit import jit

_LOG2E = 1.4426950408889634

# ---- float32 ---------------------------------------------------------------------------------
_F32_HI = np.float32(89.0)      # exp(x) = inf for x > 88.7228...; k <= 128 keeps 2**(k/2) normal
_F32_LO = np.float32(-112.0)    # exp(x) < 2**-150 rounds to 0 for x < -103.98; k >= -162
_F32_MAGIC = np.float32(12582912.0)             # 1.5 * 2**23
_F32_LN2_HI = np.float32(0.693359375)           # 355/512: 9 significant bits, k*LN2_HI exact
_F32_LN2_LO = np.float32(-2.12194440e-4)        # ln2 - LN2_HI
_F32_MAGIC_BITS = np.int32(0x4B400000)          # the bits of _F32_MAGIC
_F32_Q0 = np.float32(0.5)
_F32_Q1 = np.float32(0.166665770255979881901)
_F32_Q2 = np.float32(0.04166655466205053398182)
_F32_Q3 = np.float32(0.008363173074513710902814)
_F32_Q4 = np.float32(0.001392617611993557888363)
_F32_LOG2E = np.float32(_LOG2E)


@jit(fastmath={"contract"})
def vexp32(x):
    """exp(x) for a float32 scalar, branch-free and vectorisable (within 1 ulp)."""
    x = _F32_HI if x > _F32_HI else x
    x = _F32_LO if x < _F32_LO else x
    t = x * _F32_LOG2E + _F32_MAGIC
    k = t - _F32_MAGIC                                  # round(x / ln2)
    r = (x - k * _F32_LN2_HI) - k * _F32_LN2_LO
    q = _F32_Q4 * r + _F32_Q3
    q = q * r + _F32_Q2
    q = q * r + _F32_Q1
    q = q * r + _F32_Q0
    p = (q * (r * r) + r) + np.float32(1.0)
    ki = np.int32(np.float32(t).view(np.int32) - _F32_MAGIC_BITS)     # round(x / ln2) again
    k1 = ki >> 1
    s1 = np.int32((k1 + 127) << 23).view(np.float32)
    s2 = np.int32((ki - k1 + 127) << 23).view(np.float32)
    return (p * s1) * s2


# ---- float64 ---------------------------------------------------------------------------------
_F64_HI = 710.0                 # exp(x) = inf for x > 709.78...; k <= 1024
_F64_LO = -760.0                # exp(x) < 2**-1075 rounds to 0 for x < -745.14; k >= -1097
_F64_MAGIC = 6755399441055744.0                 # 1.5 * 2**52
_F64_MAGIC_BITS = np.int64(0x4338000000000000)  # its bits
_F64_LN2_HI = 0.693145751953125                 # 20 significant bits, k*LN2_HI exact
_F64_LN2_LO = 1.42860682030941723212e-06        # ln2 - LN2_HI
_F64_Q = (0.5, 0.16666666666666670986, 0.041666666666666669752, 0.008333333333326140884,
          0.0013888888888883752417, 0.00019841269874800491981, 0.000024801587325533363819,
          2.7557255425746434282e-6, 2.7557273661348636219e-7, 2.5105206373957011116e-8,
          2.09146793765839351e-9)
_F64_Q0, _F64_Q1, _F64_Q2, _F64_Q3, _F64_Q4, _F64_Q5, _F64_Q6, _F64_Q7, _F64_Q8, _F64_Q9, _F64_Q10 = _F64_Q


@jit(fastmath={"contract"})
def vexp64(x):
    """exp(x) for a float64 scalar, branch-free and vectorisable (within 1 ulp)."""
    x = _F64_HI if x > _F64_HI else x
    x = _F64_LO if x < _F64_LO else x
    t = x * _LOG2E + _F64_MAGIC
    k = t - _F64_MAGIC
    r = (x - k * _F64_LN2_HI) - k * _F64_LN2_LO
    q = _F64_Q10 * r + _F64_Q9
    q = q * r + _F64_Q8
    q = q * r + _F64_Q7
    q = q * r + _F64_Q6
    q = q * r + _F64_Q5
    q = q * r + _F64_Q4
    q = q * r + _F64_Q3
    q = q * r + _F64_Q2
    q = q * r + _F64_Q1
    q = q * r + _F64_Q0
    p = (q * (r * r) + r) + 1.0
    ki = np.float64(t).view(np.int64) - _F64_MAGIC_BITS
    k1 = ki >> 1
    s1 = np.int64((k1 + 1023) << 52).view(np.float64)
    s2 = np.int64((ki - k1 + 1023) << 52).view(np.float64)
    return (p * s1) * s2


# ---- log, vectorisable, for normal, positive, finite inputs (CTC's row-shifted sums) ----
# v = 2**e * m with m in [sqrt(1/2), sqrt(2)) (the exponent field is shifted so that mantissas
# >= sqrt(2) carry into it); f = m - 1 (exact); with s = f / (2 + f), log(1 + f) = 2 atanh(s)
# = f - s (f - R(s*s)), R(z) = sum_k 2 z**k / (2k + 1) (|s| <= 0.1716: 4 terms reach float32's
# precision, 10 float64's); log(v) = e ln2 + log(1 + f), ln2 split in two so that e*LN2_HI is
# exact (the Cody-Waite constants of vexp). Max error measured: 0.92 ulp (float32), 1.13 ulp (float64). Only the ``contract``
# flag (FMA), as for vexp: no reassociation. error_model="numpy": python's
# ZeroDivisionError check on the division (never zero here) would keep the loops scalar.
_SQH32 = int(np.float32(math.sqrt(0.5)).view(np.int32))
_OFF32 = np.int32(0x3F800000 - _SQH32)
_SQH32 = np.int32(_SQH32)
_MANT32 = np.int32(0x007FFFFF)
_R32 = tuple(np.float32(2.0 / (2 * k + 1)) for k in range(1, 5))
_R32_1, _R32_2, _R32_3, _R32_4 = _R32
_SQH64 = int(np.float64(math.sqrt(0.5)).view(np.int64))
_OFF64 = np.int64(0x3FF0000000000000 - _SQH64)
_SQH64 = np.int64(_SQH64)
_MANT64 = np.int64(0x000FFFFFFFFFFFFF)
_R64 = tuple(2.0 / (2 * k + 1) for k in range(1, 11))
_R64_1, _R64_2, _R64_3, _R64_4, _R64_5, _R64_6, _R64_7, _R64_8, _R64_9, _R64_10 = _R64


@jit(fastmath={"contract"}, error_model="numpy")
def vlog32(v):
    """log(v) for a normal, positive, finite float32 (branch-free, vectorisable)."""
    ix = np.int32(np.float32(v).view(np.int32) + _OFF32)
    e = np.float32((ix >> 23) - 127)
    f = np.int32((ix & _MANT32) + _SQH32).view(np.float32) - np.float32(1.0)
    s = f / (np.float32(2.0) + f)
    z = s * s
    r = _R32_4 * z + _R32_3
    r = r * z + _R32_2
    r = r * z + _R32_1
    return e * _F32_LN2_HI + ((f - s * (f - r * z)) + e * _F32_LN2_LO)


@jit(fastmath={"contract"}, error_model="numpy")
def vlog64(v):
    """log(v) for a normal, positive, finite float64 (branch-free, vectorisable)."""
    ix = np.int64(np.float64(v).view(np.int64) + _OFF64)
    e = np.float64((ix >> 52) - 1023)
    f = np.int64((ix & _MANT64) + _SQH64).view(np.float64) - 1.0
    s = f / (2.0 + f)
    z = s * s
    r = _R64_10 * z + _R64_9
    r = r * z + _R64_8
    r = r * z + _R64_7
    r = r * z + _R64_6
    r = r * z + _R64_5
    r = r * z + _R64_4
    r = r * z + _R64_3
    r = r * z + _R64_2
    r = r * z + _R64_1
    return e * _F64_LN2_HI + ((f - s * (f - r * z)) + e * _F64_LN2_LO)


def vlog(v):
    """log(v); in numba code it resolves to ``vlog32``/``vlog64`` by the argument's type."""
    return np.log(v)


@overload(vlog)
def _vlog_overload(v):
    if v == types.float32:
        return lambda v: vlog32(v)
    if v == types.float64:
        return lambda v: vlog64(v)
    return None


# ---- dtype-generic entry points for kernels --------------------------------------------------
def vexp(x):
    """exp(x); in numba code it resolves to ``vexp32``/``vexp64`` by the argument's type."""
    return np.exp(x)


@overload(vexp)
def _vexp_overload(x):
    if x == types.float32:
        return lambda x: vexp32(x)
    if x == types.float64:
        return lambda x: vexp64(x)
    return None


@intrinsic
def maxnum(typingctx, a, b):
    """IEEE maxNum of two floats of one type (a nan operand is ignored); vectorisable as a reduction."""
    if not (isinstance(a, types.Float) and a == b):
        return None

    def codegen(context, builder, sig, args):
        llty = context.get_value_type(sig.return_type)
        fn = builder.module.declare_intrinsic("llvm.maxnum", [llty], ir.FunctionType(llty, [llty, llty]))
        return builder.call(fn, args)

    return a(a, b), codegen


def order_key(x):
    """Integer whose order is the order of the float x (see the module docstring)."""
    bits = np.asarray(x).view(np.int32 if np.asarray(x).dtype == np.float32 else np.int64)
    return bits ^ ((bits >> (8 * bits.itemsize - 1)) & np.iinfo(bits.dtype).max)


def from_order_key(k):
    """The float whose ``order_key`` is k."""
    k = np.asarray(k)
    return (k ^ ((k >> (8 * k.itemsize - 1)) & np.iinfo(k.dtype).max)).view(np.float32 if k.itemsize == 4 else np.float64)


@overload(order_key)
def _order_key_overload(x):
    if x == types.float32:
        def key32(x):                       # (numba widens int32 arithmetic: cast back)
            b = np.float32(x).view(np.int32)
            return np.int32(b ^ ((b >> 31) & 0x7FFFFFFF))
        return key32
    if x == types.float64:
        def key64(x):
            b = np.float64(x).view(np.int64)
            return b ^ ((b >> 63) & 0x7FFFFFFFFFFFFFFF)
        return key64
    return None


@overload(from_order_key)
def _from_order_key_overload(k):
    if k == types.int32:
        return lambda k: np.int32(k ^ ((k >> 31) & 0x7FFFFFFF)).view(np.float32)
    if k == types.int64:
        return lambda k: np.int64(k ^ ((k >> 63) & 0x7FFFFFFFFFFFFFFF)).view(np.float64)
    return None
