"""Argument types of the command line: each turns the text of a flag into its value, or raises
``argparse.ArgumentTypeError`` saying what was wrong and what is valid. argparse then prints that
as one line (``tinygrad-losses train: error: argument --epochs: ...``) and exits with status 2,
before any work starts: a bad name or count never costs a training run.
"""
import argparse
import os

from tinygrad_losses.app.errors import UsageError


def positive_int(text):
    value = _number(text, int, "an integer")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def positive_float(text):
    value = _number(text, float, "a number")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    return value


def nonnegative_float(text):
    value = _number(text, float, "a number")
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def _number(text, kind, what):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None


DEVICES = ("cpu", "cuda")


def device(text):
    """'cpu' or 'cuda'; 'cuda' only where a GPU (or numba's simulator) is there."""
    if text not in DEVICES:
        raise argparse.ArgumentTypeError(f"unknown device {text!r}; expected one of {', '.join(DEVICES)}")
    if text == "cuda":
        import kernels
        try:
            kernels.backend("cuda")  # its error says how to get a GPU (or the simulator)
        except (RuntimeError, ImportError) as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    return text


def output_folder(text):
    """A folder we can write to, made now (so that a bad path fails before training, not after)."""
    try:
        os.makedirs(text, exist_ok=True)
    except OSError as e:
        raise argparse.ArgumentTypeError(f"cannot create the folder {text!r} ({e.strerror})") from None
    if not os.access(text, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write to the folder {text!r}")
    return text


def picture_file(text):
    """A file name whose extension is a format the graph renderer writes, in a folder we can write to."""
    from tinygrad_losses.viz.render import FORMATS
    valid = FORMATS + ("dot", "gv")
    if os.path.splitext(text)[1][1:].lower() not in valid:
        raise argparse.ArgumentTypeError(f"{text!r}: the file name must end in one of "
                                         f"{', '.join('.' + f for f in valid)}")
    output_folder(os.path.dirname(text) or ".")
    return text


def loss_name(text):
    """A loss name, class name or alias, resolved to the functional's name."""
    from tinygrad_losses.app import names
    try:
        return names.resolve(text).name
    except UsageError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def trainable_loss(text):
    """A loss that trains a classifier (``training.loss_spec`` finds its label encoding)."""
    from tinygrad_losses.app import training
    try:
        return training.loss_spec(text).name
    except UsageError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def trainable_losses(text):
    """Comma-separated trainable losses, every one checked before the first trains."""
    chosen = [trainable_loss(name.strip()) for name in text.split(",") if name.strip()]
    if not chosen:
        raise argparse.ArgumentTypeError("expected comma-separated loss names, got none")
    return chosen


def choice(options, what):
    """A name from ``options`` (a dict or tuple), with the list in the message when it is not one."""
    def check(text):
        if text not in options:
            raise argparse.ArgumentTypeError(f"unknown {what} {text!r}; expected one of {', '.join(options)}")
        return text
    check.__name__ = what
    return check
