"""Optimisers and schedulers: trajectories against torch.optim over many steps, closed forms,
zero_grad, and argument checks."""
import math

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import optim

CONFIGS = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
]


def _objective(lib, w, b, x, y):
    """A small non-quadratic problem: softplus regression, so gradients change along the path."""
    z = x @ w + b
    if lib == "torch":
        import torch
        return (torch.nn.functional.softplus(z) - y).pow(2).mean() + (w ** 4).sum()
    return (tl.softplus(z) - y).pow(2).mean() + (w ** 4).sum()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, options", CONFIGS, ids=[f"{n}-{'-'.join(o)}" for n, o in CONFIGS])
def test_trajectory_matches_torch(name, options, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0, b0 = rng.normal(size=(3, 2)).astype(dtype), rng.normal(size=2).astype(dtype)
    x, y = rng.normal(size=(16, 3)).astype(dtype), rng.normal(size=(16, 2)).astype(dtype)
    w, b = tl.tensor(w0, requires_grad=True), tl.tensor(b0, requires_grad=True)
    tw, tb = torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    opt = getattr(optim, name)([w, b], **options)
    topt = getattr(torch.optim, name)([tw, tb], foreach=False, **options)
    for _ in range(100):
        opt.zero_grad()
        _objective("tl", w, b, tl.tensor(x), tl.tensor(y)).backward()
        opt.step()
        topt.zero_grad()
        _objective("torch", tw, tb, torch.tensor(x), torch.tensor(y)).backward()
        topt.step()
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), **tol)
    np.testing.assert_allclose(b.numpy(), tb.detach().numpy(), **tol)
    assert w.dtype == np.dtype(dtype)


def _quadratic_steps(opt_factory, x0, steps):
    """Minimise ½‖x‖² (gradient x) and return the iterates."""
    x = tl.tensor(x0, dtype=tl.float64, requires_grad=True)
    opt = opt_factory([x])
    path = []
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (x * x).sum()).backward()
        opt.step()
        path.append(x.numpy().copy())
    return np.array(path)


def test_sgd_closed_form():
    x0 = np.array([1.0, -2.0])
    path = _quadratic_steps(lambda p: optim.SGD(p, lr=0.1), x0, 5)
    np.testing.assert_allclose(path[-1], 0.9 ** 5 * x0, rtol=1e-14)
    # heavy ball on ½x²: b1 = g0, b2 = μ·b1 + g1 ...; two steps by hand with lr 0.1, μ 0.5
    path = _quadratic_steps(lambda p: optim.SGD(p, lr=0.1, momentum=0.5), np.array([1.0]), 2)
    x1 = 1 - 0.1 * 1
    x2 = x1 - 0.1 * (0.5 * 1 + x1)
    np.testing.assert_allclose(path[:, 0], [x1, x2], rtol=1e-14)


def test_adaptive_methods_first_step_is_lr_times_sign():
    x0 = np.array([3.0, -0.5])
    for make in (lambda p: optim.Adam(p, lr=0.1), lambda p: optim.Adagrad(p, lr=0.1),
                 lambda p: optim.RMSprop(p, lr=0.1, alpha=0.0)):
        np.testing.assert_allclose(_quadratic_steps(make, x0, 1)[0], x0 - 0.1 * np.sign(x0), rtol=1e-6)


def test_adamw_decay_is_decoupled():
    # with a zero gradient Adam does nothing, AdamW still shrinks the weights by (1 - lr·λ)
    p = tl.tensor([2.0], dtype=tl.float64, requires_grad=True)
    opt = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = tl.zeros(1, dtype=tl.float64)
    opt.step()
    np.testing.assert_allclose(p.numpy(), [2.0 * (1 - 0.05)], rtol=1e-14)


def test_zero_grad_and_parameters_without_gradients():
    a, b = tl.tensor([1.0], requires_grad=True), tl.tensor([1.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=1.0)
    (a * 3).sum().backward()
    opt.step()  # b has no gradient: left alone
    assert a.item() == -2.0 and b.item() == 1.0
    opt.zero_grad(set_to_none=False)
    assert a.grad.item() == 0 and b.grad is None
    opt.zero_grad()
    assert a.grad is None


def test_step_bumps_the_version_so_stale_graphs_refuse_backward():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    opt = optim.SGD([w], lr=0.1)
    w.grad = tl.ones(2)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_param_groups_have_their_own_options():
    a, b = tl.tensor([1.0], requires_grad=True), tl.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = tl.ones(1), tl.ones(1)
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.5)


def test_closure_is_evaluated():
    w = tl.tensor([2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 4.0 and w.item() == 1.0


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p, lr=-1), "invalid lr"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "nesterov"),
    (lambda p: optim.Adam(p, betas=(0.9, 1.5)), "betas"),
    (lambda p: optim.Adadelta(p, rho=2.0), "rho"),
    (lambda p: optim.RMSprop(p, eps=-1e-8), "invalid eps"),
    (lambda p: optim.Adam([], lr=0.1), "empty parameter list"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make([tl.tensor([1.0], requires_grad=True)])


def test_bad_params():
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(tl.tensor([1.0], requires_grad=True), lr=0.1)
    with pytest.raises(TypeError, match=r"params\[1\] must be a Tensor"):
        optim.SGD([tl.tensor([1.0], requires_grad=True), 3.0], lr=0.1)
    leaf = tl.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="not a leaf"):
        optim.SGD([leaf * 2], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [leaf]}, {"params": [leaf]}], lr=0.1)


# ---- schedulers --------------------------------------------------------------------------------
@pytest.mark.parametrize("name, options", [("StepLR", dict(step_size=3, gamma=0.5)),
                                           ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
                                           ("CosineAnnealingLR", dict(T_max=5))])
def test_schedulers_match_torch(name, options):
    torch = pytest.importorskip("torch")
    opt = optim.SGD([tl.tensor([1.0], requires_grad=True)], lr=0.3)
    topt = torch.optim.SGD([torch.tensor([1.0], requires_grad=True)], lr=0.3)
    sched = getattr(optim.lr_scheduler, name)(opt, **options)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **options)
    for _ in range(25):  # past T_max: the cosine rises again
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12, abs=1e-15)
        opt.step()
        topt.step()
        sched.step()
        tsched.step()


def test_cosine_closed_form_at_half_period():
    opt = optim.SGD([tl.tensor([1.0], requires_grad=True)], lr=1.0)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(5):
        sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5 * (1 + math.cos(math.pi / 2)))


def test_scheduler_arguments():
    opt = optim.SGD([tl.tensor([1.0], requires_grad=True)], lr=1.0)
    with pytest.raises(ValueError, match="step_size"):
        optim.lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        optim.lr_scheduler.CosineAnnealingLR(opt, T_max=-3)
    with pytest.raises(TypeError, match="Optimizer"):
        optim.lr_scheduler.StepLR("sgd", step_size=2)
