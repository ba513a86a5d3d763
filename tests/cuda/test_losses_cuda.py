"""Every registered loss on "cuda" equals the CPU: value, dtype, shape and input gradients (worked examples)."""
import re

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional  # noqa: F401 (imports every loss family, so the registry is full)
from tinygrad_losses.losses import registry

NAMES = [info.name for info in registry.losses_table()]


def _inputs(name, device, frozen):
    """The worked example on ``device``; floating tensors require grad unless named in ``frozen``."""
    kwargs = {}
    for key, value in registry.example_inputs(name).items():
        if isinstance(value, tl.Tensor):
            value = value.to(device)
            if value.dtype.kind == "f" and key not in frozen:
                value.requires_grad_()
        kwargs[key] = value
    return kwargs


def _call(name, device):
    """Loss and kwargs; arguments a loss refuses to differentiate (e.g. soft_margin_loss's target) are frozen."""
    frozen = set()
    while True:
        kwargs = _inputs(name, device, frozen)
        try:
            return registry.get(name).function(**kwargs), kwargs
        except RuntimeError as e:
            bad = re.search(r"not differentiable with respect to argument '(\w+)'", str(e))
            if not bad or bad.group(1) in frozen:
                raise
            frozen.add(bad.group(1))


def _run(name, device):
    loss, kwargs = _call(name, device)
    leaves = {k: v for k, v in kwargs.items() if isinstance(v, tl.Tensor) and v.requires_grad}
    if loss.requires_grad:
        (loss.sum() if loss.ndim else loss).backward()
    return loss, {k: v.grad for k, v in leaves.items()}


def test_registry_is_not_empty():
    assert len(NAMES) >= 40


@pytest.mark.parametrize("name", NAMES)
def test_loss_matches_cpu(name):
    if not registry.get(name).example:
        pytest.skip(f"{name} has no registered example")
    want, want_grads = _run(name, "cpu")
    got, got_grads = _run(name, "cuda")
    assert got.device == "cuda", f"{name}: loss came back on {got.device}"
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9, atol=1e-12, equal_nan=True,
                                   err_msg=f"{name}: value")
        for key, g in want_grads.items():
            if g is None:
                assert got_grads[key] is None, f"{name}: {key} has a gradient on cuda only"
                continue
            assert got_grads[key] is not None and got_grads[key].device == "cuda", f"{name}: {key} gradient"
            np.testing.assert_allclose(got_grads[key].numpy(), g.numpy(), rtol=1e-9, atol=1e-12, equal_nan=True,
                                       err_msg=f"{name}: gradient of {key}")


def test_cross_entropy_on_cuda_takes_the_fused_kernel_and_double_backward_works():
    F = tl.functional
    x = np.random.default_rng(3).standard_normal((4, 6))
    t = tl.tensor([0, 5, 2, -100], device="cuda")
    xc = tl.tensor(x, device="cuda", requires_grad=True)
    loss = F.cross_entropy(xc, t, label_smoothing=0.1, weight=tl.tensor(np.arange(1.0, 7.0), device="cuda"))
    assert loss.grad_fn.name() == "FusedCrossEntropy" and loss.device == "cuda"
    # create_graph: the gradient recomposed from Tensor ops on the device, differentiable again
    (g,) = tl.grad(loss, (xc,), create_graph=True)
    (gg,) = tl.grad((g * g).sum(), (xc,))
    x0 = tl.tensor(x, requires_grad=True)
    loss0 = F.cross_entropy(x0, tl.tensor([0, 5, 2, -100]), label_smoothing=0.1, weight=tl.tensor(np.arange(1.0, 7.0)))
    (g0,) = tl.grad(loss0, (x0,), create_graph=True)
    (gg0,) = tl.grad((g0 * g0).sum(), (x0,))
    np.testing.assert_allclose(g.numpy(), g0.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gg.numpy(), gg0.numpy(), rtol=1e-10, atol=1e-12)
    assert gg.device == "cuda"


def test_ctc_loss_on_cuda_runs_the_device_kernel():
    F = tl.functional
    rng = np.random.default_rng(4)
    z = rng.standard_normal((5, 2, 4))
    args = (tl.tensor([[1, 2], [3, 3]]), [5, 5], [2, 2])
    losses, grads = [], []
    for device in ("cpu", "cuda"):
        lp = tl.tensor(z, device=device, requires_grad=True)
        loss = F.ctc_loss(lp.log_softmax(2), *args)
        loss.backward()
        losses.append(loss)
        grads.append(lp.grad)
    assert losses[1].device == "cuda" and grads[1].device == "cuda"
    np.testing.assert_allclose(losses[1].numpy(), losses[0].numpy(), rtol=1e-10)
    np.testing.assert_allclose(grads[1].numpy(), grads[0].numpy(), rtol=1e-9, atol=1e-12)
