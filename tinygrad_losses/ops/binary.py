"""Elementwise primitives of two inputs, with numpy broadcasting.

Operands arrive with one dtype (the Tensor methods promote first); gradients are
summed back to each operand's shape by ``sum_to_shape``.
NOTE maximum/minimum split the gradient 0.5/0.5 at ties, as torch does.
"""
from tinygrad_losses.autograd import Function
from tinygrad_losses.ops.broadcast import first_order, sum_to_shape, wrap
from tinygrad_losses.tensor import Tensor


class Add(Function):
    saves_inputs = False

    def forward(self, B, a, b):
        return B.add(a, b)

    def backward(self, g):
        a, b = self.parents
        return (sum_to_shape(g, a.shape) if a.requires_grad else None,
                sum_to_shape(g, b.shape) if b.requires_grad else None)


class Sub(Function):
    saves_inputs = False

    def forward(self, B, a, b):
        return B.subtract(a, b)

    def backward(self, g):
        a, b = self.parents
        ga = sum_to_shape(g, a.shape) if a.requires_grad else None
        if not b.requires_grad:
            return ga, None
        neg = wrap(g._backend.negative(g._data), g) if first_order() else -g
        return ga, sum_to_shape(neg, b.shape)


class Mul(Function):
    def forward(self, B, a, b):
        return B.multiply(a, b)

    def backward(self, g):
        a, b = self.parents
        if first_order():
            mul = g._backend.multiply
            if a is b:  # x * x: one product, doubled (exactly g*x + g*x), given to the first slot only
                return sum_to_shape(wrap(mul(mul(g._data, a._data), 2), g), a.shape), None
            ga = sum_to_shape(wrap(mul(g._data, b._data), g), a.shape) if a.requires_grad else None
            gb = sum_to_shape(wrap(mul(g._data, a._data), g), b.shape) if b.requires_grad else None
            return ga, gb
        ga = sum_to_shape(g * b, a.shape) if a.requires_grad else None
        gb = sum_to_shape(g * a, b.shape) if b.requires_grad else None
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
        self.wa = (B.greater(a, b) + 0.5 * B.equal(a, b)).astype(a.dtype)
        return B.maximum(a, b)

    def backward(self, g):
        return _split(self, g)


class Minimum(Function):
    def forward(self, B, a, b):
        self.wa = (B.less(a, b) + 0.5 * B.equal(a, b)).astype(a.dtype)
        return B.minimum(a, b)

    def backward(self, g):
        return _split(self, g)


def _split(fn, g):
    """Gradient of maximum/minimum: weight wa to a (1, 0.5 at ties, 0), the rest to b."""
    a, b = fn.parents
    wa = Tensor._make(fn.wa, g.device, False)
    return sum_to_shape(g * wa, a.shape), sum_to_shape(g * (1 - wa), b.shape)


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
