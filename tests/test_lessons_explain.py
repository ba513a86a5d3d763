"""The lessons of ``tinygrad-losses explain`` (issue 13, items 5 and 6): every registry loss has one,
its closed-form gradient agrees with autograd, help() and the command line show the same text, and
the seed tutorial's numbers come out."""
import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses.app import cli
from tinygrad_losses.losses.lessons import docstring_section, example_arrays, lesson_text
from tinygrad_losses.losses.registry import example_inputs, losses_table

NAMES = [i.name for i in losses_table()]
DATA_ARGUMENTS = {"input", "target", "input1", "input2", "anchor", "positive", "negative", "query", "keys",
                  "embeddings", "labels", "log_probs", "targets"}
LEGACY_FLAGS = {"size_average", "reduce"}   # torch's deprecated spellings of reduction


def _autograd(info):
    """d(sum of the example's loss)/d(lesson.wrt), the other arguments held constant."""
    kwargs = example_inputs(info.name)
    x = kwargs[info.lesson.wrt].requires_grad_(True)
    info.function(**kwargs).sum().backward()
    return x.grad.numpy()


def test_every_registry_loss_has_a_lesson_and_a_worked_example():
    missing = [i.name for i in losses_table() if i.lesson is None or not i.example]
    assert not missing, f"no lesson or worked example: {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_closed_form_gradient_equals_autograd(name):
    info = tl.losses.registry.get(name)
    closed = info.lesson.closed_form(example_arrays(info.example))
    np.testing.assert_allclose(closed, _autograd(info), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_the_lesson_is_in_the_docstring_and_names_every_option(name):
    info = tl.losses.registry.get(name)
    assert info.function.__doc__.endswith(docstring_section(info.lesson))
    assert info.function.__doc__.count("Lesson\n    ------") == 1
    assert ">>>" not in docstring_section(info.lesson)        # the lesson adds no doctest
    import inspect
    parameters = inspect.signature(info.function).parameters
    for option in info.lesson.options:
        assert option in parameters, f"{name}: the lesson explains {option!r}, which is not an argument"
    unexplained = set(parameters) - set(info.lesson.options) - DATA_ARGUMENTS - LEGACY_FLAGS
    assert not unexplained, f"{name}: the lesson does not say what {sorted(unexplained)} do"
    assert "reduction" in info.lesson.options
    assert {"PyTorch", "Keras", "optax"} <= set(info.lesson.equivalents)
    assert 2 <= len(info.lesson.derivation) <= 5


# The derivations cover the options too: the same check with options changed from the example's.
OPTIONS = [("cross_entropy", {"label_smoothing": 0.2}), ("cross_entropy", {"reduction": "sum"}),
           ("binary_cross_entropy_with_logits", {"pos_weight": [3.0, 1.0, 0.5]}),
           ("kl_div", {"log_target": True, "target": [[-1.0, -2.0, -0.5], [-0.3, -1.2, -3.0]]}),
           ("kl_div", {"reduction": "mean"}), ("poisson_nll_loss", {"log_input": False, "input": [0.5, 1.0, 2.0, 0.1]}),
           ("multi_margin_loss", {"p": 2, "margin": 0.5}), ("multi_margin_loss", {"weight": [1.0, 2.0, 0.5, 1.0]}),
           ("huber_loss", {"delta": 2.0}), ("smooth_l1_loss", {"beta": 2.0}), ("pinball_loss", {"tau": 0.2}),
           ("sigmoid_focal_loss", {"gamma": 0.0, "alpha": 0.6}), ("triplet_margin_loss", {"margin": 0.1}),
           ("mse_loss", {"reduction": "sum"}), ("linear_cross_entropy", {"label_smoothing": 0.0}),
           ("info_nce_loss", {"temperature": 0.5}), ("ntxent_loss", {"temperature": 0.1}),
           ("dice_loss", {"dim": None}), ("tversky_loss", {"alpha": 0.5, "beta": 0.5, "reduction": "mean"}),
           ("multiclass_dice_loss", {"smooth": 0.5, "alpha": 0.3, "beta": 0.7}),
           ("poly1_loss", {"epsilon": -1.0}), ("generalized_cross_entropy", {"q": 0.3}),
           ("pseudo_huber_loss", {"delta": 0.5}), ("margin_ranking_loss", {"margin": 0.0}),
           ("hinge_embedding_loss", {"margin": 2.0}), ("cosine_embedding_loss", {"margin": 0.5})]


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")   # kl_div's, on purpose
@pytest.mark.parametrize("name, options", OPTIONS, ids=[f"{n}-{'-'.join(o)}" for n, o in OPTIONS])
def test_closed_form_gradient_equals_autograd_with_other_options(name, options):
    from tinygrad_losses.viz.examples import run_example
    info = tl.losses.registry.get(name)
    _, arguments = run_example(info, backward=True, **options)
    closed = info.lesson.closed_form(example_arrays({**info.example, **options}))
    np.testing.assert_allclose(closed, arguments[info.lesson.wrt].grad.numpy(), rtol=1e-9, atol=1e-12)


def test_ctc_closed_form_also_matches_a_finite_difference_through_log_softmax():
    # torch's CTC gradient is exp(log_probs) − posterior: the derivative through a log_softmax
    # of the logits, which a finite difference of ctc(log_softmax(z)) measures.
    info = tl.losses.registry.get("ctc_loss")
    ex = example_arrays(info.example)
    z = ex["log_probs"]
    kwargs = example_inputs("ctc_loss")

    def loss(logits):
        kwargs["log_probs"] = F.log_softmax(tl.tensor(logits), dim=-1)
        return float(info.function(**kwargs).item())

    h, fd = 1e-6, np.zeros_like(z)
    for index in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[index] = h
        fd[index] = (loss(z + step) - loss(z - step)) / (2 * h)
    np.testing.assert_allclose(info.lesson.closed_form(ex), fd, atol=1e-8)


def test_help_shows_the_lesson(capsys):
    help(F.cross_entropy)
    out = capsys.readouterr().out
    assert "Lesson" in out and "softmax(x_n) − onehot(y_n)" in out and "label_smoothing" in out


def test_explain_prints_the_lesson_and_autograd_beside_closed_form(tmp_path, capsys):
    assert cli.main(["explain", "cross_entropy", "-o", str(tmp_path / "ce.dot")]) == 0
    out = capsys.readouterr().out
    info = tl.losses.registry.get("cross_entropy")
    assert lesson_text(info.lesson) in out
    assert "autograd" in out and "closed form" in out and "agree" in out
    for heading in ("Options:", "Pitfalls:", "When to use it:", "Equivalents:"):
        assert heading in out


@pytest.mark.parametrize("name", NAMES)
def test_explain_every_loss_shows_autograd_and_closed_form_agreeing(name, tmp_path, capsys):
    assert cli.main(["explain", name, "-o", str(tmp_path / "g.dot")]) == 0
    out = capsys.readouterr().out
    assert "autograd and the closed form agree" in out and "DISAGREE" not in out


def test_explain_of_a_tiny_example_imports_no_numba(tmp_path):
    import subprocess
    import sys
    code = ("import sys, io, contextlib; from tinygrad_losses.app import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    cli.main(['explain', 'cross_entropy', '-o', {str(tmp_path / 'g.dot')!r}])\n"
            "print(any(m.startswith('numba') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("name", [n for n in NAMES if tl.losses.registry.get(n).lesson.plot])
def test_plot_curve_is_the_loss_along_its_axis_and_its_derivative(name):
    from tinygrad_losses.app.explain import AXES, curve
    info = tl.losses.registry.get(name)
    grid = AXES[info.lesson.plot][1]
    value, derivative = curve(info, grid)
    assert value.shape == derivative.shape == grid.shape and np.isfinite(value).all()
    smooth = np.abs(np.diff(derivative, 2)) < 1e-3       # away from kinks, compare to the secant
    secant = np.gradient(value, grid)[1:-1]
    assert smooth.sum() > len(grid) // 2
    np.testing.assert_allclose(secant[smooth], derivative[1:-1][smooth], atol=5e-3)


def test_the_margin_and_residual_families_are_plotted():
    axis = {n: tl.losses.registry.get(n).lesson.plot for n in NAMES}
    assert {n for n, a in axis.items() if a == "residual"} >= {"mse_loss", "l1_loss", "huber_loss",
                                                              "smooth_l1_loss", "log_cosh_loss", "pseudo_huber_loss"}
    assert {n for n, a in axis.items() if a == "margin"} >= {"hinge_loss", "soft_margin_loss", "cross_entropy",
                                                            "binary_cross_entropy_with_logits", "multi_margin_loss"}


def test_explain_plot_that_cannot_be_drawn_is_one_line_before_any_output(tmp_path, capsys):
    assert cli.main(["explain", "kl_div", "-o", str(tmp_path / "g.dot"), "--plot", str(tmp_path / "k.png")]) == 2
    captured = capsys.readouterr()
    assert "kl_div has no single margin, residual or distance" in captured.err and "hinge_loss" in captured.err
    assert captured.out == "" and not (tmp_path / "k.png").exists() and not (tmp_path / "g.dot").exists()
    assert cli.main(["explain", "hinge_loss", "--plot", str(tmp_path / "h.txt")]) == 2
    assert "must end in one of .png, .svg, .pdf" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["hinge_loss", "huber_loss"])
def test_explain_plot_writes_a_png(name, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out_file = tmp_path / f"{name}.png"
    assert cli.main(["explain", name, "-o", str(tmp_path / "g.dot"), "--plot", str(out_file)]) == 0
    assert out_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plot written to" in capsys.readouterr().out


def test_explain_plot_without_matplotlib_prints_the_hint(tmp_path, capsys, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    from tinygrad_losses.app import optional
    monkeypatch.setattr(optional, "_hinted", set())
    out_file = tmp_path / "h.png"
    assert cli.main(["explain", "hinge_loss", "-o", str(tmp_path / "g.dot"), "--plot", str(out_file)]) == 0
    assert "matplotlib is not installed" in capsys.readouterr().err and not out_file.exists()


# ---- item 6: the seed tutorial's numbers ---------------------------------------------------------
SEED_INPUT = [[0.8082, 1.3686, -0.6107], [1.2787, 0.1579, 0.6178], [-0.6033, -1.1306, 0.0672],
              [-0.7814, 0.1185, -0.2945]]
SEED_TARGET = [1, 0, 2, 1]


def test_seed_tutorial_cross_entropy_is_minus_mean_log_softmax_of_the_targets():
    x, y = tl.tensor(SEED_INPUT), tl.tensor(SEED_TARGET)
    loss = F.cross_entropy(x, y)
    by_hand = -F.log_softmax(x, dim=1)[tl.arange(4), y].mean()
    assert round(loss.item(), 4) == 0.6172
    assert abs(loss.item() - by_hand.item()) < 1e-6
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.cross_entropy(torch.tensor(SEED_INPUT), torch.tensor(SEED_TARGET))
    assert abs(loss.item() - expected.item()) < 1e-6


def test_seed_tutorial_mse_with_a_one_hot_target_by_hand_and_by_mse_loss():
    x = np.array(SEED_INPUT)
    one_hot = np.eye(3)[SEED_TARGET]
    by_hand = ((x - one_hot) ** 2).sum() / x.size
    assert abs(F.mse_loss(tl.tensor(x), tl.tensor(one_hot)).item() - by_hand) < 1e-12
    torch = pytest.importorskip("torch")
    assert abs(torch.nn.functional.mse_loss(torch.tensor(x), torch.tensor(one_hot)).item() - by_hand) < 1e-12


def test_gallery_cards_show_the_same_lesson_text(tmp_path):
    import html
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "demos"))
    import graph_gallery
    page = open(graph_gallery.write_gallery(str(tmp_path), limit=3), encoding="utf-8").read()
    shown = [i for i in losses_table() if f'<section id="{i.name}">' in page]
    assert shown, "the gallery drew no registry loss"
    for info in shown:
        assert html.escape(lesson_text(info.lesson)) in page


# ---- the lessons' claims about behaviour, here and in torch ---------------------------------------
def _value_and_grad(loss_of, x, dtype=np.float32):
    t = tl.tensor(np.asarray(x, dtype=dtype), requires_grad=True)
    loss = loss_of(t)
    loss.sum().backward()
    return loss.detach().numpy(), t.grad.numpy()


def test_claim_bce_on_a_sigmoid_saturates_where_bce_with_logits_does_not():
    torch = pytest.importorskip("torch")
    y = np.array([0.0], dtype=np.float32)
    value, grad = _value_and_grad(lambda x: F.binary_cross_entropy(x.sigmoid(), tl.tensor(y)), [20.0])
    assert value == pytest.approx(100) and grad[0] == 0
    value, grad = _value_and_grad(lambda x: F.binary_cross_entropy_with_logits(x, tl.tensor(y)), [20.0])
    assert value == pytest.approx(20, rel=1e-6) and grad[0] == pytest.approx(1, rel=1e-6)
    x = torch.tensor([20.0], requires_grad=True)
    torch.nn.functional.binary_cross_entropy(torch.sigmoid(x), torch.tensor(y)).backward()
    assert x.grad.item() == 0


def test_claim_ce_keeps_its_gradient_where_mse_on_softmax_loses_it():
    torch = pytest.importorskip("torch")
    logits, target = [[0.0, 8.0, 0.0]], [0]
    _, ce = _value_and_grad(lambda x: F.cross_entropy(x, tl.tensor(target)), logits)
    one_hot = tl.tensor(np.eye(3, dtype=np.float32)[target])
    _, mse = _value_and_grad(lambda x: F.mse_loss(x.softmax(1), one_hot), logits)
    assert round(float(ce[0, 0]), 4) == -0.9997 and round(float(mse[0, 0]), 5) == -0.00045
    z = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.mse_loss(torch.softmax(z, 1), torch.tensor(one_hot.numpy())).backward()
    assert z.grad[0, 0].item() == pytest.approx(float(mse[0, 0]), rel=1e-4)


def test_claim_kl_div_mean_is_batchmean_over_the_classes():
    torch = pytest.importorskip("torch")
    x, t = np.log([[0.5, 0.5]]), np.array([[0.0, 1.0]])
    ours = {"batchmean": F.kl_div(tl.tensor(x), tl.tensor(t), reduction="batchmean").item()}
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        ours["mean"] = F.kl_div(tl.tensor(x), tl.tensor(t), reduction="mean").item()
    assert ours["batchmean"] == pytest.approx(np.log(2)) and ours["mean"] == pytest.approx(np.log(2) / 2)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert torch.nn.functional.kl_div(torch.tensor(x), torch.tensor(t), reduction="mean").item() == \
            pytest.approx(ours["mean"])


def test_claims_of_equal_losses():
    x, y = tl.tensor([0.3, -1.5, 2.0, 4.0]), tl.tensor([1.0, 0.0, 0.0, 1.0])
    assert F.soft_margin_loss(x, 2 * y - 1).item() == pytest.approx(F.binary_cross_entropy_with_logits(x, y).item())
    m = tl.tensor([[0.3, -1.5], [2.0, 4.0]])
    assert F.multilabel_soft_margin_loss(m, y.reshape(2, 2)).item() == \
        pytest.approx(F.binary_cross_entropy_with_logits(m, y.reshape(2, 2)).item())
    d, zero = tl.tensor([0.2, -2.0, 1.5, 3.0]), tl.tensor([0.0] * 4)
    assert F.huber_loss(d, zero, delta=0.5).item() == pytest.approx(0.5 * F.smooth_l1_loss(d, zero, beta=0.5).item())
    s = tl.tensor([[-2.0, -1.0, -3.0]])
    assert F.categorical_hinge_loss(s, tl.tensor([[0.0, 1.0, 0.0]])).item() == pytest.approx(2.0)
    assert F.multiclass_hinge_loss(s, tl.tensor([1])).item() == 0


def test_claim_gaussian_nll_variance_collapse():
    torch = pytest.importorskip("torch")
    x, v = tl.tensor([0.5], dtype=tl.float64), tl.tensor([1e-9], dtype=tl.float64, requires_grad=True)
    loss = F.gaussian_nll_loss(x, tl.tensor([0.0], dtype=tl.float64), v)
    loss.backward()
    assert loss.item() == pytest.approx(1.25e5, rel=1e-3) and v.grad.item() == pytest.approx(-1.25e11, rel=1e-3)
    tv = torch.tensor([1e-9], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.gaussian_nll_loss(torch.tensor([0.5], dtype=torch.float64),
                                          torch.zeros(1, dtype=torch.float64), tv).backward()
    assert tv.grad.item() == pytest.approx(v.grad.item())
