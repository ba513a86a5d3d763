"""l1_loss, mse_loss, smooth_l1_loss, huber_loss: torch parity, LOSSES.md §1.1–1.4 examples,
gradchecks, extremes and bad inputs."""
import warnings

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
import tinygrad_losses.nn as nn
from helpers import Keep, compare_with_torch

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4))
B = rng.standard_normal((3, 4))
W = rng.uniform(0.1, 2.0, (3, 4))
EX_X, EX_Y, EX_Y2 = [0.5, -1, 2, 3], [0.5, 1, 0.5, 0], [0.3, 1, 0.5, 0]
EX_W = [1, 3, 0, 1]

# (id, function, args, kwargs, differentiable args)
CASES = [
    ("l1", "l1_loss", [A, B], {}, (0, 1)),
    ("l1-none", "l1_loss", [A, B], {"reduction": "none"}, (0, 1)),
    ("l1-sum", "l1_loss", [A, B], {"reduction": "sum"}, (0, 1)),
    ("l1-tie", "l1_loss", [np.array(EX_X), np.array(EX_Y)], {}, (0, 1)),
    ("l1-broadcast", "l1_loss", [A, B[0]], {"reduction": "none"}, (0, 1)),
    ("l1-weight", "l1_loss", [A, B], {"weight": W}, (0, 1, "weight")),
    ("l1-weight-sum", "l1_loss", [A, B], {"weight": W, "reduction": "sum"}, (0, 1)),
    ("l1-weight-none", "l1_loss", [A, B], {"weight": W, "reduction": "none"}, (0, 1, "weight")),
    ("l1-empty", "l1_loss", [np.zeros((0, 3)), np.zeros((0, 3))], {}, (0,)),
    ("l1-0d", "l1_loss", [np.array(1.5), np.array(-0.5)], {"reduction": "none"}, (0, 1)),
    ("l1-mixed-dtypes", "l1_loss", [Keep(A.astype(np.float32)), Keep(B)], {}, ()),
    ("mse", "mse_loss", [A, B], {}, (0, 1)),
    ("mse-none", "mse_loss", [A, B], {"reduction": "none"}, (0, 1)),
    ("mse-sum", "mse_loss", [A, B], {"reduction": "sum"}, (0, 1)),
    ("mse-broadcast", "mse_loss", [A[:, :1], B], {}, (0, 1)),
    ("mse-weight", "mse_loss", [A, B], {"weight": W}, (0, 1, "weight")),
    ("mse-weight-none", "mse_loss", [A, B], {"weight": W, "reduction": "none"}, (0, 1, "weight")),
    ("mse-int-input", "mse_loss", [Keep(np.array([1, 2])), Keep(np.array([3.0, 1.0], np.float32))], {}, ()),
    ("smooth_l1", "smooth_l1_loss", [A, B], {}, (0, 1)),
    ("smooth_l1-beta", "smooth_l1_loss", [A, B], {"beta": 0.5, "reduction": "none"}, (0, 1)),
    ("smooth_l1-beta0", "smooth_l1_loss", [A, B], {"beta": 0.0}, (0, 1)),
    ("smooth_l1-big-beta", "smooth_l1_loss", [A, B], {"beta": 10.0, "reduction": "sum"}, (0, 1)),
    ("smooth_l1-broadcast", "smooth_l1_loss", [A, B[:1]], {"beta": 0.7}, (0, 1)),
    ("huber", "huber_loss", [A, B], {}, (0, 1)),
    ("huber-delta", "huber_loss", [A, B], {"delta": 0.5, "reduction": "none"}, (0, 1)),
    ("huber-big-delta", "huber_loss", [A, B], {"delta": 3.0, "reduction": "sum"}, (0, 1)),
    ("huber-weight", "huber_loss", [A, B], {"weight": W, "delta": 0.5}, (0, 1, "weight")),
    ("huber-weight-none", "huber_loss", [A, B], {"weight": W, "reduction": "none"}, (0, 1)),
    ("huber-broadcast", "huber_loss", [A, B[0]], {"delta": 0.3}, (0, 1)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(case, dtype):
    torch = pytest.importorskip("torch")
    _, name, args, kwargs, grad = case
    compare_with_torch(torch, name, args, kwargs, grad, dtype)


def test_l1_on_integers_like_torch():
    torch = pytest.importorskip("torch")
    a, b = np.array([1, 2, -4]), np.array([3, 1, 0])
    for reduction in ("none", "sum"):
        ours = F.l1_loss(tl.tensor(a), tl.tensor(b), reduction=reduction)
        ref = torch.nn.functional.l1_loss(torch.tensor(a), torch.tensor(b), reduction=reduction)
        assert ours.dtype == tl.int64 and ours.tolist() == ref.tolist()
    with pytest.raises(RuntimeError, match="mean"):
        F.l1_loss(tl.tensor(a), tl.tensor(b))


# ---- LOSSES.md worked examples (hand-checked values) -------------------------------------------
def _value_and_grad(fn, x, *args, index, **kwargs):
    x = tl.tensor(x, dtype=tl.float64, requires_grad=True)
    out = fn(x, *args, **kwargs)
    out.backward()
    return out.item(), x.grad.numpy()[index]


@pytest.mark.parametrize("fn, kwargs, value, index, grad", [
    (F.l1_loss, {}, 1.625, 1, -0.25),
    (F.l1_loss, {}, 1.625, 0, 0.0),
    (F.l1_loss, {"weight": EX_W}, 1.8, 1, -0.6),
    (F.mse_loss, {}, 3.8125, 1, -1.0),
    (F.mse_loss, {"weight": EX_W}, 4.2, 1, -2.4),
])
def test_worked_examples_l1_mse(fn, kwargs, value, index, grad):
    if "weight" in kwargs:
        kwargs = {"weight": tl.tensor(kwargs["weight"], dtype=tl.float64)}
    got, g = _value_and_grad(fn, EX_X, tl.tensor(EX_Y, dtype=tl.float64), index=index, **kwargs)
    assert got == pytest.approx(value, rel=1e-12)
    assert g == pytest.approx(grad, abs=1e-12)


@pytest.mark.parametrize("fn, kwargs, value, index, grad", [
    (F.smooth_l1_loss, {"beta": 0.5}, 1.4475, 0, 0.1),
    (F.huber_loss, {"delta": 0.5}, 0.72375, 1, -0.125),
    (F.huber_loss, {"delta": 0.5, "weight": EX_W}, 1.005, 1, -0.375),
])
def test_worked_examples_smooth_huber(fn, kwargs, value, index, grad):
    if "weight" in kwargs:
        kwargs = dict(kwargs, weight=tl.tensor(kwargs["weight"], dtype=tl.float64))
    got, g = _value_and_grad(fn, EX_X, tl.tensor(EX_Y2, dtype=tl.float64), index=index, **kwargs)
    assert got == pytest.approx(value, rel=1e-12)
    assert g == pytest.approx(grad, abs=1e-12)


def test_identities():
    x, y = tl.tensor(A), tl.tensor(B)
    np.testing.assert_allclose(F.smooth_l1_loss(x, y, beta=0).numpy(), F.l1_loss(x, y).numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.huber_loss(x, y, delta=0.7, reduction="none").numpy(),
                               0.7 * F.smooth_l1_loss(x, y, beta=0.7, reduction="none").numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.huber_loss(x, y).numpy(), F.smooth_l1_loss(x, y).numpy(), rtol=1e-12)


# ---- gradient checks ----------------------------------------------------------------------------
def _inputs(*arrays):
    return [tl.tensor(a, dtype=tl.float64, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("fn, kwargs", [
    (F.l1_loss, {}), (F.mse_loss, {"reduction": "sum"}), (F.smooth_l1_loss, {"beta": 0.8}),
    (F.huber_loss, {"delta": 0.6, "reduction": "none"}),
])
def test_gradcheck(fn, kwargs):
    x, y = _inputs(A[:2], B[:2])
    assert tl.gradcheck(lambda a, b: fn(a, b, **kwargs), (x, y))


@pytest.mark.parametrize("fn", [F.l1_loss, F.mse_loss])
def test_gradcheck_weighted_mean_including_weight(fn):
    x, y, w = _inputs(A[:2], B[:2], W[:2])
    assert tl.gradcheck(lambda a, b, c: fn(a, b, weight=c), (x, y, w))


@pytest.mark.parametrize("fn, kwargs", [(F.mse_loss, {}), (F.huber_loss, {"delta": 0.6}),
                                        (F.smooth_l1_loss, {"beta": 2.0})])
def test_gradgradcheck(fn, kwargs):
    x, y = _inputs(A[:2], B[:2])
    assert tl.gradgradcheck(lambda a, b: fn(a, b, **kwargs), (x, y))


# ---- extremes -----------------------------------------------------------------------------------
def test_large_values_finite_where_torch_is():
    torch = pytest.importorskip("torch")
    x = np.array([1e4, -1e4, 1e150, 0.0])
    y = np.array([-1e4, 1e4, 0.0, 1e-300])
    for name in ("l1_loss", "smooth_l1_loss", "huber_loss", "mse_loss"):
        out, ref = compare_with_torch(torch, name, [x, y], {"reduction": "none"}, (0, 1))
        assert np.isfinite(out.numpy()).tolist() == np.isfinite(ref.detach().numpy()).tolist()


# ---- warnings and errors ----------------------------------------------------------------------------
def test_broadcast_warning_only_when_shapes_differ():
    x, y = tl.tensor(A), tl.tensor(B)
    with pytest.warns(UserWarning, match=r"target size \(4,\) that is different to the input size \(3, 4\)"):
        F.mse_loss(x, y[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        F.mse_loss(x, y)
        F.huber_loss(x, y, weight=tl.tensor(W))


def test_elementwise_mean_is_deprecated_alias():
    x, y = tl.tensor(A), tl.tensor(B)
    with pytest.warns(UserWarning, match="deprecated"):
        out = F.l1_loss(x, y, reduction="elementwise_mean")
    assert out.item() == pytest.approx(F.l1_loss(x, y).item())


X3, Y3, W3 = tl.tensor(A), tl.tensor(B), tl.tensor(W)
BAD = [
    ("l1 reduction", lambda: F.l1_loss(X3, Y3, reduction="avg"), ValueError, "avg is not a valid value for reduction"),
    ("mse reduction", lambda: F.mse_loss(X3, Y3, reduction="batchmean"), ValueError, "reduction"),
    ("weighted reduction", lambda: F.mse_loss(X3, Y3, weight=W3, reduction="x"), ValueError,
     "Invalid reduction mode: x"),
    ("weighted elementwise_mean", lambda: F.l1_loss(X3, Y3, weight=W3, reduction="elementwise_mean"),
     ValueError, "Invalid reduction mode: elementwise_mean"),
    ("huber weighted reduction", lambda: F.huber_loss(X3, Y3, weight=W3, reduction="x"), ValueError,
     "Invalid reduction"),
    ("weight shape", lambda: F.l1_loss(X3, Y3, weight=W3[0]), ValueError, "Weights and input must have the same size"),
    ("huber weight shape", lambda: F.huber_loss(X3, Y3, weight=W3[:, :1]), ValueError, "weight has shape"),
    ("no broadcast", lambda: F.mse_loss(X3, tl.tensor(B[:, :3])), RuntimeError, "must match the size"),
    ("target not tensor", lambda: F.l1_loss(X3, 1.0), TypeError, "target must be a Tensor"),
    ("input not tensor", lambda: F.mse_loss(A, Y3), TypeError, "input must be a Tensor"),
    ("mse ints", lambda: F.mse_loss(tl.tensor([1, 2]), tl.tensor([3, 1])), TypeError, "floating point"),
    ("huber ints", lambda: F.huber_loss(tl.tensor([1, 2]), tl.tensor([3, 1])), TypeError, "floating point"),
    ("l1 bools", lambda: F.l1_loss(tl.tensor([True]), tl.tensor([False])), RuntimeError, "bool"),
    ("negative beta", lambda: F.smooth_l1_loss(X3, Y3, beta=-1), RuntimeError, "negative values for beta"),
    ("zero delta", lambda: F.huber_loss(X3, Y3, delta=0), RuntimeError, "non-positive values for delta"),
]


@pytest.mark.parametrize("call, error, match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_inputs(call, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=match):
            call()


def test_bad_input_errors_match_torch_types():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    with pytest.raises(ValueError):
        tF.l1_loss(torch.tensor(A), torch.tensor(B), weight=torch.tensor(W[0]))
    with pytest.raises(RuntimeError):
        tF.huber_loss(torch.tensor(A), torch.tensor(B), delta=0)


# ---- nn classes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls, fn, kwargs", [
    (nn.L1Loss, F.l1_loss, {}), (nn.MSELoss, F.mse_loss, {"reduction": "sum"}),
    (nn.SmoothL1Loss, F.smooth_l1_loss, {"beta": 0.3}),
    (nn.HuberLoss, F.huber_loss, {"delta": 0.4, "reduction": "none"}),
])
def test_modules_call_the_functional(cls, fn, kwargs):
    x, y = tl.tensor(A), tl.tensor(B)
    np.testing.assert_array_equal(cls(**kwargs)(x, y).numpy(), fn(x, y, **kwargs).numpy())


def test_modules_validate_reduction_only_when_called():
    loss = nn.MSELoss(reduction="bogus")
    assert "bogus" in repr(loss)
    with pytest.raises(ValueError, match="bogus"):
        loss(tl.tensor(A), tl.tensor(B))
    assert repr(nn.HuberLoss(delta=0.5)) == "HuberLoss(delta=0.5)"
    assert list(nn.L1Loss().parameters()) == []
