"""Elementwise primitives of one input.

NOTE the gradient conventions follow torch at the kinks: abs'(0) = sign(0) = 0,
relu'(0) = 0, clamp passes the gradient where min <= x <= max (boundaries included).
"""
from tinygrad_losses.autograd import Function
from tinygrad_losses.tensor import Tensor


class Neg(Function):
    saves_inputs = False

    def forward(self, B, x):
        return B.negative(x)

    def backward(self, g):
        return -g

    def backward_arrays(self, g):
        return self.backend.negative(g)


class Exp(Function):
    saves_inputs, saves_output = False, True

    def forward(self, B, x):
        self.out = B.exp(x)
        return self.out

    def backward(self, g):
        return g * self.output()


class Log(Function):
    def forward(self, B, x):
        return B.log(x)

    def backward(self, g):
        return g / self.parents[0]


class Log1p(Function):
    def forward(self, B, x):
        return B.log1p(x)

    def backward(self, g):
        return g / (self.parents[0] + 1)


class Expm1(Function):
    saves_inputs, saves_output = False, True

    def forward(self, B, x):
        self.out = B.expm1(x)
        return self.out

    def backward(self, g):
        return g * (self.output() + 1)


class Sqrt(Function):
    saves_inputs, saves_output = False, True

    def forward(self, B, x):
        self.out = B.sqrt(x)
        return self.out

    def backward(self, g):
        return g / (2 * self.output())


class Sin(Function):
    def forward(self, B, x):
        return B.sin(x)

    def backward(self, g):
        return g * self.parents[0].cos()


class Cos(Function):
    def forward(self, B, x):
        return B.cos(x)

    def backward(self, g):
        return -g * self.parents[0].sin()


class Tanh(Function):
    saves_inputs, saves_output = False, True

    def forward(self, B, x):
        self.out = B.tanh(x)
        return self.out

    def backward(self, g):
        y = self.output()
        return g * (1 - y * y)


class Sigmoid(Function):
    """Primitive for stability: both tails are computed without overflow."""
    saves_inputs, saves_output = False, True

    def forward(self, B, x):
        self.out = B.sigmoid(x)
        return self.out

    def backward(self, g):
        y = self.output()
        return g * y * (1 - y)


class Abs(Function):
    def forward(self, B, x):
        return B.abs(x)

    def backward(self, g):
        return g * self.parents[0].sign()  # NOTE: sign(0) = 0, torch's subgradient; sign(nan) = 0 too


class Sign(Function):
    """Zero gradient everywhere (torch's choice), but the output stays in the graph."""
    saves_inputs = False

    def forward(self, B, x):
        s = B.sign(x)
        if x.dtype.kind != "f":
            return s
        return B.where(B.isnan(x), B.scalar(0, x.dtype), s)  # NOTE: torch's sign(nan) is 0 (numpy's is nan)

    def backward(self, g):
        return g * 0


class Relu(Function):
    """Primitive for speed (the hot op of every MLP). NOTE: relu'(0) = 0."""
    saves_inputs, saves_output = False, True

    def forward(self, B, x):
        self.out = B.relu(x)
        return self.out

    def backward(self, g):
        return g * Tensor._make(g._backend.greater(self.out, 0), g.device, False)

    def backward_arrays(self, g):
        return self.backend.relu_backward(g, self.out)


class Clamp(Function):
    """clamp(x, min, max) with scalar bounds; the gradient passes where min <= x <= max."""

    def forward(self, B, x, min=None, max=None):
        self.min, self.max = min, max
        return B.clip(x, min, max)

    def options(self):
        return {"min": self.min, "max": self.max}

    def backward(self, g):
        x = self.parents[0].detach()
        mask = (x >= self.min) if self.min is not None else None
        if self.max is not None:
            upper = x <= self.max
            mask = upper if mask is None else mask & upper
        return g * mask


class Cast(Function):
    saves_inputs = False

    def forward(self, B, x, dtype=None):
        self.dtype = dtype
        return B.astype(x, dtype)

    def backward(self, g):
        return g.to(self.parents[0].dtype)
