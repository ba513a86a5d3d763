"""The command line: each subcommand smoke-run with tiny settings, the label encoding of every
classification loss in the registry, the subcommand registry, and hints for missing extras."""
import os
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses.app import cli, names, training
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


def test_the_trainable_losses_include_every_classification_loss_and_those_that_trained_before_the_re_kinding():
    trainable = set(training.trainable_losses())
    assert set(CLASSIFICATION) <= trainable
    # margin, segmentation and distribution kinds since the re-kinding; each trained before it
    assert {"multi_margin_loss", "perceptron_loss", "multiclass_perceptron_loss", "dice_loss", "kl_div",
            "hinge_loss", "multilabel_margin_loss"} <= trainable


@pytest.mark.parametrize("name", training.trainable_losses())
def test_every_classification_loss_trains(name):
    """Each trainable loss (classification kind, or listed in ENCODINGS) gets labels it accepts, and a
    few steps lower it."""
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


# ---- a user's mistake ends in one line, exit status 2, before any work -----------------------------
def _usage_error(capsys, argv):
    """Run the command line; returns its stderr after checking the status and that nothing trained."""
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "training" not in captured.out
    last = captured.err.strip().splitlines()[-1]
    assert last.startswith(f"tinygrad-losses {argv[0]}: error: ")
    return last


@pytest.mark.parametrize("argv, expected", [
    (["train", "--epochs", "0"], "argument --epochs: must be a positive integer, got 0"),
    (["demo", "--steps", "0"], "argument --steps: must be a positive integer, got 0"),
    (["train", "--batch-size", "0"], "argument --batch-size: must be a positive integer"),
    (["train", "--hidden", "0"], "argument --hidden: must be a positive integer"),
    (["train", "--weight-decay", "-1"], "argument --weight-decay: must be a finite number >= 0, got -1"),
    (["train", "--lr", "nan"], "argument --lr: must be a positive finite number"),
    (["train", "--epochs", "ten"], "argument --epochs: must be an integer, got 'ten'"),
    (["train", "--device", "gpu"], "unknown device 'gpu'; expected one of cpu, cuda"),
    (["train", "--dataset", "mnist"], "unknown dataset 'mnist'; expected one of spiral, moons"),
    (["demo", "--out", "/proc/nope"], "argument --out: cannot create the folder '/proc/nope'"),
    (["compare", "--losses", "ce,nope"], "unknown loss 'nope'"),
    (["compare", "--losses", " , "], "expected comma-separated loss names"),
    (["graph", "cross_entropy", "-o", "out.jpg"], "the file name must end in one of .svg, .png, .pdf, .dot, .gv"),
    (["explain", "cross_entropy", "-o", "out.jpg"], "the file name must end in one of"),
    (["graph", "cross_entropy", "-o", "/proc/nope/g.svg"], "cannot create the folder '/proc/nope'"),
    (["losses", "--kind", "nope"], "unknown kind 'nope'; expected one of 'regression', 'classification'"),
    (["explain", "crossentropy"], "unknown loss 'crossentropy'; did you mean cross_entropy"),
])
def test_usage_errors_name_what_is_valid(capsys, argv, expected):
    assert expected in _usage_error(capsys, argv)


def test_cuda_without_a_gpu_shows_only_the_message_that_says_how_to_get_one(capsys):
    if tl.cuda_is_available():
        pytest.skip("a GPU (or the simulator) is available here")
    last = _usage_error(capsys, ["train", "--device", "cuda"])
    assert "no usable NVIDIA GPU" in last and "NUMBA_ENABLE_CUDASIM=1" in last


def test_digits_without_sklearn_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    assert cli.main(["train", "--dataset", "digits", "--epochs", "1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "tinygrad-losses[sklearn]" in err.strip().splitlines()[-1]


@pytest.mark.parametrize("item, expected", [
    ("reduction=nope", "nope is not a valid value for reduction"),
    ("nope=1", "cross_entropy has no argument 'nope'; its arguments: input, target, weight"),
    ("reduction", "--arg expects NAME=VALUE"),
])
def test_graph_arg_mistakes(tmp_path, capsys, item, expected):
    last = _usage_error(capsys, ["graph", "cross_entropy", "--arg", item, "-o", str(tmp_path / "g.dot")])
    assert expected in last
    assert not (tmp_path / "g.dot").exists()


def test_a_broken_pipe_ends_quietly():
    """`tinygrad-losses losses | head -1`: the reader leaves; no BrokenPipeError traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "tinygrad_losses.app.cli", "losses"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


# ---- loss names: one resolution for every command -------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("ce", "cross_entropy"), ("CE", "cross_entropy"), ("crossentropyloss", "cross_entropy"),
    ("NLLLoss2d", "nll_loss"), ("hinge", "hinge_loss"), ("HingeLoss", "hinge_loss"),
    ("multi_margin", "multi_margin_loss"), ("mse", "mse_loss"), ("kl", "kl_div"), ("focal", "sigmoid_focal_loss"),
])
def test_names_resolve(name, expected):
    assert names.resolve(name).name == expected


def test_no_alias_means_a_loss_other_than_its_spelling_does():
    spellings = {}
    for info in losses_table():
        for spelling in (info.name, info.module.lower(), info.name.removesuffix("_loss")):
            spellings[spelling] = info.name
    for alias, name in names.ALIASES.items():
        assert spellings.get(alias, name) == name, alias
    assert names.resolve("hinge").name != "multi_margin_loss"


def test_an_unknown_name_suggests_the_closest_ones_and_not_the_whole_list():
    with pytest.raises(ValueError, match=r"unknown loss 'hing_los'; did you mean hinge_loss") as e:
        names.resolve("hing_los")
    assert len(str(e.value)) < 120
    with pytest.raises(ValueError, match="see `tinygrad-losses losses`"):
        names.resolve("zzzz")


def test_explain_and_graph_take_aliases_and_class_names(tmp_path, capsys):
    assert cli.main(["explain", "ce", "-o", str(tmp_path / "e.dot")]) == 0
    assert capsys.readouterr().out.startswith("cross_entropy  (nn.CrossEntropyLoss")
    assert cli.main(["graph", "NLLLoss2d", "-o", str(tmp_path / "g.dot")]) == 0
    assert "nll_loss" in (tmp_path / "g.dot").read_text()


def test_losses_kind_takes_any_case_and_the_family_name(capsys):
    assert cli.main(["losses", "--kind", "Margin And Ranking"]) == 0
    by_kind = capsys.readouterr().out
    assert cli.main(["losses", "--kind", "margin"]) == 0
    assert capsys.readouterr().out == by_kind
    assert "hinge_loss" in by_kind and "cross_entropy " not in by_kind


# ---- help, version, settings, divergence, first compile ------------------------------------------
def test_help_shows_every_default_and_version_exists(capsys):
    assert cli.main(["train", "--help"]) == 0
    options = capsys.readouterr().out.split("options:", 1)[1]
    for flag in ("--loss", "--dataset", "--optimizer", "--lr", "--epochs", "--hidden", "--weight-decay", "--seed"):
        section = options.split(f"\n  {flag} ", 1)[1].split("\n  --", 1)[0]
        assert "(default:" in " ".join(section.split()), flag
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"tinygrad-losses {tl.__version__}"


def test_train_prints_its_settings(capsys):
    assert cli.main(["train", "--dataset", "xor", "--optimizer", "sgd", "--epochs", "3", "--seed", "7",
                     "--hidden", "8", "--no-progress"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("training cross_entropy: MLP 2-8-2 on xor (200 points): sgd lr 0.5")
    assert "3 epochs" in first and "seed 7" in first


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_a_diverging_run_stops_and_says_so(capsys):
    code = cli.main(["train", "--loss", "nll", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "50",
                     "--hidden", "8", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1 and "stopped: the loss became nan at epoch" in err and "smaller --lr" in err


def test_a_loss_that_runs_away_but_stays_finite_gets_a_note(capsys):
    assert cli.main(["train", "--lr", "1e9", "--epochs", "20", "--hidden", "8", "--no-progress"]) == 0
    assert "the learning rate is probably too large" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_fit_stops_at_the_first_non_finite_loss():
    tl.manual_seed(0)
    x, y = training.load_classification("blobs")
    model = training.make_mlp(2, 8, 3)
    history = training.fit(model, x, y, training.loss_spec("nll"),
                           training.make_optimizer("sgd", model, lr=1e30), 50, show_progress=False)
    assert 1 <= len(history.loss) < 50 and not np.isfinite(history.loss[-1])
    assert history.diverged == f"the loss became {history.loss[-1]} at epoch {len(history.loss)}"


def test_the_first_run_says_kernels_are_compiling(monkeypatch, capsys):
    monkeypatch.setattr(training, "kernels_are_cached", lambda: False)
    x, y = training.load_classification("xor")
    model = training.make_mlp(2, 4, 2)
    training.fit(model, x, y, training.loss_spec("ce"), training.make_optimizer("adam", model), 1)
    assert "compiling kernels (first run only, cached afterwards)" in capsys.readouterr().err


def test_an_empty_numba_cache_counts_as_a_first_run(tmp_path):
    code = "from tinygrad_losses.app import training; print(training.kernels_are_cached())"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr


def test_tensor_to_an_unknown_device_says_device():
    with pytest.raises(TypeError, match=r"unknown device 'mps': expected 'cpu', 'cuda' or 'cuda:N'"):
        tl.tensor([1.0]).to("mps")
    assert tl.tensor([1.0]).to("float64").dtype == tl.float64
