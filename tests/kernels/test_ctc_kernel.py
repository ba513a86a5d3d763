"""kernels/cpu/ctc.py + kernels/cpu/ctc_numba.py: CTC loss values and torch's gradient.

Checked by hand on small cases, and against torch.nn.functional.ctc_loss (values and the
autograd gradient w.r.t. log_probs) on random cases: random lengths and blank, repeated
labels, empty targets, zero input lengths, infeasible targets, -inf log-probabilities,
peaked inputs (the kernel's underflow fallback), padded and concatenated targets,
unbatched input, float32 and float64, every reduction, zero_infinity. Plus input
validation. The kernels compile once per dtype (float32, float64; serial and parallel
drivers around one per-sample function), cached on disk.
"""
import math
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("numba")

from kernels.cpu.ctc import ctc_loss_forward, ctc_loss_forward_backward, ctc_reduce  # noqa: E402

# float32: torch and the kernel both round in float32 (the kernel with a different
# log-sum-exp shift), so the loss agrees to a few ulps of its size and the gradient
# (= exp(lp) - gamma, |.| <= 1) to a few ulps of exp(nll + ...) arguments of that size.
TOL = {np.float32: dict(rtol=2e-5, atol=3e-4), np.float64: dict(rtol=1e-10, atol=1e-11)}


def _log_softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


# ------------------------------------------------------------------ hand-computed cases

def test_two_steps_two_classes_by_hand():
    # T=2, C=2, blank=0, target "a" (= class 1).  Probabilities p_t = (p_t(blank), p_t(a)):
    #   p_0 = (0.4, 0.6), p_1 = (0.3, 0.7).
    # Length-2 alignments that collapse to "a": (a,a), (a,-), (-,a):
    #   P = 0.6*0.7 + 0.6*0.3 + 0.4*0.7 = 0.42 + 0.18 + 0.28 = 0.88,  nll = -ln 0.88.
    # Occupancies gamma_t(c) = (mass of the alignments with c at t) / P:
    #   gamma_0(a) = (0.42+0.18)/0.88 = 60/88,  gamma_0(-) = 0.28/0.88 = 28/88
    #   gamma_1(a) = (0.42+0.28)/0.88 = 70/88,  gamma_1(-) = 0.18/0.88 = 18/88
    # torch's gradient is p - gamma:
    #   t=0: (0.4 - 28/88, 0.6 - 60/88) = ( 9/110, -9/110)
    #   t=1: (0.3 - 18/88, 0.7 - 70/88) = (21/220, -21/220)
    for dt in (np.float64, np.float32):
        lp = np.log(np.array([[[0.4, 0.6]], [[0.3, 0.7]]], dt))
        nll, grad = ctc_loss_forward_backward(lp, np.array([[1]]), np.array([2]), np.array([1]))
        assert nll.dtype == dt and grad.dtype == dt and grad.shape == (2, 1, 2)
        tol = TOL[dt]
        np.testing.assert_allclose(nll, [-math.log(0.88)], **tol)
        np.testing.assert_allclose(grad[:, 0, :], [[9 / 110, -9 / 110], [21 / 220, -21 / 220]], **tol)


def test_repeated_label_needs_a_blank_by_hand():
    # target "aa": with T=3 the only alignment is (a, -, a): P = p0(a) p1(-) p2(a);
    # gamma is 1 on those three entries, so grad = p - onehot(a, -, a).
    p = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.25, 0.25, 0.5]])
    lp = np.log(p)[:, None, :]
    nll, grad = ctc_loss_forward_backward(lp, np.array([[1, 1]]), [3], [2])
    np.testing.assert_allclose(nll, [-math.log(0.5 * 0.6 * 0.25)], rtol=1e-12)
    onehot = np.array([[0, 1, 0], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_allclose(grad[:, 0, :], p - onehot, atol=1e-12)
    # T=2 cannot hold a, -, a: infinite loss, nan gradient (torch's), or 0 with zero_infinity
    nll, grad = ctc_loss_forward_backward(lp[:2], np.array([[1, 1]]), [2], [2])
    assert nll[0] == np.inf and np.isnan(grad).all()
    nll, grad = ctc_loss_forward_backward(lp[:2], np.array([[1, 1]]), [2], [2], zero_infinity=True)
    assert nll[0] == 0 and not np.signbit(nll[0]) and (grad == 0).all()


def test_empty_target_and_empty_input_by_hand():
    p = np.array([[0.5, 0.5], [0.25, 0.75], [0.8, 0.2]])
    lp = np.log(p)[:, None, :].repeat(3, axis=1)
    # sample 0: empty target over 3 steps: all blanks, P = 0.5*0.25*0.8; grad = p - onehot(blank)
    # sample 1: input length 0, empty target: P = 1, nll = -0.0 (torch's sign), grad 0
    # sample 2: input length 0, target "a": P = 0, nll = inf, grad 0 (no time step to blame)
    nll, grad = ctc_loss_forward_backward(lp, np.array([[1], [1], [1]]), [3, 0, 0], [0, 0, 1])
    np.testing.assert_allclose(nll[0], -math.log(0.5 * 0.25 * 0.8), rtol=1e-12)
    assert nll[1] == 0 and np.signbit(nll[1])
    assert nll[2] == np.inf
    np.testing.assert_allclose(grad[:, 0, :], p - [[1, 0]] * 3, atol=1e-12)
    assert (grad[:, 1:, :] == 0).all()


def test_worked_example_from_contract():
    # LOSSES.md 1.21 worked example (torch 2.13 values)
    z = np.array([[[0.5, 1, -0.5], [0, 0.2, 1]], [[1, 0.1, 0.3], [0.4, 1.5, -1]],
                  [[-0.2, 0.8, 0.9], [0, 0, 0]]])
    lp = _log_softmax(z)
    nll, grad = ctc_loss_forward_backward(lp, np.array([[1, 2], [1, 0]]), [3, 2], [2, 1])
    np.testing.assert_allclose(nll, [1.21366, 0.978187], atol=1e-5)
    loss, scale = ctc_reduce(nll, [2, 1], "sum")
    np.testing.assert_allclose(loss, 2.19185, atol=1e-5)
    loss, scale = ctc_reduce(nll, [2, 1], "mean")
    np.testing.assert_allclose(loss, 0.79251, atol=1e-5)
    g = grad * scale[None, :, None]
    np.testing.assert_allclose(g[0, 0], [0.056245, -0.0867329, 0.0304879], atol=1e-6)
    assert (g[2, 1] == 0).all()
    # concatenated targets give the same
    nll2, grad2 = ctc_loss_forward_backward(lp, np.array([1, 2, 1]), [3, 2], [2, 1])
    np.testing.assert_array_equal(nll2, nll)
    np.testing.assert_array_equal(grad2, grad)
    # infeasible check of the contract: [[1,1],[1,0]] with input lengths [2,2]
    nll, grad = ctc_loss_forward_backward(lp, np.array([[1, 1], [1, 0]]), [2, 2], [2, 1])
    assert nll[0] == np.inf
    np.testing.assert_allclose(nll[1], 0.978187, atol=1e-5)
    nll, grad = ctc_loss_forward_backward(lp, np.array([[1, 1], [1, 0]]), [2, 2], [2, 1], zero_infinity=True)
    np.testing.assert_allclose(ctc_reduce(nll, [2, 1], "mean")[0], 0.489094, atol=1e-5)
    assert (grad[:, 0] == 0).all()


# ------------------------------------------------------------------ against torch

def _torch_ctc(lp, targets, il, tl, blank, reduction="none", zero_infinity=False):
    """torch's loss and gradient w.r.t. log_probs (backward of sum() for 'none')."""
    torch = pytest.importorskip("torch")
    x = torch.tensor(lp, requires_grad=True)
    loss = torch.nn.functional.ctc_loss(x, torch.tensor(targets), torch.tensor(il), torch.tensor(tl),
                                        blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    (loss.sum() if reduction == "none" else loss).backward()
    return loss.detach().numpy(), x.grad.numpy()


def _random_case(rng, dt, scale=2.0):
    T = int(rng.integers(1, 13))
    N = int(rng.integers(1, 6))
    C = int(rng.integers(2, 7))
    blank = int(rng.integers(0, C))
    S = int(rng.integers(0, 8))
    lp = _log_softmax(rng.standard_normal((T, N, C)) * scale).astype(dt)
    symbols = np.array([c for c in range(C) if c != blank])
    padded = rng.choice(symbols, size=(N, max(S, 1)))
    if rng.random() < 0.5:  # plenty of adjacent repeats
        padded[:, 1::2] = padded[:, 0::2][:, :padded[:, 1::2].shape[1]]
    il = rng.integers(0, T + 1, N)
    tl = rng.integers(0, S + 1, N)
    return lp, padded, il, tl, blank


def _check(lp, targets, il, tl, blank, zero_infinity=False):
    dt = lp.dtype.type
    nll, grad = ctc_loss_forward_backward(lp, targets, il, tl, blank, zero_infinity)
    assert nll.dtype == lp.dtype and grad.dtype == lp.dtype and grad.shape == lp.shape
    ref, ref_grad = _torch_ctc(lp, targets, il, tl, blank, "none", zero_infinity)
    np.testing.assert_allclose(nll, ref, **TOL[dt])
    np.testing.assert_array_equal(np.signbit(nll), np.signbit(ref))  # -0.0 for T_n = L = 0
    np.testing.assert_allclose(grad, ref_grad, **TOL[dt])  # nan / inf positions must match too
    return nll, grad


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_random_against_torch(dt):
    pytest.importorskip("torch")
    rng = np.random.default_rng(1234 if dt == np.float64 else 99)
    kinds = set()
    for i in range(80):
        lp, padded, il, tl, blank = _random_case(rng, dt)
        zero_inf = bool(i % 3 == 0)
        nll, _ = _check(lp, padded, il, tl, blank, zero_inf)
        concat = np.concatenate([padded[n, :tl[n]] for n in range(len(tl))])
        nll_c, grad_c = ctc_loss_forward_backward(lp, concat, il, tl, blank, zero_inf)
        ref, ref_grad = _torch_ctc(lp, concat, il, tl, blank, "none", zero_inf)
        np.testing.assert_allclose(nll_c, ref, **TOL[dt])
        np.testing.assert_allclose(grad_c, ref_grad, **TOL[dt])
        kinds.update(("inf" if np.isinf(v) else "empty" if t == 0 else "finite") for v, t in zip(nll, tl))
        kinds.update("zero-input" for x in il if x == 0)
    assert kinds >= {"inf", "empty", "finite", "zero-input"}  # the generator covers the edge cases


@pytest.mark.parametrize("dt", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_reductions_against_torch(dt, reduction):
    pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    T, N, C, S = 30, 6, 8, 10
    lp = _log_softmax(rng.standard_normal((T, N, C))).astype(dt)
    blank = 5
    targets = rng.choice([c for c in range(C) if c != blank], size=(N, S))
    il = np.array([30, 29, 25, 30, 12, 1])
    tl = np.array([10, 0, 7, 3, 10, 1])  # sample 4 (12 steps, 10 labels) may be infeasible
    targets[4, 3] = targets[4, 2]
    targets[4, 6] = targets[4, 5]
    targets[4, 8] = targets[4, 7]  # three repeats: needs 13 steps > 12
    for zero_infinity in (False, True):
        nll, grad = ctc_loss_forward_backward(lp, targets, il, tl, blank, zero_infinity)
        loss, scale = ctc_reduce(nll, tl, reduction)
        ref, ref_grad = _torch_ctc(lp, targets, il, tl, blank, reduction, zero_infinity)
        assert np.asarray(loss).dtype == lp.dtype and np.ndim(loss) == 0
        np.testing.assert_allclose(loss, ref, **TOL[dt])
        np.testing.assert_allclose(grad * scale[None, :, None], ref_grad, **TOL[dt])
        assert np.isinf(nll[4]) != zero_infinity


def test_reduce_none_and_invalid():
    nll = np.array([1.0, 2.0], np.float32)
    loss, scale = ctc_reduce(nll, [3, 0], "none")
    np.testing.assert_array_equal(loss, nll)
    np.testing.assert_array_equal(scale, [1, 1])
    loss, scale = ctc_reduce(nll, [4, 0], "mean")  # target length 0 counts as 1
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss, (1 / 4 + 2 / 1) / 2)
    np.testing.assert_allclose(scale, [1 / 8, 1 / 2])
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        ctc_reduce(nll, [1, 1], "avg")


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_larger_batch_against_torch(dt):
    # several samples per thread, long targets, lengths near the maximum
    pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    T, N, C, S = 60, 17, 12, 25
    lp = _log_softmax(rng.standard_normal((T, N, C)) * 1.5).astype(dt)
    blank = 11
    targets = rng.integers(0, C - 1, (N, S))
    il = rng.integers(50, T + 1, N)
    tl = rng.integers(15, S + 1, N)
    _check(lp, targets, il, tl, blank)


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_peaked_inputs_against_torch(dt):
    # Very confident (peaked) log-probs: whole stretches of states sit hundreds of nats below
    # the row maximum, which exercises the kernel's per-cell fallback (underflow of the
    # row-shifted sum), including wrong-but-confident predictions with huge losses.
    pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    T, N, C, S = 40, 6, 6, 12
    for scale in (15.0, 60.0, 400.0):
        lp = _log_softmax(rng.standard_normal((T, N, C)) * scale).astype(dt)
        targets = rng.integers(1, C, (N, S))
        il = np.array([40, 40, 35, 30, 26, 40])
        tl = np.array([12, 5, 12, 1, 12, 0])
        nll, _ = _check(lp, targets, il, tl, 0)
        assert np.isfinite(nll).all()
        if scale == 400.0:
            assert nll.max() > 2000  # far beyond float32's exp range: log space is needed


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_minus_inf_log_probs_against_torch(dt):
    # Exact zeros of probability: torch's gradient is nan wherever lp = -inf (exp(-inf + nll + inf)),
    # and a sample whose every alignment crosses a -inf has nll = inf and a nan gradient.
    pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    T, N, C = 8, 4, 5
    lp = _log_softmax(rng.standard_normal((T, N, C))).astype(dt)
    lp[2, 0, 3] = -np.inf   # a class not in sample 0's target
    lp[4, 1, 1] = -np.inf   # a class in sample 1's target
    lp[:, 2, 2] = -np.inf   # sample 2's only label is impossible: P = 0
    lp[0, 3, :] = -np.inf   # sample 3: the whole first row
    targets = np.array([[1, 2], [1, 4], [2, 2], [1, 1]])
    il = np.array([8, 8, 8, 8])
    tl = np.array([2, 2, 1, 1])
    for zero_infinity in (False, True):
        nll, grad = _check(lp, targets, il, tl, 0, zero_infinity)
        assert np.isnan(grad[2, 0, 3]) and np.isnan(grad[4, 1, 1])
        assert nll[2] == (0 if zero_infinity else np.inf)


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_unbatched_against_torch(dt):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    lp = _log_softmax(rng.standard_normal((9, 5))).astype(dt)
    for targets, tl in (([1, 3, 3], 3), ([[2, 4, 0, 0]], 2), ([], 0)):
        nll, grad = ctc_loss_forward_backward(lp, np.array(targets, np.int64), np.array(9), np.array(tl))
        assert nll.shape == () and grad.shape == (9, 5)
        x = torch.tensor(lp, requires_grad=True)
        ref = torch.nn.functional.ctc_loss(x, torch.tensor(targets, dtype=torch.long), torch.tensor(9),
                                           torch.tensor(tl), reduction="none")
        ref.backward()
        assert ref.shape == ()
        np.testing.assert_allclose(nll, ref.detach().numpy(), **TOL[dt])
        np.testing.assert_allclose(grad, x.grad.numpy(), **TOL[dt])
    nll, grad = ctc_loss_forward_backward(lp, np.array([1, 3]), [9], [2])  # (1,)-shaped lengths
    assert nll.shape == ()


def test_forward_only_and_input_forms():
    rng = np.random.default_rng(8)
    lp = _log_softmax(rng.standard_normal((10, 3, 4)))
    targets = np.array([[1, 2, 3], [3, 3, 0], [2, 0, 0]])
    il, tl = [10, 7, 3], [3, 2, 1]
    nll, grad = ctc_loss_forward_backward(lp, targets, il, tl)
    np.testing.assert_array_equal(ctc_loss_forward(lp, targets, il, tl), nll)
    # int32 targets and lengths, a non-contiguous log_probs view, float targets (torch truncates)
    lpf = np.asfortranarray(lp)
    nll2, grad2 = ctc_loss_forward_backward(lpf, targets.astype(np.int32), np.array(il, np.int32),
                                            np.array(tl, np.int32))
    np.testing.assert_array_equal(nll2, nll)
    np.testing.assert_array_equal(grad2, grad)
    np.testing.assert_array_equal(ctc_loss_forward(lp, targets.astype(np.float64), il, tl), nll)
    # padding values past a target length are never read (even out-of-range ones)
    padded = targets.copy()
    padded[1, 2] = 99
    padded[2, 1:] = -5
    np.testing.assert_array_equal(ctc_loss_forward(lp, padded, il, tl), nll)


# ------------------------------------------------------------------ validation

def _args(**kw):
    a = dict(log_probs=np.log(np.full((5, 2, 4), 0.25)), targets=np.array([[1, 2], [3, 1]]),
             input_lengths=np.array([5, 4]), target_lengths=np.array([2, 1]), blank=0)
    a.update(kw)
    return a


@pytest.mark.parametrize("kw, exc, match", [
    (dict(blank=4), RuntimeError, "blank must be in label range"),
    (dict(blank=-1), RuntimeError, "blank must be in label range"),
    (dict(input_lengths=np.array([6, 4])), RuntimeError, "at most T=5, got 6"),
    (dict(input_lengths=np.array([-1, 4])), RuntimeError, "input_lengths to be at least 0"),
    (dict(target_lengths=np.array([-1, 1])), RuntimeError, "target_lengths to be at least 0"),
    (dict(target_lengths=np.array([3, 1])), RuntimeError, "too narrow"),
    (dict(targets=np.array([[1, 2]])), RuntimeError, "2 rows"),
    (dict(targets=np.array([1, 2, 3, 1])), RuntimeError, "sum\\(target_lengths\\) = 3, got length 4"),
    (dict(targets=np.ones((2, 2, 1), np.int64)), RuntimeError, "1-D .* or 2-D"),
    (dict(input_lengths=np.array([5, 4, 3])), RuntimeError, "input_lengths must be of size batch_size"),
    (dict(target_lengths=np.array([1])), RuntimeError, "target_lengths must be of size batch_size"),
    (dict(input_lengths=np.array([5.0, 4.0])), RuntimeError, "input_lengths must be integral"),
    (dict(target_lengths=np.array([2.0, 1.0])), RuntimeError, "target_lengths must be integral"),
    (dict(log_probs=np.zeros((5, 2, 4, 1))), RuntimeError, "4-dimensional"),
    (dict(log_probs=np.zeros(5)), RuntimeError, "1-dimensional"),
    (dict(log_probs=np.zeros((0, 2, 4))), RuntimeError, "must not be empty"),
    (dict(log_probs=np.zeros((5, 2, 4), np.float16)), NotImplementedError, "float32 or float64"),
    (dict(log_probs=np.zeros((5, 2, 4), np.int64)), NotImplementedError, "float32 or float64"),
    (dict(log_probs=np.zeros((5, 2, 4), np.complex128)), TypeError, "float32 or float64"),
    (dict(targets=np.array([["a", "b"], ["c", "d"]])), TypeError, "targets must be an integer array"),
    # departure 3 of LOSSES.md: torch reads garbage here, we refuse
    (dict(targets=np.array([[1, 4], [3, 1]])), IndexError, "target symbol 4 is out of range \\[0, 4\\)"),
    (dict(targets=np.array([[1, 2], [-1, 1]])), IndexError, "target symbol -1 is out of range"),
    (dict(targets=np.array([[1, 0], [3, 1]])), ValueError, "blank index 0"),
    (dict(targets=np.array([[1, 2], [2, 1]]), blank=2), ValueError, "blank index 2"),
])
def test_validation(kw, exc, match):
    with pytest.raises(exc, match=match):
        ctc_loss_forward_backward(**_args(**kw))


def test_validation_matches_torch_error_types():
    # the same bad calls fail in torch with the same exception type (our messages differ)
    torch = pytest.importorskip("torch")
    cases = [dict(blank=4), dict(input_lengths=np.array([6, 4])), dict(target_lengths=np.array([-1, 1])),
             dict(target_lengths=np.array([3, 1])), dict(targets=np.array([1, 2, 3, 1])),
             dict(input_lengths=np.array([5, 4, 3])), dict(input_lengths=np.array([5.0, 4.0])),
             dict(log_probs=np.zeros((5, 2, 4, 1))), dict(log_probs=np.zeros((0, 2, 4))),
             dict(log_probs=np.zeros((5, 2, 4), np.float16))]
    for kw in cases:
        a = _args(**kw)
        with pytest.raises(Exception) as ours:
            ctc_loss_forward_backward(**a)
        with pytest.raises(Exception) as theirs:
            torch.nn.functional.ctc_loss(*(torch.tensor(a[k]) for k in
                                           ("log_probs", "targets", "input_lengths", "target_lengths")),
                                         blank=a["blank"])
        assert ours.type is theirs.type, (kw, ours.value, theirs.value)


def test_import_does_not_import_numba():
    code = "import sys, kernels.cpu.ctc; assert 'numba' not in sys.modules, 'numba imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]))


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_fallback_path_alone_against_torch(dt):
    # With tiny = inf every cell takes the kernel's per-cell (torch-form) fallback; with the
    # default it is taken only where the row-shifted sum underflows. Both must match torch,
    # through either driver (the wrapper picks the serial one for a problem this small).
    pytest.importorskip("torch")
    from kernels.cpu.ctc import _prepare
    from kernels.cpu.ctc_numba import ctc_kernel_parallel, ctc_kernel_serial
    rng = np.random.default_rng(21)
    T, N, C, S = 25, 5, 6, 8
    lp = _log_softmax(rng.standard_normal((T, N, C)) * 3).astype(dt)
    targets = rng.integers(1, C, (N, S))
    targets[0, 1] = targets[0, 0]
    il = np.array([25, 20, 25, 9, 0])
    tl = np.array([8, 8, 0, 4, 0])
    ref, ref_grad = _torch_ctc(lp, targets, il, tl, 0)
    a, flat, offsets, il_, tl_, blank, _ = _prepare(lp, targets, il, tl, 0)
    for tiny, kernel in ((np.inf, ctc_kernel_serial), (np.inf, ctc_kernel_parallel),
                         (np.finfo(dt).tiny, ctc_kernel_parallel)):
        nll = np.empty(N, dt)
        grad = np.empty((T, N, C), dt)
        kernel(a, flat, offsets, il_, tl_, blank, True, False, dt(-np.inf), dt(1), dt(tiny), nll, grad)
        np.testing.assert_allclose(nll, ref, **TOL[dt])
        np.testing.assert_allclose(grad, ref_grad, **TOL[dt])


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_nan_log_probs_propagate_like_torch(dt):
    pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    lp = _log_softmax(rng.standard_normal((6, 3, 4))).astype(dt)
    lp[2, 0, :] = np.nan   # a whole row of sample 0: nll nan, gradient nan for t < T_n
    lp[3, 1, 3] = np.nan   # a class outside sample 1's target: only that entry's gradient
    lp[1, 2, 1] = np.nan   # a class of sample 2's target, on its alignments
    nll, grad = _check(lp, np.array([[1, 2]] * 3), np.array([6, 6, 5]), np.array([2, 2, 2]), 0)
    assert np.isnan(nll[[0, 2]]).all() and np.isfinite(nll[1])
    assert np.isnan(grad[:, 1]).sum() == 1 and (grad[5, 2] == 0).all()
