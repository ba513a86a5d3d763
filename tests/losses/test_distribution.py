"""poisson_nll_loss, gaussian_nll_loss, kl_div: torch parity, LOSSES.md §1.7–1.9 examples,
gradchecks, extremes and bad inputs."""
import warnings

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
import tinygrad_losses.nn as nn
from helpers import Keep, compare_with_torch
from tinygrad_losses.losses.primitives import ClampStraightThrough, xlogy

rng = np.random.default_rng(2)
X = rng.standard_normal((3, 4))
COUNTS = rng.poisson(2.0, (3, 4)).astype(np.float64)
COUNTS[0, :3] = [0.0, 1.0, 0.5]  # y = 0, 1 and a fractional count: the Stirling mask's edges
RATES = rng.uniform(0.1, 3, (3, 4))
MU = rng.standard_normal((3, 4))
VAR = rng.uniform(0.2, 2, (3, 4))
VAR[1, 2] = 1e-8  # below eps: clamped, gradient still flows
LOGQ = np.log(rng.dirichlet(np.ones(4), size=3))
PT = rng.dirichlet(np.ones(4), size=3)
PT[0, 1] = 0.0  # xlogy's zero
PT[0] /= PT[0].sum()

# (id, function, args, kwargs, differentiable args)
CASES = [
    ("poisson", "poisson_nll_loss", [X, COUNTS], {}, (0, 1)),
    ("poisson-full", "poisson_nll_loss", [X, COUNTS], {"full": True, "reduction": "none"}, (0,)),
    ("poisson-full-target-grad", "poisson_nll_loss", [X, COUNTS + 0.5], {"full": True, "reduction": "sum"}, (0, 1)),
    ("poisson-rate", "poisson_nll_loss", [RATES, COUNTS], {"log_input": False}, (0, 1)),
    ("poisson-rate-full-eps", "poisson_nll_loss", [RATES, COUNTS], {"log_input": False, "full": True, "eps": 0.1},
     (0,)),
    ("poisson-broadcast", "poisson_nll_loss", [X, COUNTS[0]], {"reduction": "none"}, (0, 1)),
    ("poisson-int-input", "poisson_nll_loss", [Keep(np.array([1, 2])), Keep(np.array([1, 2]))], {}, ()),
    ("gaussian", "gaussian_nll_loss", [MU, X, VAR], {}, (0, 1, 2)),
    ("gaussian-full-none", "gaussian_nll_loss", [MU, X, VAR], {"full": True, "reduction": "none"}, (0, 1, 2)),
    ("gaussian-row-var", "gaussian_nll_loss", [MU, X, VAR[:, 0]], {"reduction": "sum"}, (0, 1, 2)),
    ("gaussian-unit-dim-var", "gaussian_nll_loss", [MU, X, VAR[:1]], {}, (0, 1, 2)),
    ("gaussian-col-var", "gaussian_nll_loss", [MU, X, VAR[:, 1:2]], {"reduction": "none"}, (0, 1, 2)),
    ("gaussian-float-var", "gaussian_nll_loss", [MU, X, 0.7], {"eps": 1e-3}, (0, 1)),
    ("gaussian-target-broadcast", "gaussian_nll_loss", [MU, X[0], VAR], {"reduction": "none"}, (0, 1, 2)),
    ("gaussian-1d-0d-var", "gaussian_nll_loss", [MU[0], X[0], np.array(0.3)], {}, (0, 1, 2)),
    ("gaussian-eps", "gaussian_nll_loss", [MU, X, VAR], {"eps": 0.5}, (0, 1, 2)),
    ("kl", "kl_div", [LOGQ, PT], {"reduction": "batchmean"}, (0, 1)),
    ("kl-mean", "kl_div", [LOGQ, PT], {"reduction": "mean"}, (0, 1)),
    ("kl-sum", "kl_div", [LOGQ, PT], {"reduction": "sum"}, (0, 1)),
    ("kl-none", "kl_div", [LOGQ, PT], {"reduction": "none"}, (0, 1)),
    ("kl-log-target", "kl_div", [LOGQ, np.log(PT + 0.1)], {"reduction": "batchmean", "log_target": True}, (0, 1)),
    ("kl-log-target-none", "kl_div", [LOGQ, np.log(PT + 0.1)], {"reduction": "none", "log_target": True}, (0, 1)),
    ("kl-1d-batchmean", "kl_div", [LOGQ[0], PT[0]], {"reduction": "batchmean"}, (0, 1)),
    ("kl-0d-batchmean", "kl_div", [np.array(-1.0), np.array(0.5)], {"reduction": "batchmean"}, (0, 1)),
    ("kl-broadcast", "kl_div", [LOGQ[0], PT], {"reduction": "batchmean"}, (0, 1)),
    ("kl-negative-target", "kl_div", [LOGQ[0], np.array([-0.5, 0.0, 0.5, 1.0])], {"reduction": "none"}, (0,)),
    ("kl-mixed-dtype", "kl_div", [Keep(LOGQ.astype(np.float32)), Keep(PT)], {"reduction": "sum"}, ()),
    ("kl-empty", "kl_div", [np.zeros((0, 3)), np.zeros((0, 3))], {"reduction": "batchmean"}, (0,)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(case, dtype):
    torch = pytest.importorskip("torch")
    _, name, args, kwargs, grad = case
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == np.float32 and "gaussian" in name else None  # 1/v ~ 1e6
    compare_with_torch(torch, name, args, kwargs, grad, dtype, tol)


def test_target_gradient_nan_at_zero_like_torch():
    """full=True: the masked Stirling term makes d/dy nan at y = 0 (0·log 0), as in torch; kl_div's
    xlogy gives nan at y = 0 too."""
    torch = pytest.importorskip("torch")
    compare_with_torch(torch, "poisson_nll_loss", [X, COUNTS], {"full": True}, (0, 1))
    compare_with_torch(torch, "kl_div", [LOGQ, PT], {"reduction": "sum"}, (1,))
    y = tl.tensor(PT, requires_grad=True)
    F.kl_div(tl.tensor(LOGQ), y, reduction="sum").backward()
    assert np.isnan(y.grad[0, 1].item()) and np.isfinite(y.grad[1].numpy()).all()


# ---- LOSSES.md worked examples ---------------------------------------------------------------------
def _f64(a, grad=True):
    return tl.tensor(a, dtype=tl.float64, requires_grad=grad)


def test_poisson_worked_examples():
    x, y = _f64([0.5, -1, 2, 0]), _f64([1, 0, 3, 2], False)
    out = F.poisson_nll_loss(x, y)
    out.backward()
    assert out.item() == pytest.approx(0.976414, rel=5e-6)
    assert x.grad[0].item() == pytest.approx((np.exp(0.5) - 1) / 4, rel=1e-12)
    x.grad = None
    out = F.poisson_nll_loss(x, y, full=True, reduction="none")
    np.testing.assert_allclose(out.numpy(), [1.14872, 0.367879, 3.15314, 1.65181], rtol=5e-6)
    out.mean().backward()
    assert out.mean().item() == pytest.approx(1.58039, rel=5e-6)
    assert x.grad[2].item() == pytest.approx(1.09726, rel=5e-6)
    x = _f64([0.5, 1, 2, 0.1])
    out = F.poisson_nll_loss(x, y, log_input=False)
    out.backward()
    assert out.item() == pytest.approx(1.70472, rel=5e-6)
    assert x.grad[3].item() == pytest.approx((1 - 2 / (0.1 + 1e-8)) / 4, rel=1e-12)  # −4.75


def test_gaussian_worked_examples():
    x, y = _f64([[1, 2], [0.5, -1]]), _f64([[1.5, 2], [0, 1]], False)
    var = _f64([[0.5, 2], [1e-8, 1]])
    out = F.gaussian_nll_loss(x, y, var)
    out.backward()
    assert out.item() == pytest.approx(31248.8, rel=5e-6)
    # ∂ℓ/∂var[0,0] = ½(1/0.5 − 0.25/0.25)/4 = 0.125
    assert var.grad[0, 0].item() == pytest.approx(0.125, rel=1e-12)
    out = F.gaussian_nll_loss(x, y, _f64([0.5, 2], False), full=True)
    x.grad = None
    out.backward()
    assert out.item() == pytest.approx(1.24706, rel=5e-6)
    assert x.grad[1, 1].item() == pytest.approx(-0.25, rel=1e-12)  # (−1 − 1)/2/4


def test_kl_worked_examples():
    x = _f64([[-1.5, -0.5, -1.2], [-0.2, -2, -2.2]])
    out = F.kl_div(x, _f64([[0.2, 0, 0.8], [0.5, 0.25, 0.25]], False), reduction="batchmean")
    out.backward()
    assert out.item() == pytest.approx(0.434938, rel=5e-6)
    assert x.grad[0, 2].item() == pytest.approx(-0.4, rel=1e-12)
    x.grad = None
    y = _f64(np.log([[0.2, 0.1, 0.7], [0.5, 0.25, 0.25]]), False)
    out = F.kl_div(x, y, reduction="sum", log_target=True)
    out.backward()
    assert out.item() == pytest.approx(0.498461, rel=5e-6)
    assert x.grad[0, 2].item() == pytest.approx(-0.7, rel=1e-12)


def test_kl_by_hand():
    out = F.kl_div(_f64(np.log([0.5, 0.5]), False), _f64([1.0, 0.0], False), reduction="sum")
    assert out.item() == pytest.approx(np.log(2), rel=1e-12)


# ---- primitives ---------------------------------------------------------------------------------------
def test_clamp_straight_through_passes_gradient_below_min():
    v = _f64([1e-9, 0.5, 2.0])
    out = ClampStraightThrough.apply(v, min=1e-3)
    assert out.tolist() == [1e-3, 0.5, 2.0]
    (out * tl.tensor([1.0, 2.0, 3.0], dtype=tl.float64)).sum().backward()
    assert v.grad.tolist() == [1.0, 2.0, 3.0]


def test_xlogy_values_and_torch_gradients():
    torch = pytest.importorskip("torch")
    a = np.array([0.0, 0.0, 2.0, 0.5, 0.0, 0.0, 0.0, 1.0, 1.0])
    b = np.array([0.0, 3.0, 0.5, 2.0, np.nan, 0.5, -1.0, 0.0, -1.0])
    x, y = _f64(a), _f64(b)
    out = xlogy(x, y)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ref = torch.xlogy(tx, ty)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), equal_nan=True)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), equal_nan=True)
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), equal_nan=True)


# ---- gradient checks ----------------------------------------------------------------------------------
def test_gradcheck_poisson():
    assert tl.gradcheck(lambda x, y: F.poisson_nll_loss(x, y, full=True), (_f64(X[:2]), _f64(COUNTS[1:3] + 0.5)))
    assert tl.gradcheck(lambda x, y: F.poisson_nll_loss(x, y, log_input=False, reduction="none"),
                        (_f64(RATES[:2]), _f64(COUNTS[:2])))


def test_gradcheck_gaussian():
    var = np.where(VAR < 0.1, 0.3, VAR)  # finite differences need v away from the clamp
    assert tl.gradcheck(lambda m, x, v: F.gaussian_nll_loss(m, x, v, full=True), (_f64(MU[:2]), _f64(X[:2]),
                                                                                  _f64(var[:2])))
    assert tl.gradcheck(lambda m, v: F.gaussian_nll_loss(m, _f64(X[:2], False), v, reduction="none"),
                        (_f64(MU[:2]), _f64(var[:2, 0])))


def test_gradcheck_kl():
    pos = PT[1:] + 0.05
    assert tl.gradcheck(lambda x, y: F.kl_div(x, y, reduction="batchmean"), (_f64(LOGQ[1:]), _f64(pos)))
    assert tl.gradcheck(lambda x, y: F.kl_div(x, y, reduction="none", log_target=True),
                        (_f64(LOGQ[:2]), _f64(LOGQ[1:])))


def test_gradgradcheck_kl_and_gaussian():
    pos = PT[1:] + 0.05
    assert tl.gradgradcheck(lambda x, y: F.kl_div(x, y, reduction="batchmean"), (_f64(LOGQ[1:]), _f64(pos)))
    assert tl.gradgradcheck(lambda x, y: F.kl_div(x, y, reduction="sum", log_target=True),
                            (_f64(LOGQ[:2]), _f64(LOGQ[1:])))
    assert tl.gradgradcheck(lambda m, v: F.gaussian_nll_loss(m, _f64(X[:2], False), v),
                            (_f64(MU[:2]), _f64(VAR[:2] + 0.5)))
    assert tl.gradgradcheck(lambda x: F.poisson_nll_loss(x, _f64(COUNTS[:2], False)), (_f64(X[:2]),))


# ---- extremes ----------------------------------------------------------------------------------------
def test_extremes_like_torch():
    torch = pytest.importorskip("torch")
    compare_with_torch(torch, "kl_div", [np.array([-np.inf, -1e4, 0.0]), np.array([0.0, 1.0, 0.0])],
                       {"reduction": "none"}, (0,))
    compare_with_torch(torch, "kl_div", [np.array([-1.0, -2.0]), np.array([-np.inf, 0.0])],
                       {"reduction": "none", "log_target": True}, (0,))
    compare_with_torch(torch, "poisson_nll_loss", [np.array([30.0, -1e4, 0.0]), np.array([1.0, 5.0, 0.0])],
                       {"reduction": "none"}, (0, 1))
    out, _ = compare_with_torch(torch, "gaussian_nll_loss", [np.array([1e4, 0.0]), np.array([-1e4, 0.0]),
                                                             np.array([0.0, 1e4])], {"reduction": "none"}, (0, 1, 2))
    assert np.isfinite(out.numpy()).all()


# ---- errors ------------------------------------------------------------------------------------------
M, T2, V = tl.tensor(MU), tl.tensor(X), tl.tensor(VAR)
BAD = [
    ("poisson reduction", lambda: F.poisson_nll_loss(M, T2, reduction="avg"), ValueError, "avg is not a valid value"),
    ("poisson elementwise_mean", lambda: F.poisson_nll_loss(M, T2, reduction="elementwise_mean"), ValueError,
     "elementwise_mean is not a valid value"),
    ("poisson target type", lambda: F.poisson_nll_loss(M, 2.0), TypeError, "target must be a Tensor"),
    ("gaussian int var", lambda: F.gaussian_nll_loss(M, T2, 1), TypeError, "var must be a Tensor or a Python float"),
    ("gaussian bool var", lambda: F.gaussian_nll_loss(M, T2, True), TypeError, "var"),
    ("gaussian negative float", lambda: F.gaussian_nll_loss(M, T2, -1.0), ValueError, "var has negative entry"),
    ("gaussian negative tensor", lambda: F.gaussian_nll_loss(M, T2, V - 1), ValueError, "var has negative entry"),
    ("gaussian var (1, 1)", lambda: F.gaussian_nll_loss(M, T2, tl.ones(1, 1)), ValueError, "var is of incorrect size"),
    ("gaussian var 0-d", lambda: F.gaussian_nll_loss(M, T2, tl.tensor(1.0)), ValueError, "var is of incorrect size"),
    ("gaussian var (5,)", lambda: F.gaussian_nll_loss(M, T2, tl.ones(5)), ValueError, "incorrect size"),
    ("gaussian var two dims off", lambda: F.gaussian_nll_loss(tl.ones(2, 3, 4), tl.ones(2, 3, 4), tl.ones(1, 1, 4)),
     ValueError, "incorrect size"),
    ("gaussian reduction", lambda: F.gaussian_nll_loss(M, T2, V, reduction="x"), ValueError, "x is not valid"),
    ("gaussian elementwise_mean", lambda: F.gaussian_nll_loss(M, T2, V, reduction="elementwise_mean"), ValueError,
     "elementwise_mean is not valid"),
    ("gaussian size before reduction", lambda: F.gaussian_nll_loss(M, T2, tl.ones(5), reduction="x"), ValueError,
     "incorrect size"),
    ("kl reduction", lambda: F.kl_div(M, T2, reduction="avg"), ValueError, "avg is not a valid value"),
    ("kl int input", lambda: F.kl_div(tl.tensor([1, 2]), tl.tensor([0.5, 0.5]), reduction="sum"), RuntimeError,
     "Integral inputs not supported"),
    ("kl int target", lambda: F.kl_div(tl.tensor([-1.0, -2.0]), tl.tensor([1, 0]), reduction="sum"), RuntimeError,
     "Integral"),
    ("kl input type", lambda: F.kl_div(MU, T2), TypeError, "input must be a Tensor"),
]


@pytest.mark.parametrize("call, error, match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_kl_mean_warns_on_every_call_and_elementwise_mean_only_deprecation():
    x, y = tl.tensor(LOGQ), tl.tensor(PT)
    for _ in range(2):
        with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
            F.kl_div(x, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.kl_div(x, y, reduction="elementwise_mean")
        F.kl_div(x, y, reduction="batchmean")
    assert [str(w.message) for w in caught] == [
        "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead."]


# ---- nn classes ------------------------------------------------------------------------------------------
def test_modules_call_the_functional():
    x, y, v = tl.tensor(X), tl.tensor(COUNTS), tl.tensor(VAR)
    assert nn.PoissonNLLLoss(full=True)(x, y).item() == F.poisson_nll_loss(x, y, full=True).item()
    assert nn.GaussianNLLLoss(eps=1e-3, reduction="sum")(x, y, v).item() == \
        F.gaussian_nll_loss(x, y, v, eps=1e-3, reduction="sum").item()
    q, p = tl.tensor(LOGQ), tl.tensor(PT)
    assert nn.KLDivLoss(reduction="batchmean")(q, p).item() == F.kl_div(q, p, reduction="batchmean").item()
    assert repr(nn.KLDivLoss(reduction="batchmean", log_target=True)) == \
        "KLDivLoss(reduction='batchmean', log_target=True)"
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)  # keyword-only options, as in torch


def test_modules_validate_reduction_only_when_called():
    loss = nn.KLDivLoss(reduction="bogus")
    with pytest.raises(ValueError, match="bogus"):
        loss(tl.tensor(LOGQ), tl.tensor(PT))
