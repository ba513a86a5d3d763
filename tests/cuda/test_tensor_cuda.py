"""Tensors on "cuda": losses and gradients equal the CPU's, training runs on the device, data stays there."""
import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
import tinygrad_losses.nn as nn
import tinygrad_losses.optim as optim
from kernels.cuda.array import STATS

rng = np.random.default_rng(1)


def both(a, requires_grad=True):
    return (tl.tensor(a, requires_grad=requires_grad), tl.tensor(a, device="cuda", requires_grad=requires_grad))


LOSSES = {
    "cross_entropy": lambda x, t: F.cross_entropy(x, t),
    "nll_loss": lambda x, t: F.nll_loss(x.log_softmax(1), t, reduction="sum"),
    "mse_loss": lambda x, t: F.mse_loss(x.softmax(1), tl.one_hot(t, 5).to(x.device).float()),
    "bce_with_logits": lambda x, t: F.binary_cross_entropy_with_logits(x, (x.detach() > 0).float()),
    "smooth_l1_loss": lambda x, t: F.smooth_l1_loss(x, x.detach() * 0.5, reduction="none").sum(),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_and_gradient_match_cpu(name):
    logits = rng.standard_normal((4, 5)).astype(np.float32)
    target = np.array([0, 4, 2, 2])
    (xc, xg), (tc, tg) = both(logits), both(target, requires_grad=False)
    lc, lg = LOSSES[name](xc, tc), LOSSES[name](xg, tg)
    lc.backward()
    lg.backward()
    assert lg.device == "cuda" and xg.grad.device == "cuda" and lg.dtype == lc.dtype
    np.testing.assert_allclose(lg.numpy(), lc.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(xg.grad.numpy(), xc.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_gradcheck_on_device_float64():
    x = tl.tensor(rng.standard_normal((3, 4)), device="cuda", requires_grad=True)
    w = tl.tensor(rng.standard_normal((4, 2)), device="cuda", requires_grad=True)
    assert tl.gradcheck(lambda x, w: (x @ w).logsumexp(1).sum() + x.sigmoid().max(), (x, w))


@pytest.mark.parametrize("name, fn", [
    ("gelu", lambda x: nn.gelu(x)),                     # the exact GELU: erf on the device
    ("relu", lambda x: (x * 1).relu()),
    ("dropout", lambda x: (tl.manual_seed(3), nn.dropout(x, 0.5))[1]),
])
def test_activations_match_cpu(name, fn):
    a = rng.standard_normal((6, 7)).astype(np.float32)
    a[0, :3] = [0.0, np.nan, -np.inf]
    xc, xg = both(a)
    g = rng.standard_normal(a.shape).astype(np.float32)
    yc, yg = fn(xc), fn(xg)
    yc.backward(tl.tensor(g))
    yg.backward(tl.tensor(g, device="cuda"))
    assert yg.device == "cuda" and xg.grad.device == "cuda"
    np.testing.assert_allclose(yg.numpy(), yc.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(xg.grad.numpy(), xc.grad.numpy(), rtol=1e-6, atol=1e-7)


def _train(device, steps):
    tl.manual_seed(0)
    data = np.random.default_rng(1)
    x = tl.tensor(data.standard_normal((16, 3)).astype(np.float32), device=device)
    y = tl.tensor(data.integers(0, 3, 16), device=device)
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    opt = optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss)
    return model, losses


def test_training_steps_match_cpu_and_stay_on_device():
    _, cpu_losses = _train("cpu", 4)
    _train("cuda", 1)  # builds kernels and uploads constants
    before = dict(STATS)
    model, losses = _train("cuda", 4)
    moved = {k: STATS[k] - before[k] for k in STATS}
    # the setup uploads x, y and 4 parameters; the steps upload no tensor data. What comes back per step
    # is the labels only, once: the fused kernel's host copy of the targets (its target check, 'mean'
    # denominator and index upload)
    assert moved["host_to_device"] == 6, moved
    assert moved["device_to_host"] == 4, moved
    assert all(p.device == "cuda" for p in model.parameters())
    np.testing.assert_allclose([l.item() for l in losses], [l.item() for l in cpu_losses], rtol=1e-4)
    assert losses[-1].item() < losses[0].item()


def test_mixing_devices_names_both():
    a, b = tl.ones(2), tl.ones(2, device="cuda")
    with pytest.raises(RuntimeError, match="'cpu' and 'cuda'"):
        a + b


def test_transfers_are_differentiable():
    x = tl.tensor([1.0, -2.0], requires_grad=True)
    y = (x.cuda() * 3).relu().sum().cpu()
    y.backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0])


def test_inplace_and_setitem_on_device():
    t = tl.zeros(2, 3, device="cuda")
    t[0, 1:] = 5.0
    t[tl.tensor([1])] = tl.tensor([1.0, 2.0, 3.0], device="cuda")
    t.add_(1)
    np.testing.assert_array_equal(t.numpy(), [[1, 6, 6], [2, 3, 4]])


def test_cuda_array_interface_and_dlpack():
    t = tl.tensor([[1.0, 2.0], [3.0, 4.0]], device="cuda")
    iface = t.__cuda_array_interface__
    assert iface["shape"] == (2, 2) and iface["typestr"] == "<f4" and iface["version"] == 3
    assert t.__dlpack_device__() == (2, 0)
    assert tl.from_dlpack(t._data).device == "cuda"
    c = tl.tensor([1.0, 2.0])
    assert not hasattr(c, "__cuda_array_interface__")
    shared = np.from_dlpack(c)
    shared[0] = 9.0  # no copy: numpy writes into the tensor's memory
    assert c.tolist() == [9.0, 2.0]
    back = tl.from_dlpack(np.arange(3.0))
    assert back.device == "cpu" and back.tolist() == [0.0, 1.0, 2.0]
