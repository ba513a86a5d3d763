"""Gradients (float64 finite differences, second order for some), edge cases and bad inputs of
the losses beyond PyTorch."""
import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses import nn

rng = np.random.default_rng(7)


def leaf(a):
    return tl.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def const(a, dtype=tl.float64):
    return tl.tensor(a, dtype=dtype)


X = rng.normal(size=(3, 4))
Y = rng.normal(size=(3, 4))
P = rng.uniform(0.1, 0.9, size=(3, 4))
B = np.array([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]], dtype=float)
LABELS = tl.tensor([0, 3, 2])
ONEHOT = np.eye(4)[[0, 3, 2]]

# (name, function of the differentiable tensors, their values); values avoid kinks by construction
CASES = [
    ("log_cosh", lambda x, y: F.log_cosh_loss(x, y), (X, Y)),
    ("msle", lambda x, y: F.msle_loss(x, y), (P + 0.5, P[::-1] + 1)),
    ("mape", lambda x, y: F.mape_loss(x, y), (X, Y)),
    ("poisson", lambda x, y: F.poisson_loss(x, y), (P, Y * 2)),
    ("cosine", lambda x, y: F.cosine_similarity_loss(x, y, reduction="none"), (X, Y)),
    ("pinball", lambda x, y: F.pinball_loss(x, y, tau=0.3, reduction="sum"), (X, Y)),
    ("pseudo_huber", lambda x, y: F.pseudo_huber_loss(x, y, delta=0.7), (X, Y)),
    ("hinge", lambda x: F.hinge_loss(x, const(B)), (X,)),
    ("squared_hinge", lambda x: F.squared_hinge_loss(x, const(B), reduction="none"), (X,)),
    ("categorical_hinge", lambda x: F.categorical_hinge_loss(x, const(ONEHOT)), (X,)),
    ("multiclass_hinge", lambda x: F.multiclass_hinge_loss(x, LABELS, reduction="none"), (X,)),
    ("perceptron", lambda x: F.perceptron_loss(x, const(2 * B - 1), reduction="sum"), (X,)),
    ("multiclass_perceptron", lambda x: F.multiclass_perceptron_loss(x, LABELS), (X,)),
    ("sigmoid_focal", lambda x, y: F.sigmoid_focal_loss(x, y, reduction="none"), (X * 3, P)),
    ("sigmoid_focal_hard", lambda x: F.sigmoid_focal_loss(x, const(B), gamma=1.5), (X * 3,)),
    ("binary_focal_probs", lambda x, y: F.binary_focal_crossentropy(x, y, label_smoothing=0.1,
                                                                    apply_class_balancing=True), (P, P[::-1])),
    ("binary_focal_logits", lambda x: F.binary_focal_crossentropy(x, const(B), from_logits=True,
                                                                  label_smoothing=0.2), (X,)),
    ("categorical_focal_probs", lambda x: F.categorical_focal_loss(x, const(ONEHOT), reduction="none"), (P,)),
    ("categorical_focal_logits", lambda x, y: F.categorical_focal_loss(x, y, from_logits=True,
                                                                       label_smoothing=0.1), (X, P)),
    ("poly1", lambda x, y: F.poly1_loss(x, y, epsilon=1.5, reduction="none"), (X, P)),
    ("gce", lambda x: F.generalized_cross_entropy(x, LABELS, q=0.4), (P,)),
    ("sparsemax", lambda x: F.sparsemax(x), (X,)),
    ("sparsemax_loss", lambda x: F.sparsemax_loss(x, const(B), reduction="none"), (X * 0.9,)),
    ("multiclass_sparsemax", lambda x: F.multiclass_sparsemax_loss(x, LABELS, reduction="none"), (X,)),
    ("dice", lambda x, y: F.dice_loss(x, y, dim=1, reduction="none"), (P, B * 0.9)),
    ("tversky", lambda x, y: F.tversky_loss(x, y, 0.3, 0.7), (P, P[::-1])),
    ("multiclass_dice", lambda x: F.multiclass_dice_loss(x.reshape(1, 3, 2, 2), const(ONEHOT.reshape(1, 3, 2, 2)),
                                                         class_weights=[1.0, 2.0], ignore_background=False),
     (X,)),
    ("generalized_kl", lambda x, y: F.generalized_kl_divergence(x, y, reduction="none"), (X, P)),
    ("js", lambda x, y: F.js_divergence(x, y), (P, P[::-1])),
    ("ranking_softmax", lambda x, y: F.ranking_softmax_loss(x, y, reduction="none"), (X, P)),
    ("ranking_softmax_masked", lambda x: F.ranking_softmax_loss(
        x, const(P), where_mask=tl.tensor(B > 0)), (X,)),
    ("ntxent", lambda e: F.ntxent_loss(e, tl.tensor([0, 1, 0]), temperature=0.5), (X,)),
    ("info_nce", lambda q, k: F.info_nce_loss(q, k, 0.5, symmetric=True), (X, Y)),
]


@pytest.mark.parametrize("name, fn, values", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, values):
    assert tl.gradcheck(fn, tuple(leaf(v) for v in values))


SECOND_ORDER = ["log_cosh", "pseudo_huber", "sigmoid_focal", "binary_focal_logits", "categorical_focal_logits",
                "poly1", "multiclass_sparsemax", "ntxent", "js"]


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_gradgradcheck(name):
    _, fn, values = next(c for c in CASES if c[0] == name)
    assert tl.gradgradcheck(fn, tuple(leaf(v) for v in values))


# ---- gradients with known closed forms ---------------------------------------------------------
def test_closed_form_gradients():
    x = leaf(X)
    F.log_cosh_loss(x, const(Y), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), np.tanh(X - Y) / 4, rtol=1e-12)
    s = leaf(X)
    F.multiclass_sparsemax_loss(s, LABELS, reduction="sum").backward()
    p = F.sparsemax(const(X)).numpy()
    np.testing.assert_allclose(s.grad.numpy(), p - ONEHOT, atol=1e-12)
    h = leaf([[0.3, 0.8], [1.0, 2.0]])  # margins 1 − y·s: 0.7, 0.2 | 0 (kink), 3
    F.hinge_loss(h, const([[1, 1], [1, -1]]), reduction="sum").backward()
    np.testing.assert_array_equal(h.grad.numpy(), [[-0.5, -0.5], [0, 0.5]])  # 0 at the kink


# ---- edge cases ------------------------------------------------------------------------------------
def test_extreme_logits_are_finite():
    x = leaf([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    y = const([[1, 0, 1, 1, 0]])
    loss = F.sigmoid_focal_loss(x, y, alpha=None, reduction="sum")
    loss.backward()
    # y=1, x=−1000: (1 − p_t)^2 · BCE = 1 · 1000; y=0, x=1000: 1000; the others are tiny
    np.testing.assert_allclose(loss.item(), 2000 + 0.25 * np.log(2) + 50 * np.exp(-100), rtol=1e-12)
    assert np.isfinite(x.grad.numpy()).all()
    z = leaf([[1000.0, 0.0, -1000.0]])
    out = F.categorical_focal_loss(z, const([[0, 1, 0]]), from_logits=True, gamma=2, alpha=1)
    out.backward()
    np.testing.assert_allclose(out.item(), 1000, rtol=1e-12)  # p_1 = e^−1000: (1 − p)^2·(−log p) = 1000
    assert np.isfinite(z.grad.numpy()).all()
    c = leaf([[0.0, 0.0, 1e4]])
    F.categorical_focal_loss(c, const([[0, 0, 1]]), from_logits=True).backward()
    assert np.isfinite(c.grad.numpy()).all()
    assert np.isfinite(F.log_cosh_loss(const([[1e4, -1e4]]), const([[0, 0]])).item())


def test_probabilities_zero_and_one():
    p = leaf([[0.0, 1.0, 0.0, 1.0]])
    y = const([[0, 1, 1, 0]])
    out = F.binary_focal_crossentropy(p, y, reduction="none")
    out.backward()
    # wrong certain predictions are clipped to 1e-7: (1 − 1e-7)^2 · (−log 1e-7) each, half the row
    np.testing.assert_allclose(out.item(), (1 - 1e-7) ** 2 * -np.log(1e-7) / 2, rtol=1e-9)
    assert np.isfinite(p.grad.numpy()).all()
    q = leaf([[1.0, 0.0, 0.0]])
    out = F.categorical_focal_loss(q, const([[1, 0, 0]]))
    assert np.isfinite(out.item()) and out.item() < 1e-15
    np.testing.assert_allclose(F.js_divergence(const([1.0, 0.0]), const([0.0, 1.0])).item(), np.log(2))
    g = leaf([0.0, 0.5])
    F.generalized_kl_divergence(g, const([0.0, 2.0])).backward()  # t = 0 term is just e^x
    np.testing.assert_allclose(g.grad.numpy(), [1.0, np.exp(0.5) - 2], rtol=1e-12)


def test_empty_inputs():
    e = const(np.zeros((0, 3)))
    assert np.isnan(F.log_cosh_loss(e, e).item())
    assert F.log_cosh_loss(e, e, reduction="sum").item() == 0
    assert F.sigmoid_focal_loss(e, e, reduction="none").shape == (0, 3)
    assert F.multiclass_hinge_loss(e, tl.tensor(np.zeros(0, dtype=np.int64)), reduction="none").shape == (0,)
    assert F.sparsemax(e).shape == (0, 3)
    # no positive pair: the mean over no pairs is nan
    assert np.isnan(F.ntxent_loss(const([[1.0, 0.0], [0.0, 1.0]]), tl.tensor([0, 1])).item())


def test_zero_vectors_and_masked_lists():
    z = leaf([[0.0, 0.0], [1.0, 0.0]])
    out = F.cosine_similarity_loss(z, const([[1.0, 2.0], [0.0, 0.0]]), reduction="none")
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), [0, 0])
    assert np.isfinite(z.grad.numpy()).all()
    s = leaf([[2.0, 1.0, 3.0], [1.0, 2.0, 3.0]])
    mask = tl.tensor([[True, True, False], [False, False, False]])
    out = F.ranking_softmax_loss(s, const([[1.0, 0.0, 5.0], [1.0, 1.0, 1.0]]), where_mask=mask, reduction="none")
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), [np.log1p(np.exp(-1.0)), 0.0])
    np.testing.assert_array_equal(s.grad.numpy()[1], [0, 0, 0])


# ---- bad inputs --------------------------------------------------------------------------------------
x23, y23 = const(X[:2, :3]), const(Y[:2, :3])
BAD = [
    (lambda: F.log_cosh_loss(x23, const(Y)), ValueError, "same shape"),
    (lambda: F.log_cosh_loss(X, y23), TypeError, "must be a Tensor"),
    (lambda: F.log_cosh_loss(tl.tensor([[1, 2]]), tl.tensor([[1, 2]])), TypeError, "floating point"),
    (lambda: F.log_cosh_loss(x23, y23, reduction="avg"), ValueError, "not a valid value for reduction"),
    (lambda: F.log_cosh_loss(const(1.0), const(1.0)), ValueError, "at least 1 dim"),
    (lambda: F.pinball_loss(x23, y23, tau=1.0), ValueError, "tau must be in (0, 1)"),
    (lambda: F.pseudo_huber_loss(x23, y23, delta=0), ValueError, "delta must be in (0, inf)"),
    (lambda: F.cosine_similarity_loss(x23, y23, dim=2), IndexError, "Dimension out of range"),
    (lambda: F.multiclass_hinge_loss(x23, tl.tensor([0, 3])), IndexError, "out of bounds for 3 classes"),
    (lambda: F.multiclass_hinge_loss(x23, tl.tensor([0.0, 1.0])), TypeError, "integer class indices"),
    (lambda: F.multiclass_hinge_loss(x23, tl.tensor([0, 1, 2])), ValueError, "must have shape (2,)"),
    (lambda: F.multiclass_perceptron_loss(const(np.zeros((2, 0))), tl.tensor([0, 0])), ValueError,
     "non-empty last"),
    (lambda: F.perceptron_loss(x23, const([1.0, -1.0])), ValueError, "same shape"),
    (lambda: F.sigmoid_focal_loss(x23, y23, gamma=-1), ValueError, "gamma must be in [0, inf)"),
    (lambda: F.sigmoid_focal_loss(x23, y23, alpha=1.5), ValueError, "alpha must be in [0, 1]"),
    (lambda: F.sigmoid_focal_loss(x23, tl.tensor([[1, 0, 1], [0, 0, 1]])), TypeError, "floating point"),
    (lambda: F.binary_focal_crossentropy(x23, y23, label_smoothing=2), ValueError, "label_smoothing"),
    (lambda: F.categorical_focal_loss(x23, y23, alpha="a"), TypeError, "alpha must be a number"),
    (lambda: F.poly1_loss(x23, tl.tensor([0, 5])), IndexError, "out of bounds"),
    (lambda: F.generalized_cross_entropy(x23, tl.tensor([0, 1]), q=0), ValueError, "q must be in (0, 1]"),
    (lambda: F.sparsemax_loss(x23, y23), ValueError, "labels 0 or 1"),
    (lambda: F.sparsemax(const(1.0)), ValueError, "at least 1 dim"),
    (lambda: F.dice_loss(x23, const(Y)), ValueError, "same shape"),
    (lambda: F.tversky_loss(x23, y23, alpha=-1), ValueError, "alpha must be in [0, inf)"),
    (lambda: F.multiclass_dice_loss(const([[0.5, 0.2]]), const([[1.0, 0.0]]), apply_softmax=False), ValueError,
     "sum to 1"),
    (lambda: F.multiclass_dice_loss(x23, y23, class_weights=[1.0]), ValueError, "class_weights must have shape"),
    (lambda: F.ranking_softmax_loss(x23, y23, where_mask=const(np.ones((2, 3)))), TypeError, "bool Tensor"),
    (lambda: F.ntxent_loss(x23, tl.tensor([0, 1, 1])), ValueError, "one entry per embedding"),
    (lambda: F.ntxent_loss(x23, tl.tensor([0.0, 1.0])), TypeError, "1-D integer"),
    (lambda: F.ntxent_loss(const(X[0]), tl.tensor([0, 1, 1, 0])), ValueError, "shape (N, D)"),
    (lambda: F.ntxent_loss(x23, tl.tensor([0, 1]), temperature=0), ValueError, "temperature"),
    (lambda: F.info_nce_loss(x23, const(Y)), ValueError, "same shape"),
    (lambda: F.hinge_loss(x23, y23, reduction=None), ValueError, "reduction"),
]


@pytest.mark.parametrize("call, error, message", BAD, ids=[f"{i}-{b[2][:20]}" for i, b in enumerate(BAD)])
def test_bad_inputs(call, error, message):
    with pytest.raises(error, match=None) as info:
        call()
    assert message in str(info.value)


def test_module_reduction_is_checked_at_call_time():
    loss = nn.DiceLoss(reduction="bogus")
    with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
        loss(x23, y23)


def test_elementwise_mean_is_deprecated_alias():
    with pytest.warns(UserWarning, match="elementwise_mean"):
        out = F.log_cosh_loss(x23, y23, reduction="elementwise_mean")
    np.testing.assert_allclose(out.item(), F.log_cosh_loss(x23, y23).item())
