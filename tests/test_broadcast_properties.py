"""Property tests over random shapes and dtypes (hypothesis): broadcasting binary ops against
numpy (values, output shape) and torch (gradients), reductions over random dims, and torch's
type promotion over many dtype pairs, 0-d tensors and Python scalars."""
import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import tinygrad_losses as tl  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None)

BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / b, np.divide),
    "pow": (lambda a, b: a ** b, np.power),
    "maximum": (lambda a, b: a.maximum(b), np.maximum),
    "minimum": (lambda a, b: a.minimum(b), np.minimum),
    "where": (lambda a, b: tl.where(a > b, a, b), lambda a, b: np.where(a > b, a, b)),
}

shape_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)


def _arrays(shapes, seed, positive):
    rng = np.random.default_rng(seed)
    lo = 0.5 if positive else -2.0
    return [rng.uniform(lo, 2.0, s) for s in shapes]


@SETTINGS
@given(shapes=shape_pairs, name=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**16))
def test_binary_broadcasting_values_and_gradient_shapes(shapes, name, seed):
    op, ref = BINARY[name]
    a_np, b_np = _arrays(shapes.input_shapes, seed, positive=name in ("div", "pow"))
    a, b = tl.tensor(a_np, requires_grad=True), tl.tensor(b_np, requires_grad=True)
    out = op(a, b)
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.numpy(), ref(a_np, b_np), rtol=1e-12)
    out.sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    assert a.grad.dtype == b.grad.dtype == tl.float64


@SETTINGS
@given(shapes=shape_pairs, name=st.sampled_from(["add", "sub", "mul", "div", "pow", "maximum"]),
       seed=st.integers(0, 2**16))
def test_binary_broadcasting_gradients_match_torch(shapes, name, seed):
    torch = pytest.importorskip("torch")
    op = BINARY[name][0]
    arrays = _arrays(shapes.input_shapes, seed, positive=name in ("div", "pow"))
    xs = [tl.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    g = np.random.default_rng(seed + 1).standard_normal(shapes.result_shape)
    op(*xs).backward(tl.tensor(g))
    op(*ts).backward(torch.tensor(g))
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def _sum_to(g, shape):
    """numpy reference for un-broadcasting: sum g down to ``shape``."""
    g = g.sum(tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axes, keepdims=True) if axes else g


@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(signature="(m,n),(n,p)->(m,p)", max_dims=4, max_side=3),
       seed=st.integers(0, 2**16))
def test_batched_matmul_broadcasting(shapes, seed):
    a_np, b_np = _arrays(shapes.input_shapes, seed, positive=False)
    a, b = tl.tensor(a_np, requires_grad=True), tl.tensor(b_np, requires_grad=True)
    out = a @ b
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.numpy(), np.matmul(a_np, b_np), rtol=1e-12)
    g = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(tl.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), _sum_to(g @ np.swapaxes(b_np, -1, -2), a_np.shape), rtol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), _sum_to(np.swapaxes(a_np, -1, -2) @ g, b_np.shape), rtol=1e-10)


REDUCE = {
    "sum": (lambda x, d, k: x.sum(d, keepdim=k), lambda a, d, k: a.sum(d, keepdims=k)),
    "mean": (lambda x, d, k: x.mean(d, keepdim=k), lambda a, d, k: a.mean(d, keepdims=k)),
    "amax": (lambda x, d, k: x.amax(d, keepdim=k), lambda a, d, k: a.max(d, keepdims=k)),
    "amin": (lambda x, d, k: x.amin(d, keepdim=k), lambda a, d, k: a.min(d, keepdims=k)),
    "var": (lambda x, d, k: x.var(d, keepdim=k), lambda a, d, k: a.var(d, ddof=1, keepdims=k)),
    "norm": (lambda x, d, k: x.norm(dim=d, keepdim=k), lambda a, d, k: np.sqrt((a * a).sum(d, keepdims=k))),
}


@st.composite
def shape_and_dims(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=2, max_side=3))
    n = len(shape)
    dims = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n,
                         unique_by=lambda d: d % n))
    return shape, tuple(dims) if len(dims) > 1 else dims[0]


@SETTINGS
@given(sd=shape_and_dims(), name=st.sampled_from(sorted(REDUCE)), keepdim=st.booleans(),
       seed=st.integers(0, 2**16))
def test_reductions_over_random_dims(sd, name, keepdim, seed):
    shape, dim = sd
    a = np.random.default_rng(seed).standard_normal(shape)
    x = tl.tensor(a, requires_grad=True)
    op, ref = REDUCE[name]
    out = op(x, dim, keepdim)
    axes = dim if isinstance(dim, tuple) else (dim,)
    expected = ref(a, tuple(d % len(shape) for d in axes), keepdim)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    out.sum().backward()
    assert x.grad.shape == x.shape


# ---- type promotion ---------------------------------------------------------------------------
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 3, -2, 2.5]


def _tl_operand(dtype, zero_dim):
    a = np.array(1 if zero_dim else [1, 1], dtype=dtype)
    return tl.tensor(a)


@pytest.mark.parametrize("zero_dims", [(False, False), (True, False), (False, True), (True, True)],
                         ids=["nd-nd", "0d-nd", "nd-0d", "0d-0d"])
@pytest.mark.parametrize("da", DTYPES)
def test_promotion_of_tensor_pairs_matches_torch(da, zero_dims):
    torch = pytest.importorskip("torch")
    for db in DTYPES:
        a, b = _tl_operand(da, zero_dims[0]), _tl_operand(db, zero_dims[1])
        ta, tb = torch.tensor(a.numpy()), torch.tensor(b.numpy())
        expected = str(torch.result_type(ta, tb)).replace("torch.", "")
        if da != "bool" or db != "bool":  # + on two bool tensors is logical or in torch: skip
            assert str((a + b).dtype) == expected, (da, db, zero_dims)
        assert str(tl.where(tl.tensor(True), a, b).dtype) == expected, (da, db, zero_dims)


@pytest.mark.parametrize("zero_dim", [False, True], ids=["nd", "0d"])
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("da", DTYPES)
def test_promotion_with_python_scalars_matches_torch(da, scalar, zero_dim):
    torch = pytest.importorskip("torch")
    a = _tl_operand(da, zero_dim)
    ta = torch.tensor(a.numpy())
    expected = str(torch.result_type(ta, scalar)).replace("torch.", "")
    if not (da == "bool" and isinstance(scalar, bool)):
        assert str((a * scalar).dtype) == expected
        assert str((scalar * a).dtype) == expected
    assert str((a == scalar).dtype) == "bool"
    assert str((a / scalar).dtype) == str((ta / scalar).dtype).replace("torch.", "")


@SETTINGS
@given(da=st.sampled_from(DTYPES), db=st.sampled_from(DTYPES), a0=st.booleans(), b0=st.booleans(),
       op=st.sampled_from(["sub", "mul", "maximum", "div"]))
def test_promotion_property_for_other_ops(da, db, a0, b0, op):
    torch = pytest.importorskip("torch")
    if op == "sub" and "bool" in (da, db):
        return  # torch refuses - on bools; covered in test_errors
    a, b = _tl_operand(da, a0), _tl_operand(db, b0)
    ta, tb = torch.tensor(a.numpy()), torch.tensor(b.numpy())
    fns = {"sub": lambda x, y: x - y, "mul": lambda x, y: x * y, "maximum": lambda x, y: x.maximum(y),
           "div": lambda x, y: x / y}
    assert str(fns[op](a, b).dtype) == str(fns[op](ta, tb).dtype).replace("torch.", "")


def test_python_value_default_dtypes():
    assert tl.tensor(1.5).dtype == tl.float32
    assert tl.tensor([1.0, 2]).dtype == tl.float32
    assert tl.tensor(3).dtype == tl.int64
    assert tl.tensor([True, False]).dtype == tl.bool_
    assert tl.tensor([1, 2.5]).dtype == tl.float32
    assert tl.tensor([True, 2]).dtype == tl.int64
    for dt in DTYPES:
        assert tl.tensor(np.zeros(2, dtype=dt)).dtype == np.dtype(dt)
        assert tl.tensor(np.zeros((), dtype=dt)).dtype == np.dtype(dt)
    assert tl.tensor(np.float64(2.0)).dtype == tl.float64
    assert tl.tensor([np.float64(1.0), 2.0]).dtype == tl.float64
