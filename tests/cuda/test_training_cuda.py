"""`tinygrad-losses train --device cuda` and the demo: a few steps in the simulator, compared with the CPU.

The data sets are cut to a few points (the simulator runs one Python thread per CUDA thread)."""
import numpy as np
import pytest

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
