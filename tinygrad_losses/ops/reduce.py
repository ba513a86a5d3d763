"""Reductions along dims. ``axis`` is a tuple of non-negative dims (or None for all).

NOTE amax splits the gradient evenly between tied maxima (torch's amax); max(dim)
sends it to one index only, so it is composed from argmax and gather instead.
"""
from tinygrad_losses import dtypes
from tinygrad_losses.autograd import Function
from tinygrad_losses.tensor import Tensor


def _kept_shape(shape, axis):
    """The shape of a reduction's output with keepdim=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


class Sum(Function):
    saves_inputs = False

    def forward(self, B, x, axis=None, keepdim=False):
        self.axis, self.keepdim = axis, keepdim
        out = B.sum(x, axis, keepdim)
        return out if x.dtype.kind not in "bu" else B.astype(out, dtypes.int64)  # torch: bool/uint8 sum to int64

    def backward(self, g):
        x = self.parents[0]
        if not self.keepdim:
            g = g.reshape(_kept_shape(x.shape, self.axis))
        return g.expand(x.shape)

    def backward_arrays(self, g):
        x, B = self.parents[0], self.backend
        return B.broadcast_to(B.reshape(g, _kept_shape(x.shape, self.axis)), x.shape)


class Amax(Function):
    saves_output = True

    def forward(self, B, x, axis=None, keepdim=False):
        self.axis, self.keepdim = axis, keepdim
        self.out = B.max(x, axis, True)
        return self.out if keepdim else B.reshape(self.out, _reduced_shape(x.shape, axis))

    def options(self):
        return {"axis": self.axis, "keepdim": True}

    def backward(self, g):
        x = self.parents[0]
        kept = _kept_shape(x.shape, self.axis)
        ties = (x.detach() == Tensor._make(self.out, x.device, False)).to(g.dtype)  # not float32: keep g's precision
        share = ties / ties.sum(self.axis, keepdim=True)
        return g.reshape(kept) * share


def _reduced_shape(shape, axis):
    if axis is None:
        return ()
    return tuple(n for i, n in enumerate(shape) if i not in axis)


class Norm(Function):
    """The p-norm for finite p not in (0, 1, inf): a primitive because at a zero vector torch's
    gradient is 0, where the composed sqrt(sum(x**2)) would give nan."""
    saves_output = True

    def forward(self, B, x, p=2.0, axis=None, keepdim=False):
        self.p, self.axis, self.keepdim = p, axis, keepdim
        ax = B.abs(x)
        if p == 2:
            s = B.sqrt(B.sum(B.multiply(ax, ax), axis, True))
        else:
            s = B.power(B.sum(B.power(ax, p), axis, True), 1.0 / p)
        self.out = s if s.dtype == x.dtype else B.astype(s, x.dtype)
        return self.out if keepdim else B.reshape(self.out, _reduced_shape(x.shape, axis))

    def options(self):
        return {"p": self.p, "axis": self.axis, "keepdim": True}

    def backward(self, g):
        x = self.parents[0]
        kept = _kept_shape(x.shape, self.axis)
        n = self.output()
        nonzero = n.detach() != 0
        n_safe = n.where(nonzero, 1)
        g = g.reshape(kept) * nonzero
        if self.p == 2:
            return x * (g / n_safe)
        # NOTE sign(x)·|x|^(p−1), taken as 0 at x = 0 (torch's choice; x·|x|^(p−2) is nan there for p < 2)
        at_zero = x.detach() == 0
        return x.sign() * x.abs().where(~at_zero, 1) ** (self.p - 1) * (g / n_safe ** (self.p - 1))
