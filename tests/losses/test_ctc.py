"""ctc_loss / nn.CTCLoss: hand-computed cases, LOSSES.md's worked example, torch over random
lengths and blanks, gradcheck (through log_softmax), first-order-only, errors."""
import math

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses import nn

Z = np.array([[[0.5, 1, -0.5], [0, 0.2, 1]], [[1, 0.1, 0.3], [0.4, 1.5, -1]], [[-0.2, 0.8, 0.9], [0, 0, 0]]])


def _lp(z, grad=True):
    z = tl.tensor(z, requires_grad=grad)
    return z, z.log_softmax(-1)


def test_two_steps_two_classes_by_hand():
    # T=2, C=2 (blank 0, label 1), target [1]: alignments 1-1, 0-1, 1-0 -> P = a1·b1 + a0·b1 + a1·b0
    p = np.array([[0.3, 0.7], [0.6, 0.4]])
    lp = tl.tensor(np.log(p), requires_grad=True)
    loss = F.ctc_loss(lp, tl.tensor([1]), [2], [1], reduction="sum")
    prob = 0.7 * 0.4 + 0.3 * 0.4 + 0.7 * 0.6
    assert loss.item() == pytest.approx(-math.log(prob), rel=1e-12)
    loss.backward()
    # torch's gradient exp(lp) − γ: γ_0(1) = P(paths through label at t=0) / P = (0.28 + 0.42) / P
    g0 = (0.7 * 0.4 + 0.7 * 0.6) / prob
    np.testing.assert_allclose(lp.grad.numpy()[0], [0.3 - (1 - g0), 0.7 - g0], rtol=1e-12)


def test_worked_example_losses_md():
    targets = tl.tensor([[1, 2], [1, 0]])
    _, lp = _lp(Z, grad=False)
    np.testing.assert_allclose(F.ctc_loss(lp, targets, [3, 2], [2, 1], reduction="none").numpy(),
                               [1.21366, 0.978187], rtol=1e-5)
    assert F.ctc_loss(lp, targets, [3, 2], [2, 1], reduction="sum").item() == pytest.approx(2.19185, rel=1e-5)
    concatenated = F.ctc_loss(lp, tl.tensor([1, 2, 1]), tl.tensor([3, 2]), tl.tensor([2, 1]))
    assert concatenated.item() == pytest.approx(0.79251, rel=1e-5)
    z, lp = _lp(Z)
    F.ctc_loss(lp, targets, (3, 2), (2, 1)).backward()
    np.testing.assert_allclose(z.grad.numpy()[0, 0], [0.056245, -0.0867329, 0.0304879], rtol=1e-5)
    assert np.all(z.grad.numpy()[2, 1] == 0)  # t >= T_1


def test_infeasible_and_zero_infinity():
    _, lp = _lp(Z, grad=False)
    out = F.ctc_loss(lp, tl.tensor([[1, 1], [1, 0]]), [2, 2], [2, 1], reduction="none")
    assert out.numpy()[0] == np.inf and out.numpy()[1] == pytest.approx(0.978187, rel=1e-5)
    z, lp = _lp(Z)
    loss = F.ctc_loss(lp, tl.tensor([[1, 1], [1, 0]]), [2, 2], [2, 1], zero_infinity=True)
    assert loss.item() == pytest.approx(0.489094, rel=1e-5)
    loss.backward()
    assert np.all(z.grad.numpy()[:, 0] == 0) and np.any(z.grad.numpy()[:, 1] != 0)


def test_gradcheck_through_log_softmax():
    rng = np.random.default_rng(1)
    z = tl.tensor(rng.standard_normal((6, 3, 4)), requires_grad=True)
    tg = tl.tensor(rng.integers(1, 4, (3, 3)))
    for red in ("mean", "sum"):
        assert tl.gradcheck(lambda z: F.ctc_loss(z.log_softmax(2), tg, [6, 5, 4], [3, 2, 0], reduction=red), (z,))


def test_double_backward_is_refused():
    z, lp = _lp(Z)
    loss = F.ctc_loss(lp, tl.tensor([[1, 2], [1, 0]]), [3, 2], [2, 1])
    (g,) = tl.grad(loss, z, create_graph=True)  # first order with create_graph works ...
    np.testing.assert_allclose(g.detach().numpy()[0, 0], [0.056245, -0.0867329, 0.0304879], rtol=1e-5)
    with pytest.raises(RuntimeError, match="double backward"):
        (g * g).sum().backward()  # ... differentiating it again does not


def test_module_and_graph_node():
    z, lp = _lp(Z)
    loss = nn.CTCLoss(reduction="sum")(lp, tl.tensor([[1, 2], [1, 0]]), [3, 2], [2, 1])
    assert loss.item() == pytest.approx(2.19185, rel=1e-5)
    node, names = loss.grad_fn, set()
    stack = [node]
    while stack:
        n = stack.pop()
        names.add(n.name())
        stack += [p.grad_fn for p in n.parents if p.grad_fn is not None]
    assert "CTCLoss" in names


@pytest.mark.parametrize("bad, err", [
    (dict(blank=3), RuntimeError), (dict(input_lengths=[4, 2]), RuntimeError),
    (dict(input_lengths=[3, -1]), RuntimeError), (dict(target_lengths=[3, 1]), RuntimeError),
    (dict(input_lengths=3), TypeError), (dict(input_lengths=tl.tensor([3.0, 2.0])), RuntimeError),
    (dict(targets=tl.tensor([[1, 5], [1, 0]])), IndexError), (dict(targets=tl.tensor([[1, 0], [1, 0]])), ValueError),
    (dict(reduction="avg"), ValueError), (dict(log_probs=tl.zeros(3, 2, 3, 1)), RuntimeError),
])
def test_bad_inputs(bad, err):
    _, lp = _lp(Z, grad=False)
    args = dict(log_probs=lp, targets=tl.tensor([[1, 2], [1, 0]]), input_lengths=[3, 2], target_lengths=[2, 1])
    args.update(bad)
    with pytest.raises(err):
        F.ctc_loss(**args)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("form", ["padded", "concatenated", "unbatched"])
def test_against_torch_random(dtype, reduction, form):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(hash((form, reduction)) % 2 ** 32)
    T, N, C, S = 12, 1 if form == "unbatched" else 5, 6, 5
    for trial in range(3):
        blank = int(rng.integers(0, C))
        z = rng.standard_normal((T, N, C)).astype(dtype)
        il = rng.integers(0, T + 1, N)
        tl_ = rng.integers(0, S + 1, N)
        symbols = np.array([c for c in range(C) if c != blank])
        padded = rng.choice(symbols, (N, S))
        if form == "padded":
            tg = padded
        else:
            tg = np.concatenate([padded[n, :tl_[n]] for n in range(N)])
        zero_inf = bool(trial % 2)
        if form == "unbatched":
            z, il, tl_ = z[:, 0], il[:1], tl_[:1]
        ours_z = tl.tensor(z, requires_grad=True)
        out = F.ctc_loss(ours_z.log_softmax(-1), tl.tensor(tg), tl.tensor(il), tl.tensor(tl_), blank=blank,
                         reduction=reduction, zero_infinity=zero_inf)
        th_z = torch.tensor(z, requires_grad=True)
        ref = torch.nn.functional.ctc_loss(th_z.log_softmax(-1), torch.tensor(tg), torch.tensor(il), torch.tensor(tl_),
                                           blank=blank, reduction=reduction, zero_infinity=zero_inf)
        assert out.shape == tuple(ref.shape) and str(out.dtype) == str(ref.dtype).replace("torch.", "")
        tol = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), equal_nan=True, **tol)
        seed = np.linspace(0.5, 1.5, max(out.numel(), 1)).reshape(out.shape).astype(dtype)
        (g,) = tl.grad(out, ours_z, tl.tensor(seed))
        (gt,) = torch.autograd.grad(ref, th_z, torch.tensor(seed))
        np.testing.assert_allclose(g.numpy(), gt.numpy(), equal_nan=True, **tol)
