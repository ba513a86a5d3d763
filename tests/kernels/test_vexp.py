"""kernels/cpu/vexp.py: accuracy of vexp32/vexp64 over the whole range, special values, and that loops using them vectorise."""
import math
import re

import numpy as np
import pytest

numba = pytest.importorskip("numba")

from kernels.cpu.vexp import from_order_key, maxnum, order_key, vexp, vexp32, vexp64, vlog  # noqa: E402


@numba.njit
def _apply(x, out):
    for i in range(x.size):
        out[i] = vexp(x[i])


def _vexp(x):
    out = np.empty_like(x)
    _apply(x, out)
    return out


def _ulps(a, b):
    """Distance in units in the last place (exact for subnormals too; equal infs are 0 apart)."""
    ints = np.int32 if a.dtype == np.float32 else np.int64
    return np.abs(a.view(ints).astype(np.int64) - b.view(ints).astype(np.int64))


def test_vexp32_within_one_ulp_of_correctly_rounded_over_the_full_range():
    # every float32 from below the underflow to past the overflow threshold, 4 million samples
    x = np.linspace(-110.0, 90.0, 4_000_001).astype(np.float32)
    ours = _vexp(x)
    with np.errstate(over="ignore"):
        exact = np.exp(x.astype(np.float64)).astype(np.float32)  # correctly rounded, barring double rounding
    assert _ulps(ours, exact).max() <= 1
    # numpy's own float32 exp is up to 2 ulp off the correctly rounded result, so 3 is the bound here
    with np.errstate(over="ignore"):
        assert _ulps(ours, np.exp(x)).max() <= 3
    subnormal = x < -87.34
    assert (ours[subnormal] < np.finfo(np.float32).tiny).all() and (ours[x < -104] == 0).all()


def test_vexp32_near_the_thresholds():
    top = np.float32(88.72283)                                    # largest float32 with a finite exp
    x = np.array([np.nextafter(top, np.float32(0)), top, np.nextafter(top, np.float32(100)),
                  -87.33654, -103.278, -103.9720840454, -103.97209, -104.0], np.float32)
    with np.errstate(over="ignore"):
        exact = np.exp(x.astype(np.float64)).astype(np.float32)
    assert _ulps(_vexp(x), exact).max() <= 1
    assert np.isinf(_vexp(x)[2]) and np.isfinite(_vexp(x)[1])


def test_vexp64_within_one_ulp_of_numpy_and_of_mpmath():
    x = np.linspace(-760.0, 711.0, 2_000_001)
    with np.errstate(over="ignore"):
        assert _ulps(_vexp(x), np.exp(x)).max() <= 1
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    sample = np.concatenate([np.random.default_rng(0).uniform(-745, 709.7, 1500),
                             np.random.default_rng(1).uniform(-1, 1, 500)])
    exact = np.array([float(mpmath.exp(mpmath.mpf(float(v)))) for v in sample])
    assert _ulps(_vexp(sample), exact).max() <= 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_special_values(dtype):
    info = np.finfo(dtype)
    x = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, info.max, info.min,
                  info.tiny, -info.tiny, 1000.0, -1000.0, 1e30, -1e30], dtype)
    got = _vexp(x)
    with np.errstate(over="ignore"):
        want = np.exp(x)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got[:2], [np.nan, np.nan])
    exact = np.isinf(want) | (want == 0) | (want == 1)            # inf, 0 and exp(+-0) = 1 exactly
    np.testing.assert_array_equal(got[exact], want[exact])
    assert exact.sum() == 12 and _ulps(got[2:], want[2:]).max() <= 1    # exp(+-1) within 1 ulp


def test_scalar_functions_and_dtype_dispatch():
    assert vexp32(np.float32(1.0)) == np.float32(math.e)
    assert abs(vexp64(1.0) - math.e) <= math.ulp(math.e)
    assert vexp(np.float64(2.0)) == np.exp(2.0)                   # plain-Python fallback


def test_maxnum_ignores_nan():
    @numba.njit
    def row_max(v):
        m = v[0]
        for i in range(1, v.size):
            m = maxnum(m, v[i])
        return m

    assert row_max(np.array([np.nan, 1.0, 3.0, np.nan, 2.0])) == 3.0
    assert row_max(np.array([-np.inf, -np.inf], np.float32)) == -np.inf
    assert np.isnan(row_max(np.array([np.nan, np.nan])))
    x = np.random.default_rng(0).standard_normal(1001).astype(np.float32)
    x[::13] = np.nan
    assert row_max(x) == np.nanmax(x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_order_key_sorts_like_the_floats(dtype):
    @numba.njit
    def keys(v, out):
        for i in range(v.size):
            out[i] = order_key(v[i])
        return out

    @numba.njit
    def key_max(v):
        m = order_key(v[0])
        for i in range(1, v.size):
            m = max(m, order_key(v[i]))
        return from_order_key(m)

    info = np.finfo(dtype)
    v = np.concatenate([np.random.default_rng(0).standard_normal(500) * 10.0 ** np.arange(-250, 250) % 1e30,
                        [0.0, -0.0, np.inf, -np.inf, info.max, info.min, info.smallest_subnormal,
                         -info.smallest_subnormal, info.tiny, -info.tiny]]).astype(dtype)
    k = keys(v, np.empty(v.size, np.int32 if dtype == np.float32 else np.int64))
    order = np.argsort(k, kind="stable")
    assert (np.diff(v[order]) >= 0).all()                         # keys sort the floats
    np.testing.assert_array_equal(k, order_key(v))                # numba and numpy versions agree
    np.testing.assert_array_equal(from_order_key(k), v)
    assert key_max(v) == v.max()
    assert np.isnan(key_max(np.array([1.0, np.nan, 2.0], dtype)))          # nan (sign clear) sorts above +inf
    assert key_max(np.array([1.0, -np.nan, 2.0], dtype)) == 2.0           # sign set: below -inf


def test_loop_with_vexp_is_vectorised():
    """LLVM inlines vexp32 into the loop and emits packed instructions; math.exp would stay a libm call."""
    @numba.njit
    def loop(x, out):
        for i in range(x.size):
            out[i] = vexp32(x[i])

    x = np.linspace(-5, 5, 64).astype(np.float32)
    loop(x, np.empty_like(x))
    asm = loop.inspect_asm(loop.signatures[0])
    packed = re.findall(r"\b(?:v?mulps|v?addps|vfmadd\w*ps)\s+[^\n]*%[xyz]mm", asm)
    assert len(packed) >= 8, "no packed float32 arithmetic: the vexp loop did not vectorise"
    assert not re.search(r"\bexpf\b", asm)


@numba.njit
def _apply_log(x, out):
    for i in range(x.size):
        out[i] = vlog(x[i])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vlog_within_two_ulp_of_the_exact_log_for_normal_positive_inputs(dtype):
    tiny, big = np.finfo(dtype).tiny, np.finfo(dtype).max
    x = np.concatenate([np.geomspace(tiny, big / 16, 200001), np.linspace(0.5, 2.0, 100001)]).astype(dtype)
    ours = np.empty_like(x)
    _apply_log(x, ours)
    exact = np.log(x.astype(np.longdouble))
    err = np.abs(ours.astype(np.longdouble) - exact) / np.spacing(np.abs(exact).astype(dtype)).astype(np.longdouble)
    assert np.nanmax(err) <= 2
