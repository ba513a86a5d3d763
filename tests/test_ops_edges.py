"""Edge inputs (nan, ±inf, ±0, ±1e4, ties, 0-d, empty) through every elementwise, binary and
reduction primitive, compared with torch in value and gradient; and torch's conventions where the
gradient is a choice (sign and abs at nan, clamp with tensor bounds, maximum/minimum at ties and nans),
gradchecked in float64 away from the kinks."""
import itertools

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses.ops.special import erf

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
EDGES = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, 1e4, -1e4]

UNARY = {
    "neg": lambda x: -x, "exp": lambda x: x.exp(), "log": lambda x: x.log(), "log1p": lambda x: x.log1p(),
    "expm1": lambda x: x.expm1(), "sqrt": lambda x: x.sqrt(), "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(), "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(),
    "abs": lambda x: x.abs(), "sign": lambda x: x.sign(), "relu": lambda x: x.relu(),
    "clamp": lambda x: x.clamp(-1.0, 1.0), "clamp_min": lambda x: x.clamp(min=0.0),
    "erf": lambda x: (erf if isinstance(x, tl.Tensor) else torch.erf)(x), "square": lambda x: x * x,
}
BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "maximum": lambda a, b: a.maximum(b), "minimum": lambda a, b: a.minimum(b),
    "max": lambda a, b: a.max(b), "min": lambda a, b: a.min(b),
    "clamp_tensor_min": lambda a, b: a.clamp(min=b), "clamp_tensor_max": lambda a, b: a.clamp(max=b),
}
REDUCTION = {
    "sum": lambda x: x.sum(-1), "mean": lambda x: x.mean(-1), "amax": lambda x: x.amax(-1),
    "amin": lambda x: x.amin(-1), "logsumexp": lambda x: x.logsumexp(-1),
    "softmax": lambda x: x.softmax(-1), "log_softmax": lambda x: x.log_softmax(-1),
    "norm": lambda x: x.norm(dim=-1), "norm_p3": lambda x: x.norm(p=3, dim=-1),
}
ROWS = {  # each a (rows, 3) input: one row per kind of edge
    "nan": [[NAN, 1.0, 2.0]], "inf": [[INF, 1.0, 2.0]], "ninf": [[-INF, 1.0, 2.0]],
    "all_ninf": [[-INF, -INF, -INF]], "ties": [[2.0, 2.0, 1.0]], "all_equal": [[3.0, 3.0, 3.0]],
    "zeros": [[0.0, 0.0, 0.0]], "huge": [[1e4, -1e4, 0.0]],
}


def _run(library, fn, *arrays):
    """Value and gradients (seed ones) of ``fn`` in tl or torch, as numpy arrays."""
    if library == "tl":
        xs = [tl.tensor(a, requires_grad=True) for a in arrays]
    else:
        xs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*xs)
    value = out.detach().numpy().copy()
    if out.numel() == 0:
        return value, [None] * len(xs)
    ones = tl.ones_like(out) if library == "tl" else torch.ones_like(out)
    grads = (tl if library == "tl" else torch).autograd.grad(out, xs, ones, allow_unused=True) \
        if library == "torch" else tl.grad(out, xs, ones, allow_unused=True)
    return value, [None if g is None else g.detach().numpy() for g in grads]


def _compare(fn, *arrays):
    ours, theirs = _run("tl", fn, *arrays), _run("torch", fn, *arrays)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=0, err_msg="value")
    for i, (g, t) in enumerate(zip(ours[1], theirs[1])):
        t = np.zeros_like(arrays[i]) if t is None else t
        g = np.zeros_like(arrays[i]) if g is None else g
        np.testing.assert_allclose(g, t, rtol=1e-12, atol=1e-15, err_msg=f"gradient of input {i}")


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_edges_match_torch(name):
    _compare(UNARY[name], np.array(EDGES))
    _compare(UNARY[name], np.zeros((0, 2)))          # empty


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(
    reason="kernels/cpu erf returns shape (1,) for a 0-d input (kernels' area)", strict=True))
    if n == "erf" else n for n in sorted(UNARY)])
def test_unary_of_a_0d_tensor_matches_torch(name):
    _compare(UNARY[name], np.array(0.25))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_edges_match_torch(name):
    pairs = np.array(list(itertools.product(EDGES, EDGES)))  # every pair, ties included
    _compare(BINARY[name], pairs[:, 0].copy(), pairs[:, 1].copy())
    _compare(BINARY[name], np.array(2.0), np.array([2.0, 1.0, NAN]))   # 0-d against 1-d
    _compare(BINARY[name], np.zeros((0, 3)), np.ones(3))                 # empty


@pytest.mark.parametrize("row", sorted(ROWS))
@pytest.mark.parametrize("name", sorted(REDUCTION))
def test_reduction_edges_match_torch(name, row):
    _compare(REDUCTION[name], np.array(ROWS[row]))


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp", "softmax", "log_softmax", "norm"])
def test_reductions_of_a_0d_tensor_match_torch(name):
    _compare(REDUCTION[name], np.array(1.5))


# ---- the conventions, spelled out ----------------------------------------------------------------
def test_sign_of_nan_is_zero_and_so_is_the_gradient_of_abs_there():
    x = tl.tensor([NAN, -2.0, 0.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal(x.sign().numpy(), [0.0, -1.0, 0.0, 1.0])
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, -1.0, 0.0, 1.0])


def test_clamp_with_a_nan_bound_returns_nan_and_sends_no_gradient():
    x = tl.tensor([NAN, 1.0, 2.0, -1.0, 5.0], dtype=tl.float64, requires_grad=True)
    lo = tl.tensor([0.5, NAN, 0.0, 0.0, 0.0], dtype=tl.float64, requires_grad=True)
    hi = tl.tensor([3.0, 3.0, NAN, 3.0, 3.0], dtype=tl.float64, requires_grad=True)
    y = x.clamp(lo, hi)
    np.testing.assert_array_equal(y.numpy(), [NAN, NAN, NAN, 0.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 0, 0, 0])
    np.testing.assert_array_equal(lo.grad.numpy(), [0, 0, 0, 1, 0])
    np.testing.assert_array_equal(hi.grad.numpy(), [0, 0, 0, 0, 1])


def test_clamp_with_min_above_max_gives_max_and_its_gradient():
    x = tl.tensor([0.0, 5.0, 10.0], dtype=tl.float64, requires_grad=True)
    lo = tl.full((3,), 6.0, dtype=tl.float64).requires_grad_()
    hi = tl.full((3,), 4.0, dtype=tl.float64).requires_grad_()
    y = x.clamp(lo, hi)
    np.testing.assert_array_equal(y.numpy(), [4.0, 4.0, 4.0])
    y.sum().backward()
    assert x.grad.numpy().tolist() == [0, 0, 0] and lo.grad.numpy().tolist() == [0, 0, 0]
    assert hi.grad.numpy().tolist() == [1, 1, 1]


def test_clamp_with_tensor_bounds_broadcasts_and_promotes():
    x = tl.tensor([[1, 5], [7, -3]])                     # int64
    lo = tl.tensor([0.5, 0.0], dtype=tl.float64)
    y = x.clamp(min=lo, max=tl.tensor(6))
    t = torch.clamp(torch.tensor([[1, 5], [7, -3]]), min=torch.tensor([0.5, 0.0], dtype=torch.float64),
                    max=torch.tensor(6))
    assert str(y.dtype) == str(t.dtype).replace("torch.", "")
    np.testing.assert_array_equal(y.numpy(), t.numpy())
    with pytest.raises(RuntimeError, match="clamp"):
        tl.ones(2, 3).clamp(min=tl.zeros(4))


def test_maximum_minimum_split_ties_in_half_and_give_nans_to_both():
    a = tl.tensor([NAN, 1.0, 2.0, NAN, 3.0], dtype=tl.float64, requires_grad=True)
    b = tl.tensor([1.0, NAN, 2.0, NAN, 1.0], dtype=tl.float64, requires_grad=True)
    a.maximum(b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1, 1, 0.5, 1, 1])
    np.testing.assert_array_equal(b.grad.numpy(), [1, 1, 0.5, 1, 0])
    a.grad = b.grad = None
    a.minimum(b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1, 1, 0.5, 1, 0])
    np.testing.assert_array_equal(b.grad.numpy(), [1, 1, 0.5, 1, 1])


def test_gradchecks_of_the_new_rules():
    rng = np.random.default_rng(3)
    x = tl.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    lo = tl.tensor(rng.standard_normal(4) - 0.5, requires_grad=True)
    hi = tl.tensor(rng.standard_normal((3, 1)) + 1.5, requires_grad=True)
    other = tl.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert tl.gradcheck(lambda x, lo, hi: x.clamp(lo, hi), (x, lo, hi))
    assert tl.gradcheck(lambda x, lo: x.clamp(min=lo), (x, lo))
    assert tl.gradcheck(lambda x, hi: x.clamp(max=hi), (x, hi))
    assert tl.gradcheck(lambda x, o: x.maximum(o) * x.minimum(o), (x, other))
    assert tl.gradgradcheck(lambda x, lo, hi: x.clamp(lo, hi) * x, (x, lo, hi))
