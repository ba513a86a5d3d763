"""Margin and ranking losses (tinygrad_losses/losses/margin.py): a table of cases against torch
(values, gradients of every differentiable input, dtype and shape, every reduction, float32 and
float64, kinks exactly at the margin), LOSSES.md's worked examples, float64 gradchecks, the
documented departures from torch, bad inputs, and the nn classes."""
import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses.viz.scopes import scope_of
import tinygrad_losses.functional as F
from tinygrad_losses import nn

from helpers import Keep, check_vs_torch

REDUCTIONS = ["none", "mean", "sum"]


def _torch_F():
    return pytest.importorskip("torch").nn.functional


rng = np.random.default_rng(0)
R = rng.standard_normal
PM1 = rng.choice([-1.0, 1.0], size=(4, 5))

# (id, functional name, tensor args, options, indices of differentiable args)
CASES = [
    ("hinge-basic", "hinge_embedding_loss", [R((4, 5)), PM1], {}, [0]),
    ("hinge-kinks", "hinge_embedding_loss", [[0.3, 1.5, 0.5, -0.2, 1.0, 2.0], [1.0, -1, -1, 1, -1, -1]],
     {}, [0]),
    ("hinge-margin-at-kink", "hinge_embedding_loss", [[0.5, 2.0, -1.0], [-1.0, -1, -1]], {"margin": 0.5}, [0]),
    ("hinge-other-labels", "hinge_embedding_loss", [[0.3, 2.0, -1.0, 0.7], [0.0, 0.5, 2.0, -3.0]], {}, [0]),
    ("hinge-negative-margin", "hinge_embedding_loss", [R(6), rng.choice([-1.0, 1.0], 6)], {"margin": -0.5}, [0]),
    ("hinge-broadcast", "hinge_embedding_loss", [R((3, 1)), [1.0, -1, -1, 1]], {}, [0]),
    ("hinge-int-target", "hinge_embedding_loss", [R(4), Keep([1, -1, -1, 1])], {}, [0]),
    ("hinge-f64-target", "hinge_embedding_loss", [R(4), Keep(np.array([1.0, -1, 0, 1]))], {}, [0]),
    ("hinge-0d", "hinge_embedding_loss", [0.4, -1.0], {"margin": 2.0}, [0]),
    ("soft-basic", "soft_margin_loss", [R((3, 4)), rng.choice([-1.0, 1.0], (3, 4))], {}, [0]),
    ("soft-real-targets", "soft_margin_loss", [R(6) * 3, R(6)], {}, [0]),
    ("soft-target-broadcast", "soft_margin_loss", [R((3, 4)), [1.0, -1, 1, -1]], {}, [0]),
    ("soft-int-target", "soft_margin_loss", [R(3), Keep([1, -1, 1])], {}, [0]),
    ("soft-f64-target", "soft_margin_loss", [R(3), Keep(np.array([1.0, -1, 0.5]))], {}, [0]),
    ("soft-0d", "soft_margin_loss", [0.5, 1.0], {}, [0]),
    ("mlsm-basic", "multilabel_soft_margin_loss", [R((3, 4)), rng.integers(0, 2, (3, 4)).astype(float)],
     {}, [0, 1]),
    ("mlsm-soft-targets", "multilabel_soft_margin_loss", [R((3, 4)), rng.random((3, 4))], {}, [0, 1]),
    ("mlsm-weight", "multilabel_soft_margin_loss", [R((3, 4)), rng.random((3, 4)), [1.0, 2, 0.5, 1]], {},
     [0, 1, 2]),
    ("mlsm-weight-NC", "multilabel_soft_margin_loss", [R((2, 3)), rng.random((2, 3)), rng.random((2, 3))], {},
     [0, 1, 2]),
    ("mlsm-1d", "multilabel_soft_margin_loss", [R(5), rng.random(5)], {}, [0, 1]),
    ("mlsm-3d", "multilabel_soft_margin_loss", [R((2, 3, 4)), rng.random((2, 3, 4))], {}, [0, 1]),
    ("mlsm-broadcast-quirk", "multilabel_soft_margin_loss", [R(3), rng.random((2, 3))], {}, [0, 1]),
    ("mlsm-int-target", "multilabel_soft_margin_loss", [R((2, 3)), Keep([[1, 0, 1], [0, 0, 1]])], {}, [0]),
    ("rank-basic", "margin_ranking_loss", [R(6), R(6), rng.choice([-1.0, 1.0], 6)], {"margin": 0.3}, [0, 1, 2]),
    ("rank-kinks", "margin_ranking_loss", [[1.0, 2, 0.5, 3, 1.5], [2.0, 1, 0.5, 3.5, 1.0], [1.0, 1, -1, -1, 1]],
     {"margin": 0.5}, [0, 1, 2]),
    ("rank-zero-margin-tie", "margin_ranking_loss", [[1.0, 2.0], [1.0, 2.0], [1.0, -1.0]], {}, [0, 1, 2]),
    ("rank-broadcast", "margin_ranking_loss", [R((2, 1)), R((1, 3)), [[1.0]]], {"margin": 0.1}, [0, 1, 2]),
    ("rank-y0", "margin_ranking_loss", [R(3), R(3), [0.0, 0.0, 2.0]], {"margin": 0.2}, [0, 1, 2]),
    ("rank-0d", "margin_ranking_loss", [1.0, 2.0, 1.0], {}, [0, 1, 2]),
    ("rank-int-inputs", "margin_ranking_loss", [[1, 2, 3], [2, 2, 0], [1, -1, 1]], {"margin": 0.5}, []),
    ("multi-basic", "multi_margin_loss", [R((5, 4)), rng.integers(0, 4, 5)], {}, [0]),
    ("multi-p2-weight", "multi_margin_loss", [R((5, 4)), rng.integers(0, 4, 5), [1.0, 2, 0.5, 3]],
     {"p": 2, "margin": 0.8}, [0]),
    ("multi-kinks-p1", "multi_margin_loss", [[[0.0, 1, 0.5], [2.0, 1, 1]], [1, 0]], {}, [0]),
    ("multi-kinks-p2", "multi_margin_loss", [[[0.0, 1, 0.5], [2.0, 1, 1]], [1, 0]], {"p": 2}, [0]),
    ("multi-negative-margin", "multi_margin_loss", [R((3, 4)), [0, 1, 2]], {"margin": -0.5}, [0]),
    ("multi-1d-0d-target", "multi_margin_loss", [R(4), Keep(np.array(2))], {}, [0]),
    ("multi-1d-1-target", "multi_margin_loss", [R(4), [2]], {}, [0]),
    ("multi-1xC-0d-target", "multi_margin_loss", [R((1, 4)), Keep(np.array(3))], {}, [0]),
    ("multi-0d-input", "multi_margin_loss", [0.7, Keep(np.array(0))], {}, [0]),
    ("multilabel-example", "multilabel_margin_loss",
     [[[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0.0]], [[3, 0, -1, 1], [2, -1, 0, 1]]], {}, [0]),
    ("multilabel-lists", "multilabel_margin_loss",
     [R((5, 5)), [[0, 3, -1, 2, 2], [4, 4, 1, -1, 0], [-1, 0, 1, 2, 3], [0, 1, 2, 3, 4], [2, 0, 4, 1, -1]]],
     {}, [0]),
    ("multilabel-kink", "multilabel_margin_loss", [[[0.0, 1, 0.5], [1.0, 0, 3]], [[1, -1, 0], [0, 2, -1]]], {}, [0]),
    ("multilabel-1d", "multilabel_margin_loss", [R(4), [1, 3, -1, 0]], {}, [0]),
    ("multilabel-0d", "multilabel_margin_loss", [0.3, Keep(np.array(0))], {}, [0]),
]


def _call(module, name, a, options, reduction):
    """margin_ranking takes three tensors; the weighted losses take the third one as weight=."""
    if name == "margin_ranking_loss":
        return module.margin_ranking_loss(*a, **options, reduction=reduction)
    weight = {"weight": a[2]} if len(a) > 2 else {}
    return getattr(module, name)(a[0], a[1], **weight, **options, reduction=reduction)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(case, reduction, dtype):
    _, name, args, options, diff = case
    check_vs_torch(lambda *a: _call(F, name, a, options, reduction),
                   lambda *a: _call(_torch_F(), name, a, options, reduction), args, diff, dtype)


# ---- LOSSES.md worked examples (hand-checkable values) -----------------------------------------
def _grad_of(fn, x, *rest, **options):
    x = tl.tensor(x, dtype=tl.float64, requires_grad=True)
    loss = fn(x, *rest, **options)
    loss.backward()
    return loss.item(), x.grad.numpy()


def test_worked_example_hinge_embedding():
    value, g = _grad_of(F.hinge_embedding_loss, [0.3, 1.5, 0.5, -0.2, 1], tl.tensor([1.0, -1, -1, 1, -1]))
    assert value == pytest.approx(0.12)
    assert g[4] == pytest.approx(-0.2)  # at the kink x = margin the gradient passes
    none = F.hinge_embedding_loss(tl.tensor([0.3, 1.5, 0.5, -0.2, 1]), tl.tensor([1.0, -1, -1, 1, -1]),
                                  reduction="none")
    np.testing.assert_allclose(none.numpy(), [0.3, 0, 0.5, -0.2, 0], atol=1e-7)
    other = F.hinge_embedding_loss(tl.tensor([0.3]), tl.tensor([0.0]), reduction="sum")
    assert other.item() == pytest.approx(1.0)  # y=0 sums both branches: 0.7 + 0.3


def test_worked_example_multilabel_margin():
    y = tl.tensor([[3, 0, -1, 1], [2, -1, 0, 1]])
    value, g = _grad_of(F.multilabel_margin_loss, [[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0]], y)
    assert value == pytest.approx(0.5125)
    assert g[0, 1] == pytest.approx(0.25)
    none = F.multilabel_margin_loss(tl.tensor([[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0]]), y, reduction="none")
    np.testing.assert_allclose(none.numpy(), [0.85, 0.175], rtol=1e-6)


def test_multilabel_margin_duplicates_count_twice_and_full_list_is_zero():
    x = tl.tensor([0.1, 0.2, 0.4, 0.8])
    # J = [3, 3]: each of the three other classes is hinged twice against class 3:
    # 2·[(1 − 0.7) + (1 − 0.6) + (1 − 0.4)]/4 = 0.65
    assert F.multilabel_margin_loss(x, tl.tensor([3, 3, -1, 0])).item() == pytest.approx(0.65)
    assert F.multilabel_margin_loss(x, tl.tensor([3, 2, 1, 0])).item() == 0
    assert F.multilabel_margin_loss(x, tl.tensor([-1, 2, 1, 0])).item() == 0


def test_worked_example_soft_margin():
    value, g = _grad_of(F.soft_margin_loss, [0.3, -1.5, 2], tl.tensor([1.0, 1, -1], dtype=tl.float64))
    assert value == pytest.approx(1.4609, abs=5e-5)
    assert g[2] == pytest.approx(0.293599, rel=1e-5)


def test_worked_example_multilabel_soft_margin():
    x = [[0.3, -1.5, 2, 0.1], [1, 0, -0.5, 0.2]]
    y = tl.tensor([[1.0, 0, 1, 0], [0, 0, 1, 1]], dtype=tl.float64)
    w = tl.tensor([1, 2, 0.5, 1], dtype=tl.float64)
    value, g = _grad_of(F.multilabel_soft_margin_loss, x, y, weight=w)
    assert value == pytest.approx(0.693722, rel=1e-6)
    assert g[1, 2] == pytest.approx(-0.0389037, rel=1e-5)
    none = F.multilabel_soft_margin_loss(tl.tensor(x, dtype=tl.float64), y, weight=w, reduction="none")
    np.testing.assert_allclose(none.numpy(), [0.441261, 0.946183], rtol=1e-5)


def test_worked_example_margin_ranking():
    value, g = _grad_of(F.margin_ranking_loss, [1, 2, 0.5, 3], tl.tensor([2, 1, 0.5, 3.5], dtype=tl.float64),
                        tl.tensor([1.0, 1, -1, -1], dtype=tl.float64), margin=0.5)
    assert value == pytest.approx(0.5)
    assert g[2] == pytest.approx(0.25)


def test_worked_example_multi_margin():
    x = [[0.1, 0.2, 0.4, 0.8], [0.5, -0.3, 0.9, 0]]
    value, g = _grad_of(F.multi_margin_loss, x, tl.tensor([3, 0]))
    assert value == pytest.approx(0.425)
    assert g[1, 0] == pytest.approx(-0.375)
    value, g = _grad_of(F.multi_margin_loss, x, tl.tensor([3, 0]), p=2, margin=0.8,
                        weight=tl.tensor([1, 2, 0.5, 3], dtype=tl.float64))
    assert value == pytest.approx(0.27)
    assert g[1, 2] == pytest.approx(0.3)


# ---- float64 finite-difference checks (away from the kinks) -------------------------------------
def _away_from_kinks(x, step=0.25):
    """Round to a grid offset by step/2 so that no hinge argument sits near 0 (all here are sums of
    grid values and 1 or the margin)."""
    return np.round(np.asarray(x) / step) * step + step / 2 + 0.01 * np.random.default_rng(1).random(np.shape(x))


def _f64(a, grad=False):
    return tl.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


GRADCHECKS = [
    ("hinge", lambda x: F.hinge_embedding_loss(x, tl.tensor([1.0, -1, -1, 0, 1, -1], dtype=tl.float64),
                                              margin=0.9, reduction="none"), [R(6)]),
    ("soft", lambda x: F.soft_margin_loss(x, tl.tensor([1.0, -1, 0.5, 2], dtype=tl.float64)), [R(4)]),
    ("mlsm", lambda x, y, w: F.multilabel_soft_margin_loss(x, y, weight=w, reduction="none"),
     [R((2, 3)), rng.random((2, 3)), rng.random(3)]),
    ("ranking", lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.1, reduction="sum"),
     [R(5), R(5), rng.choice([-1.0, 1.0], 5)]),
    ("multi-p1", lambda x: F.multi_margin_loss(x, tl.tensor([0, 2, 1]), reduction="none"), [R((3, 4))]),
    ("multi-p2-weight", lambda x: F.multi_margin_loss(x, tl.tensor([0, 2, 1]), p=2, margin=0.7,
                                                      weight=tl.tensor([1, 2, 0.5, 3], dtype=tl.float64)),
     [R((3, 4))]),
    ("multilabel", lambda x: F.multilabel_margin_loss(x, tl.tensor([[0, 2, -1, 1], [3, -1, 0, 0], [1, 1, 2, -1]]),
                                                      reduction="none"), [R((3, 4))]),
]


@pytest.mark.parametrize("fn, arrays", [(g[1], g[2]) for g in GRADCHECKS], ids=[g[0] for g in GRADCHECKS])
def test_gradcheck(fn, arrays):
    inputs = [_f64(_away_from_kinks(a) if i == 0 else a, grad=True) for i, a in enumerate(arrays)]
    assert tl.gradcheck(fn, inputs)


def test_gradgradcheck_soft_margin():
    y = tl.tensor([1.0, -1, 0.5], dtype=tl.float64)
    assert tl.gradgradcheck(lambda x: F.soft_margin_loss(x, y, reduction="sum"), [_f64(R(3), grad=True)])


def test_gradgradcheck_multilabel_soft_margin():
    assert tl.gradgradcheck(lambda x, y: F.multilabel_soft_margin_loss(x, y),
                            [_f64(R((2, 3)), grad=True), _f64(rng.random((2, 3)), grad=True)])


# ---- documented departures from torch -----------------------------------------------------------
@pytest.mark.parametrize("dtype", [tl.float32, tl.float64])
def test_soft_margin_is_stable_where_torch_overflows(dtype):
    x = tl.tensor([-1000.0, 1000.0, -100.0], dtype=dtype, requires_grad=True)
    loss = F.soft_margin_loss(x, tl.tensor([1.0, -1.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [1000.0, 1000.0, 100.0], rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-1.0, 1.0, -1.0])


@pytest.mark.parametrize("call", [
    lambda r: F.multi_margin_loss(tl.zeros(0, 3), tl.zeros(0, dtype=tl.int64), reduction=r),
    lambda r: F.multilabel_margin_loss(tl.zeros(0, 3), tl.zeros(0, 3, dtype=tl.int64), reduction=r),
], ids=["multi_margin", "multilabel_margin"])
def test_empty_batch_gives_nan_mean_and_zero_sum(call):
    assert np.isnan(call("mean").item())
    assert call("sum").item() == 0
    assert call("none").shape == (0,)


def test_empty_loss_elsewhere_follows_torch():
    assert np.isnan(F.hinge_embedding_loss(tl.zeros(0), tl.zeros(0)).item())
    assert F.soft_margin_loss(tl.zeros(0), tl.zeros(0), reduction="sum").item() == 0


# ---- reductions ---------------------------------------------------------------------------------
def test_elementwise_mean_is_deprecated_where_torch_accepts_it():
    x, y = tl.tensor([0.3, -1.5, 2.0]), tl.tensor([1.0, 1, -1])
    with pytest.warns(UserWarning, match="elementwise_mean"):
        value = F.soft_margin_loss(x, y, reduction="elementwise_mean")
    assert value.item() == pytest.approx(F.soft_margin_loss(x, y).item())
    with pytest.raises(ValueError, match="elementwise_mean is not valid"):
        F.multilabel_soft_margin_loss(x, y, reduction="elementwise_mean")


ALL = {
    "hinge_embedding_loss": lambda r: F.hinge_embedding_loss(tl.ones(2), tl.ones(2), reduction=r),
    "soft_margin_loss": lambda r: F.soft_margin_loss(tl.ones(2), tl.ones(2), reduction=r),
    "multilabel_soft_margin_loss": lambda r: F.multilabel_soft_margin_loss(tl.ones(2), tl.ones(2), reduction=r),
    "margin_ranking_loss": lambda r: F.margin_ranking_loss(tl.ones(2), tl.ones(2), tl.ones(2), reduction=r),
    "multi_margin_loss": lambda r: F.multi_margin_loss(tl.ones(1, 2), tl.tensor([0]), reduction=r),
    "multilabel_margin_loss": lambda r: F.multilabel_margin_loss(tl.ones(2), tl.tensor([0, -1]), reduction=r),
}


@pytest.mark.parametrize("name", list(ALL))
def test_invalid_reduction(name):
    with pytest.raises(ValueError, match="'banana'|banana is not valid|banana is not a valid"):
        ALL[name]("banana")


# ---- bad inputs: torch's error type, a message naming the argument ------------------------------
BAD = [
    ("hinge-int-input", lambda tl, F: F.hinge_embedding_loss(tl.tensor([1, 2]), tl.tensor([1, -1])), TypeError, "input"),
    ("hinge-not-tensor", lambda tl, F: F.hinge_embedding_loss([0.1], tl.ones(1)), TypeError, "input"),
    ("hinge-shapes", lambda tl, F: F.hinge_embedding_loss(tl.ones(3), tl.ones(2)), RuntimeError, "size"),
    ("soft-int-input", lambda tl, F: F.soft_margin_loss(tl.tensor([1, 2]), tl.ones(2)), RuntimeError, "input"),
    ("soft-target-grad", lambda tl, F: F.soft_margin_loss(tl.ones(2), tl.ones(2, requires_grad=True)),
     RuntimeError, "'target'"),
    ("soft-target-enlarges", lambda tl, F: F.soft_margin_loss(tl.ones(2, 1), tl.ones(2, 2)), RuntimeError, "target"),
    ("mlsm-0d", lambda tl, F: F.multilabel_soft_margin_loss(tl.tensor(0.5), tl.tensor(1.0)), IndexError, "input"),
    ("mlsm-int-input", lambda tl, F: F.multilabel_soft_margin_loss(tl.ones(2, dtype=tl.int64), tl.ones(2)), TypeError, "input"),
    ("mlsm-weight-type", lambda tl, F: F.multilabel_soft_margin_loss(tl.ones(2), tl.ones(2), weight=[1, 2]),
     TypeError, "weight"),
    ("rank-ndim", lambda tl, F: F.margin_ranking_loss(tl.ones(2, 1), tl.ones(2), tl.ones(2)), RuntimeError, "input1"),
    ("rank-shapes", lambda tl, F: F.margin_ranking_loss(tl.ones(2), tl.ones(3), tl.ones(2)), RuntimeError, "size"),
    ("multi-p3", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0, 1]), p=3), ValueError, "p"),
    ("multi-weight-2d", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0, 1]), weight=tl.ones(1, 3)),
     ValueError, "weight"),
    ("multi-weight-size", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0, 1]), weight=tl.ones(2)),
     RuntimeError, "weight"),
    ("multi-weight-dtype", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0, 1]),
                                                       weight=tl.ones(3, dtype=tl.float64)), RuntimeError, "weight"),
    ("multi-weight-grad", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0, 1]),
                                                      weight=tl.ones(3, requires_grad=True)), RuntimeError, "weight"),
    ("multi-target-range", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0, 3])), RuntimeError, "target"),
    ("multi-target-negative", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([-1, 0])), RuntimeError, "target"),
    ("multi-target-dtype", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0, 1], dtype=tl.int32)),
     RuntimeError, "target"),
    ("multi-target-float", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0.0, 1.0])), RuntimeError, "target"),
    ("multi-target-size", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.tensor([0])), RuntimeError, "target"),
    ("multi-target-2d", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3), tl.zeros(2, 1, dtype=tl.int64)), RuntimeError, "target"),
    ("multi-3d", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3, 4), tl.tensor([0, 1])), RuntimeError, "input"),
    ("multi-C0", lambda tl, F: F.multi_margin_loss(tl.ones(2, 0), tl.tensor([0, 1])), RuntimeError, "input"),
    ("multi-int-input", lambda tl, F: F.multi_margin_loss(tl.ones(2, 3, dtype=tl.int64), tl.tensor([0, 1])), TypeError, "input"),
    ("multilabel-range", lambda tl, F: F.multilabel_margin_loss(tl.ones(2, 3), tl.tensor([[0, 3, -1], [0, 0, 0]])),
     RuntimeError, "target"),
    ("multilabel-minus-two", lambda tl, F: F.multilabel_margin_loss(tl.ones(3), tl.tensor([0, -2, -1])),
     RuntimeError, "target"),
    ("multilabel-checked-after-terminator", lambda tl, F: F.multilabel_margin_loss(tl.ones(3), tl.tensor([0, -1, 7])),
     RuntimeError, "target"),
    ("multilabel-shape", lambda tl, F: F.multilabel_margin_loss(tl.ones(2, 4), tl.zeros(2, 3, dtype=tl.int64)),
     RuntimeError, "target"),
    ("multilabel-dtype", lambda tl, F: F.multilabel_margin_loss(tl.ones(2, 3), tl.zeros(2, 3, dtype=tl.int32)),
     RuntimeError, "target"),
    ("multilabel-3d", lambda tl, F: F.multilabel_margin_loss(tl.ones(2, 3, 4), tl.zeros(2, 3, 4, dtype=tl.int64)),
     RuntimeError, "input"),
]


@pytest.mark.parametrize("call, error, name", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call, error, name):
    with pytest.raises(error, match=name):
        call(tl, F)


TORCH_DIFFERS = {"hinge-int-input", "mlsm-int-input", "multi-int-input",  # NotImplementedError -> TypeError
                 "hinge-not-tensor", "mlsm-weight-type"}                   # torch's own TypeErrors differ


@pytest.mark.parametrize("call, error", [b[1:3] for b in BAD if b[0] not in TORCH_DIFFERS],
                         ids=[b[0] for b in BAD if b[0] not in TORCH_DIFFERS])
def test_torch_raises_the_same_error_type(call, error):
    """Each bad input above fails in torch too, with the same exception type."""
    torch = pytest.importorskip("torch")
    with pytest.raises(error):
        call(_TorchTL(torch), torch.nn.functional)


class _TorchTL:
    """The few tl names the BAD table uses, answered by torch."""

    def __init__(self, torch):
        self.torch = torch
        self.float64, self.int32, self.int64 = torch.float64, torch.int32, torch.int64

    def tensor(self, data, dtype=None, requires_grad=False):
        return self.torch.tensor(data, dtype=dtype, requires_grad=requires_grad)

    def ones(self, *shape, dtype=None, requires_grad=False):
        return self.torch.ones(*shape, dtype=dtype, requires_grad=requires_grad)

    def zeros(self, *shape, dtype=None):
        return self.torch.zeros(*shape, dtype=dtype)


# ---- nn classes ---------------------------------------------------------------------------------
def test_modules_call_their_functional():
    x, y = tl.tensor([[0.1, 0.2, 0.4], [0.5, -0.3, 0.9]]), tl.tensor([2, 0])
    s = tl.tensor([1.0, -1.0, 1.0])
    w = tl.tensor([1.0, 2.0, 0.5])
    pairs = [
        (nn.HingeEmbeddingLoss(margin=0.5, reduction="sum")(s, -s), F.hinge_embedding_loss(s, -s, 0.5, "sum")),
        (nn.SoftMarginLoss(reduction="none")(s, s), F.soft_margin_loss(s, s, "none")),
        (nn.MultiLabelSoftMarginLoss(weight=w)(x, x), F.multilabel_soft_margin_loss(x, x, weight=w)),
        (nn.MultiMarginLoss(p=2, margin=0.5, weight=w)(x, y), F.multi_margin_loss(x, y, 2, 0.5, w)),
        (nn.MultiLabelMarginLoss()(x, tl.tensor([[2, -1, 0], [0, 1, -1]])),
         F.multilabel_margin_loss(x, tl.tensor([[2, -1, 0], [0, 1, -1]]))),
        (nn.MarginRankingLoss(margin=0.2)(s, -s, s), F.margin_ranking_loss(s, -s, s, 0.2)),
    ]
    for got, want in pairs:
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_module_options_are_checked_like_torch():
    with pytest.raises(ValueError, match="p"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="weight"):
        nn.MultiMarginLoss(weight=tl.ones(1, 3))
    loss = nn.SoftMarginLoss(reduction="banana")  # like torch: accepted here, refused at the first call
    with pytest.raises(ValueError, match="banana"):
        loss(tl.ones(2), tl.ones(2))


def test_module_weight_is_a_buffer_not_a_parameter():
    m = nn.MultiMarginLoss(weight=tl.tensor([1.0, 2.0]))
    assert list(m.parameters()) == []
    assert set(m.state_dict()) == {"weight"}


# ---- registry and graph scopes ------------------------------------------------------------------
def test_registered_with_their_module_and_example():
    from tinygrad_losses.losses.registry import get
    for name in ALL:
        info = get(name)
        assert info.function is getattr(F, name)
        assert hasattr(nn, info.module)
        example = {k: tl.tensor(v) for k, v in info.example.items() if isinstance(v, list)}
        options = {k: v for k, v in info.example.items() if not isinstance(v, list)}
        assert np.isfinite(info.function(**example, **options).item())


def test_graph_nodes_record_the_loss_scope():
    x = tl.tensor([0.3, -1.5], requires_grad=True)
    loss = F.soft_margin_loss(x, tl.tensor([1.0, -1.0]))
    assert str(scope_of(loss.grad_fn)[-1]) == "soft_margin_loss"
