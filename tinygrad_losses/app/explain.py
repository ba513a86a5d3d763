"""``tinygrad-losses explain LOSS``: a loss's lesson as text, its worked example with the autograd
gradient beside the closed-form one, its graph, and with ``--plot`` the loss and its derivative
against the margin or the residual beside the classic losses of its family.

The lesson itself lives in ``tinygrad_losses/losses/lessons/`` (the same text is the "Lesson"
section of the loss's docstring); this module only prints and draws it.
"""
import os
import textwrap

import numpy as np

from tinygrad_losses.app.errors import UsageError
from tinygrad_losses.losses.lessons import example_arrays, lesson_text

# The classic comparisons (Hastie, Tibshirani & Friedman, fig. 10.4; Bishop, fig. 7.5): the loss and
# its derivative of each, as functions of the margin z = y·s or of the residual d = x − y.
MARGIN_LOSSES = {
    "0-1": (lambda z: (z < 0).astype(float), lambda z: np.zeros_like(z)),
    "hinge": (lambda z: np.maximum(0, 1 - z), lambda z: -(z < 1).astype(float)),
    "logistic (log₂)": (lambda z: np.logaddexp(0, -z) / np.log(2), lambda z: -0.5 * (1 - np.tanh(z / 2)) / np.log(2)),
    "squared": (lambda z: (1 - z) ** 2, lambda z: -2 * (1 - z)),
    "exponential": (lambda z: np.exp(-z), lambda z: -np.exp(-z)),
}
RESIDUAL_LOSSES = {
    "MSE": (lambda d: d ** 2, lambda d: 2 * d),
    "MAE": (lambda d: np.abs(d), lambda d: np.sign(d)),
    "Huber (δ=1)": (lambda d: np.where(np.abs(d) < 1, 0.5 * d ** 2, np.abs(d) - 0.5), lambda d: np.clip(d, -1, 1)),
    "log-cosh": (lambda d: np.logaddexp(d, -d) - np.log(2), lambda d: np.tanh(d)),
    "pseudo-Huber (δ=1)": (lambda d: np.sqrt(1 + d ** 2) - 1, lambda d: d / np.sqrt(1 + d ** 2)),
}
AXES = {  # axis → (label, grid, comparisons)
    "margin": ("margin z = y·s", np.linspace(-2, 3, 401), MARGIN_LOSSES),
    "residual": ("residual d = input − target", np.linspace(-3, 3, 401), RESIDUAL_LOSSES),
    "distance": ("distance", np.linspace(0, 3, 301), {}),
}


PLOT_FORMATS = ("png", "svg", "pdf")


def explain(info, graph_path=None, plot_path=None):
    """Print the lesson of the registry entry ``info``; write its graph (and plot). Returns the exit
    status; a plot that cannot be drawn is a UsageError, raised before anything is printed."""
    if plot_path is not None:
        _check_plot(info, plot_path)
    print(f"{info.name}  (nn.{info.module}, {info.kind})\n")
    print(f"  {info.text}\n")
    print(textwrap.fill(info.explanation, 88, initial_indent="  ", subsequent_indent="  "))
    if info.lesson is not None:
        print()
        print(lesson_text(info.lesson))
    if not info.example:
        print("\n(no worked example registered for this loss)")
        return 0
    loss, arguments = _worked_example(info)
    _write_graph(info, loss, arguments, graph_path or f"{info.name}.svg")
    if plot_path is not None:
        return plot(info, plot_path)
    return 0


def _worked_example(info):
    from tinygrad_losses.losses import fused
    from tinygrad_losses.viz.examples import run_example
    with fused.enabled(False):   # the composed path reads like the formula, and needs no numba kernel
        loss, arguments = run_example(info, backward=True)
    print("\nWorked example:")
    for name, value in arguments.items():
        print(f"  {name} = {show(value)}")
    print(f"  -> {info.name}(...) = {show(loss)}")
    wrt = info.lesson.wrt if info.lesson is not None else None
    for name, value in arguments.items():
        if getattr(value, "grad", None) is None:
            continue
        print(f"  d/d {name} = {show(value.grad)}" + ("   (autograd)" if name == wrt else ""))
        if name == wrt:
            _print_closed_form(info, value.grad.numpy())
    return loss, arguments


def _print_closed_form(info, autograd):
    closed = np.asarray(info.lesson.closed_form(example_arrays(info.example)))
    print(f"  d/d {info.lesson.wrt} = {_rounded(closed)}   (closed form, from the gradient above)")
    difference = float(np.max(np.abs(closed - autograd))) if closed.size else 0.0
    scale = max(float(np.max(np.abs(autograd))) if autograd.size else 0.0, 1.0)
    verdict = "agree" if difference <= 1e-9 * scale else "DISAGREE"
    print(f"  autograd and the closed form {verdict} (largest difference {difference:.1e})")


def _write_graph(info, loss, arguments, path):
    from tinygrad_losses.viz.dot import draw
    from tinygrad_losses.viz.render import render
    written = render(draw(loss, params=arguments, title=f"{info.name}: {info.text}"), path)
    print(f"\ngraph written to {written}")


def curve(info, grid):
    """The loss of ``info`` and its autograd derivative along ``grid`` (the lesson's plot axis)."""
    from tinygrad_losses.creation import tensor
    z = tensor(grid, requires_grad=True)
    kwargs = {**info.lesson.plot_args(z), "reduction": "none"}
    loss = info.function(**kwargs)
    loss.sum().backward()
    return loss.detach().numpy().reshape(-1), z.grad.numpy()


def _check_plot(info, path):
    if info.lesson is None or info.lesson.plot is None:
        plotted = ", ".join(i.name for i in _plotted())
        raise UsageError(f"--plot: {info.name} has no single margin, residual or distance to draw against; "
                         f"these have: {plotted}")
    if os.path.splitext(path)[1][1:].lower() not in PLOT_FORMATS:
        raise UsageError(f"--plot {path!r}: the file name must end in one of "
                         f"{', '.join('.' + f for f in PLOT_FORMATS)}")


def _plotted():
    from tinygrad_losses.losses.registry import losses_table
    return [i for i in losses_table() if i.lesson is not None and i.lesson.plot is not None]


def plot(info, path):
    """Write the loss and its derivative against the lesson's axis, with its family's classics
    (a one-line hint and nothing written without matplotlib)."""
    from tinygrad_losses.app.optional import pyplot
    _check_plot(info, path)
    lesson = info.lesson
    plt = pyplot()
    if plt is None:
        return 0
    label, grid, classics = AXES[lesson.plot]
    value, derivative = curve(info, grid)
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    for name, (f, df) in classics.items():
        top.plot(grid, f(grid), lw=1, alpha=0.6, label=name)
        bottom.plot(grid, df(grid), lw=1, alpha=0.6, label=name)
    top.plot(grid, value, color="black", lw=2.5, label=info.name)
    bottom.plot(grid, derivative, color="black", lw=2.5, label=info.name)
    top.set(ylabel="loss", title=f"{info.name} against the {lesson.plot}",
            ylim=(min(-0.1, value.min()), max(4.0, min(value.max(), 10.0))))
    reach = 1.2 * max(float(np.abs(derivative).max()), 1.0)   # the classics' steep ends would flatten the loss's own
    bottom.set(xlabel=label, ylabel="derivative", ylim=(-reach, reach))
    top.legend(fontsize=8)
    for axes in (top, bottom):
        axes.axhline(0, color="grey", lw=0.5)
        axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    print(f"plot written to {path}")
    return 0


def show(value):
    if hasattr(value, "tolist"):
        a = value.numpy()
        return _rounded(a) if a.dtype.kind == "f" else str(a.tolist())
    return repr(value)


def _rounded(a):
    return str(np.asarray(a).round(6).tolist())
