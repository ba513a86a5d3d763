"""Short text for a node's value and gradient, and the colour scale for gradient magnitude."""
import math
import textwrap

import numpy as np

# fill colours for the gradient norm relative to the largest in the picture, one step per decade
# (light: < 1/10^4 of the largest, dark: within a factor 10 of it)
GRAD_SCALE = ("#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c")
NONFINITE = "#ff6b6b"    # nan / inf in a value or a gradient
ZERO_GRAD = "#ffffff"
LEAF = "#cfe2ff"         # leaf that requires grad (input or parameter)
CONSTANT = "#eeeeee"     # leaf that does not require grad
SCOPE = "#e2d9f3"        # a collapsed scope
SAVED = "#fff3bf"        # a tensor saved for backward
OP = "#ffffff"


def describe(shape, dtype, device):
    """'(4, 3) float32' (the device is named when it is not the cpu)."""
    text = f"{tuple(shape)} {dtype}"
    return text if device in (None, "cpu") else f"{text} {device}"


def fmt(v):
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return str(v)
    text = f"{v:.4g}"
    return "0" if text == "-0" else text   # (a -0.0 prints as 0, as it compares)


def value_text(a, limit):
    """The values of a small array ('[0.1, -2]'), or None when it has more than ``limit`` elements."""
    if a is None or not limit or a.size > limit:
        return None
    if a.ndim == 0:
        return fmt(a.item())
    if a.ndim == 2 and a.shape[1] == 1 and a.shape[0] > 1:   # a column: on lines of 60, not one per value
        return textwrap.fill("[" + ", ".join(f"[{fmt(v)}]" for v in a[:, 0]) + "]", 60, subsequent_indent=" ")
    return np.array2string(a, separator=", ", formatter={"all": fmt}, max_line_width=60)


def grad_stats(g):
    """(norm, min, max) of a gradient array, nan where it holds a nan."""
    a = np.asarray(g, dtype=np.float64)
    if a.size == 0:
        return 0.0, 0.0, 0.0
    return float(np.sqrt(np.sum(a * a))), float(a.min()), float(a.max())


def grad_text(g, limit=8):
    """'grad 0.25' for one element, 'grad ‖g‖=0.2236:\n[0.1, -0.2]' up to ``limit`` elements,
    else 'grad ‖g‖=1.2 min=-0.3 max=0.5'."""
    a = np.asarray(g)
    if a.size == 1:
        return f"grad {fmt(a.reshape(()).item())}"
    norm, lo, hi = grad_stats(a)
    if a.size <= limit:
        return f"grad \u2016g\u2016={fmt(norm)}:\n{value_text(a, limit)}"
    return f"grad \u2016g\u2016={fmt(norm)} min={fmt(lo)} max={fmt(hi)}"


def grad_colour(norm, largest):
    """The fill colour for a gradient of this norm when the largest in the picture is ``largest``."""
    if not math.isfinite(norm):
        return NONFINITE
    if norm == 0 or not largest:
        return ZERO_GRAD
    decades = math.log10(norm / largest)          # <= 0
    step = len(GRAD_SCALE) - 1 + max(math.ceil(decades), -(len(GRAD_SCALE) - 1))
    return GRAD_SCALE[max(step, 0)]
