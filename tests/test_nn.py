"""nn layers, init and the Module base: values and gradients against torch, float64 gradchecks,
and the Module bookkeeping (parameters, state_dict, train/eval, dtype casts)."""
import math

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import nn
from tinygrad_losses.ops.special import erf


@pytest.fixture
def torch():
    t = pytest.importorskip("torch")
    t.set_num_threads(1)
    return t


def _copy_into_torch(torch, tl_model, torch_model):
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(tl_model.named_parameters(), torch_model.named_parameters()):
            assert name == tname
            tp.copy_(torch.tensor(p.numpy()))


# ---- Linear ----------------------------------------------------------------------------------
def test_linear_default_init_bounds_and_shapes():
    tl.manual_seed(0)
    layer = nn.Linear(50, 7)
    assert layer.weight.shape == (7, 50) and layer.bias.shape == (7,)
    assert layer.weight.dtype == np.float32 and layer.weight.requires_grad
    bound = 1 / math.sqrt(50)  # kaiming_uniform(a=√5) gives U(-1/√in, 1/√in)
    w = layer.weight.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound  # std of U(-a, a) is a/√3
    assert np.abs(layer.bias.numpy()).max() <= bound


def test_linear_matches_torch_values_and_gradients(torch):
    tl.manual_seed(1)
    layer = nn.Linear(4, 3, dtype=tl.float64)
    t_layer = torch.nn.Linear(4, 3, dtype=torch.float64)
    _copy_into_torch(torch, layer, t_layer)
    x_np = np.random.default_rng(0).normal(size=(2, 5, 4))
    x, tx = tl.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out, t_out = layer(x), t_layer(tx)
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(1).normal(size=out.shape)
    out.backward(tl.tensor(g))
    t_out.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.weight.grad.numpy(), t_layer.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad.numpy(), t_layer.bias.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("x_shape", [(3,), (2, 3), (2, 2, 3)])
def test_linear_gradcheck_and_gradgradcheck(x_shape):
    rng = np.random.default_rng(2)
    x = tl.tensor(rng.normal(size=x_shape), requires_grad=True)
    w = tl.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    b = tl.tensor(rng.normal(size=4), requires_grad=True)
    assert tl.gradcheck(lambda x, w, b: nn.linear(x, w, b), (x, w, b))
    assert tl.gradgradcheck(lambda x, w, b: nn.linear(x, w, b) ** 2, (x, w, b))
    assert tl.gradcheck(lambda x, w: nn.linear(x, w), (x, w))


def test_linear_without_bias_and_bad_inputs():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    with pytest.raises(RuntimeError, match=r"input of shape \(2, 4\)"):
        layer(tl.zeros(2, 4))
    with pytest.raises(RuntimeError, match="dtype"):
        layer(tl.zeros(2, 3, dtype=tl.float64))
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(-1, 2)
    with pytest.raises(TypeError, match="weight must be a Tensor"):
        nn.linear(tl.zeros(2, 3), np.zeros((2, 3)))


# ---- activations and other layers -------------------------------------------------------------
ACTIVATIONS = [
    (lambda: nn.ReLU(), "ReLU", {}),
    (lambda: nn.LeakyReLU(0.2), "LeakyReLU", {"negative_slope": 0.2}),
    (lambda: nn.Sigmoid(), "Sigmoid", {}),
    (lambda: nn.Tanh(), "Tanh", {}),
    (lambda: nn.GELU(), "GELU", {}),
    (lambda: nn.GELU("tanh"), "GELU", {"approximate": "tanh"}),
    (lambda: nn.Softmax(1), "Softmax", {"dim": 1}),
    (lambda: nn.LogSoftmax(1), "LogSoftmax", {"dim": 1}),
    (lambda: nn.Flatten(), "Flatten", {}),
]


@pytest.mark.parametrize("make, torch_name, kwargs", ACTIVATIONS, ids=[a[1] + str(a[2]) for a in ACTIVATIONS])
def test_layers_match_torch(torch, make, torch_name, kwargs):
    x_np = np.random.default_rng(3).normal(scale=2, size=(4, 3, 2))
    x, tx = tl.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out, t_out = make()(x), getattr(torch.nn, torch_name)(**kwargs)(tx)
    assert out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(4).normal(size=out.shape)
    out.backward(tl.tensor(g))
    t_out.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("make", [a[0] for a in ACTIVATIONS[:8]], ids=[a[1] + str(a[2]) for a in ACTIVATIONS[:8]])
def test_layers_gradcheck(make):
    x = tl.tensor(np.random.default_rng(5).normal(size=(3, 4)) + 0.05, requires_grad=True)
    assert tl.gradcheck(lambda x: make()(x), (x,))


def test_erf_values_gradient_and_dtypes(torch):
    x_np = np.array([-30.0, -3.0, -0.5, 0.0, 1e-8, 0.7, 2.5, 30.0])
    np.testing.assert_allclose(erf(tl.tensor(x_np)).numpy(), torch.erf(torch.tensor(x_np)).numpy(),
                               rtol=1e-15, atol=1e-16)
    assert erf(tl.tensor([0.5])).dtype == np.float32
    assert erf(tl.tensor([1])).dtype == np.float32  # integers compute in the default float
    assert abs(erf(tl.tensor(1.0, dtype=tl.float64)).item() - 0.8427007929497149) < 1e-15  # erf(1)
    x = tl.tensor(np.linspace(-2, 2, 7), requires_grad=True)
    assert tl.gradcheck(erf, (x,))
    assert tl.gradgradcheck(erf, (x,))


def test_dropout_train_and_eval():
    tl.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = tl.ones(200, 50)
    out = layer(x).numpy()
    kept = out != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.75)  # survivors are scaled by 1/(1-p)
    layer.eval()
    assert layer(x) is x
    assert np.all(nn.Dropout(1.0)(x).numpy() == 0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_gradient_uses_the_same_mask():
    tl.manual_seed(3)
    x = tl.ones(10, 10, requires_grad=True)
    out = nn.Dropout(0.5)(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), out.detach().numpy())


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


# ---- Sequential and Module -------------------------------------------------------------------
def _net():
    tl.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))


def test_sequential_matches_torch_names_and_output(torch):
    net = _net()
    t_net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3))
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in t_net.named_parameters()]
    _copy_into_torch(torch, net, t_net)
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    np.testing.assert_allclose(net(tl.tensor(x)).numpy(), t_net(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_sequential_container_behaviour():
    net = _net()
    assert len(net) == 3 and isinstance(net[-1], nn.Linear) and isinstance(net[1:], nn.Sequential)
    assert len(list(net.parameters())) == 4 and net.num_parameters() == 2 * 4 + 4 + 4 * 3 + 3
    net.append(nn.Softmax(1))
    assert len(net) == 4
    out = net(tl.randn(3, 2))
    np.testing.assert_allclose(out.sum(1).numpy(), 1, rtol=1e-6)
    with pytest.raises(IndexError):
        net[7]
    with pytest.raises(TypeError, match="must be a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)
    text = repr(net)
    assert "(0): Linear(in_features=2, out_features=4, bias=True)" in text and "(3): Softmax(dim=1)" in text


def test_train_eval_and_zero_grad():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    assert net.training and net[1].training
    net.eval()
    assert not net.training and not net[1].training
    net.train()
    assert net[1].training
    net(tl.randn(3, 2)).sum().backward()
    assert net[0].weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert np.all(net[0].weight.grad.numpy() == 0)
    net.zero_grad()
    assert net[0].weight.grad is None


def test_state_dict_round_trip_and_mismatch_messages():
    a, b = _net(), nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))
    state = a.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    b.load_state_dict(state)
    x = tl.randn(4, 2)
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    state["0.weight"] = tl.zeros(5, 2)
    del state["2.bias"]
    with pytest.raises(RuntimeError, match=r"missing keys: \['2.bias'\].*0.weight: shape \(5, 2\)"):
        b.load_state_dict(state)


def test_buffers_are_saved_but_not_optimised():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)
            self.register_buffer("scale", tl.tensor([2.0, 3.0]))

        def forward(self, x):
            return self.lin(x) * self.scale

    m = Scaled()
    assert [n for n, _ in m.named_parameters()] == ["lin.weight", "lin.bias"]
    assert "scale" in m.state_dict() and [n for n, _ in m.named_buffers()] == ["scale"]
    m.scale = tl.tensor([1.0, 1.0])
    np.testing.assert_array_equal(m.state_dict()["scale"].numpy(), [1.0, 1.0])


def test_module_to_double_keeps_the_tensor_objects():
    net = _net()
    w = net[0].weight
    net.double()
    assert net[0].weight is w and w.dtype == np.float64
    assert net(tl.randn(2, 2, dtype=tl.float64)).dtype == np.float64
    with pytest.raises(TypeError, match="floating"):
        net.to(tl.int64)


def test_apply_visits_every_module():
    seen = []
    _net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Sequential"]


# ---- init --------------------------------------------------------------------------------------
def test_init_functions():
    tl.manual_seed(0)
    w = tl.zeros(300, 200, requires_grad=True)
    nn.init.xavier_uniform_(w)  # works on tensors that require grad: inside no_grad
    a = math.sqrt(6 / 500)
    assert np.abs(w.numpy()).max() <= a and abs(w.numpy().std() - a / math.sqrt(3)) < 0.02 * a
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert abs(w.numpy().std() - math.sqrt(2 / 200)) < 0.02 * math.sqrt(2 / 200)
    nn.init.constant_(w, 0.5)
    assert np.all(w.numpy() == 0.5)
    with pytest.raises(ValueError, match="at least 2 dims"):
        nn.init.xavier_uniform_(tl.zeros(3))
    with pytest.raises(ValueError, match="mode"):
        nn.init.kaiming_uniform_(w, mode="fan_middle")


def test_calculate_gain_matches_torch(torch):
    for name in ("linear", "sigmoid", "tanh", "relu", "selu"):
        assert nn.init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(torch.nn.init.calculate_gain("leaky_relu", 0.2))
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        nn.init.calculate_gain("swish")
