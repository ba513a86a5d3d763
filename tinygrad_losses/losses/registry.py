"""The registry of every loss: name, module class, task kind, formula and explanation.

The command line (``tinygrad-losses losses`` / ``explain``) and the graph gallery read it.
Each family module registers its losses with ``register(...)`` at import time; registering a loss
also finds its lesson (``losses/lessons/<family>.py``) and appends it to the function's docstring as
a "Lesson" section, so ``help()``, ``explain`` and the gallery show one text.

The ``example`` of a loss is a dict of keyword arguments for its function, written with plain
Python values so it can be printed: every list becomes a tensor (float64 when it holds a float,
int64 when it holds only ints, bool for bools), every other value (reduction, options, tuples
of dims) is passed as is. ``example_inputs(name)`` does the conversion and ``run_example(name)``
calls the loss, so ``tinygrad-losses explain LOSS`` can show a worked example.
"""
from dataclasses import dataclass, field

from tinygrad_losses.losses.lessons import docstring_section, lesson

# The kinds of loss, each with the file under ``tinygrad_losses/losses/`` that holds its family.
FAMILY_FILES = {"regression": "regression", "classification": "classification", "margin and ranking": "margin",
                "metric learning": "metric", "distribution": "distribution", "segmentation": "segmentation",
                "sequence": "sequence"}
KINDS = tuple(FAMILY_FILES)


@dataclass(frozen=True)
class LossInfo:
    name: str                 # the functional's name, e.g. "cross_entropy"
    function: object          # the functional itself
    module: str               # the nn class name, e.g. "CrossEntropyLoss"
    kind: str                 # one of KINDS
    latex: str                # the per-element formula as LaTeX
    text: str                 # the same formula in plain text
    explanation: str          # one paragraph: what it measures and when to use it
    example: dict = field(default_factory=dict)  # optional keyword arguments of a small worked example
    lesson: object = None     # its ``lessons.Lesson``: gradient and derivation, options, pitfalls, equivalents


_REGISTRY = {}


def register(name, function, module, kind, latex, text, explanation, example=None):
    if kind not in KINDS:
        raise ValueError(f"register: kind must be one of {KINDS}, got {kind!r}")
    found = lesson(name, FAMILY_FILES[kind])
    _REGISTRY[name] = LossInfo(name, function, module, kind, latex, text, explanation, example or {}, found)
    if found is not None and "\n    Lesson\n    ------\n" not in (function.__doc__ or ""):
        function.__doc__ = (function.__doc__ or "").rstrip() + "\n" + docstring_section(found)


def losses_table():
    """Every registered loss as a list of ``LossInfo``, sorted by kind then name."""
    import importlib
    for module in (*FAMILY_FILES.values(), "linear_cross_entropy"):  # importing a family registers its losses
        importlib.import_module(f"tinygrad_losses.losses.{module}")
    return sorted(_REGISTRY.values(), key=lambda i: (KINDS.index(i.kind), i.name))


def get(name):
    """The ``LossInfo`` of one loss, by functional name or nn class name."""
    table = {i.name: i for i in losses_table()}
    table.update({i.module: i for i in table.values()})
    if name not in table:
        raise KeyError(f"unknown loss {name!r}; known: {', '.join(sorted(i.name for i in losses_table()))}")
    return table[name]


def example_inputs(name):
    """The registered example of ``name`` as keyword arguments, lists turned into tensors."""
    import numpy as np
    from tinygrad_losses.tensor import Tensor
    info = get(name)

    def convert(value):
        if not isinstance(value, list):
            return value
        a = np.asarray(value)
        return Tensor(a.astype(np.float64) if a.dtype.kind == "f" else a)

    return {k: convert(v) for k, v in info.example.items()}


def run_example(name):
    """Call the loss ``name`` on its registered example; returns the loss tensor."""
    info = get(name)
    if not info.example:
        raise ValueError(f"run_example: the loss {name!r} has no registered example")
    return info.function(**example_inputs(name))
