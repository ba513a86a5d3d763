"""``Linear``: y = x @ Wᵀ + b as one graph node (torch.nn.functional.linear).

A primitive for speed: one node instead of transpose, matmul, add (and their three
backward nodes) on the hottest path of every MLP. The backward rule is composed from
Tensor ops, so that it can be differentiated again; in a plain backward the engine calls
the same rule on raw arrays (``backward_arrays``).
"""
from tinygrad_losses.autograd import Function


class Linear(Function):
    """x (*, in), weight (out, in), optional bias (out,) -> (*, out)."""

    def forward(self, B, x, w, b=None):
        return B.linear(x, w, b)

    def backward(self, g):
        x, w = self.parents[0], self.parents[1]
        b = self.parents[2] if len(self.parents) == 3 else None
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
        gx = (g @ w) if x.requires_grad else None
        gw = (g2.T @ x2) if w.requires_grad else None
        gb = g2.sum(0) if b is not None and b.requires_grad else None
        return (gx, gw) if b is None else (gx, gw, gb)

    def backward_arrays(self, g):
        x, w = self.parents[0], self.parents[1]
        b = self.parents[2] if len(self.parents) == 3 else None
        B, X = self.backend, x._data
        g2 = g if g.ndim == 2 else B.reshape(g, (-1, g.shape[-1]))
        x2 = X if X.ndim == 2 else B.reshape(X, (-1, X.shape[-1]))
        gx = B.matmul(g, w._data) if x.requires_grad else None
        gw = B.matmul(B.transpose(g2), x2) if w.requires_grad else None
        if b is None:
            return gx, gw
        return gx, gw, (B.sum_rows(g2) if b.requires_grad else None)
