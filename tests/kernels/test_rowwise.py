"""kernels/cpu/rowwise.py: the softmax family along any axis, numpy path and numba path, against torch.

Each test runs on both paths by moving the size threshold (``path`` fixture).
"""
import subprocess
import sys

import numpy as np
import pytest

from kernels import config
from kernels.cpu import rowwise

TOL = {np.float32: 2e-6, np.float64: 1e-12}
SHAPES = [((50,), 0), ((7, 33), -1), ((33, 7), 0), ((3, 40, 5), 1), ((2, 3, 4, 150), -2), ((2, 1, 3), 1),
          ((3, 2100), 0)]


def _torch():
    return pytest.importorskip("torch")


@pytest.fixture(params=["numpy", "numba"])
def path(request, monkeypatch):
    """Route every call through one path: threshold above everything, or 0."""
    if request.param == "numba":
        pytest.importorskip("numba")
    monkeypatch.setattr(rowwise, "NUMBA_MIN_SIZE", 0 if request.param == "numba" else 1 << 62)
    return request.param


def _close(ours, ref, rtol, scale):
    """|ours - ref| <= rtol * (|ref| + scale): relative, plus rounding of the terms that cancelled."""
    ref = np.asarray(ref)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=rtol * scale)


def _inputs(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 4).astype(dtype), rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,axis", SHAPES)
def test_forward_matches_torch(path, shape, axis, dtype):
    torch = _torch()
    x, _ = _inputs(shape, dtype)
    tx, rtol = torch.from_numpy(x), TOL[dtype]
    scale = np.abs(x).max()
    _close(rowwise.logsumexp(x, axis), torch.logsumexp(tx, axis).numpy(), rtol, scale)
    _close(rowwise.logsumexp(x, axis, keepdims=True), torch.logsumexp(tx, axis, keepdim=True).numpy(), rtol, scale)
    _close(rowwise.log_softmax(x, axis), torch.log_softmax(tx, axis).numpy(), rtol, scale)
    _close(rowwise.softmax(x, axis), torch.softmax(tx, axis).numpy(), rtol, 1e-3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,axis", SHAPES)
def test_backward_matches_torch(path, shape, axis, dtype):
    torch = _torch()
    x, g = _inputs(shape, dtype)
    rtol, tg = TOL[dtype], torch.from_numpy(g)
    for ours_fwd, ours_bwd, op in ((rowwise.log_softmax, rowwise.log_softmax_backward, torch.log_softmax),
                                   (rowwise.softmax, rowwise.softmax_backward, torch.softmax)):
        tx = torch.from_numpy(x).requires_grad_()
        op(tx, axis).backward(tg)
        # the terms of grad - exp(out) * sum(grad) are up to |sum(grad)| in size
        scale = np.abs(g).max() * x.shape[axis]
        _close(ours_bwd(g, ours_fwd(x, axis), axis), tx.grad.numpy(), rtol, scale)


def _special_rows(dtype):
    """Rows that exercise every special case (length 70: the vector loops and their remainders)."""
    x = np.random.default_rng(3).standard_normal((13, 70)).astype(dtype)
    x[1, 5] = np.inf                                   # +inf: (log_)softmax nan, logsumexp inf
    x[2, :] = -np.inf                                  # all -inf: nan, logsumexp -inf
    x[3, 60] = np.nan                                  # nan anywhere: nan
    x[4, 0], x[4, 1] = np.inf, -np.inf
    x[5, :69] = -np.inf                                # one finite entry
    x[6, 0], x[6, 1] = 1e4, -1e4                       # far apart
    x[7, :] = 1e4
    x[8, :] = np.nan
    x[9, 10], x[9, 20] = np.inf, np.inf
    x[10, :] = -np.inf
    x[10, 69] = np.nan
    x[11, 0], x[11, 1] = np.inf, np.nan
    x[12, 33] = -np.nan                                # nan with the sign bit set
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("axis", [1, 0])
def test_special_values_match_torch(path, dtype, axis):
    torch = _torch()
    x = _special_rows(dtype)
    x = np.ascontiguousarray(x.T) if axis == 0 else x    # axis 0 runs the column kernels
    tx = torch.from_numpy(x)
    with np.errstate(all="ignore"):
        for ours, ref in ((rowwise.logsumexp(x, axis), torch.logsumexp(tx, axis)),
                          (rowwise.log_softmax(x, axis), torch.log_softmax(tx, axis)),
                          (rowwise.softmax(x, axis), torch.softmax(tx, axis))):
            np.testing.assert_allclose(ours, ref.numpy(), rtol=TOL[dtype], atol=TOL[dtype] * 1e4)
            np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref.numpy()))
        # backward with torch's own (special) forward outputs
        g = np.random.default_rng(4).standard_normal(x.shape).astype(dtype)
        g[0, 0] = np.inf
        tg = torch.from_numpy(g)
        for ours_bwd, ref_bwd, fwd in ((rowwise.log_softmax_backward, torch._log_softmax_backward_data, torch.log_softmax),
                                       (rowwise.softmax_backward, torch._softmax_backward_data, torch.softmax)):
            out = fwd(tx, axis)
            ours, ref = ours_bwd(g, out.numpy(), axis), ref_bwd(tg, out, axis, tx.dtype).numpy()
            np.testing.assert_allclose(ours, ref, rtol=TOL[dtype], atol=TOL[dtype] * 100)
            np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))


def test_reference_log_softmax_of_inf_is_nan_like_torch(path):
    np.testing.assert_array_equal(rowwise.log_softmax(np.array([np.inf, 0.0]), 0), [np.nan, np.nan])
    np.testing.assert_array_equal(rowwise.logsumexp(np.array([np.inf, 0.0]), 0), np.inf)
    np.testing.assert_array_equal(rowwise.logsumexp(np.array([-np.inf, -np.inf]), 0), -np.inf)


def test_scalar_input_is_a_one_element_row(path):
    x = np.float32(2.5)
    assert rowwise.logsumexp(x, 0) == np.float32(2.5) and rowwise.logsumexp(x, -1, keepdims=True).shape == ()
    assert rowwise.log_softmax(x, -1) == 0 and rowwise.log_softmax(x, 0).shape == ()
    assert rowwise.softmax(x, 0) == 1 and rowwise.softmax(x, 0).dtype == np.float32
    assert rowwise.log_softmax_backward(np.float32(3.0), np.float32(0.0), 0) == 0
    assert rowwise.softmax_backward(np.float32(3.0), np.float32(1.0), 0) == 0
    with pytest.raises(IndexError):
        rowwise.log_softmax(x, 1)


def test_empty_axis_and_empty_batch(path):
    torch = _torch()
    for shape, axis in (((3, 0), 1), ((0, 4), 1), ((0, 4), 0)):
        x = np.zeros(shape, np.float32)
        np.testing.assert_array_equal(rowwise.logsumexp(x, axis), torch.logsumexp(torch.from_numpy(x), axis).numpy())
        assert rowwise.log_softmax(x, axis).shape == shape and rowwise.softmax(x, axis).shape == shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_non_contiguous_input(path, dtype):
    torch = _torch()
    base, g = _inputs((40, 90), dtype)
    x = base[::2, 5:80:3]                                  # strided in both axes
    for axis in (0, 1, -1):
        _close(rowwise.log_softmax(x, axis), torch.log_softmax(torch.from_numpy(x.copy()), axis).numpy(), TOL[dtype], 4)
        _close(rowwise.logsumexp(x, axis), torch.logsumexp(torch.from_numpy(x.copy()), axis).numpy(), TOL[dtype], 4)
        out = rowwise.softmax(x, axis)
        _close(rowwise.softmax_backward(g[::2, 5:80:3], out[:, ::-1][:, ::-1], axis),
               rowwise.softmax_backward(np.ascontiguousarray(g[::2, 5:80:3]), out.copy(), axis), TOL[dtype], 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numba_path_matches_numpy_path(monkeypatch, dtype):
    """The two paths agree over many random shapes and axes (the numpy path being the reference)."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(7)
    for _ in range(25):
        ndim = int(rng.integers(1, 5))
        shape = tuple(int(n) for n in rng.integers(1, 9, ndim) ** rng.integers(1, 3, ndim))
        axis = int(rng.integers(-ndim, ndim))
        x, g = _inputs(shape, dtype, seed=int(rng.integers(1 << 30)))
        res = {}
        for threshold in (1 << 62, 0):
            monkeypatch.setattr(rowwise, "NUMBA_MIN_SIZE", threshold)
            y = rowwise.log_softmax(x, axis)
            s = rowwise.softmax(x, axis)
            res[threshold] = (rowwise.logsumexp(x, axis), y, s, rowwise.log_softmax_backward(g, y, axis),
                              rowwise.softmax_backward(g, s, axis))
        for ours, ref in zip(res[0], res[1 << 62]):
            _close(ours, ref, 4 * TOL[dtype], np.abs(g).max() * x.shape[axis] + np.abs(x).max())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_column_kernels_agree_for_any_block(dtype):
    """Tasks of any block of inner indices, the last one partial, give the whole-row results."""
    pytest.importorskip("numba")
    from kernels.cpu import rowwise_numba as k
    x, g = _inputs((3, 20, 37), dtype)
    y, s = rowwise._np_log_softmax(x, 1), rowwise._np_softmax(x, 1)
    want = [rowwise._np_logsumexp(x, 1), y, s, rowwise._np_log_softmax_backward(g, y, 1),
            rowwise._np_softmax_backward(g, s, 1)]
    for blk in (1, 7, 16, 37):
        got = [np.empty((3, 37), dtype)] + [np.empty_like(x) for _ in range(4)]
        k._logsumexp_cols(x, got[0], blk)
        k._log_softmax_cols(x, got[1], blk)
        k._softmax_cols(x, got[2], blk)
        k._log_softmax_backward_cols(g, y, got[3], blk)
        k._softmax_backward_cols(g, s, got[4], blk)
        for ours, ref in zip(got, want):
            _close(ours, ref, 4 * TOL[dtype], 100)


def test_big_inputs_take_the_numba_path_and_small_ones_do_not(monkeypatch):
    pytest.importorskip("numba")
    from kernels.cpu import rowwise_numba
    calls = []
    real = rowwise_numba.log_softmax
    monkeypatch.setattr(rowwise_numba, "log_softmax", lambda x, axis: calls.append(x.size) or real(x, axis))
    n = config.NUMBA_MIN_SIZE
    rowwise.log_softmax(np.zeros(n, np.float32), 0)
    rowwise.log_softmax(np.zeros(n - 1, np.float32), 0)
    rowwise.log_softmax(np.zeros(n, np.float16), 0)           # not a kernel dtype
    assert calls == [n]


def test_importing_rowwise_does_not_import_numba():
    code = "import sys, kernels.cpu.rowwise; assert 'numba' not in sys.modules, 'numba imported'"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": ":".join(sys.path)})


def test_output_dtype_follows_input(path):
    for dtype in (np.float32, np.float64):
        x = np.ones((3, 8), dtype)
        assert rowwise.log_softmax(x, 1).dtype == dtype and rowwise.logsumexp(x, 0).dtype == dtype
        assert rowwise.log_softmax_backward(x, x, 1).dtype == dtype
