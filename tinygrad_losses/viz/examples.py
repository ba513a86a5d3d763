"""Running a registered loss on its worked example (for ``explain``, ``graph`` and the gallery)."""
import numpy as np

from tinygrad_losses.creation import ones_like, tensor
from tinygrad_losses.dtypes import float64, int64
from tinygrad_losses.tensor import Tensor


def _as_argument(value):
    """Lists and arrays become tensors (floats: float64, ints: int64); anything else (numbers,
    strings, tuples such as ``dim=(1, 2)``) stays as is."""
    if isinstance(value, Tensor):
        return value.detach()
    if isinstance(value, (list, np.ndarray)):
        a = np.asarray(value)
        if a.dtype.kind in "iub":
            return tensor(a, dtype=a.dtype if a.dtype.kind == "b" else int64)
        return tensor(a, dtype=float64)
    return value


def run_example(info, backward=False, **overrides):
    """Call ``info.function`` on its worked example (``overrides`` replace keyword arguments).

    Returns ``(loss, arguments)``; every floating tensor argument requires grad, except where the
    loss refuses a gradient for it (soft_margin_loss's target), in which case only the first does.
    With ``backward=True`` it also runs backward (a gradient of ones for a non-scalar loss)
    inside ``tl.viz.record()``, keeping the graph, so that a picture shows every gradient.
    Raises ValueError when the loss registered no example.
    """
    if not info.example:
        raise ValueError(f"{info.name} registered no worked example (LossInfo.example is empty)")
    kwargs = {k: _as_argument(v) for k, v in {**info.example, **overrides}.items()}
    floating = [k for k, v in kwargs.items() if isinstance(v, Tensor) and v.dtype.kind == "f"]
    from tinygrad_losses.viz.record import record
    with record(backward):
        try:
            args = _with_grad(kwargs, floating)
            loss = info.function(**args)
        except RuntimeError:
            args = _with_grad(kwargs, floating[:1])
            loss = info.function(**args)
        if backward and loss.requires_grad:
            loss.backward(None if loss.numel() == 1 else ones_like(loss), retain_graph=True)
    return loss, args


def _with_grad(kwargs, names):
    return {k: (v.detach().requires_grad_(True) if k in names else v) for k, v in kwargs.items()}
