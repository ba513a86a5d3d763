"""cross_entropy's fused fast path (FusedCrossEntropy) against the composed path, torch and
LOSSES.md's worked examples, for every option; second order through the fused node."""
import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses.losses import fused

X = np.array([[1, 2, 0.5], [0.1, -1, 2], [0.3, 0.3, 0.3], [2, 1, -1]])
Y = np.array([1, 2, 0, -100])
W = np.array([1, 2, 0.5])
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}

OPTIONS = [dict(), dict(weight=True), dict(label_smoothing=0.2), dict(weight=True, label_smoothing=0.2),
           dict(ignore_index=1), dict(weight=True, ignore_index=2, label_smoothing=0.7),
           dict(label_smoothing=-0.5)]


def _run(x, y, kw, reduction, use_fused, seed=None):
    with fused.enabled(use_fused):
        xt = tl.tensor(x, requires_grad=True)
        kw = dict(kw)
        if kw.pop("weight", False):
            kw["weight"] = tl.tensor(np.linspace(0.3, 2, x.shape[1]).astype(x.dtype))
        loss = F.cross_entropy(xt, tl.tensor(y), reduction=reduction, **kw)
        g = tl.ones_like(loss) if seed is None else tl.tensor(seed)
        loss.backward(g)
    return loss, xt.grad.numpy()


def _names(loss):
    names, stack = [], [loss.grad_fn]
    while stack:
        n = stack.pop()
        names.append(n.name())
        stack += [p.grad_fn for p in n.parents if p.grad_fn is not None]
    return names


def test_worked_examples_take_the_fused_path():
    cases = [(dict(), "mean", 0.581589, -0.123823), (dict(weight=tl.tensor(W)), "mean", 0.605212, -0.212268),
             (dict(label_smoothing=0.2), "mean", 0.746033, -0.0793783),
             (dict(weight=tl.tensor(W), label_smoothing=0.2), "mean", 0.784297, -0.166007),
             (dict(weight=tl.tensor(W)), "sum", 2.11824, -0.742937)]
    for kw, red, value, g01 in cases:
        x = tl.tensor(X, requires_grad=True)
        loss = F.cross_entropy(x, tl.tensor(Y), reduction=red, **kw)
        assert loss.grad_fn.name() == "FusedCrossEntropy" and loss.grad_fn.fused
        loss.backward()
        assert loss.item() == pytest.approx(value, rel=1e-5)
        assert x.grad.numpy()[0, 1] == pytest.approx(g01, rel=1e-5)
    none = F.cross_entropy(tl.tensor(X), tl.tensor(Y), weight=tl.tensor(W), reduction="none")
    np.testing.assert_allclose(none.numpy(), [0.928738, 0.0908922, 1.09861, 0], rtol=1e-5, atol=1e-7)


def test_switch_gives_the_composed_graph():
    with fused.enabled(False):
        loss = F.cross_entropy(tl.tensor(X, requires_grad=True), tl.tensor(Y))
    names = _names(loss)
    assert "FusedCrossEntropy" not in names and "LogSoftmax" in names
    assert fused.is_enabled()


def test_all_ignored_is_nan_with_zero_gradient():
    loss, g = _run(X, np.full(4, -100), {}, "mean", True)
    assert np.isnan(loss.item()) and np.all(g == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kw", OPTIONS, ids=str)
def test_fused_equals_composed_and_torch(dtype, reduction, kw):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((33, 70)) * 3).astype(dtype)  # C = 70 spans two kernel blocks
    y = rng.integers(0, 70, 33)
    y[[2, 9]] = kw.get("ignore_index", -100)
    seed = np.linspace(0.5, 1.5, 33).astype(dtype) if reduction == "none" else None
    lf, gf = _run(x, y, kw, reduction, True, seed)
    lc, gc = _run(x, y, kw, reduction, False, seed)
    assert lf.dtype == lc.dtype == dtype
    np.testing.assert_allclose(lf.numpy(), lc.numpy(), **TOL[dtype])
    np.testing.assert_allclose(gf, gc, **TOL[dtype])
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, requires_grad=True)
    tkw = {k: v for k, v in kw.items() if k != "weight"}
    if kw.get("weight"):
        tkw["weight"] = torch.tensor(np.linspace(0.3, 2, 70).astype(dtype))
    ref = torch.nn.functional.cross_entropy(xt, torch.tensor(y), reduction=reduction, **tkw)
    ref.backward(torch.ones_like(ref) if seed is None else torch.tensor(seed))
    np.testing.assert_allclose(lf.numpy(), ref.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(gf, xt.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("shape", [(5,), (3, 4, 2, 2)])
def test_unbatched_and_k_dim_inputs(shape):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    y = rng.integers(0, 5, ()) if len(shape) == 1 else rng.integers(0, 4, (3, 2, 2))
    for red in ("none", "mean"):
        lf, gf = _run(x, y, dict(label_smoothing=0.1), red, True)
        lc, gc = _run(x, y, dict(label_smoothing=0.1), red, False)
        assert lf.shape == lc.shape
        np.testing.assert_allclose(lf.numpy(), lc.numpy(), rtol=1e-12)
        np.testing.assert_allclose(gf, gc, rtol=1e-12, atol=1e-15)


def test_second_order_through_the_fused_node():
    torch = pytest.importorskip("torch")
    x = tl.tensor(X, requires_grad=True)
    loss = F.cross_entropy(x, tl.tensor(Y), weight=tl.tensor(W), label_smoothing=0.2)
    assert loss.grad_fn.name() == "FusedCrossEntropy"
    (g,) = tl.grad(loss, x, create_graph=True)
    (g * g).sum().backward()
    xt = torch.tensor(X, requires_grad=True)
    lt = torch.nn.functional.cross_entropy(xt, torch.tensor(Y), weight=torch.tensor(W), label_smoothing=0.2)
    (gt,) = torch.autograd.grad(lt, xt, create_graph=True)
    (gt * gt).sum().backward()
    np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_gradcheck_and_gradgradcheck_fused():
    x = tl.tensor(np.random.default_rng(0).standard_normal((4, 5)), requires_grad=True)
    y, w = tl.tensor([0, 3, -100, 4]), tl.tensor([1.0, 0.5, 2.0, 1.5, 0.7], dtype=tl.float64)
    def f(x):
        return F.cross_entropy(x, y, weight=w, label_smoothing=0.3)
    assert tl.gradcheck(f, (x,)) and tl.gradgradcheck(f, (x,))


def test_retain_graph_second_backward_recomputes():
    x = tl.tensor(X, requires_grad=True)
    loss = F.cross_entropy(x, tl.tensor(Y), reduction="sum")
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    loss.backward(tl.tensor(2.0))
    np.testing.assert_allclose(x.grad.numpy(), 3 * first, rtol=1e-12)
