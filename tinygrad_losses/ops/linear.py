"""``Linear``: y = x @ Wᵀ + b as one graph node (torch.nn.functional.linear).

A primitive for speed: one node instead of transpose, matmul, add (and their three
backward nodes) on the hottest path of every MLP. The first-order backward works on
raw arrays; with create_graph=True it is composed from Tensor ops so that it can be
differentiated again.
"""
from tinygrad_losses.autograd import Function
from tinygrad_losses.ops.broadcast import first_order, wrap


class Linear(Function):
    """x (*, in), weight (out, in), optional bias (out,) -> (*, out)."""

    def forward(self, B, x, w, b=None):
        return B.linear(x, w, b)

    def backward(self, g):
        x, w = self.parents[0], self.parents[1]
        b = self.parents[2] if len(self.parents) == 3 else None
        if first_order():
            return _backward_arrays(g, x, w, b)
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
        gx = (g @ w) if x.requires_grad else None
        gw = (g2.T @ x2) if w.requires_grad else None
        gb = g2.sum(0) if b is not None and b.requires_grad else None
        return (gx, gw) if b is None else (gx, gw, gb)


def _backward_arrays(g, x, w, b):
    B = g._backend
    G, X = g._data, x._data
    G2 = G if G.ndim == 2 else B.reshape(G, (-1, G.shape[-1]))
    X2 = X if X.ndim == 2 else B.reshape(X, (-1, X.shape[-1]))
    gx = wrap(B.matmul(G, w._data), g) if x.requires_grad else None
    gw = wrap(B.matmul(B.transpose(G2), X2), g) if w.requires_grad else None
    if b is None:
        return gx, gw
    gb = wrap(B.sum_rows(G2), g) if b.requires_grad else None
    return gx, gw, gb
