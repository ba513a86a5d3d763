"""``repr`` of a Tensor in torch's style: tensor([1.0000, 2.5000], requires_grad=True).

Follows torch's printing rules (precision 4, summarise above 1000 elements with 3 edge items,
80-column lines): one width for every element; floats print as integers with a trailing '.'
when all finite values are whole, in scientific notation when the nonzero finite magnitudes
span more than 1000x, exceed 1e8 or go below 1e-4.
"""
import math

import numpy as np

from tinygrad_losses import dtypes

_DEFAULT = {dtypes.float32, dtypes.int64, dtypes.bool_}
PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = 4, 1000, 3, 80


class _Formatter:
    """Chooses one format and width for all elements from the values that will be shown."""

    def __init__(self, a):
        self.floating = a.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        if not self.floating:
            self.width = max((len(str(v)) for v in a.flat), default=1)
            return
        a = a.astype(np.float64).ravel()
        vals = a[np.isfinite(a) & (a != 0)]
        if vals.size == 0:
            return
        mags = np.abs(vals)
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        lo, hi = mags.min(), mags.max()
        if hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4):
            self.sci_mode = True
        self.width = max(len(self._text(v)) for v in vals)

    def _text(self, v):
        if not self.floating:
            return str(v)
        if self.sci_mode:
            return f"{v:.{PRECISION}e}"
        if self.int_mode:
            return f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        return f"{v:.{PRECISION}f}"

    def format(self, v):
        return self._text(v.item() if hasattr(v, "item") else v).rjust(self.width)


def _summarised(a):
    """Only the edge items of every long dim (the values a summarised print shows)."""
    index = [np.r_[0:EDGEITEMS, n - EDGEITEMS:n] if n > 2 * EDGEITEMS else np.arange(n) for n in a.shape]
    return a[np.ix_(*index)] if a.ndim else a


def _vector(a, indent, summarise, fmt):
    per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
    if summarise and a.shape[0] > 2 * EDGEITEMS:
        items = [fmt.format(v) for v in a[:EDGEITEMS]] + [" ..."] + [fmt.format(v) for v in a[-EDGEITEMS:]]
    else:
        items = [fmt.format(v) for v in a]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a, indent, summarise, fmt):
    if a.ndim == 0:
        return fmt.format(a)
    if a.ndim == 1:
        return _vector(a, indent, summarise, fmt)
    rows = range(a.shape[0])
    if summarise and a.shape[0] > 2 * EDGEITEMS:
        parts = [_body(a[i], indent + 1, summarise, fmt) for i in rows[:EDGEITEMS]] + ["..."] + \
                [_body(a[i], indent + 1, summarise, fmt) for i in rows[-EDGEITEMS:]]
    else:
        parts = [_body(a[i], indent + 1, summarise, fmt) for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def tensor_repr(t):
    a = t.numpy()
    prefix = "tensor("
    extras = []
    if t.device != "cpu":
        extras.append(f"device='{t.device}'")
    if a.size == 0:
        body = "[]"
        if a.ndim != 1:
            extras.append(f"size={tuple(a.shape)}")
        if a.dtype != dtypes.float32:
            extras.append(f"dtype=tl.{a.dtype}")
    else:
        summarise = a.size > THRESHOLD
        body = _body(a, len(prefix), summarise, _Formatter(_summarised(a) if summarise else a))
        if a.dtype not in _DEFAULT:
            extras.append(f"dtype=tl.{a.dtype}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}Backward>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    out = prefix + body
    last = len(out) - out.rfind("\n") + 1
    for e in extras:  # suffixes wrap onto a new line where the last one would pass 80 columns
        if last + len(e) + 2 > LINEWIDTH:
            out += ",\n" + " " * len(prefix) + e
            last = len(prefix) + len(e)
        else:
            out += ", " + e
            last += len(e) + 2
    return out + ")"
