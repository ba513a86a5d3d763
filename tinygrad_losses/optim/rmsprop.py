"""RMSprop: gradients divided by a running root-mean-square of recent gradients."""
from tinygrad_losses.optim.optimizer import Optimizer, check_nonnegative


class RMSprop(Optimizer):
    """torch.optim.RMSprop's rule (Hinton's lecture 6e; centered as in Graves, 2013):

        g ← g + λ·p
        v ← α·v + (1 − α)·g²
        centered:  m ← α·m + (1 − α)·g,  d = √(v − m²) + eps;  else  d = √v + eps
        momentum μ > 0:  b ← μ·b + g/d,  p ← p − lr·b;   else  p ← p − lr·g/d
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        for name, v in (("lr", lr), ("alpha", alpha), ("eps", eps), ("weight_decay", weight_decay),
                        ("momentum", momentum)):
            check_nonnegative(name, v, "RMSprop")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _update(self, p, g, state, group):
        x, B = p._data, p._backend
        alpha = group["alpha"]
        if not state:
            state["square_avg"] = B.zeros(x.shape, x.dtype)
            if group["momentum"] > 0:
                state["momentum_buffer"] = B.zeros(x.shape, x.dtype)
            if group["centered"]:
                state["grad_avg"] = B.zeros(x.shape, x.dtype)
        if group["weight_decay"]:
            g = g + group["weight_decay"] * x
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * (g * g)
        if group["centered"]:
            m = state["grad_avg"]
            m += (1 - alpha) * (g - m)  # torch's lerp_(g, 1 − α)
            avg = B.sqrt(v - m * m) + group["eps"]
        else:
            avg = B.sqrt(v) + group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += g / avg
            self._write(p, x - group["lr"] * buf)
        else:
            self._write(p, x - group["lr"] * (g / avg))
