"""torch's training habits: in-place Tensor methods (the optimizers' currency), pickling and
deepcopy, optimizer and scheduler state dicts (resumed runs follow torch's trajectories),
ReduceLROnPlateau, ModuleList / ModuleDict, gradient clipping, and DataLoader over a dataset."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import nn, optim
from tinygrad_losses.utils.data import DataLoader, Dataset, TensorDataset

rng = np.random.default_rng(0)


# ---- in-place methods -------------------------------------------------------------------------
INPLACE = [
    ("add_", lambda t, o: t.add_(o)),
    ("add_ alpha", lambda t, o: t.add_(o, alpha=-0.3)),
    ("sub_ alpha", lambda t, o: t.sub_(o, alpha=2.5)),
    ("mul_", lambda t, o: t.mul_(o)),
    ("div_", lambda t, o: t.div_(o)),
    ("addcmul_", lambda t, o: t.addcmul_(o, o * 3, value=0.7)),
    ("addcdiv_", lambda t, o: t.addcdiv_(o, o.abs() + 1, value=-1.5)),
    ("lerp_ small weight", lambda t, o: t.lerp_(o, 0.1)),
    ("lerp_ large weight", lambda t, o: t.lerp_(o, 0.8)),
    ("lerp_ weight 1", lambda t, o: t.lerp_(o, 1.0)),
    ("sqrt_", lambda t, o: t.mul_(t).sqrt_()),
    ("scalar add_", lambda t, o: t.add_(0.25, alpha=4)),
    ("scalar mul_", lambda t, o: t.mul_(-1.5)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, op", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_methods_match_torch_and_keep_the_memory(name, op, dtype):
    torch = pytest.importorskip("torch")
    a, b = rng.normal(size=(3, 4)).astype(dtype), rng.normal(size=(3, 4)).astype(dtype)
    t, o = tl.tensor(a), tl.tensor(b)
    shared, version = t.numpy(), t._vc[0]
    assert op(t, o) is t
    want = op(torch.tensor(a), torch.tensor(b)).numpy()
    np.testing.assert_allclose(t.numpy(), want, rtol=1e-6 if dtype == "float32" else 1e-14, atol=1e-7)
    assert t.dtype == np.dtype(dtype)
    assert shared is not None and np.shares_memory(shared, t.numpy())  # written in place, not rebound
    assert t._vc[0] > version


def test_inplace_methods_fall_back_to_promotion_and_broadcasting():
    torch = pytest.importorskip("torch")
    a = rng.normal(size=(2, 3))
    row = rng.normal(size=3).astype(np.float32)
    t = tl.tensor(a).add_(tl.tensor(row), alpha=2).addcmul_(tl.tensor(row), tl.tensor(row))
    want = torch.tensor(a).add_(torch.tensor(row), alpha=2).addcmul_(torch.tensor(row), torch.tensor(row))
    np.testing.assert_allclose(t.numpy(), want.numpy(), rtol=1e-6)
    assert t.dtype == np.float64
    expanded = tl.tensor([1.0]).expand(3)
    with pytest.raises(RuntimeError, match="expanded view"):
        expanded.add_(1.0)


def test_inplace_methods_refuse_a_tensor_in_a_graph_and_check_lerp_arguments():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    for call in (lambda: w.add_(1.0), lambda: w.addcmul_(w, w), lambda: w.lerp_(w, 0.5), lambda: w.sqrt_()):
        with pytest.raises(RuntimeError, match="in-place operation on a tensor that requires grad"):
            call()
    with tl.no_grad():
        w.addcdiv_(tl.tensor([2.0, 2.0]), tl.tensor([4.0, 8.0]), value=2)
    np.testing.assert_array_equal(w.numpy(), [2.0, 2.5])
    with pytest.raises(TypeError, match="weight must be a number"):
        tl.zeros(2).lerp_(tl.ones(2), tl.ones(2))
    with pytest.raises(TypeError, match="end must be a Tensor"):
        tl.zeros(2).lerp_([1.0, 1.0], 0.5)


def test_zero_grad_without_none_gives_zeros_even_after_a_nan():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    w.grad = tl.tensor([float("nan"), float("inf")])
    optim.SGD([w], lr=0.1).zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0, 0.0]


def test_an_inplace_change_invalidates_a_graph_that_saved_the_value():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with tl.no_grad():
        w.addcmul_(tl.ones(2), tl.ones(2))
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


# ---- pickling and deepcopy ----------------------------------------------------------------------
def _net(seed=0):
    tl.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 3))


def test_tensors_pickle_and_deepcopy_with_dtype_requires_grad_and_grad():
    w = tl.tensor([[1.5, -2.0]], dtype=tl.float64, requires_grad=True)
    (w * w).sum().backward()
    for back in (pickle.loads(pickle.dumps(w)), copy.deepcopy(w)):
        assert back is not w and back.requires_grad and back.is_leaf and back.dtype == np.float64
        np.testing.assert_array_equal(back.numpy(), w.numpy())
        np.testing.assert_array_equal(back.grad.numpy(), [[3.0, -4.0]])
        assert not np.shares_memory(back.numpy(), w.numpy())
    labels = pickle.loads(pickle.dumps(tl.tensor([3, 1], dtype=tl.int32)))
    assert labels.dtype == np.int32 and not labels.requires_grad and labels.tolist() == [3, 1]
    # a non-leaf loses its graph, as in torch
    y = pickle.loads(pickle.dumps(w * 2))
    assert y.is_leaf and y.requires_grad


def test_modules_and_state_dicts_pickle_and_deepcopy():
    net = _net()
    x = tl.randn(4, 2)
    twin = copy.deepcopy(net)
    np.testing.assert_array_equal(twin(x).numpy(), net(x).numpy())
    with tl.no_grad():
        twin[0].weight.mul_(0.0)
    assert net[0].weight.numpy().any()  # independent parameters
    assert [n for n, _ in twin.named_parameters()] == [n for n, _ in net.named_parameters()]
    back = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(back(x).numpy(), net(x).numpy())
    state = pickle.loads(pickle.dumps(net.state_dict()))
    fresh = _net(seed=1)
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh(x).numpy(), net(x).numpy())


# ---- optimizer state dicts: a resumed run follows torch's uninterrupted one ---------------------------
CONFIGS = [
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.9))),  # β1 < 0.5: lerp's second form
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
]


def _objective(lib, w, b, x, y):
    if lib == "torch":
        import torch
        return (torch.nn.functional.softplus(x @ w + b) - y).pow(2).mean() + (w ** 4).sum()
    return (tl.softplus(x @ w + b) - y).pow(2).mean() + (w ** 4).sum()


def _steps(lib, opt, params, x, y, n):
    for _ in range(n):
        opt.zero_grad()
        _objective(lib, *params, x, y).backward()
        opt.step()


@pytest.mark.parametrize("name, options", CONFIGS, ids=[f"{n}-{'-'.join(o)}" for n, o in CONFIGS])
def test_resuming_from_a_state_dict_follows_torch(name, options):
    torch = pytest.importorskip("torch")
    w0, b0 = rng.normal(size=(3, 2)), rng.normal(size=2)
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    tparams = [torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)]
    topt = getattr(torch.optim, name)(tparams, foreach=False, **options)
    _steps("torch", topt, tparams, torch.tensor(x), torch.tensor(y), 60)

    params = [tl.tensor(w0, requires_grad=True), tl.tensor(b0, requires_grad=True)]
    opt = getattr(optim, name)(params, **options)
    _steps("tl", opt, params, tl.tensor(x), tl.tensor(y), 30)
    saved = pickle.dumps((opt.state_dict(), [p.detach() for p in params]))
    del opt
    state, values = pickle.loads(saved)
    resumed = [v.clone().requires_grad_() for v in values]
    opt = getattr(optim, name)(resumed, lr=123.0)  # the saved groups bring their own options back
    opt.load_state_dict(state)
    _steps("tl", opt, resumed, tl.tensor(x), tl.tensor(y), 30)
    for p, tp in zip(resumed, tparams):
        np.testing.assert_allclose(p.numpy(), tp.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_optimizer_state_dict_has_torchs_layout():
    torch = pytest.importorskip("torch")
    a, b, c = (tl.tensor([1.0, 2.0], requires_grad=True) for _ in range(3))
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    for p in (a, b, c):
        p.grad = tl.ones(2)
    opt.step()
    state = opt.state_dict()
    ta, tb, tc = (torch.tensor([1.0, 2.0], requires_grad=True) for _ in range(3))
    topt = torch.optim.Adam([{"params": [ta, tb]}, {"params": [tc], "lr": 0.5}], lr=0.1)
    for p in (ta, tb, tc):
        p.grad = torch.ones(2)
    topt.step()
    want = topt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2]] == [g["params"] for g in want["param_groups"]]
    assert sorted(state["state"]) == sorted(want["state"]) == [0, 1, 2]
    assert set(state["state"][0]) == set(want["state"][0])
    for key in ("lr", "betas", "eps", "weight_decay", "amsgrad"):
        assert [g[key] for g in state["param_groups"]] == [g[key] for g in want["param_groups"]], key
    np.testing.assert_allclose(state["state"][2]["exp_avg_sq"].numpy(), want["state"][2]["exp_avg_sq"].numpy())


def test_load_state_dict_checks_what_it_is_given():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    a.grad = tl.ones(2)
    opt.step()
    state = opt.state_dict()
    with pytest.raises(ValueError, match="parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [tl.tensor([1.0], requires_grad=True)]}], lr=0.1).load_state_dict(state)
    with pytest.raises(ValueError, match="group 0 has 1 parameters in the state dict, 2 in this optimizer"):
        optim.SGD([a, tl.tensor([1.0], requires_grad=True)], lr=0.1).load_state_dict(state)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"lr": 0.1})
    wrong = copy.deepcopy(state)
    wrong["state"][0]["momentum_buffer"] = tl.zeros(3)
    with pytest.raises(ValueError, match=r"state\[0\]\['momentum_buffer'\] has shape \(3,\)"):
        opt.load_state_dict(wrong)
    # the loaded state is a copy: stepping does not change the saved dict
    saved = state["state"][0]["momentum_buffer"].numpy().copy()
    opt.load_state_dict(state)
    opt.step()
    np.testing.assert_array_equal(state["state"][0]["momentum_buffer"].numpy(), saved)


# ---- schedulers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, options", [("StepLR", dict(step_size=3, gamma=0.5)),
                                           ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01))])
def test_scheduler_resumes_from_its_state_dict(name, options):
    torch = pytest.importorskip("torch")
    topt = torch.optim.SGD([torch.tensor([1.0], requires_grad=True)], lr=0.3)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **options)
    opt = optim.SGD([tl.tensor([1.0], requires_grad=True)], lr=0.3)
    sched = getattr(optim.lr_scheduler, name)(opt, **options)
    for _ in range(10):
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
    saved = pickle.loads(pickle.dumps((opt.state_dict(), sched.state_dict())))
    opt2 = optim.SGD([tl.tensor([1.0], requires_grad=True)], lr=0.3)
    sched2 = getattr(optim.lr_scheduler, name)(opt2, **options)
    opt2.load_state_dict(saved[0])
    sched2.load_state_dict(saved[1])
    for _ in range(15):
        opt2.step()
        topt.step()
        sched2.step()
        tsched.step()
        assert sched2.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12, abs=1e-15)
        assert opt2.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12, abs=1e-15)


PLATEAU = [dict(), dict(mode="max", factor=0.5, patience=2, threshold=0.1, threshold_mode="abs", cooldown=2),
           dict(factor=0.3, patience=1, cooldown=1, min_lr=0.02), dict(patience=0, min_lr=[0.0, 0.05], eps=1e-3)]


@pytest.mark.parametrize("options", PLATEAU)
def test_reduce_lr_on_plateau_matches_torch(options):
    torch = pytest.importorskip("torch")
    metrics = [5.0, 4.0, 4.0, 3.9999, 4.2, 4.1, 3.0, 3.0, 3.0, 3.0, 2.9, 2.9, 2.95, 3.5] * 2
    opt = optim.SGD([{"params": [tl.tensor([1.0], requires_grad=True)]},
                     {"params": [tl.tensor([1.0], requires_grad=True)], "lr": 0.5}], lr=1.0)
    topt = torch.optim.SGD([{"params": [torch.tensor([1.0], requires_grad=True)]},
                            {"params": [torch.tensor([1.0], requires_grad=True)], "lr": 0.5}], lr=1.0)
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, **options)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **options)
    lrs, tlrs = [], []
    for i, m in enumerate(metrics):
        if i == len(metrics) // 2:  # resume half way from a state dict
            state = pickle.loads(pickle.dumps(sched.state_dict()))
            sched = optim.lr_scheduler.ReduceLROnPlateau(opt, **options)
            sched.load_state_dict(state)
        sched.step(tl.tensor(m))
        tsched.step(m)
        lrs.append(sched.get_last_lr())
        tlrs.append(tsched.get_last_lr())
    np.testing.assert_allclose(lrs, tlrs, rtol=1e-12)
    assert lrs[-1] != lrs[0]  # it did reduce


def test_reduce_lr_on_plateau_arguments():
    opt = optim.SGD([tl.tensor([1.0], requires_grad=True)], lr=1.0)
    with pytest.raises(ValueError, match="factor should be < 1.0"):
        optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        optim.lr_scheduler.ReduceLROnPlateau(opt, mode="lowest")
    with pytest.raises(ValueError, match="threshold_mode"):
        optim.lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="relative")
    with pytest.raises(ValueError, match="expected 1 min_lrs"):
        optim.lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])
    with pytest.raises(TypeError, match="Optimizer"):
        optim.lr_scheduler.ReduceLROnPlateau("sgd")


# ---- containers -------------------------------------------------------------------------------------
class _Tower(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 4), nn.Linear(4, 4)])
        self.heads = nn.ModuleDict({"a": nn.Linear(4, 1), "b": nn.Linear(4, 2)})

    def forward(self, x):
        for layer in self.layers:
            x = layer(x).relu()
        return self.heads["a"](x), self.heads["b"](x)


def test_module_list_and_dict_register_their_modules_with_torchs_names():
    torch = pytest.importorskip("torch")

    class TorchTower(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList([torch.nn.Linear(2, 4), torch.nn.Linear(4, 4)])
            self.heads = torch.nn.ModuleDict({"a": torch.nn.Linear(4, 1), "b": torch.nn.Linear(4, 2)})

    tower = _Tower()
    assert list(tower.state_dict()) == list(TorchTower().state_dict())
    assert len(list(tower.parameters())) == 8
    a, b = tower(tl.randn(3, 2))
    assert a.shape == (3, 1) and b.shape == (3, 2)


def test_module_list_behaves_like_a_list():
    layers = nn.ModuleList([nn.Linear(1, 1), nn.ReLU()])
    layers.append(nn.Tanh()).extend([nn.Identity()])
    layers.insert(1, nn.Sigmoid())
    assert [type(m).__name__ for m in layers] == ["Linear", "Sigmoid", "ReLU", "Tanh", "Identity"]
    assert type(layers[-1]).__name__ == "Identity" and len(layers[1:3]) == 2
    del layers[0]
    assert [n for n, _ in layers.named_modules()][1:] == ["0", "1", "2", "3"]
    assert list(layers.parameters()) == []
    layers[0] = nn.Linear(2, 2)
    assert len(list(layers.parameters())) == 2
    with pytest.raises(IndexError, match="out of range"):
        layers[9]
    with pytest.raises(TypeError, match="must be a Module"):
        layers.append(3)
    with pytest.raises(NotImplementedError):
        layers(tl.ones(1))


def test_module_dict_behaves_like_a_dict():
    heads = nn.ModuleDict([("x", nn.Linear(1, 1))])
    heads["y"] = nn.ReLU()
    assert list(heads) == ["x", "y"] and "y" in heads and len(heads) == 2
    assert type(heads.pop("y")).__name__ == "ReLU" and list(heads.keys()) == ["x"]
    with pytest.raises(KeyError, match="keys: \\['x'\\]"):
        heads["z"]
    with pytest.raises(KeyError, match="without '.'"):
        heads["a.b"] = nn.ReLU()
    heads.clear()
    assert len(heads) == 0 and list(heads.parameters()) == []


def test_a_plain_list_of_modules_warns():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Linear(2, 2)]

    with pytest.warns(UserWarning, match=r"Net.layers is a list of Modules.*nn.ModuleList"):
        net = Net()
    assert list(net.parameters()) == []
    with pytest.warns(UserWarning, match="nn.ModuleDict"):
        net.heads = {"a": nn.Linear(2, 2)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.sizes = [2, 3]  # a list of numbers is fine


# ---- gradient clipping ------------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type, max_norm", [(2.0, 0.5), (1, 1.0), (float("inf"), 0.3), (2.0, 100.0)])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    grads = [rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=4).astype(np.float32)]
    params = [tl.zeros(*g.shape, requires_grad=True) for g in grads]
    tparams = [torch.zeros(*g.shape, requires_grad=True) for g in grads]
    for p, tp, g in zip(params, tparams, grads):
        p.grad, tp.grad = tl.tensor(g), torch.tensor(g)
    params.append(tl.zeros(2, requires_grad=True))  # no gradient: skipped
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, max_norm, norm_type)
    assert total.dtype == np.float32 and total.shape == ()
    np.testing.assert_allclose(total.item(), ttotal.item(), rtol=1e-6)
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-6)


def test_clip_grad_norm_edge_cases_and_clip_grad_value():
    w = tl.zeros(2, requires_grad=True)
    assert nn.utils.clip_grad_norm_([w], 1.0).item() == 0.0  # no gradients at all
    w.grad = tl.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(w, 1.0, error_if_nonfinite=True)
    w.grad = tl.tensor([-3.0, 0.5])
    nn.utils.clip_grad_value_(w, 1.0)
    np.testing.assert_array_equal(w.grad.numpy(), [-1.0, 0.5])
    with pytest.raises(TypeError, match=r"parameters\[0\] must be a Tensor"):
        nn.utils.clip_grad_norm_([3.0], 1.0)


# ---- DataLoader over a dataset ------------------------------------------------------------------------
def test_dataloader_over_a_tensor_dataset_and_a_custom_dataset():
    x, y = tl.arange(10).float().reshape(5, 2), tl.tensor([0, 1, 0, 1, 1])
    batches = list(DataLoader(TensorDataset(x, y), batch_size=2))
    assert len(batches) == 3 and all(isinstance(b, tuple) and len(b) == 2 for b in batches)
    assert batches[2][0].tolist() == [[8.0, 9.0]] and batches[0][1].tolist() == [0, 1]
    assert [b[0].shape for b in DataLoader(TensorDataset(x), batch_size=4)] == [(4, 2), (1, 2)]

    class Squares(Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return tl.tensor([float(i)]), i * i

    loader = DataLoader(Squares(), batch_size=4, shuffle=True, seed=3)
    seen = [(xb.reshape(-1).tolist(), yb.tolist()) for xb, yb in loader]
    assert [len(s[1]) for s in seen] == [4, 2]
    assert sorted(v for s in seen for v in s[1]) == [0, 1, 4, 9, 16, 25]
    assert all(int(a) ** 2 == b for s in seen for a, b in zip(*s))
    with pytest.raises(ValueError, match="same number of examples"):
        TensorDataset(tl.zeros(3), tl.zeros(4))
