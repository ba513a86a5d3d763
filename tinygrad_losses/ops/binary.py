"""Elementwise primitives of two inputs, with numpy broadcasting (and clamp with Tensor bounds).

Operands arrive with one dtype (the Tensor methods promote first); gradients are
summed back to each operand's shape by ``sum_to_shape`` (``sum_array_to_shape`` in the
array rules of a plain backward).
"""
from tinygrad_losses.autograd import Function
from tinygrad_losses.ops.broadcast import sum_array_to_shape, sum_to_shape
from tinygrad_losses.tensor import Tensor, _promote, broadcast_error, where


class Add(Function):
    saves_inputs = False

    def forward(self, B, a, b):
        return B.add(a, b)

    def backward(self, g):
        a, b = self.parents
        return (sum_to_shape(g, a.shape) if a.requires_grad else None,
                sum_to_shape(g, b.shape) if b.requires_grad else None)

    def backward_arrays(self, g):
        a, b = self.parents
        B = self.backend
        return (sum_array_to_shape(B, g, a.shape) if a.requires_grad else None,
                sum_array_to_shape(B, g, b.shape) if b.requires_grad else None)


class Sub(Function):
    saves_inputs = False

    def forward(self, B, a, b):
        return B.subtract(a, b)

    def backward(self, g):
        a, b = self.parents
        return (sum_to_shape(g, a.shape) if a.requires_grad else None,
                sum_to_shape(-g, b.shape) if b.requires_grad else None)

    def backward_arrays(self, g):
        a, b = self.parents
        B = self.backend
        return (sum_array_to_shape(B, g, a.shape) if a.requires_grad else None,
                sum_array_to_shape(B, B.negative(g), b.shape) if b.requires_grad else None)


class Mul(Function):
    def forward(self, B, a, b):
        return B.multiply(a, b)

    def backward(self, g):
        a, b = self.parents
        ga = sum_to_shape(g * b, a.shape) if a.requires_grad else None
        gb = sum_to_shape(g * a, b.shape) if b.requires_grad else None
        return ga, gb

    def backward_arrays(self, g):
        a, b = self.parents
        B = self.backend
        if a is b:  # x * x: one product, doubled (exactly g*x + g*x), given to the first slot only
            return sum_array_to_shape(B, B.multiply(B.multiply(g, a._data), 2), a.shape), None
        ga = sum_array_to_shape(B, B.multiply(g, b._data), a.shape) if a.requires_grad else None
        gb = sum_array_to_shape(B, B.multiply(g, a._data), b.shape) if b.requires_grad else None
        return ga, gb


class Div(Function):
    def forward(self, B, a, b):
        return B.divide(a, b)

    def backward(self, g):
        a, b = self.parents
        ga = sum_to_shape(g / b, a.shape) if a.requires_grad else None
        gb = sum_to_shape(-g * a / (b * b), b.shape) if b.requires_grad else None
        return ga, gb


class Pow(Function):
    """a ** b. NOTE torch's conventions: d/da is 0 where b == 0 (even at a == 0);
    d/db = a**b * log(a) is 0 where a == 0 and b >= 0."""

    def forward(self, B, a, b):
        return B.power(a, b)

    def backward(self, g):
        a, b = self.parents
        ga = gb = None
        if a.requires_grad:
            ga = (g * b * a ** (b - 1)).where(b.detach() != 0, 0)
            ga = sum_to_shape(ga, a.shape)
        if b.requires_grad:
            a_, b_ = a.detach(), b.detach()
            gb = (g * a ** b * a.log()).where((a_ != 0) | (b_ < 0), 0)
            gb = sum_to_shape(gb, b.shape)
        return ga, gb


class Maximum(Function):
    def forward(self, B, a, b):
        return B.maximum(a, b)

    def backward(self, g):
        a, b = self.parents[0].detach(), self.parents[1].detach()
        return _split(self, g, a < b, a > b)


class Minimum(Function):
    def forward(self, B, a, b):
        return B.minimum(a, b)

    def backward(self, g):
        a, b = self.parents[0].detach(), self.parents[1].detach()
        return _split(self, g, a > b, a < b)


def _split(fn, g, a_loses, b_loses):
    """Gradient of maximum/minimum: each operand gets g except where it loses, and half of g at a tie."""
    a, b = fn.parents
    share = where(a.detach() == b.detach(), g * 0.5, g)  # NOTE: a tie splits g in half (torch's choice)
    # NOTE: at a nan neither operand loses (comparisons are false): both get all of g, as in torch
    ga = sum_to_shape(where(a_loses, 0, share), a.shape) if a.requires_grad else None
    gb = sum_to_shape(where(b_loses, 0, share), b.shape) if b.requires_grad else None
    return ga, gb


class ClampTensors(Function):
    """clamp(x, min, max) with Tensor bounds (either may be absent), all three broadcast together:
    max(x, min), then min(., max), so max wins where min > max, and a nan anywhere gives nan.
    Gradient (torch's rule): to x where min <= x <= max, to min where x < min < max, to max where
    x > max or max < min."""

    def forward(self, B, x, *bounds, lower=True, upper=True):
        self.lower, self.upper = lower, upper
        out = B.maximum(x, bounds[0]) if lower else x
        return B.minimum(out, bounds[-1]) if upper else out

    def options(self):
        return {"lower": self.lower, "upper": self.upper}

    def backward(self, g):
        x = self.parents[0]
        xd = x.detach()
        lo = self.parents[1].detach() if self.lower else None
        hi = self.parents[-1].detach() if self.upper else None
        inside = lo_wins = hi_wins = None
        # NOTE: every comparison with a nan is false, so at a nan in x or a bound all three get 0 (torch)
        if lo is not None:
            inside, lo_wins = xd >= lo, xd < lo
        if hi is not None:
            inside = xd <= hi if inside is None else inside & (xd <= hi)
            hi_wins = xd > hi
            if lo is not None:
                lo_wins, hi_wins = lo_wins & (lo < hi), hi_wins | (hi < lo)
        grads = [sum_to_shape(g * inside, x.shape) if x.requires_grad else None]
        for bound, wins in ((self.parents[1], lo_wins), (self.parents[-1], hi_wins)):
            if wins is not None:
                grads.append(sum_to_shape(g * wins, bound.shape) if bound.requires_grad else None)
        return tuple(grads)


def clamp_tensors(x, min, max):
    """``x.clamp(min, max)`` where a bound is a Tensor: the three promoted to one dtype (a number
    bound becomes a constant of x's dtype), then one ``ClampTensors`` node."""
    lo = hi = None
    if min is not None:
        x, lo = _promote(x, min if isinstance(min, Tensor) else x._const(min))
    if max is not None:
        x, hi = _promote(x, max if isinstance(max, Tensor) else x._const(max))
        if lo is not None and lo.dtype != x.dtype:
            lo = lo.to(x.dtype)
    bounds = [t for t in (lo, hi) if t is not None]
    try:
        return ClampTensors.apply(x, *bounds, lower=lo is not None, upper=hi is not None)
    except ValueError:
        shapes = [t.shape for t in (x, *bounds)]
        raise RuntimeError(f"clamp: {broadcast_error(shapes[0], shapes[-1])} "
                           f"(input and bound shapes {shapes})") from None


class Where(Function):
    """where(cond, a, b); ``cond`` is a boolean array, not differentiated."""
    saves_inputs = False

    def forward(self, B, a, b, cond=None):
        self.cond = cond
        return B.where(cond, a, b)

    def options(self):
        return {"cond": self.cond}

    def backward(self, g):
        a, b = self.parents
        zero = Tensor._make(g._backend.scalar(0, g.dtype), g.device, False)
        ga = sum_to_shape(Where.apply(g, zero, cond=self.cond), a.shape) if a.requires_grad else None
        gb = sum_to_shape(Where.apply(zero, g, cond=self.cond), b.shape) if b.requires_grad else None
        return ga, gb
