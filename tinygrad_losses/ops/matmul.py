"""Matrix product with torch.matmul's rules: 1-D operands are promoted to a row (left) or
a column (right) and the added dim is removed again; batch dims broadcast."""
from tinygrad_losses.autograd import Function
from tinygrad_losses.ops.broadcast import sum_to_shape


class Matmul(Function):
    def forward(self, B, a, b):
        return B.matmul(a, b)

    def backward(self, g):
        a, b = self.parents
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(-1) if b.ndim == 1 else b
        if b.ndim == 1:
            g = g.unsqueeze(-1)
        if a.ndim == 1:
            g = g.unsqueeze(-2)
        ga = gb = None
        if a.requires_grad:
            ga = sum_to_shape(g @ b2.mT, a2.shape).reshape(a.shape)
        if b.requires_grad:
            gb = sum_to_shape(a2.mT @ g, b2.shape).reshape(b.shape)
        return ga, gb
