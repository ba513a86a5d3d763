"""cross_entropy, nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits: torch parity,
LOSSES.md §1.5, 1.6, 1.10, 1.11 examples, gradchecks, extremes and bad inputs."""
import warnings

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
import tinygrad_losses.nn as nn
from helpers import Keep, compare_with_torch

rng = np.random.default_rng(1)
LOGITS = rng.standard_normal((5, 4)) * 2
IDX = np.array([1, 3, -100, 0, 2])
IDX_ALL = np.array([1, 3, 2, 0, 2])
CW = np.array([1.0, 2.0, 0.5, 1.5])
PROBS = rng.dirichlet(np.ones(4), size=5)
SPATIAL = rng.standard_normal((2, 4, 3, 2))
SPATIAL_IDX = np.array([[[0, 3], [1, -100], [2, 2]], [[3, 3], [0, 1], [-100, 1]]])
SPATIAL_PROBS = rng.dirichlet(np.ones(4), size=(2, 3, 2)).transpose(0, 3, 1, 2).copy()
P = rng.uniform(0.05, 0.95, (3, 4))
Y = rng.uniform(0, 1, (3, 4))
BW = rng.uniform(0.2, 2, 4)
Z = rng.standard_normal((3, 4)) * 3

# (id, function, args, kwargs, differentiable args)
CASES = [
    ("ce", "cross_entropy", [LOGITS, IDX_ALL], {}, (0,)),
    ("ce-ignore", "cross_entropy", [LOGITS, IDX], {}, (0,)),
    ("ce-weight", "cross_entropy", [LOGITS, IDX], {"weight": CW}, (0,)),
    ("ce-weight-sum", "cross_entropy", [LOGITS, IDX], {"weight": CW, "reduction": "sum"}, (0,)),
    ("ce-weight-none", "cross_entropy", [LOGITS, IDX], {"weight": CW, "reduction": "none"}, (0,)),
    ("ce-smooth", "cross_entropy", [LOGITS, IDX], {"label_smoothing": 0.3}, (0,)),
    ("ce-smooth-weight", "cross_entropy", [LOGITS, IDX], {"label_smoothing": 0.3, "weight": CW}, (0,)),
    ("ce-smooth-none", "cross_entropy", [LOGITS, IDX], {"label_smoothing": 1.0, "reduction": "none"}, (0,)),
    ("ce-ignore-valid-class", "cross_entropy", [LOGITS, IDX_ALL], {"ignore_index": 2, "weight": CW}, (0,)),
    ("ce-spatial", "cross_entropy", [SPATIAL, SPATIAL_IDX], {"weight": CW, "label_smoothing": 0.1}, (0,)),
    ("ce-spatial-none", "cross_entropy", [SPATIAL, SPATIAL_IDX], {"reduction": "none"}, (0,)),
    ("ce-unbatched", "cross_entropy", [LOGITS[0], np.array(2)], {"weight": CW}, (0,)),
    # torch's backward fails for a (1,) target with 1-D input ("size mismatch"): values only
    ("ce-unbatched-(1,)", "cross_entropy", [LOGITS[0], np.array([3])], {"reduction": "none"}, ()),
    ("ce-unbatched-ignored", "cross_entropy", [LOGITS[0], np.array(-100)], {}, (0,)),
    ("ce-uint8", "cross_entropy", [LOGITS, IDX_ALL.astype(np.uint8)], {}, (0,)),
    ("ce-all-ignored", "cross_entropy", [LOGITS, np.full(5, -100)], {"label_smoothing": 0.2}, (0,)),
    ("ce-all-ignored-sum", "cross_entropy", [LOGITS, np.full(5, -100)], {"reduction": "sum"}, (0,)),
    ("ce-empty", "cross_entropy", [np.zeros((0, 4)), np.zeros(0, np.int64)], {}, (0,)),
    ("ce-probs", "cross_entropy", [LOGITS, PROBS], {}, (0, 1)),
    ("ce-probs-weight-smooth", "cross_entropy", [LOGITS, PROBS], {"weight": CW, "label_smoothing": 0.2},
     (0, 1, "weight")),
    ("ce-probs-none", "cross_entropy", [LOGITS, PROBS * 1.5 - 0.1], {"reduction": "none"}, (0, 1)),
    ("ce-probs-spatial", "cross_entropy", [SPATIAL, SPATIAL_PROBS], {"reduction": "sum"}, (0, 1)),
    ("ce-probs-unbatched", "cross_entropy", [LOGITS[0], PROBS[0]], {}, (0, 1)),
    ("ce-probs-mixed-dtype", "cross_entropy", [Keep(LOGITS.astype(np.float32)), Keep(PROBS)], {}, ()),
    ("nll", "nll_loss", [LOGITS, IDX_ALL], {}, (0,)),
    ("nll-ignore-weight", "nll_loss", [LOGITS, IDX], {"weight": CW}, (0,)),
    ("nll-none", "nll_loss", [LOGITS, IDX_ALL], {"reduction": "none", "ignore_index": 0}, (0,)),
    ("nll-spatial", "nll_loss", [SPATIAL, SPATIAL_IDX], {"weight": CW, "reduction": "sum"}, (0,)),
    ("nll-unbatched", "nll_loss", [LOGITS[0], np.array(1)], {}, (0,)),
    ("nll-unbatched-(1,)", "nll_loss", [LOGITS[0], np.array([1])], {}, ()),
    ("nll-all-ignored", "nll_loss", [LOGITS, np.full(5, -100)], {}, (0,)),
    ("nll-empty-none", "nll_loss", [np.zeros((0, 4)), np.zeros(0, np.int64)], {"reduction": "none"}, (0,)),
    ("bce", "binary_cross_entropy", [P, Y], {}, (0, 1)),
    ("bce-weight", "binary_cross_entropy", [P, Y], {"weight": BW}, (0, 1)),
    ("bce-weight-col", "binary_cross_entropy", [P, Y], {"weight": BW[:3, None], "reduction": "none"}, (0, 1)),
    ("bce-sum", "binary_cross_entropy", [P, Y], {"reduction": "sum"}, (0, 1)),
    ("bce-hard-labels", "binary_cross_entropy", [P, (Y > 0.5) * 1.0], {}, (0, 1)),
    ("bcel", "binary_cross_entropy_with_logits", [Z, Y], {}, (0, 1)),
    ("bcel-none", "binary_cross_entropy_with_logits", [Z, Y], {"reduction": "none"}, (0, 1)),
    ("bcel-weight", "binary_cross_entropy_with_logits", [Z, Y], {"weight": BW[:3, None]}, (0, 1)),
    ("bcel-pos-weight", "binary_cross_entropy_with_logits", [Z, Y], {"pos_weight": BW, "reduction": "sum"}, (0, 1)),
    ("bcel-both", "binary_cross_entropy_with_logits", [Z, Y], {"pos_weight": BW, "weight": BW[::-1].copy()}, (0, 1)),
    ("bcel-nchw", "binary_cross_entropy_with_logits", [SPATIAL, rng.uniform(0, 1, SPATIAL.shape)],
     {"pos_weight": BW[:, None, None]}, (0, 1)),
    ("bcel-unvalidated-target", "binary_cross_entropy_with_logits", [Z, Y * 3 - 1], {}, (0, 1)),
    ("bcel-mixed-dtype", "binary_cross_entropy_with_logits", [Keep(Z.astype(np.float32)), Keep(Y)], {}, ()),
    ("bcel-weights-do-not-promote", "binary_cross_entropy_with_logits", [Keep(Z.astype(np.float32)),
                                                                        Keep(Y.astype(np.float32))],
     {"weight": Keep(BW), "pos_weight": Keep(BW)}, (0, 1)),
    ("bce-weight-does-not-promote", "binary_cross_entropy", [Keep(P.astype(np.float32)), Keep(Y.astype(np.float32))],
     {"weight": Keep(BW)}, (0, 1)),
    ("ce-probs-weight-promotes", "cross_entropy", [Keep(LOGITS.astype(np.float32)), Keep(PROBS.astype(np.float32))],
     {"weight": Keep(CW)}, (0, 1)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(case, dtype):
    torch = pytest.importorskip("torch")
    _, name, args, kwargs, grad = case
    compare_with_torch(torch, name, args, kwargs, grad, dtype)


# ---- LOSSES.md worked examples ---------------------------------------------------------------------
EX_X = [[1, 2, 0.5], [0.1, -1, 2], [0.3, 0.3, 0.3], [2, 1, -1]]
EX_Y = [1, 2, 0, -100]
EX_W = [1, 2, 0.5]
EX_P = [[0.1, 0.6, 0.3], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.25, 0.25]]


@pytest.mark.parametrize("target, kwargs, value, grad01", [
    (EX_Y, {}, 0.581589, -0.123823),
    (EX_Y, {"weight": EX_W}, 0.605212, -0.212268),
    (EX_Y, {"label_smoothing": 0.2}, 0.746033, -0.0793783),
    (EX_Y, {"weight": EX_W, "label_smoothing": 0.2}, 0.784297, -0.166007),
    (EX_Y, {"weight": EX_W, "reduction": "sum"}, 2.11824, -0.742937),
    (EX_P, {}, 0.910944, 0.00713293),
    (EX_P, {"weight": EX_W, "label_smoothing": 0.2}, 1.06902, -0.0543948),
])
def test_cross_entropy_worked_examples(target, kwargs, value, grad01):
    x = tl.tensor(EX_X, dtype=tl.float64, requires_grad=True)
    t = tl.tensor(target, dtype=tl.float64 if isinstance(target[0], list) else tl.int64)
    if "weight" in kwargs:
        kwargs = dict(kwargs, weight=tl.tensor(kwargs["weight"], dtype=tl.float64))
    out = F.cross_entropy(x, t, **kwargs)
    out.backward()
    assert out.item() == pytest.approx(value, rel=5e-6)  # LOSSES.md prints 6 significant digits
    assert x.grad[0, 1].item() == pytest.approx(grad01, rel=5e-6)


def test_cross_entropy_worked_examples_none_and_all_ignored():
    x = tl.tensor(EX_X, dtype=tl.float64, requires_grad=True)
    out = F.cross_entropy(x, tl.tensor(EX_Y), weight=tl.tensor(EX_W, dtype=tl.float64), reduction="none")
    np.testing.assert_allclose(out.numpy(), [0.928738, 0.0908922, 1.09861, 0], rtol=5e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = F.cross_entropy(x, tl.tensor([-100] * 4))
        out.backward()
    assert np.isnan(out.item())
    assert np.array_equal(x.grad.numpy(), np.zeros((4, 3)))


def test_cross_entropy_by_hand():
    x = tl.tensor([[0.0, np.log(3.0)]], dtype=tl.float64)
    assert F.cross_entropy(x, tl.tensor([1])).item() == pytest.approx(-np.log(0.75), rel=1e-12)
    # logits [1000, 0], target 1: exactly 1000, no overflow
    assert F.cross_entropy(tl.tensor([[1000.0, 0.0]], dtype=tl.float64), tl.tensor([1])).item() == 1000.0


def test_nll_worked_example():
    x = tl.tensor([[-1.2, -0.5, -2], [-0.1, -3, -2.5]], dtype=tl.float64, requires_grad=True)
    out = F.nll_loss(x, tl.tensor([1, 0]), weight=tl.tensor(EX_W, dtype=tl.float64))
    out.backward()
    assert out.item() == pytest.approx(1.1 / 3, rel=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), [[0, -2 / 3, 0], [-1 / 3, 0, 0]], atol=1e-15)


def test_bce_worked_examples():
    p = tl.tensor([0.9, 0.2, 0.6, 0.5], dtype=tl.float64, requires_grad=True)
    y = tl.tensor([1, 0, 0, 0.3], dtype=tl.float64)
    out = F.binary_cross_entropy(p, y, weight=tl.tensor([1, 2, 0.5, 3], dtype=tl.float64))
    out.backward()
    assert out.item() == pytest.approx(0.772309, abs=1e-6)
    assert p.grad[2].item() == pytest.approx(0.3125, rel=1e-12)  # 0.5·0.6/(0.6·0.4)/4
    p = tl.tensor([0.0, 0.5], dtype=tl.float64, requires_grad=True)
    out = F.binary_cross_entropy(p, tl.tensor([1.0, 1.0], dtype=tl.float64), reduction="sum")
    out.backward()
    assert out.item() == pytest.approx(100 + np.log(2), rel=1e-12)
    assert p.grad[0].item() == pytest.approx(-1 / float(np.float32(1e-12)), rel=1e-12)


def test_bce_with_logits_worked_example():
    x = tl.tensor([[2, -1, 0], [-3, 0.5, 4]], dtype=tl.float64, requires_grad=True)
    y = tl.tensor([[1, 0, 1], [0, 0.3, 1]], dtype=tl.float64)
    out = F.binary_cross_entropy_with_logits(x, y, weight=tl.tensor([[1.0], [2.0]], dtype=tl.float64),
                                             pos_weight=tl.tensor([2, 1, 0.5], dtype=tl.float64))
    out.backward()
    assert out.item() == pytest.approx(0.446195, abs=1e-6)
    assert x.grad[1, 1].item() == pytest.approx(0.107486, abs=1e-6)


# ---- gradient checks --------------------------------------------------------------------------------
def _f64(a, grad=True):
    return tl.tensor(a, dtype=tl.float64, requires_grad=grad)


@pytest.mark.parametrize("kwargs", [{}, {"weight": CW, "label_smoothing": 0.25}, {"reduction": "none"}])
def test_gradcheck_cross_entropy_indices(kwargs):
    kwargs = {k: (_f64(v, False) if k == "weight" else v) for k, v in kwargs.items()}
    assert tl.gradcheck(lambda x: F.cross_entropy(x, tl.tensor(IDX[:4]), **kwargs), (_f64(LOGITS[:4]),))


def test_gradcheck_cross_entropy_probabilities_all_arguments():
    w = _f64(CW)
    assert tl.gradcheck(lambda x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.1),
                        (_f64(LOGITS[:3]), _f64(PROBS[:3]), w))


def test_gradcheck_nll_bce_bcel():
    assert tl.gradcheck(lambda x: F.nll_loss(x, tl.tensor(SPATIAL_IDX), weight=_f64(CW, False)), (_f64(SPATIAL),))
    assert tl.gradcheck(lambda p, y: F.binary_cross_entropy(p, y, weight=_f64(BW, False)), (_f64(P), _f64(Y)))
    assert tl.gradcheck(lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=_f64(BW, False)),
                        (_f64(Z), _f64(Y)))


def test_gradgradcheck_cross_entropy():
    assert tl.gradgradcheck(lambda x: F.cross_entropy(x, tl.tensor(IDX[:4]), label_smoothing=0.1),
                            (_f64(LOGITS[:4]),))
    assert tl.gradgradcheck(lambda x, t: F.cross_entropy(x, t), (_f64(LOGITS[:2]), _f64(PROBS[:2])))


def test_gradgradcheck_bce_with_logits_and_bce():
    assert tl.gradgradcheck(lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=_f64(BW, False)),
                            (_f64(Z[:2]), _f64(Y[:2])))
    assert tl.gradgradcheck(lambda p: F.binary_cross_entropy(p, _f64(Y[:2], False)), (_f64(P[:2]),))


# ---- extremes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_extreme_logits_and_probabilities(dtype):
    torch = pytest.importorskip("torch")
    big = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0], [1e4, 1e4, -1e4]])
    for kwargs in ({}, {"label_smoothing": 0.3, "reduction": "none"}):
        out, _ = compare_with_torch(torch, "cross_entropy", [big, np.array([1, 1, 2])], kwargs, (0,), dtype)
        assert np.isfinite(out.numpy()).all()
    out, _ = compare_with_torch(torch, "cross_entropy", [big, np.array([[0, 1, 0], [0.5, 0, 0.5], [0, 0, 1.0]])],
                                {"reduction": "none"}, (0, 1), dtype)
    assert np.isfinite(out.numpy()).all()
    x = np.array([1e4, -1e4, 1e4, -1e4, -1000.0])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    out, _ = compare_with_torch(torch, "binary_cross_entropy_with_logits", [x, y],
                                {"reduction": "none", "pos_weight": np.array([3.0])}, (0, 1), dtype)
    np.testing.assert_allclose(out.numpy(), [1e4, 3e4, 0, 0, 3000], rtol=1e-6)
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    out, _ = compare_with_torch(torch, "binary_cross_entropy", [p, y], {"reduction": "none"}, (0, 1), dtype)
    np.testing.assert_allclose(out.numpy(), [100, 100, 0, 0, np.log(2)], rtol=1e-6)


def test_infinite_logits_give_nan_like_torch():
    torch = pytest.importorskip("torch")
    compare_with_torch(torch, "binary_cross_entropy_with_logits", [np.array([np.inf, -np.inf]), np.array([1.0, 0.0])],
                       {"reduction": "none"}, (0,))
    x = np.array([[-np.inf, 0.0, 1.0], [0.0, 1.0, 2.0]])
    compare_with_torch(torch, "cross_entropy", [x, np.array([0, 1])], {"reduction": "none"}, ())
    compare_with_torch(torch, "cross_entropy", [x, np.array([2, -100])], {"reduction": "none"}, (0,))
    compare_with_torch(torch, "cross_entropy", [x, np.array([[0, 0.5, 0.5], [1, 0, 0.0]])], {"reduction": "none"}, ())


# ---- errors -----------------------------------------------------------------------------------------
X = tl.tensor(LOGITS)
T = tl.tensor(IDX_ALL)
X3 = tl.tensor(SPATIAL)
BAD = [
    ("ce reduction", lambda: F.cross_entropy(X, T, reduction="avg"), ValueError, "avg is not a valid value"),
    ("ce smoothing > 1", lambda: F.cross_entropy(X, T, label_smoothing=1.5), RuntimeError, "label_smoothing"),
    ("ce int logits", lambda: F.cross_entropy(tl.tensor([[1, 2]]), tl.tensor([0])), TypeError, "input"),
    ("ce int32 target", lambda: F.cross_entropy(X, T.to(tl.int32)), RuntimeError, "target dtype"),
    ("ce float index target", lambda: F.cross_entropy(X, tl.tensor([0.0, 1, 1, 0, 0])), RuntimeError, "target dtype"),
    ("ce int prob target", lambda: F.cross_entropy(X, tl.zeros(5, 4, dtype=tl.int64)), RuntimeError,
     "Expected floating point type for target with class probabilities"),
    ("ce 0-d input", lambda: F.cross_entropy(tl.tensor(1.0), tl.tensor(1.0)), IndexError, "input"),
    ("ce 1-element input int target", lambda: F.cross_entropy(tl.tensor([1.0]), tl.tensor([0])), RuntimeError,
     "floating point type"),
    ("ce batch", lambda: F.cross_entropy(X, T[:3]), ValueError, r"batch_size \(5\) to match target batch_size \(3\)"),
    ("ce spatial", lambda: F.cross_entropy(X3, tl.zeros(2, 3, 3, dtype=tl.int64)), RuntimeError,
     r"Expected target size \[2, 3, 2\], got \[2, 3, 3\]"),
    ("ce multi-target", lambda: F.cross_entropy(X, tl.zeros(5, 2, dtype=tl.int64)), RuntimeError, "multi-target"),
    ("ce 1-D target size", lambda: F.cross_entropy(X[0], tl.tensor([0, 1])), ValueError, "1D target must have size 1"),
    ("ce out of bounds", lambda: F.cross_entropy(X, tl.tensor([0, 4, 1, 1, 1])), IndexError,
     "Target 4 is out of bounds"),
    ("ce negative target", lambda: F.cross_entropy(X, tl.tensor([0, -1, 1, 1, 1])), IndexError, "Target -1"),
    ("ce weight length", lambda: F.cross_entropy(X, T, weight=tl.ones(3)), RuntimeError, "all 4 classes"),
    ("ce weight 2-D", lambda: F.cross_entropy(X, T, weight=tl.ones(1, 4, dtype=tl.float64)), RuntimeError, r"\[1, 4\]"),
    ("ce weight dtype", lambda: F.cross_entropy(X, T, weight=tl.ones(4)), RuntimeError, "weight must have"),
    ("ce weight requires grad", lambda: F.cross_entropy(X, T, weight=tl.ones(4, dtype=tl.float64, requires_grad=True)),
     RuntimeError, "weight is not differentiable"),
    ("ce prob ignore_index", lambda: F.cross_entropy(X, tl.tensor(PROBS), ignore_index=0), RuntimeError,
     "ignore_index is not supported for floating point target"),
    ("ce target type", lambda: F.cross_entropy(X, [1, 2]), TypeError, "target must be a Tensor"),
    ("nll 0-d", lambda: F.nll_loss(tl.tensor(1.0), tl.tensor(0)), ValueError,
     r"Expected 1 or more dimensions \(got 0\)"),
    ("nll int input", lambda: F.nll_loss(tl.tensor([[1, 2]]), tl.tensor([0])), TypeError, "input"),
    ("nll float target", lambda: F.nll_loss(X, tl.tensor(PROBS)), RuntimeError, "target dtype"),
    ("nll same shape int", lambda: F.nll_loss(X, tl.zeros(5, 4, dtype=tl.int64)), RuntimeError, "multi-target"),
    ("nll spatial", lambda: F.nll_loss(X3, tl.zeros(2, dtype=tl.int64)), RuntimeError,
     r"Expected target size \[2, 3, 2\]"),
    ("nll bounds", lambda: F.nll_loss(X, tl.tensor([0, 9, 1, 1, 1])), IndexError, "Target 9"),
    ("nll reduction", lambda: F.nll_loss(X, T, reduction="batchmean"), ValueError, "batchmean is not a valid"),
    ("bce shape", lambda: F.binary_cross_entropy(tl.tensor(P), tl.tensor(Y[0])), ValueError,
     r"target size \(4,\) that is different to the input size \(3, 4\)"),
    ("bce input range", lambda: F.binary_cross_entropy(tl.tensor(P + 1), tl.tensor(Y)), RuntimeError,
     "all elements of input should be between 0 and 1"),
    ("bce input nan", lambda: F.binary_cross_entropy(tl.tensor(P * np.nan), tl.tensor(Y)), RuntimeError, "input"),
    ("bce target range", lambda: F.binary_cross_entropy(tl.tensor(P), tl.tensor(Y - 1)), RuntimeError,
     "all elements of target should be between 0 and 1"),
    ("bce dtype", lambda: F.binary_cross_entropy(tl.tensor(P), tl.tensor(Y).float()), RuntimeError, "dtype"),
    ("bce ints", lambda: F.binary_cross_entropy(tl.tensor([0, 1]), tl.tensor([0, 1])), TypeError, "floating"),
    ("bce weight enlarges", lambda: F.binary_cross_entropy(tl.tensor(P), tl.tensor(Y), weight=tl.ones(2, 3, 4)),
     RuntimeError, "enlarge"),
    ("bce weight no broadcast", lambda: F.binary_cross_entropy(tl.tensor(P), tl.tensor(Y), weight=tl.ones(3)),
     RuntimeError, "must match the size"),
    ("bce weight requires grad", lambda: F.binary_cross_entropy(tl.tensor(P), tl.tensor(Y),
                                                                weight=tl.ones(4, requires_grad=True)),
     RuntimeError, "weight is not differentiable"),
    ("bce reduction", lambda: F.binary_cross_entropy(tl.tensor(P), tl.tensor(Y), reduction="x"), ValueError,
     "reduction"),
    ("bcel shape", lambda: F.binary_cross_entropy_with_logits(tl.tensor(Z), tl.tensor(Y[0])), ValueError,
     r"Target size \(4,\) must be the same as input size \(3, 4\)"),
    ("bcel int target", lambda: F.binary_cross_entropy_with_logits(tl.tensor(Z), tl.ones(3, 4, dtype=tl.int64)),
     RuntimeError, "target"),
    ("bcel int input", lambda: F.binary_cross_entropy_with_logits(tl.ones(3, 4, dtype=tl.int64), tl.tensor(Y)),
     TypeError, "input"),
    ("bcel pos_weight enlarges", lambda: F.binary_cross_entropy_with_logits(tl.tensor(Z), tl.tensor(Y),
                                                                            pos_weight=tl.ones(2, 3, 4)),
     RuntimeError, "pos_weight"),
    ("bcel pos_weight no broadcast", lambda: F.binary_cross_entropy_with_logits(tl.tensor(Z), tl.tensor(Y),
                                                                                pos_weight=tl.ones(3)),
     RuntimeError, "must match the size"),
    ("bcel weight requires grad", lambda: F.binary_cross_entropy_with_logits(tl.tensor(Z), tl.tensor(Y),
                                                                             weight=tl.ones(4, requires_grad=True)),
     RuntimeError, "weight is not differentiable"),
]


@pytest.mark.parametrize("call, error, match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_negative_label_smoothing_is_ignored_like_torch():
    x = tl.tensor(LOGITS)
    assert F.cross_entropy(x, tl.tensor(IDX), label_smoothing=-0.5).item() == F.cross_entropy(x, tl.tensor(IDX)).item()


def test_weight_requires_grad_is_fine_under_no_grad():
    with tl.no_grad():
        out = F.cross_entropy(tl.tensor(LOGITS), tl.tensor(IDX_ALL), weight=tl.tensor(CW, requires_grad=True))
    assert np.isfinite(out.item())


# ---- nn classes -----------------------------------------------------------------------------------
def test_modules_call_the_functional():
    x, w = tl.tensor(LOGITS), tl.tensor(CW)
    loss = nn.CrossEntropyLoss(weight=w, ignore_index=3, label_smoothing=0.1)
    assert loss(x, tl.tensor(IDX_ALL)).item() == F.cross_entropy(x, tl.tensor(IDX_ALL), weight=w, ignore_index=3,
                                                             label_smoothing=0.1).item()
    assert repr(loss) == "CrossEntropyLoss(weight=(4,), ignore_index=3, label_smoothing=0.1)"
    nll = nn.NLLLoss(reduction="sum")
    assert nll(x, tl.tensor(IDX)).item() == F.nll_loss(x, tl.tensor(IDX), reduction="sum").item()
    with pytest.warns(FutureWarning):
        old = nn.NLLLoss2d()
    assert old(tl.tensor(SPATIAL), tl.tensor(SPATIAL_IDX)).item() == F.nll_loss(tl.tensor(SPATIAL),
                                                                               tl.tensor(SPATIAL_IDX)).item()
    p, y = tl.tensor(P), tl.tensor(Y)
    assert nn.BCELoss(weight=tl.tensor(BW))(p, y).item() == F.binary_cross_entropy(p, y, weight=tl.tensor(BW)).item()
    bcel = nn.BCEWithLogitsLoss(pos_weight=tl.tensor(BW), reduction="none")
    np.testing.assert_array_equal(bcel(p, y).numpy(),
                                  F.binary_cross_entropy_with_logits(p, y, pos_weight=tl.tensor(BW),
                                                                     reduction="none").numpy())
    assert set(bcel.state_dict()) == {"pos_weight"} and list(bcel.parameters()) == []


def test_modules_validate_reduction_only_when_called():
    loss = nn.CrossEntropyLoss(reduction="bogus")
    with pytest.raises(ValueError, match="bogus"):
        loss(tl.tensor(LOGITS), tl.tensor(IDX))
