"""``repr`` of a Tensor in torch's style: tensor([1.0000, 2.5000], requires_grad=True)."""
import numpy as np

from tinygrad_losses import dtypes

_DEFAULT = {dtypes.float32, dtypes.int64, dtypes.bool_}


def _float_formatter(a):
    finite = a[np.isfinite(a)]
    if finite.size and np.all(finite == np.round(finite)) and np.abs(finite).max() < 1e8:
        fmt = "{:.0f}."
    elif finite.size and (np.abs(finite).max() >= 1e8 or np.abs(finite[finite != 0]).min(initial=1) < 1e-4):
        fmt = "{:.4e}"
    else:
        fmt = "{:.4f}"

    def text(v):
        return ("inf" if v > 0 else "-inf") if np.isinf(v) else ("nan" if np.isnan(v) else fmt.format(v))
    width = max((len(text(v)) for v in a.flat), default=0)
    return lambda v: text(v).rjust(width)


def tensor_repr(t):
    a = t.numpy()
    options = {"separator": ", ", "prefix": "tensor(", "threshold": 1000, "edgeitems": 3}
    if a.dtype.kind == "f":
        options["formatter"] = {"float_kind": _float_formatter(a)}
    body = np.array2string(a, **options) if a.ndim else (
        options["formatter"]["float_kind"](a.item()) if a.dtype.kind == "f" else repr(a.item()))
    extras = []
    if t.device != "cpu":
        extras.append(f"device='{t.device}'")
    if a.dtype not in _DEFAULT or a.size == 0 and a.dtype != dtypes.float32:
        extras.append(f"dtype=tl.{a.dtype}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}Backward>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"
