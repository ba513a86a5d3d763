"""Every function of the CUDA backend against its CPU twin, on tiny shapes (real kernels, simulated)."""
import numpy as np
import pytest

import kernels

G = kernels.backend("cuda")
C = kernels.backend("cpu")
rng = np.random.default_rng(0)


def dev(a):
    return G.from_numpy(np.asarray(a))


def host(x):
    return G.to_numpy(x)


def check(got, want, rtol=1e-6, atol=1e-6):
    got = host(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


SPECIAL = np.array([-np.inf, -3.5, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, 800.0, np.inf, np.nan])

UNARY = ["negative", "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tanh", "abs", "sign", "sigmoid",
         "relu", "softplus", "isnan", "isinf", "isfinite"]


@pytest.mark.parametrize("fname", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_matches_cpu_on_special_values(fname, dtype):
    a = SPECIAL.astype(dtype)
    with np.errstate(all="ignore"):
        want = getattr(C, fname)(a)
    check(getattr(G, fname)(dev(a)), want, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("fname", ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum",
                                   "equal", "not_equal", "less", "less_equal", "greater", "greater_equal"])
def test_binary_broadcasts_like_numpy(fname):
    a = rng.uniform(0.5, 2, (3, 1, 4))
    b = rng.uniform(0.5, 2, (5, 1)).astype(np.float32)
    b[0, 0] = a[0, 0, 0]  # a tie for the comparisons
    a[1, 0, 2] = np.nan
    with np.errstate(all="ignore"):
        want = getattr(C, fname)(a, b)
    check(getattr(G, fname)(dev(a), dev(b)), want)


@pytest.mark.parametrize("fname", ["logical_and", "logical_or", "logical_xor"])
def test_logical(fname):
    a, b = rng.random((4, 3)) > 0.5, rng.random(3) > 0.5
    check(getattr(G, fname)(dev(a), dev(b)), getattr(C, fname)(a, b))
    check(G.logical_not(dev(a)), C.logical_not(a))


def test_integer_ops_keep_numpy_dtypes():
    a, b = np.array([[-3, 0, 7]]), np.array([[2], [5]], np.int32)
    check(G.add(dev(a), dev(b)), a + b)
    check(G.multiply(dev(a), 2), a * 2)
    check(G.divide(dev(a), dev(b)), a / b)  # int / int -> float64
    check(G.sign(dev(a)), np.sign(a))
    check(G.abs(dev(a)), np.abs(a))


def test_scalars_follow_numpy_weak_typing():
    a = rng.standard_normal(5).astype(np.float32)
    check(G.multiply(dev(a), 0.5), a * 0.5)
    check(G.subtract(1.0, dev(a)), 1.0 - a)
    check(G.scalar(2.5, np.float32), C.scalar(2.5, np.float32))
    check(G.scalar(-3, np.uint8), C.scalar(-3, np.uint8))


def test_where_and_clip():
    a = rng.standard_normal((2, 3))
    cond = a > 0
    check(G.where(dev(cond), dev(a), 0.0), C.where(cond, a, 0.0))
    check(G.clip(dev(a), -0.5, 0.5), C.clip(a, -0.5, 0.5))
    check(G.clip(dev(a), None, 0.1), C.clip(a, None, 0.1))


@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1, (0, 2), (1, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_along_any_dims(axis, keepdims):
    # 2 x 3 x 19: rows longer than a simulated block (16), so a thread folds several elements
    a = rng.standard_normal((2, 3, 19)).astype(np.float32)
    a[1, 2, 17] = a.max() + 1  # unique extremes: argmax must find them
    for f in ("sum", "max", "min"):
        check(getattr(G, f)(dev(a), axis, keepdims), getattr(C, f)(a, axis, keepdims), rtol=1e-5, atol=1e-5)
    for f in ("any", "all"):
        b = a > 0.5
        check(getattr(G, f)(dev(b), axis, keepdims), getattr(C, f)(b, axis, keepdims))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_argmax_argmin_first_index_and_nan(axis):
    a = np.array([[1.0, 3.0, 3.0, -2.0], [np.nan, 0.0, np.nan, 5.0], [2.0, 2.0, 2.0, 2.0]])
    for f in ("argmax", "argmin"):
        check(getattr(G, f)(dev(a), axis, axis is not None), getattr(C, f)(a, axis, axis is not None))


def test_integer_and_bool_sums():
    a = rng.integers(-5, 5, (4, 6))
    check(G.sum(dev(a), 1, False), C.sum(a, 1, False))
    check(G.sum(dev(a > 0), None, False), C.sum(a > 0, None, False))
    check(G.max(dev(a.astype(np.int32)), 0, True), C.max(a.astype(np.int32), 0, True))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_rowwise_family(axis):
    a = rng.standard_normal((4, 21)) * 5
    a[0, :] = -np.inf
    a[2, 3] = np.inf
    a[3, 0] = np.nan
    with np.errstate(all="ignore"):
        for f in ("softmax", "log_softmax"):
            check(getattr(G, f)(dev(a), axis), getattr(C, f)(a, axis), rtol=1e-12, atol=1e-12)
        for keep in (False, True):
            check(G.logsumexp(dev(a), axis, keep), C.logsumexp(a, axis, keep), rtol=1e-12, atol=1e-12)
    f32 = rng.standard_normal((3, 7)).astype(np.float32)
    check(G.log_softmax(dev(f32), axis), C.log_softmax(f32, axis), rtol=1e-5, atol=1e-6)
    g, out = rng.standard_normal((3, 7)), C.softmax(f32.astype(np.float64), axis)
    check(G.softmax_backward(dev(g), dev(out), axis), C.softmax_backward(g, out, axis), rtol=1e-12, atol=1e-12)
    check(G.log_softmax_backward(dev(g), dev(np.log(out)), axis), C.log_softmax_backward(g, np.log(out), axis),
          rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("sa,sb", [((5, 7), (7, 6)), ((7,), (7, 3)), ((2, 7), (7,)), ((7,), (7,)),
                                   ((2, 1, 3, 5), (4, 5, 9)), ((3, 0), (0, 2))])
def test_matmul_tiles_and_batches(sa, sb):
    # sizes that are not multiples of the tile exercise the zero-padded edge tiles
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    check(G.matmul(dev(a), dev(b)), C.matmul(a, b), rtol=1e-12, atol=1e-12)
    check(G.matmul(dev(a.astype(np.float32)), dev(b.astype(np.float32))),
          C.matmul(a.astype(np.float32), b.astype(np.float32)), rtol=1e-5, atol=1e-5)


def test_movement():
    a = rng.standard_normal((2, 3, 4))
    check(G.reshape(dev(a), (4, -1)), C.reshape(a, (4, -1)))
    check(G.transpose(dev(a), (2, 0, 1)), C.transpose(a, (2, 0, 1)))
    check(G.transpose(dev(a)), C.transpose(a))
    check(G.broadcast_to(dev(a[:, :1]), (5, 2, 3, 4)), C.broadcast_to(a[:, :1], (5, 2, 3, 4)))
    parts = [a, a[:, :1] * 2, a[:, :2] - 1]
    check(G.concatenate([dev(p) for p in parts], 1), C.concatenate(parts, 1))
    with pytest.raises(ValueError):
        G.reshape(dev(a), (5, -1))
    with pytest.raises(ValueError):
        G.broadcast_to(dev(a), (3, 3, 4))


def test_creation_and_casts():
    check(G.zeros((2, 3), np.float32), C.zeros((2, 3), np.float32))
    check(G.ones(4, np.int64), C.ones(4, np.int64))
    check(G.full((2, 2), 7.5, np.float64), C.full((2, 2), 7.5, np.float64))
    check(G.arange(5), C.arange(5))
    check(G.eye(3), C.eye(3))
    a = np.array([-1.5, 0.0, 2.7])
    check(G.astype(dev(a), np.int64), C.astype(a, np.int64))
    check(G.astype(dev(a), np.bool_), C.astype(a, np.bool_))
    check(G.astype(dev(a), np.float32), C.astype(a, np.float32))
    c = dev(a)
    d = G.copy(c)
    G.setitem(d, (Ellipsis,), 0.0)
    check(c, a)  # the copy has its own memory


INDICES = [(1,), (slice(None), 2), (slice(1, None, 2), None, Ellipsis), (Ellipsis, -1), (np.array([2, 0, 2]),),
           (slice(None), np.array([[1, 0], [3, 3]])), (np.array([[True, False, True, True]] * 3),)]


@pytest.mark.parametrize("index", INDICES, ids=range(len(INDICES)))
def test_getitem_setitem_index_add(index):
    a = rng.standard_normal((3, 4))
    basic = all(not isinstance(i, np.ndarray) for i in index)
    check(G.getitem(dev(a), index), C.getitem(a, index))
    values = rng.standard_normal(np.shape(a[index]))
    check(G.index_add((3, 4), np.float64, index, dev(values), basic),
          C.index_add((3, 4), np.float64, index, values, basic), rtol=1e-12, atol=1e-12)
    x, y = dev(a), a.copy()
    G.setitem(x, index, dev(values))
    y[index] = values
    check(x, y)


def test_take_along_and_scatter_add_with_repeats():
    x = rng.standard_normal((3, 5))
    for axis, idx in ((1, np.array([[0, 4, 4], [1, 1, 1], [3, 2, 0]])), (0, np.array([[2, 0, 1, 1, 2]]))):
        check(G.take_along_axis(dev(x), dev(idx), axis), C.take_along_axis(x, idx, axis))
        v = rng.standard_normal(idx.shape)
        check(G.scatter_add_along_axis((3, 5), np.float64, dev(idx), dev(v), axis),
              C.scatter_add_along_axis((3, 5), np.float64, idx, v, axis), rtol=1e-12, atol=1e-12)


def test_array_operators_used_by_optimizers():
    a, b = rng.standard_normal(4), rng.standard_normal(4)
    x = dev(a)
    alias = x
    x += dev(b)
    x *= 0.5
    assert x is alias  # in place, as the optimizer state expects
    check(alias, (a + b) * 0.5)
    check(2.0 - dev(a) / dev(b) ** 2, 2.0 - a / b ** 2)
    assert dev(np.array([3, 1, 2])).min() .item() == 1


@pytest.mark.parametrize("fname", ["add", "subtract", "multiply", "divide", "maximum"])
def test_binary_out_writes_into_the_first_operand(fname):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    x = dev(a)
    assert getattr(G, fname)(x, dev(b), out=x) is x
    check(x, getattr(C, fname)(a, b), rtol=1e-12, atol=1e-12)
    y = dev(a.astype(np.float32))
    getattr(G, fname)(y, 0.5, out=y)  # a Python number keeps float32, as numpy's weak scalars
    check(y, getattr(C, fname)(a.astype(np.float32), 0.5))
    with pytest.raises(ValueError, match="non-broadcastable output"):
        getattr(G, fname)(dev(b), dev(a), out=dev(b))


def test_unary_out_and_every_interface_name_is_a_function():
    a = np.abs(rng.standard_normal(5))
    x = dev(a)
    assert G.sqrt(x, out=x) is x
    check(x, np.sqrt(a), rtol=1e-12)
    for fname in UNARY + ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "equal",
                          "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
                          "logical_or", "logical_xor", "logical_not", "from_numpy", "to_numpy"]:
        assert callable(getattr(G, fname)) and callable(getattr(C, fname)), fname
