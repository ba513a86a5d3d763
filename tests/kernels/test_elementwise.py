"""kernels/cpu/backend.py's MLP steps: relu, its backward and the linear layer's bias add run as numba kernels
from config.NUMBA_MIN_SIZE elements on, numpy below; both paths must give the same arrays, with
torch's special values."""
import numpy as np
import pytest

pytest.importorskip("numba")
from kernels.cpu import backend as cpu, rowwise  # noqa: E402

DTYPES = [np.float32, np.float64]


@pytest.fixture(params=["numba", "numpy"])
def path(request, monkeypatch):
    monkeypatch.setattr(rowwise, "NUMBA_MIN_SIZE", 0 if request.param == "numba" else 1 << 62)
    return request.param


def _special(shape, dtype, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[:6] = [np.nan, np.inf, -np.inf, 0.0, -0.0, -np.nan]
    return x


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_keeps_nan_and_zeroes_negatives(path, dtype):
    x = _special((7, 9), dtype)
    before = x.copy()
    out = cpu.relu(x)
    np.testing.assert_array_equal(x, before)                     # the input is not touched
    assert out.dtype == x.dtype and out.shape == x.shape
    expected = np.where(np.isnan(x), x, np.where(x > 0, x, 0))
    np.testing.assert_array_equal(out, expected)
    assert not np.signbit(out[~np.isnan(out)]).any()             # relu(-0.0) is +0.0 on both paths


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_backward_is_torchs_threshold_backward(path, dtype):
    out = cpu.relu(_special((7, 9), dtype, seed=1))
    g = np.random.default_rng(2).standard_normal(out.shape).astype(dtype)
    g.reshape(-1)[3] = np.inf                                    # an infinite gradient where out == 0 -> 0, not nan
    got = cpu.relu_backward(g, out)
    assert got.dtype == g.dtype
    np.testing.assert_array_equal(got, np.where(out <= 0, 0, g))  # nan output passes its gradient
    assert got.reshape(-1)[3] == 0 and got.reshape(-1)[0] == g.reshape(-1)[0]


def test_relu_backward_matches_torch(path):
    torch = pytest.importorskip("torch")
    x = _special((5, 8), np.float32, seed=3)
    g = np.random.default_rng(4).standard_normal(x.shape).astype(np.float32)
    tx = torch.from_numpy(x).requires_grad_()
    torch.relu(tx).backward(torch.from_numpy(g))
    np.testing.assert_array_equal(cpu.relu_backward(g, cpu.relu(x)), tx.grad.numpy())
    np.testing.assert_array_equal(cpu.relu(x), torch.relu(torch.from_numpy(x)).numpy())


def test_non_contiguous_and_other_dtypes_take_numpy(monkeypatch):
    monkeypatch.setattr(rowwise, "NUMBA_MIN_SIZE", 0)
    x = _special((6, 8), np.float32)[:, ::2]                    # a strided view
    np.testing.assert_array_equal(cpu.relu(x), np.where(np.isnan(x), x, np.maximum(x, 0)))
    ints = np.array([[-2, 3], [0, -1]])
    np.testing.assert_array_equal(cpu.relu(ints), [[0, 3], [0, 0]])
    assert cpu.relu(ints).dtype == ints.dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_adds_the_bias_like_numpy(path, dtype):
    rng = np.random.default_rng(5)
    x, w, b = (rng.standard_normal(s).astype(dtype) for s in ((33, 4), (6, 4), (6,)))
    np.testing.assert_array_equal(cpu.linear(x, w, b), x @ w.T + b)
    np.testing.assert_array_equal(cpu.linear(x, w), x @ w.T)
    np.testing.assert_array_equal(cpu.linear(x[0], w, b), x[0] @ w.T + b)          # a 1-D input
    b64 = b.astype(np.float64)
    assert cpu.linear(x.astype(np.float32), w.astype(np.float32), b64).dtype == np.float64   # numpy's promotion


@pytest.mark.parametrize("dtype", DTYPES + [np.int64])
def test_sum_rows_is_the_sum_over_axis_0(dtype):
    x = (np.random.default_rng(6).standard_normal((300, 7)) * 10).astype(dtype)
    got = cpu.sum_rows(x)
    assert got.dtype == x.dtype and got.shape == (7,)
    np.testing.assert_allclose(got, x.sum(0), rtol=1e-6 if dtype == np.float32 else 1e-13)
    assert cpu.sum_rows(np.zeros((0, 3), dtype)).tolist() == [0, 0, 0]


def test_broadcast_to_of_one_element_is_a_read_only_view():
    g = np.array(2.5, np.float32)
    v = cpu.broadcast_to(g.reshape(1, 1), (3, 4))
    np.testing.assert_array_equal(v, np.full((3, 4), 2.5, np.float32))
    assert not v.flags.writeable and v.strides == (0, 0)
    with pytest.raises(ValueError):
        cpu.broadcast_to(np.ones((1, 1)), (3,))                 # fewer dims than the array: numpy's error
    np.testing.assert_array_equal(cpu.broadcast_to(np.arange(3), (2, 3)), [[0, 1, 2], [0, 1, 2]])
