"""`tinygrad-losses train --device cuda` and the demo: a few steps in the simulator, compared with the CPU;
the optimizers' in-place updates, pickling and resuming on the device.

The data sets are cut to a few points (the simulator runs one Python thread per CUDA thread)."""
import copy
import pickle

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import optim
from tinygrad_losses.app import cli, training

_load = training.load_classification


@pytest.fixture(autouse=True)
def tiny_data(monkeypatch):
    def load(name, seed=0):
        x, y = _load(name, seed)
        keep = np.sort(np.random.default_rng(seed).permutation(x.shape[0])[:12])
        return x[keep], y[keep]
    monkeypatch.setattr(training, "load_classification", load)


def _args(device, loss="cross_entropy"):
    return cli.build_parser().parse_args(["train", "--loss", loss, "--dataset", "moons", "--epochs", "2",
                                          "--hidden", "4", "--batch-size", "6", "--device", device,
                                          "--no-progress"])


def test_train_on_cuda_matches_cpu():
    runs = {}
    for device in ("cpu", "cuda"):
        spec, model, x, y, history = cli._train_one(_args(device), "cross_entropy", False)
        assert x.device == device and all(p.device == device for p in model.parameters())
        runs[device] = (history, [p.numpy() for p in model.parameters()])
    (hc, pc), (hg, pg) = runs["cpu"], runs["cuda"]
    assert hc.loss[1] != hc.loss[0]   # it trained (shuffled mini-batches, Adam)
    np.testing.assert_allclose(hg.loss, hc.loss, rtol=1e-5)
    np.testing.assert_allclose(hg.accuracy, hc.accuracy)
    for a, b in zip(pg, pc):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_train_cli_with_a_one_hot_loss_on_cuda(capsys, tmp_path):
    args = _args("cuda", loss="mse")
    args.out = str(tmp_path)
    assert args.run(args) == 0
    assert "training accuracy" in capsys.readouterr().out
    assert (tmp_path / "model.safetensors").exists()


def test_demo_on_cuda_writes_its_plots(tmp_path):
    args = cli.build_parser().parse_args(["demo", "--steps", "2", "--hidden", "4", "--device", "cuda",
                                          "--out", str(tmp_path), "--no-progress"])
    assert args.run(args) == 0
    assert (tmp_path / "loss_curve.png").exists() and (tmp_path / "decision_boundary.png").exists()


# ---- optimizers, pickling and resuming on the device -------------------------------------------------
OPTIMIZERS = [("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01)), ("Adagrad", dict(lr=0.1)),
              ("Adadelta", dict(weight_decay=0.1)), ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
              ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)), ("AdamW", dict(lr=0.01))]


def _descend(device, name, options, steps=3, state=None):
    w = tl.tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3), dtype=tl.float64, device=device, requires_grad=True)
    opt = getattr(optim, name)([w], **options)
    if state is not None:
        opt.load_state_dict(state)
    for _ in range(steps):
        opt.zero_grad()
        ((w * w * w).sum() + w.sum()).backward()
        opt.step()
    return w, opt


@pytest.mark.parametrize("name, options", OPTIMIZERS, ids=[n for n, _ in OPTIMIZERS])
def test_optimizers_update_in_place_on_the_device_like_the_cpu(name, options):
    w_cpu, _ = _descend("cpu", name, options)
    w, opt = _descend("cuda", name, options)
    assert w.device == "cuda" and all(t.device == "cuda" for s in opt.state.values()
                                      for t in s.values() if isinstance(t, tl.Tensor))
    np.testing.assert_allclose(w.numpy(), w_cpu.numpy(), rtol=1e-12, atol=1e-14)


def test_cuda_tensors_and_optimizer_state_pickle_to_the_device():
    w, opt = _descend("cuda", "Adam", dict(lr=0.01))
    back = pickle.loads(pickle.dumps(w))
    assert back.device == "cuda" and back.requires_grad and back.grad.device == "cuda"
    np.testing.assert_array_equal(back.numpy(), w.numpy())
    assert copy.deepcopy(w).device == "cuda"
    state = pickle.loads(pickle.dumps(opt.state_dict()))
    assert state["state"][0]["exp_avg"].device == "cuda"
    # resumed on the cpu: the state moves to its parameters' device
    resumed, opt2 = _descend("cpu", "Adam", dict(lr=0.01), steps=0, state=state)
    assert opt2.state[resumed]["exp_avg"].device == "cpu" and opt2.state[resumed]["step"] == 3
