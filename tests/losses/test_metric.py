"""Metric-learning losses and distances (tinygrad_losses/losses/metric.py): pairwise_distance,
cosine_similarity, cosine_embedding_loss, triplet_margin_loss, triplet_margin_with_distance_loss.
A table of cases against torch (values, gradients, dtypes, shapes, reductions, float32/float64,
kinks, swap ties, zero-norm vectors), LOSSES.md's worked examples, float64 gradchecks and
gradgradchecks, bad inputs, and the nn classes."""
import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses.viz.scopes import scope_of
import tinygrad_losses.functional as F
from tinygrad_losses import nn

from helpers import check_vs_torch



def _tF():
    return pytest.importorskip("torch").nn.functional


rng = np.random.default_rng(0)
R = rng.standard_normal
DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
REDUCTIONS = pytest.mark.parametrize("reduction", ["none", "mean", "sum"])

# ---- pairwise_distance and cosine_similarity ---------------------------------------------------
PAIRWISE = [  # (id, x1, x2, options, differentiable args)
    ("p2", R((4, 3)), R((4, 3)), {}, [0, 1]),
    ("p1", R((4, 3)), R((4, 3)), {"p": 1}, [0, 1]),
    ("p3", R((4, 3)), R((4, 3)), {"p": 3}, [0, 1]),
    ("p-half", R((4, 3)), R((4, 3)), {"p": 0.5}, [0, 1]),
    ("p-inf", R((4, 3)), R((4, 3)), {"p": float("inf")}, [0, 1]),
    ("p-minus-1", R((4, 3)), R((4, 3)), {"p": -1}, [0, 1]),
    ("eps-keepdim", R((4, 3)), R((4, 3)), {"eps": 0.1, "keepdim": True}, [0, 1]),
    ("broadcast", R((2, 1, 3)), R((4, 3)), {}, [0, 1]),
    ("unbatched", R(5), R(5), {}, [0, 1]),
    ("0d", 1.5, -0.5, {}, [0, 1]),
    ("zero-difference-eps0", [[1.0, 2.0], [0.5, 0.5]], [[1.0, 2.0], [0.0, 0.5]], {"eps": 0.0}, [0, 1]),
    ("zero-difference-eps0-p3", [[1.0, 2.0]], [[1.0, 2.0]], {"eps": 0.0, "p": 3}, [0, 1]),
    ("zero-coordinate-p-half", [[1.0, 2.0], [0.0, 0.0]], [[1.0, 0.5], [0.0, 0.0]], {"eps": 0.0, "p": 0.5}, [0, 1]),
    ("zero-coordinate-p1.5", [[1.0, 2.0], [0.0, 0.0]], [[1.0, 0.5], [0.0, 0.0]], {"eps": 0.0, "p": 1.5}, [0, 1]),
    ("zero-coordinate-p-minus-1", [[1.0, 2.0]], [[1.0, 0.5]], {"eps": 0.0, "p": -1}, [0, 1]),
    ("int-inputs", np.array([[1, 2], [3, 4]]), np.array([[0, 2], [1, 1]]), {}, []),
]


@DTYPES
@pytest.mark.parametrize("case", PAIRWISE, ids=[c[0] for c in PAIRWISE])
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # numpy's note on 0**-1 = inf (p < 0)
def test_pairwise_distance_matches_torch(case, dtype):
    _, x1, x2, options, diff = case
    check_vs_torch(lambda a, b: F.pairwise_distance(a, b, **options),
                   lambda a, b: _tF().pairwise_distance(a, b, **options), [x1, x2], diff, dtype)


def test_pairwise_distance_p0_counts_nonzero_coordinates():
    d = F.pairwise_distance(tl.tensor([[1.0, 2.0, 3.0]]), tl.tensor([[1.0, 0.0, 3.0]]), p=0, eps=0.0)
    assert d.tolist() == [1.0]


COSINE = [  # (id, x1, x2, options)
    ("dim1", R((4, 3)), R((4, 3)), {}),
    ("dim0", R((3, 4)), R((3, 4)), {"dim": 0}),
    ("dim-last-3d", R((2, 3, 4)), R((2, 3, 4)), {"dim": -1}),
    ("broadcast", R((4, 3)), R(3), {"dim": -1}),
    ("unbatched", R(5), R(5), {"dim": 0}),
    ("0d", 2.0, -3.0, {"dim": 0}),
    ("zero-vector", [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], {}),
    ("below-eps", [[1e-10, 0.0, 0.0]], [[1.0, 2.0, 3.0]], {}),
    ("custom-eps", [[1e-3, 0.0], [1.0, 1.0]], [[1.0, 2.0], [2.0, 0.5]], {"eps": 0.1}),
]


@DTYPES
@pytest.mark.parametrize("case", COSINE, ids=[c[0] for c in COSINE])
def test_cosine_similarity_matches_torch(case, dtype):
    _, x1, x2, options = case
    check_vs_torch(lambda a, b: F.cosine_similarity(a, b, **options),
                   lambda a, b: _tF().cosine_similarity(a, b, **options), [x1, x2], [0, 1], dtype)


def test_cosine_similarity_int_and_float_mix_matches_torch():
    check_vs_torch(lambda a, b: F.cosine_similarity(a, b), lambda a, b: _tF().cosine_similarity(a, b),
                   [np.array([[1, 2, 0]]), ([[1.0, 0.5, 2.0]], np.float64)], [1], np.float32)


def test_zero_vectors_stay_finite():
    z = tl.zeros(1, 3, dtype=tl.float64, requires_grad=True)
    v = tl.tensor([[1.0, 2.0, 3.0]], dtype=tl.float64, requires_grad=True)
    F.cosine_similarity(z, v).sum().backward()
    # d/dz Σ (z/eps)·v̂ = v̂/eps: large but finite, exactly torch's value; v gets 0
    np.testing.assert_allclose(z.grad.numpy(), np.array([[1, 2, 3]]) / np.sqrt(14) / 1e-8)
    assert v.grad.tolist() == [[0.0, 0.0, 0.0]]
    a = tl.tensor([[1.0, 2.0]], dtype=tl.float64, requires_grad=True)
    F.pairwise_distance(a, tl.tensor([[1.0, 2.0]], dtype=tl.float64), eps=0.0).sum().backward()
    assert a.grad.tolist() == [[0.0, 0.0]]


# ---- cosine_embedding_loss ---------------------------------------------------------------------
PM1 = rng.choice([-1.0, 1.0], 5)
COSINE_EMBEDDING = [  # (id, x1, x2, target, options)
    ("basic", R((5, 3)), R((5, 3)), PM1, {}),
    ("margin", R((5, 3)), R((5, 3)), PM1, {"margin": -0.3}),
    ("other-labels-give-0", R((4, 3)), R((4, 3)), [0.0, 0.5, 2.0, -1.0], {"margin": 0.1}),
    ("kink-cos-equals-margin", [[1.0, 0.0], [1.0, 1.0]], [[0.0, 1.0], [2.0, 2.0]], [-1.0, 1.0], {}),
    ("zero-vectors", [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], [1.0, -1.0],
     {"margin": -0.5}),
    ("unbatched", R(4), R(4), np.array(-1.0), {"margin": -0.9}),
    ("batch-broadcast", R((1, 3)), R((4, 3)), [1.0, -1.0, 1.0, -1.0], {"margin": -0.5}),
    ("target-broadcast", R((1, 3)), R((1, 3)), [1.0, -1.0, 1.0], {"margin": -1.0}),
    ("int-target", R((3, 2)), R((3, 2)), np.array([1, -1, 1]), {"margin": -0.5}),
]


@DTYPES
@REDUCTIONS
@pytest.mark.parametrize("case", COSINE_EMBEDDING, ids=[c[0] for c in COSINE_EMBEDDING])
def test_cosine_embedding_matches_torch(case, reduction, dtype):
    _, x1, x2, y, options = case
    check_vs_torch(lambda a, b, t: F.cosine_embedding_loss(a, b, t, **options, reduction=reduction),
                   lambda a, b, t: _tF().cosine_embedding_loss(a, b, t, **options, reduction=reduction),
                   [x1, x2, y], [0, 1], dtype)


def test_cosine_embedding_mixed_dtypes_match_torch():
    check_vs_torch(lambda a, b, t: F.cosine_embedding_loss(a, b, t, reduction="none"),
                   lambda a, b, t: _tF().cosine_embedding_loss(a, b, t, reduction="none"),
                   [R((2, 3)), (R((2, 3)), np.float64), ([1.0, -1.0], np.float64)], [0, 1], np.float32)


def test_integer_inputs_promote_like_torch():
    a, b, n = np.array([[1, 2, 0], [3, 1, 1]]), np.array([[0, 2, 1], [1, 1, 1]]), np.array([[2, 2, 2], [0, 0, 1]])
    check_vs_torch(lambda x, y, t: F.cosine_embedding_loss(x, y, t, reduction="none"),
                   lambda x, y, t: _tF().cosine_embedding_loss(x, y, t, reduction="none"),
                   [a, b, np.array([1, -1])], [], np.float32)
    check_vs_torch(lambda *t: F.triplet_margin_loss(*t, reduction="none"),
                   lambda *t: _tF().triplet_margin_loss(*t, reduction="none"), [a, b, n], [], np.float32)


# ---- triplet losses ----------------------------------------------------------------------------
A, P, N = R((5, 3)), R((5, 3)), R((5, 3))
TRIPLET = [  # (id, anchor, positive, negative, options)
    ("basic", A, P, N, {}),
    ("p1-margin", A, P, N, {"p": 1, "margin": 0.5}),
    ("p3-eps", A, P, N, {"p": 3, "eps": 1e-3}),
    ("swap", A, P, N, {"swap": True, "margin": 2.0}),
    ("swap-tie", [[0.0, 0.0]], [[2.0, 0.0]], [[1.0, 1.0]], {"swap": True, "eps": 0.0, "margin": 2.0}),
    ("kink", [[0.0, 0.0]], [[1.0, 0.0]], [[3.0, 0.0]], {"eps": 0.0, "margin": 2.0}),
    ("anchor-equals-positive", [[1.0, 2.0]], [[1.0, 2.0]], [[1.0, 3.0]], {"eps": 0.0, "margin": 2.0}),
    ("unbatched", R(4), R(4), R(4), {"margin": 3.0}),
    ("3d", R((2, 3, 4)), R((2, 3, 4)), R((2, 3, 4)), {"margin": 2.0}),
    ("broadcast", R((1, 3)), R((4, 3)), R((4, 3)), {"margin": 2.0}),
]


@DTYPES
@REDUCTIONS
@pytest.mark.parametrize("case", TRIPLET, ids=[c[0] for c in TRIPLET])
def test_triplet_matches_torch(case, reduction, dtype):
    _, a, p, n, options = case
    check_vs_torch(lambda *t: F.triplet_margin_loss(*t, **options, reduction=reduction),
                   lambda *t: _tF().triplet_margin_loss(*t, **options, reduction=reduction),
                   [a, p, n], [0, 1, 2], dtype)


def _cosine_distance(module):
    return lambda x, y: 1 - module.cosine_similarity(x, y)


DISTANCES = {"default": None, "cosine": "cosine", "l1": "l1"}


@DTYPES
@REDUCTIONS
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("distance", list(DISTANCES))
def test_triplet_with_distance_matches_torch(distance, swap, reduction, dtype):
    def make(module):
        if distance == "cosine":
            return _cosine_distance(module)
        if distance == "l1":
            return lambda x, y: module.pairwise_distance(x, y, p=1)
        return None
    check_vs_torch(
        lambda *t: F.triplet_margin_with_distance_loss(*t, distance_function=make(F), margin=0.7, swap=swap,
                                                       reduction=reduction),
        lambda *t: _tF().triplet_margin_with_distance_loss(*t, distance_function=make(_tF()), margin=0.7,
                                                           swap=swap, reduction=reduction),
        [A, P, N], [0, 1, 2], dtype)


# ---- LOSSES.md worked examples -----------------------------------------------------------------
def _leaf(v):
    return tl.tensor(v, dtype=tl.float64, requires_grad=True)


def test_worked_example_cosine_embedding():
    x1 = _leaf([[1, 2, 3], [0.5, -1, 0]])
    loss = F.cosine_embedding_loss(x1, tl.tensor([[1.0, 0, 1], [0.5, 1, 2]], dtype=tl.float64),
                                   tl.tensor([1.0, -1.0]), margin=-0.5)
    loss.backward()
    assert loss.item() == pytest.approx(0.225651, rel=1e-5)
    assert x1.grad.numpy()[1, 0] == pytest.approx(0.156144, rel=1e-5)
    cos = F.cosine_similarity(tl.tensor([[1.0, 2, 3], [0.5, -1, 0]]), tl.tensor([[1.0, 0, 1], [0.5, 1, 2]]))
    np.testing.assert_allclose(cos.numpy(), [0.755929, -0.29277], rtol=1e-5)


TRIPLET_EXAMPLE = ([[1, 2], [0, 0], [1, 1]], [[1.5, 2], [0, 1], [1, 1]], [[1, 3], [2, 0.5], [1.5, 1.2]])


def test_worked_example_triplet():
    a = _leaf(TRIPLET_EXAMPLE[0])
    pos, neg = (tl.tensor(v, dtype=tl.float64) for v in TRIPLET_EXAMPLE[1:])
    loss = F.triplet_margin_loss(a, pos, neg)
    loss.backward()
    assert loss.item() == pytest.approx(0.320495, rel=1e-5)
    assert a.grad.numpy()[0, 0] == pytest.approx(-0.333334, rel=1e-5)
    a.grad = None
    loss = F.triplet_margin_loss(a, pos, neg, p=1, swap=True, margin=2)
    loss.backward()
    assert loss.item() == pytest.approx(1.1, rel=1e-5)
    assert a.grad.numpy()[1, 0] == pytest.approx(0.666667, rel=1e-5)


def test_worked_example_triplet_with_cosine_distance():
    a = _leaf([[1.1, 2.1], [0.1, 0.1], [1.1, 1.1]])
    pos, neg = (tl.tensor(v, dtype=tl.float64) for v in TRIPLET_EXAMPLE[1:])
    loss = F.triplet_margin_with_distance_loss(a, pos, neg, distance_function=_cosine_distance(F), margin=0.5,
                                               swap=True)
    loss.backward()
    assert loss.item() == pytest.approx(0.548102, rel=1e-5)
    assert a.grad.numpy()[0, 0] == pytest.approx(-0.039903, rel=1e-4)


def test_triplet_swap_tie_splits_the_gradient():
    # d(a, n) = d(p, n) = √2: min's gradient goes half to each, so a gets (a − p)/2 − ½(a − n)/√2
    a, p, n = _leaf([[0.0, 0.0]]), _leaf([[2.0, 0.0]]), _leaf([[1.0, 1.0]])
    F.triplet_margin_loss(a, p, n, swap=True, eps=0.0, margin=2.0).backward()
    h = 0.5 / np.sqrt(2)
    np.testing.assert_allclose(a.grad.numpy(), [[-1 + h, h]])
    np.testing.assert_allclose(n.grad.numpy(), [[0.0, -2 * h]], atol=1e-15)


# ---- float64 gradient checks --------------------------------------------------------------------
def test_gradcheck_distances():
    x1, x2 = _leaf(R((3, 4))), _leaf(R((3, 4)))
    for p in (1, 2, 3, 0.5, float("inf")):
        assert tl.gradcheck(lambda a, b: F.pairwise_distance(a, b, p=p), [x1, x2])
    assert tl.gradcheck(lambda a, b: F.cosine_similarity(a, b), [x1, x2])


def test_gradcheck_and_gradgradcheck_cosine_embedding():
    y = tl.tensor([1.0, -1.0, -1.0])
    x1, x2 = _leaf(R((3, 4))), _leaf(R((3, 4)))
    fn = lambda a, b: F.cosine_embedding_loss(a, b, y, margin=-0.95, reduction="none")  # noqa: E731
    assert tl.gradcheck(fn, [x1, x2])
    assert tl.gradgradcheck(fn, [x1, x2])


def test_gradcheck_and_gradgradcheck_triplet():
    a, p, n = _leaf(R((3, 4))), _leaf(R((3, 4))), _leaf(R((3, 4)))
    fn = lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=10.0, swap=True, reduction="none")  # noqa: E731
    assert tl.gradcheck(fn, [a, p, n])
    assert tl.gradgradcheck(fn, [a, p, n])
    fn = lambda a, p, n: F.triplet_margin_with_distance_loss(  # noqa: E731
        a, p, n, distance_function=_cosine_distance(F), margin=3.0)
    assert tl.gradcheck(fn, [a, p, n])


# ---- bad inputs ---------------------------------------------------------------------------------
def ones(*shape):
    return tl.ones(*shape)


BAD = [
    ("ce-1d-target-1d-inputs", lambda: F.cosine_embedding_loss(ones(3), ones(3), ones(3)), RuntimeError, "input1"),
    ("ce-0d-target-2d-inputs", lambda: F.cosine_embedding_loss(ones(2, 3), ones(2, 3), tl.tensor(1.0)),
     RuntimeError, "input1"),
    ("ce-2d-target", lambda: F.cosine_embedding_loss(ones(2, 3), ones(2, 3), ones(2, 1)), RuntimeError, "target"),
    ("ce-feature-mismatch", lambda: F.cosine_embedding_loss(ones(2, 3), ones(2, 4), ones(2)), RuntimeError, "size"),
    ("ce-batch-mismatch", lambda: F.cosine_embedding_loss(ones(2, 3), ones(3, 3), ones(2)), RuntimeError, "size"),
    ("ce-reduction", lambda: F.cosine_embedding_loss(ones(2, 3), ones(2, 3), ones(2), reduction="x"),
     ValueError, "reduction"),
    ("ce-not-tensor", lambda: F.cosine_embedding_loss([1.0], ones(1), ones(())), TypeError, "input1"),
    ("tm-margin-0", lambda: F.triplet_margin_loss(ones(2, 2), ones(2, 2), ones(2, 2), margin=0), ValueError,
     "margin"),
    ("tm-ndim", lambda: F.triplet_margin_loss(ones(2, 2), ones(2), ones(2, 2)), RuntimeError, "positive 1D"),
    ("tm-reduction", lambda: F.triplet_margin_loss(ones(2, 2), ones(2, 2), ones(2, 2), reduction="x"),
     ValueError, "reduction"),
    ("tm-shapes", lambda: F.triplet_margin_loss(ones(2, 2), ones(2, 3), ones(2, 2)), RuntimeError, "size"),
    ("tmd-margin-negative", lambda: F.triplet_margin_with_distance_loss(ones(2, 2), ones(2, 2), ones(2, 2),
                                                                         margin=-1.0), ValueError, "margin"),
    ("tmd-ndim", lambda: F.triplet_margin_with_distance_loss(ones(2, 2), ones(2, 2), ones(2)), RuntimeError,
     "negative 1D"),
    ("tmd-elementwise-mean", lambda: F.triplet_margin_with_distance_loss(ones(2, 2), ones(2, 2), ones(2, 2),
                                                                          reduction="elementwise_mean"),
     ValueError, "reduction"),
    ("tmd-positional-distance", lambda: F.triplet_margin_with_distance_loss(ones(2, 2), ones(2, 2), ones(2, 2),
                                                                             F.pairwise_distance), TypeError, "positional"),
    ("tmd-not-callable", lambda: F.triplet_margin_with_distance_loss(ones(2, 2), ones(2, 2), ones(2, 2),
                                                                      distance_function=3), TypeError, "distance_function"),
    ("pd-shapes", lambda: F.pairwise_distance(ones(2, 3), ones(2, 4)), RuntimeError, "size"),
    ("cs-int", lambda: F.cosine_similarity(tl.tensor([[1, 2]]), tl.tensor([[1, 2]])), RuntimeError, "x1"),
    ("cs-dim", lambda: F.cosine_similarity(ones(3), ones(3)), IndexError, "im"),
]


@pytest.mark.parametrize("call, error, text", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call, error, text):
    with pytest.raises(error, match=text):
        call()


def test_torch_raises_the_same_error_types():
    """The same bad calls in torch raise the same exception types (a few representative ones)."""
    torch = pytest.importorskip("torch")
    tF, o = torch.nn.functional, torch.ones
    cases = [
        (lambda: tF.cosine_embedding_loss(o(3), o(3), o(3)), RuntimeError),
        (lambda: tF.cosine_embedding_loss(o(2, 3), o(2, 3), o(2, 1)), RuntimeError),
        (lambda: tF.cosine_embedding_loss(o(2, 3), o(3, 3), o(2)), RuntimeError),
        (lambda: tF.triplet_margin_loss(o(2, 2), o(2, 2), o(2, 2), margin=0), ValueError),
        (lambda: tF.triplet_margin_loss(o(2, 2), o(2), o(2, 2)), RuntimeError),
        (lambda: tF.triplet_margin_with_distance_loss(o(2, 2), o(2, 2), o(2, 2), reduction="elementwise_mean"),
         ValueError),
        (lambda: tF.triplet_margin_with_distance_loss(o(2, 2), o(2, 2), o(2, 2), tF.pairwise_distance), TypeError),
        (lambda: tF.cosine_similarity(torch.tensor([[1, 2]]), torch.tensor([[1, 2]])), RuntimeError),
        (lambda: tF.cosine_similarity(o(3), o(3)), IndexError),
    ]
    for call, error in cases:
        with pytest.raises(error):
            call()


# ---- nn classes, registry, scopes ---------------------------------------------------------------
def test_modules_call_their_functional():
    a, p, n = (tl.tensor(v) for v in TRIPLET_EXAMPLE)
    y = tl.tensor([1.0, -1.0, 1.0])
    pairs = [
        (nn.CosineEmbeddingLoss(margin=0.1, reduction="sum")(a, p, y), F.cosine_embedding_loss(a, p, y, 0.1, "sum")),
        (nn.TripletMarginLoss(margin=0.5, p=1, eps=0.0, swap=True)(a, p, n),
         F.triplet_margin_loss(a, p, n, 0.5, 1, 0.0, True)),
        (nn.TripletMarginWithDistanceLoss(distance_function=_cosine_distance(F), margin=0.4)(a, p, n),
         F.triplet_margin_with_distance_loss(a, p, n, distance_function=_cosine_distance(F), margin=0.4)),
        (nn.PairwiseDistance(p=1, eps=0.0, keepdim=True)(a, n), F.pairwise_distance(a, n, 1, 0.0, True)),
        (nn.CosineSimilarity(dim=0, eps=1e-3)(a, n), F.cosine_similarity(a, n, 0, 1e-3)),
    ]
    for got, want in pairs:
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_module_constructors_check_margin_like_torch():
    with pytest.raises(ValueError, match="margin"):
        nn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="margin"):
        nn.TripletMarginWithDistanceLoss(margin=-1.0)
    with pytest.raises(TypeError):
        nn.TripletMarginWithDistanceLoss(None)  # keyword-only, as in torch


def test_registered_and_scoped():
    from tinygrad_losses.losses.registry import get
    for name in ("cosine_embedding_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss"):
        info = get(name)
        assert info.function is getattr(F, name) and info.kind == "metric learning"
        assert hasattr(nn, info.module)
        example = {k: tl.tensor(v) for k, v in info.example.items() if isinstance(v, list)}
        options = {k: v for k, v in info.example.items() if not isinstance(v, list)}
        assert np.isfinite(info.function(**example, **options).item())
    a = tl.tensor([[1.0, 2.0]], requires_grad=True)
    loss = F.triplet_margin_loss(a, tl.ones(1, 2), tl.zeros(1, 2))
    assert str(scope_of(loss.grad_fn)[0]) == "triplet_margin_loss"
