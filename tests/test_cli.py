"""The command line: each subcommand smoke-run with tiny settings, the label encoding of every
classification loss in the registry, the subcommand registry, and hints for missing extras."""
import sys

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses.app import cli, training
from tinygrad_losses.losses.registry import losses_table


def test_demo_writes_its_outputs(tmp_path, capsys):
    assert cli.main(["demo", "--steps", "300", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "final training accuracy" in out and str(tmp_path) in out
    accuracy = float(out.split("final training accuracy ")[1].split()[0])
    assert accuracy >= 0.8  # 300 steps; the full 2000-step demo reaches 0.95 (test_demos)
    if pytest.importorskip("matplotlib"):
        assert (tmp_path / "loss_curve.png").stat().st_size > 1000
        assert (tmp_path / "decision_boundary.png").stat().st_size > 1000


def test_train_saves_a_loadable_model(tmp_path, capsys):
    code = cli.main(["train", "--dataset", "moons", "--loss", "focal", "--optimizer", "adam", "--epochs", "30",
                     "--batch-size", "32", "--hidden", "16", "--out", str(tmp_path), "--no-progress"])
    assert code == 0
    out = capsys.readouterr().out
    assert "sigmoid_focal_loss (one_hot labels, logits) on moons" in out
    model = training.make_mlp(2, 16, 2)
    tl.nn.load(model, tmp_path / "model.safetensors")


def test_compare_prints_a_row_per_loss(capsys):
    assert cli.main(["compare", "--losses", "ce,multi_margin", "--epochs", "5", "--hidden", "8",
                     "--dataset", "blobs", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "cross_entropy" in out and "multi_margin_loss" in out and "final loss" in out


def test_unknown_names_give_an_error_and_exit_status_2(capsys):
    assert cli.main(["train", "--loss", "not_a_loss", "--epochs", "1", "--no-progress"]) == 2
    assert "unknown loss 'not_a_loss'" in capsys.readouterr().err
    assert cli.main(["train", "--optimizer", "lbfgs", "--epochs", "1", "--no-progress"]) == 2
    assert "unknown optimizer" in capsys.readouterr().err
    assert cli.main(["train", "--loss", "triplet_margin_loss", "--epochs", "1", "--no-progress"]) == 2
    assert "metric learning loss" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    assert "demo" in out and "train" in out and "compare" in out


def test_a_command_is_one_decorated_function(capsys):
    @cli.command("echo-test", "print a word", cli.arg("--word", default="hi"))
    def echo(args):
        print(args.word)
        return 0
    try:
        assert cli.main(["echo-test", "--word", "spiral"]) == 0
        assert capsys.readouterr().out.strip() == "spiral"
    finally:
        del cli.COMMANDS["echo-test"]


CLASSIFICATION = sorted(i.name for i in losses_table() if i.kind == "classification")


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_every_classification_loss_trains(name):
    """Each registered classification loss gets labels it accepts, and a few steps lower it."""
    spec = training.loss_spec(name)
    tl.manual_seed(0)
    x, y = training.load_classification("blobs")
    model = training.make_mlp(2, 16, 3)
    opt = training.make_optimizer("adam", model, lr=0.02)
    history = training.fit(model, x, y, spec, opt, 15, show_progress=False)
    assert all(np.isfinite(history.loss))
    assert history.loss[-1] < history.loss[0]


@pytest.mark.parametrize("encoding, expected", [
    ("index", [2, 0]), ("one_hot", [[0, 0, 1], [1, 0, 0]]), ("plus_minus_one", [[-1, -1, 1], [1, -1, -1]]),
    ("index_list", [[2, -1, -1], [0, -1, -1]])])
def test_label_encodings(encoding, expected):
    np.testing.assert_array_equal(training.encode_labels(tl.tensor([2, 0]), 3, encoding).numpy(), expected)


def test_aliases_resolve():
    assert training.resolve_loss("ce").name == "cross_entropy"
    assert training.resolve_loss("CrossEntropyLoss").name == "cross_entropy"
    assert training.resolve_loss("multi_margin").name == "multi_margin_loss"


def test_missing_extras_give_one_line_hints(monkeypatch, tmp_path, capsys):
    from tinygrad_losses.app import optional as extras
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    monkeypatch.setattr(extras, "_hinted", set())
    assert cli.main(["demo", "--steps", "20", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    hints = [line for line in err.splitlines() if line.startswith("note: ")]
    assert any("matplotlib is not installed" in h for h in hints) and any("tqdm" in h for h in hints)
    assert "Traceback" not in err
    assert not (tmp_path / "loss_curve.png").exists()
