"""The lesson of every registered loss: its gradient and how to derive it, what each option does,
its pitfalls, when to use it, and its PyTorch / Keras / optax equivalents.

One file per family, named like the family's file one level up (``lessons/regression.py`` holds the
lessons of ``losses/regression.py``); each defines ``LESSONS = {name: Lesson(...)}``. The registry
appends ``lesson_text`` to the loss function's docstring when it registers the loss, and
``tinygrad-losses explain LOSS`` prints the same text, so ``help()``, the command line and the
gallery read one source.

Each lesson's ``closed_form`` is the gradient of its worked example written from the maths with
numpy alone, never by calling the loss: ``tests/test_lessons_explain.py`` checks it against
autograd for every loss, which is what keeps the derivations honest.
"""
import importlib
import textwrap
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Lesson:
    gradient: str         # ∂ℓ/∂(wrt) in closed form, one line
    derivation: tuple     # 2–5 lines that get there from the formula
    options: dict         # option name → what it does
    pitfalls: tuple       # what goes wrong, each with what to do instead
    use_when: str         # when to pick this loss
    equivalents: dict     # "PyTorch" / "Keras" / "optax" → the same loss there (or what is closest)
    closed_form: object   # closed_form(example) → ∂(sum of the example's loss)/∂wrt; example: numpy arrays
    wrt: str = "input"    # the argument whose gradient is derived
    plot: str = None      # what ``explain --plot`` draws against: "margin", "residual", "distance" or None
    plot_args: object = None  # plot_args(z) → keyword arguments putting the 1-D tensor z on that axis
    notes: tuple = field(default_factory=tuple)  # anything else worth knowing (shown after the pitfalls)


# ---- the reduction sentences several losses share -----------------------------------------------
PER_ELEMENT = ("'none' keeps one value per element; 'sum' adds them; 'mean' (default) divides the sum "
               "by the number of elements, so each element's gradient carries a 1/numel.")
PER_SAMPLE = ("'none' keeps one value per sample (the mean or sum over the last axis, as Keras returns it); "
              "'sum' adds them; 'mean' (default) divides by the number of samples, i.e. Keras's "
              "'sum_over_batch_size'.")
PER_ROW = ("'none' keeps one value per row; 'sum' adds them; 'mean' (default) divides by the number of "
           "rows.")


def lesson(name, family_file):
    """The ``Lesson`` of the loss ``name`` from ``lessons/<family_file>.py``, or None."""
    try:
        module = importlib.import_module(f"{__name__}.{family_file}")
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.{family_file}":  # a broken lesson file must not pass silently
            raise
        return None
    return module.LESSONS.get(name)


def lesson_text(lesson, width=92, indent=""):
    """The lesson as plain text, the "Lesson" section of a docstring and the body of ``explain``."""
    out = []

    def para(text, first="  ", rest="    "):
        out.append(textwrap.fill(text, width, initial_indent=indent + first, subsequent_indent=indent + rest))

    out.append(f"{indent}Gradient with respect to {lesson.wrt}:")
    para(lesson.gradient, rest="      ")
    for line in lesson.derivation:
        para(line, first="    ", rest="      ")
    out.append(f"{indent}Options:")
    for option, meaning in lesson.options.items():
        para(f"{option}: {meaning}")
    out.append(f"{indent}Pitfalls:")
    for pitfall in (*lesson.pitfalls, *lesson.notes):
        para(pitfall, first="  - ")
    out.append(f"{indent}When to use it:")
    para(lesson.use_when, rest="  ")
    out.append(f"{indent}Equivalents:")
    for library, call in lesson.equivalents.items():
        para(f"{library}: {call}")
    return "\n".join(out)


def docstring_section(lesson):
    """The "Lesson" section appended to the loss function's docstring (indented like its body)."""
    return "\n    Lesson\n    ------\n" + lesson_text(lesson, indent="    ") + "\n"


def example_arrays(example):
    """A registered worked example as a closed form receives it: lists as float64 / int64 arrays."""
    def convert(value):
        if not isinstance(value, list):
            return value
        a = np.asarray(value)
        return a.astype(np.float64) if a.dtype.kind == "f" else a
    return {k: convert(v) for k, v in example.items()}


# ---- small numpy helpers of the closed forms (maths, not the library's code) ---------------------
def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))


def one_hot(labels, classes):
    return np.eye(classes)[np.asarray(labels)]


def shared_argmax(x):
    """A mask of each row's maxima, each 1/(number of maxima): how tied maxima share a gradient."""
    top = (x == x.max(axis=-1, keepdims=True)).astype(np.float64)
    return top / top.sum(axis=-1, keepdims=True)


def mean_factor(reduction, count):
    """What the gradient of one term is multiplied by under ``reduction`` ('mean' over ``count``)."""
    return 1.0 / count if reduction == "mean" else 1.0


# ---- what ``explain --plot`` puts on its axis ---------------------------------------------------
def on_axis(axis="input", per_sample=False, target=0.0, offset=0.0, **fixed):
    """``plot_args`` that feed the 1-D tensor z + ``offset`` as ``axis`` (one column per sample when
    the loss averages its last axis) against a constant ``target``: with target 0 (or offset equal
    to the target) z is the residual, with target 1 (label +1) z is the margin y·s."""
    def args(z):
        from tinygrad_losses.creation import full_like
        value = (z.unsqueeze(-1) if per_sample else z) + offset
        return {axis: value, "target": full_like(value.detach(), target), **fixed}
    return args


def two_class_margin(z):
    """Logits [0, z] with the true class 1: the margin s_y − s_other is z."""
    from tinygrad_losses.creation import stack, tensor
    return {"input": stack([z * 0, z], dim=1), "target": tensor(np.ones(z.shape[0], dtype=np.int64))}


def two_class_one_hot(z):
    """``two_class_margin`` with the target as the one-hot row [0, 1] (float)."""
    from tinygrad_losses.creation import tensor
    return {**two_class_margin(z), "target": tensor(np.tile([0.0, 1.0], (z.shape[0], 1)))}
