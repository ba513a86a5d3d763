"""Values of the losses beyond PyTorch: LOSSES.md §3's worked examples (hand-checked numbers),
plain numpy loop references on random data, and torch compositions where torch has the pieces."""
import math

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses import nn
from tinygrad_losses.losses.registry import run_example, get

EPS = 1e-7


def t(v, dtype=tl.float64):
    return tl.tensor(v, dtype=dtype)


def close(out, expected, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(out.numpy(), dtype=np.float64), expected, rtol=rtol, atol=atol)


# ---- LOSSES.md §3 worked examples (values given there to ~6 digits) ------------------------------
S = [[0.3, 0.8, -0.4], [1.5, -0.2, 0.6]]
DICE_Y = [[[1, 1], [0, 0]], [[1, 1], [0, 0]]]
DICE_P = [[[0, 1], [0, 1]], [[0.4, 0], [0, 0.9]]]
EXAMPLES = [
    # (function, args, kwargs, expected)
    (F.hinge_loss, (S, [[0, 1, 1], [1, 0, 0]]), {"reduction": "none"}, [0.966667, 0.8]),
    (F.hinge_loss, (S, [[0, 1, 1], [1, 0, 0]]), {}, 0.883333),
    (F.hinge_loss, (S, [[-1, 1, 1], [1, -1, -1]]), {}, 0.883333),
    (F.squared_hinge_loss, (S, [[0, 1, 1], [1, 0, 0]]), {"reduction": "none"}, [1.23, 1.06667]),
    (F.squared_hinge_loss, (S, [[0, 1, 1], [1, 0, 0]]), {}, 1.14833),
    (F.categorical_hinge_loss, (S, [[0, 1, 0], [0, 0, 1]]), {"reduction": "none"}, [0.5, 1.9]),
    (F.categorical_hinge_loss, ([-2, -1, -3], [0, 1, 0]), {}, 2.0),
    (F.multiclass_hinge_loss, (S, tl.tensor([1, 2])), {}, 1.2),
    (F.multiclass_hinge_loss, ([-2, -1, -3], tl.tensor(1)), {}, 0.0),
    (F.log_cosh_loss, ([[1.5, 0, 0.1], [0.5, 30, 2]], [[1, 2, 0], [0.5, -1, 3]]), {"reduction": "none"},
     [0.48337, 10.2469]),
    (F.log_cosh_loss, ([[1.5, 0, 0.1], [0.5, 30, 2]], [[1, 2, 0], [0.5, -1, 3]]), {}, 5.36512),
    (F.msle_loss, ([[1.5, 0, 0.1], [0.5, 8, -1]], [[1, 2, 0], [0.5, 10, 3]]), {"reduction": "none"},
     [0.421942, 0.654027]),
    (F.msle_loss, ([[1.5, 0, 0.1], [0.5, 8, -1]], [[1, 2, 0], [0.5, 10, 3]]), {}, 0.537984),
    (F.mape_loss, ([[1.5, 0, 0.1], [0.5, 8, -1]], [[1, 2, 0], [0.5, 10, 3]]), {"reduction": "none"},
     [3.33334e7, 51.1111]),
    (F.mape_loss, ([[1.5, 0, 0.1], [0.5, 8, -1]], [[1, 2, 0], [0.5, 10, 3]]), {}, 1.66667e7),
    (F.poisson_loss, ([[0.5, 0.2, 2.5], [2, 1e-9, 0.3]], [[1, 0, 3], [2, 1, 0]]), {"reduction": "none"},
     [0.381425, 5.67395]),
    (F.poisson_loss, ([[0.5, 0.2, 2.5], [2, 1e-9, 0.3]], [[1, 0, 3], [2, 1, 0]]), {}, 3.02769),
    (F.cosine_similarity_loss, ([[1, 0, 1], [1, 2, 0]], [[1, 2, 3], [0, 0, 0]]), {"reduction": "none"},
     [-0.755929, 0]),
    (F.cosine_similarity_loss, ([[1, 0, 1], [1, 2, 0]], [[1, 2, 3], [0, 0, 0]]), {}, -0.377964),
    (F.sigmoid_focal_loss, ([[2, -1, 0.5], [-3, 0, 4]], [[1, 0, 0], [1, 1, 0]]), {"reduction": "none"},
     [[0.000450891, 0.0169935, 0.283059], [0.69157, 0.0433217, 2.90618]]),
    (F.sigmoid_focal_loss, ([[2, -1, 0.5], [-3, 0, 4]], [[1, 0, 0], [1, 1, 0]]), {}, 0.656929),
    (F.sigmoid_focal_loss, ([[2, -1, 0.5], [-3, 0, 4]], [[1, 0, 0], [1, 1, 0]]),
     {"alpha": None, "reduction": "none"},
     [[0.00180356, 0.0226581, 0.377412], [2.76628, 0.173287, 3.87491]]),
    (F.sigmoid_focal_loss, ([[2, -1, 0.5], [-3, 0, 4]], [[1, 0, 0], [1, 1, 0]]),
     {"alpha": -1, "reduction": "none"},
     [[0.00180356, 0.0226581, 0.377412], [2.76628, 0.173287, 3.87491]]),
    (F.binary_focal_crossentropy, ([-18.6, 0.51, 2.94, -12.8], [0, 1, 0, 0]), {"from_logits": True}, 0.691212),
    (F.binary_focal_crossentropy, ([-18.6, 0.51, 2.94, -12.8], [0, 1, 0, 0]),
     {"from_logits": True, "apply_class_balancing": True}, 0.510133),
    (F.binary_focal_crossentropy, ([[0.6, 0.4], [0.4, 0.6]], [[0, 1], [0, 0]]), {"reduction": "none"},
     [0.329865, 0.205798]),
    (F.binary_focal_crossentropy, ([[0.6, 0.4], [0.4, 0.6]], [[0, 1], [0, 0]]),
     {"apply_class_balancing": True, "label_smoothing": 0.1, "reduction": "none"}, [0.155952, 0.145428]),
    (F.categorical_focal_loss, ([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], [[0, 1, 0], [0, 0, 1]]),
     {"reduction": "none"}, [3.20583e-5, 0.466273]),
    (F.categorical_focal_loss, ([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], [[0, 1, 0], [0, 0, 1]]), {}, 0.233153),
    (F.categorical_focal_loss, ([[1, 2, 0.5], [0.1, -1, 2]], [[0, 1, 0], [0, 0, 1]]),
     {"from_logits": True, "label_smoothing": 0.1, "reduction": "none"}, [0.0342638, 0.0388222]),
    (F.dice_loss, (DICE_P, DICE_Y), {}, 0.616438),
    (F.dice_loss, (DICE_P, DICE_Y), {"dim": (1, 2), "reduction": "none"}, [0.5, 0.757576]),
    (F.dice_loss, (DICE_P, DICE_Y), {"dim": (1, 2)}, 0.628788),
    (F.tversky_loss, (DICE_P, DICE_Y), {"alpha": 0.3, "beta": 0.7, "dim": (1, 2), "reduction": "none"},
     [0.5, 0.776536]),
    (F.tversky_loss, (DICE_P, DICE_Y), {}, 0.616438),  # alpha = beta = 0.5 is Dice
    (F.multiclass_dice_loss, ([[[[2, -1], [0.5, 0.5]], [[-1, 1], [0, 2]]]],
                              [[[[1, 0], [1, 0]], [[0, 1], [0, 1]]]]), {}, 0.13132),
    (F.multiclass_dice_loss, ([[[[2, -1], [0.5, 0.5]], [[-1, 1], [0, 2]]]],
                              [[[[1, 0], [1, 0]], [[0, 1], [0, 1]]]]), {"reduction": "none"},
     [[0.138084, 0.124557]]),
    (F.multiclass_dice_loss, ([[[[2, -1], [0.5, 0.5]], [[-1, 1], [0, 2]]]],
                              [[[[1, 0], [1, 0]], [[0, 1], [0, 1]]]]), {"smooth": 0}, 0.197637),
    (F.poly1_loss, ([[1, 2, 0.5], [0.1, -1, 2]], [[0, 1, 0], [0.1, 0, 0.9]]), {"reduction": "none"},
     [1.20731, 0.846037]),
    (F.poly1_loss, ([[1, 2, 0.5], [0.1, -1, 2]], [[0, 1, 0], [0.1, 0, 0.9]]), {"epsilon": 1, "reduction": "none"},
     [0.835837, 0.608911]),
    (F.sparsemax_loss, ([-2, -0.5, 0.3, 1.2, 0], [1, 1, 0, 0, 1]), {"reduction": "none"},
     [2, 0.5625, 0.4225, 1.2, 0.25]),
    (F.multiclass_sparsemax_loss, ([1, 0.5, -0.3, 0.9], tl.tensor(1)), {}, 0.703333),
    (F.multiclass_sparsemax_loss, ([2, 0.1, -1], tl.tensor(0)), {}, 0.0),
    (F.multiclass_sparsemax_loss, ([0.2, 0.1, 0.3], tl.tensor(2)), {}, 0.243333),
    (F.perceptron_loss, ([0.5, -0.2, 1, -1.5], [1, 1, -1, -1]), {"reduction": "none"}, [0, 0.2, 1, 0]),
    (F.multiclass_perceptron_loss, (S, tl.tensor([1, 2])), {"reduction": "none"}, [0, 0.9]),
    (F.generalized_cross_entropy, ([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], tl.tensor([0, 1])), {"reduction": "none"},
     [0.315634, 0.813555]),
    (F.generalized_kl_divergence, (np.log([0.2, 0.5, 0.6]).tolist(), [0.3, 0, 0.9]), {}, 0.586558),
    (F.js_divergence, ([0.2, 0.5, 0.3], [0.1, 0.1, 0.8]), {}, 0.140228),
    (F.ranking_softmax_loss, ([2, 1, 3], [1, 0, 0]), {}, 1.40761),
    (F.pinball_loss, ([1.5, 1, 3], [1, 2, 3]), {"tau": 0.9, "reduction": "none"}, [0.05, 0.9, 0]),
    (F.pinball_loss, ([1.5, 1, 3], [1, 2, 3]), {"tau": 0.9}, 0.316667),
    (F.pseudo_huber_loss, ([0, 0.5, 3], [0, 0, 0]), {"reduction": "none"}, [0, 0.118034, 2.16228]),
    (F.ntxent_loss, ([[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]], tl.tensor([0, 0, 1, 1])), {}, 0.0279325),
    (F.ntxent_loss, ([[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]], tl.tensor([0, 0, 1, 1])),
     {"temperature": 0.5}, 0.43019),
    (F.ntxent_loss, ([[0.0897], [1.629], [0.862], [0.136]], tl.tensor([0, 0, 1, 1])), {}, math.log(3)),
    (F.info_nce_loss, ([[1, 0], [0.6, 0.8], [0, 1]], [[0.8, 0.6], [1, 0], [-0.6, 0.8]]), {}, 1.96073),
    (F.info_nce_loss, ([[1, 0], [0.6, 0.8], [0, 1]], [[0.8, 0.6], [1, 0], [-0.6, 0.8]]),
     {"symmetric": True}, 1.95204),
]


def _args(args):
    return [a if isinstance(a, tl.Tensor) else t(a) for a in args]


@pytest.mark.parametrize("fn, args, kwargs, expected", EXAMPLES,
                         ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(EXAMPLES)])
def test_worked_example(fn, args, kwargs, expected):
    close(fn(*_args(args), **kwargs), expected)


def test_sparsemax_examples():
    close(F.sparsemax(t([1, 0.5, -0.3, 0.9])), [0.533333, 0.0333333, 0, 0.433333])
    close(F.sparsemax(t([[2, 0.1, -1], [0.2, 0.1, 0.3]])), [[1, 0, 0], [1 / 3, 0.7 / 3, 1.3 / 3]])
    # along dim 0, and a −inf score gets exactly 0
    close(F.sparsemax(t([[1, float("-inf")], [3, 1]]), dim=0), [[0, 0], [1, 1]])


def test_registered_examples_run():
    """Every beyond loss registers an example that runs and matches LOSSES.md's number."""
    expected = {"log_cosh_loss": [0.48337, 10.2469], "ntxent_loss": 0.43019, "tversky_loss": [0.5, 0.776536],
                "multiclass_sparsemax_loss": [0.703333], "info_nce_loss": None}
    for name, value in expected.items():
        out = run_example(name)
        if value is not None:
            close(out, value)
        assert get(name).module in dir(nn)


# ---- numpy references: plain loops, obviously correct ------------------------------------------
def ref_rows(f, x, y):
    """Apply a per-row function over all leading dims."""
    x2, y2 = x.reshape(-1, x.shape[-1]), y.reshape(-1, y.shape[-1])
    return np.array([f(a, b) for a, b in zip(x2, y2)]).reshape(x.shape[:-1])


def np_log_cosh(x, y):
    return ref_rows(lambda a, b: np.mean([math.log(math.cosh(ai - bi)) for ai, bi in zip(a, b)]), x, y)


def np_msle(x, y):
    return ref_rows(lambda a, b: np.mean([(math.log(max(ai, EPS) + 1) - math.log(max(bi, EPS) + 1)) ** 2
                                          for ai, bi in zip(a, b)]), x, y)


def np_mape(x, y):
    return ref_rows(lambda a, b: 100 * np.mean([abs(bi - ai) / max(abs(bi), EPS) for ai, bi in zip(a, b)]), x, y)


def np_poisson(x, y):
    return ref_rows(lambda a, b: np.mean([ai - bi * math.log(ai + EPS) for ai, bi in zip(a, b)]), x, y)


def np_cosine(x, y):
    def row(a, b):
        na = max(math.sqrt(sum(v * v for v in a)), EPS)
        nb = max(math.sqrt(sum(v * v for v in b)), EPS)
        return -sum(ai * bi for ai, bi in zip(a, b)) / (na * nb)
    return ref_rows(row, x, y)


def np_hinge(x, y, square=False):
    y = 2 * y - 1 if np.isin(y, (0, 1)).all() else y
    return ref_rows(lambda a, b: np.mean([max(0, 1 - ai * bi) ** (2 if square else 1) for ai, bi in zip(a, b)]),
                    x, y)


def np_sigmoid_focal(x, y, alpha=0.25, gamma=2.0):
    out = np.zeros_like(x)
    for i, (xi, yi) in enumerate(zip(x.flat, y.flat)):
        p = 1 / (1 + math.exp(-xi))
        ce = -(yi * math.log(p) + (1 - yi) * math.log(1 - p))
        pt = yi * p + (1 - yi) * (1 - p)
        a = 1 if alpha is None else alpha * yi + (1 - alpha) * (1 - yi)
        out.flat[i] = a * (1 - pt) ** gamma * ce
    return out


def np_categorical_focal(x, y, alpha=0.25, gamma=2.0, from_logits=False):
    def row(a, b):
        p = np.exp(a - a.max()) / np.exp(a - a.max()).sum() if from_logits else a / a.sum()
        p = p if from_logits else np.clip(p, EPS, 1 - EPS)
        return sum(alpha * (1 - pc) ** gamma * (-yc * math.log(pc)) for pc, yc in zip(p, b))
    return ref_rows(row, x, y)


def np_poly1(x, y, eps=2.0):
    def row(a, b):
        p = np.exp(a - a.max()) / np.exp(a - a.max()).sum()
        return sum(-bc * math.log(pc) + eps * bc * (1 - pc) for pc, bc in zip(p, b))
    return ref_rows(row, x, y)


def np_sparsemax(z):
    """Sparsemax by its definition as a projection: bisection on τ with Σ max(z − τ, 0) = 1."""
    lo, hi = z.max() - 1, z.max()
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.maximum(z - mid, 0).sum() > 1 else (lo, mid)
    return np.maximum(z - (lo + hi) / 2, 0)


def np_crammer_singer(x, labels):
    return np.array([max(x[i, j] + (0 if j == labels[i] else 1) for j in range(x.shape[1])) - x[i, labels[i]]
                     for i in range(x.shape[0])])


def np_ntxent(e, labels, tau):
    u = e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), math.sqrt(np.finfo(float).eps))
    S = u @ u.T / tau
    losses = []
    for i in range(len(e)):
        for j in range(len(e)):
            if i != j and labels[i] == labels[j]:
                neg = sum(math.exp(S[i, k]) for k in range(len(e)) if labels[k] != labels[i])
                losses.append(-math.log(math.exp(S[i, j]) / (math.exp(S[i, j]) + neg)))
    return np.mean(losses)


rng = np.random.default_rng(1)
X = rng.normal(size=(4, 5))
Y = rng.normal(size=(4, 5))
POS_X, POS_Y = rng.uniform(0.05, 3, size=(3, 4)), rng.poisson(2, size=(3, 4)).astype(float)
B = (rng.uniform(size=(4, 5)) > 0.5).astype(float)

REFS = [
    (F.log_cosh_loss, X, Y, np_log_cosh),
    (F.msle_loss, X, Y, np_msle),
    (F.mape_loss, X, Y, np_mape),
    (F.poisson_loss, POS_X, POS_Y, np_poisson),
    (F.cosine_similarity_loss, X, Y, np_cosine),
    (F.hinge_loss, X, B, np_hinge),
    (F.hinge_loss, X, 2 * B - 1, np_hinge),
    (F.squared_hinge_loss, X, B, lambda x, y: np_hinge(x, y, square=True)),
    (F.sigmoid_focal_loss, 3 * X, B, np_sigmoid_focal),
    (F.sigmoid_focal_loss, 3 * X, rng.uniform(size=X.shape), np_sigmoid_focal),  # soft labels
    (F.categorical_focal_loss, POS_X, np.eye(4)[[0, 3, 1]], np_categorical_focal),
    (lambda x, y, **k: F.categorical_focal_loss(x, y, from_logits=True, **k), X, np.eye(5)[[0, 3, 1, 4]],
     lambda x, y: np_categorical_focal(x, y, from_logits=True)),
    (F.poly1_loss, X, np.abs(Y) / np.abs(Y).sum(-1, keepdims=True), np_poly1),
]


@pytest.mark.parametrize("fn, x, y, ref", REFS, ids=[f"{i}" for i in range(len(REFS))])
def test_against_numpy_reference(fn, x, y, ref):
    close(fn(t(x), t(y), reduction="none"), ref(x, y), rtol=1e-9, atol=1e-12)
    close(fn(t(x), t(y)), ref(x, y).mean(), rtol=1e-9, atol=1e-12)
    close(fn(t(x), t(y), reduction="sum"), ref(x, y).sum(), rtol=1e-9, atol=1e-12)


def test_sparsemax_against_projection():
    z = rng.normal(size=(6, 7)) * 2
    close(F.sparsemax(t(z)), np.array([np_sparsemax(r) for r in z]), atol=1e-9)
    labels = rng.integers(0, 7, size=6)
    p = np.array([np_sparsemax(r) for r in z])
    ref = (p * z).sum(1) - z[np.arange(6), labels] + 0.5 * (1 - (p * p).sum(1))
    close(F.multiclass_sparsemax_loss(t(z), tl.tensor(labels), reduction="none"), ref, atol=1e-9)


def test_multiclass_hinge_and_perceptron_against_loops():
    labels = rng.integers(0, 5, size=4)
    close(F.multiclass_hinge_loss(t(X), tl.tensor(labels), reduction="none"), np_crammer_singer(X, labels))
    close(F.multiclass_perceptron_loss(t(X), tl.tensor(labels), reduction="none"),
          X.max(1) - X[np.arange(4), labels])


def test_ntxent_against_loop():
    e, labels = rng.normal(size=(6, 3)), np.array([0, 1, 0, 2, 1, 0])
    for tau in (0.07, 0.5):
        close(F.ntxent_loss(t(e), tl.tensor(labels), tau), np_ntxent(e, labels, tau), rtol=1e-9)


def test_dice_tversky_against_sums():
    p, y = rng.uniform(size=(3, 4, 4)), (rng.uniform(size=(3, 4, 4)) > 0.6).astype(float)
    for b in range(3):
        pb, yb = p[b], y[b]
        dice = 1 - 2 * (pb * yb).sum() / (pb.sum() + yb.sum() + EPS)
        tp, fp, fn = (pb * yb).sum(), ((1 - yb) * pb).sum(), (yb * (1 - pb)).sum()
        tv = 1 - tp / (tp + 0.2 * fp + 0.8 * fn + EPS)
        close(F.dice_loss(t(p), t(y), dim=(1, 2), reduction="none")[b], dice, rtol=1e-12)
        close(F.tversky_loss(t(p), t(y), 0.2, 0.8, dim=(-1, -2), reduction="none")[b], tv, rtol=1e-12)


# ---- torch as an oracle for the pieces torch has --------------------------------------------------
def test_against_torch():
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    q, k = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    logits = torch.tensor(q @ k.T / 0.3)
    target = torch.arange(5)
    close(F.info_nce_loss(t(q), t(k), 0.3), TF.cross_entropy(logits, target).item(), rtol=1e-10)
    sym = 0.5 * (TF.cross_entropy(logits, target) + TF.cross_entropy(logits.T, target))
    close(F.info_nce_loss(t(q), t(k), 0.3, symmetric=True), sym.item(), rtol=1e-10)
    # Keras's Poisson = torch's poisson_nll_loss(log_input=False, eps=1e-7) averaged over the last axis
    ref = TF.poisson_nll_loss(torch.tensor(POS_X), torch.tensor(POS_Y), log_input=False, eps=1e-7,
                              reduction="none").mean(-1)
    close(F.poisson_loss(t(POS_X), t(POS_Y), reduction="none"), ref.numpy(), rtol=1e-10)
    # torchvision's focal loss, composed in torch
    x, y = torch.tensor(3 * X), torch.tensor(B)
    p = torch.sigmoid(x)
    ce = TF.binary_cross_entropy_with_logits(x, y, reduction="none")
    pt = p * y + (1 - p) * (1 - y)
    ref = (0.25 * y + 0.75 * (1 - y)) * ce * (1 - pt) ** 2
    close(F.sigmoid_focal_loss(t(3 * X), t(B), reduction="none"), ref.numpy(), rtol=1e-9, atol=1e-12)
    # generalized KL of normalised distributions = KL = torch kl_div(..., 'sum') per row
    P = rng.uniform(size=(3, 4))
    P /= P.sum(1, keepdims=True)
    Q = rng.uniform(size=(3, 4))
    Q /= Q.sum(1, keepdims=True)
    ref = TF.kl_div(torch.tensor(np.log(Q)), torch.tensor(P), reduction="sum").item() / 3
    close(F.generalized_kl_divergence(t(np.log(Q)), t(P)), ref, rtol=1e-10)
    # poly-1 with epsilon = 0 is cross entropy with probability targets
    ref = TF.cross_entropy(torch.tensor(X), torch.tensor(np.eye(5)[[0, 2, 4, 1]])).item()
    close(F.poly1_loss(t(X), tl.tensor([0, 2, 4, 1]), epsilon=0), ref, rtol=1e-10)


# ---- dtypes, shapes, modules ---------------------------------------------------------------------
def test_float32_stays_float32_and_modules_match_functionals():
    x32, y32 = t(X, tl.float32), t(B, tl.float32)
    for module, fn in [(nn.LogCoshLoss(), F.log_cosh_loss), (nn.HingeLoss(), F.hinge_loss),
                       (nn.SigmoidFocalLoss(alpha=None), lambda a, b: F.sigmoid_focal_loss(a, b, alpha=None)),
                       (nn.DiceLoss(dim=1, reduction="none"), lambda a, b: F.dice_loss(a, b, 1, reduction="none")),
                       (nn.PseudoHuberLoss(delta=0.5), lambda a, b: F.pseudo_huber_loss(a, b, 0.5))]:
        out = module(x32, y32)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out.numpy(), fn(x32, y32).numpy())
    assert "temperature=0.5" in repr(nn.NTXentLoss(temperature=0.5))


def test_none_shapes():
    x = t(rng.normal(size=(2, 3, 4)))
    assert F.log_cosh_loss(x, x, reduction="none").shape == (2, 3)
    assert F.sigmoid_focal_loss(x, x * 0, reduction="none").shape == (2, 3, 4)
    assert F.dice_loss(x, x, reduction="none").shape == ()
    assert F.dice_loss(x, x, dim=-1, reduction="none").shape == (2, 3)
    assert F.multiclass_hinge_loss(x, tl.zeros(2, 3, dtype=tl.int64), reduction="none").shape == (2, 3)
    assert F.ntxent_loss(x[0], tl.tensor([0, 1, 0]), reduction="none").shape == (3, 3)
