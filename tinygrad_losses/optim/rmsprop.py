"""RMSprop: gradients divided by a running root-mean-square of recent gradients."""
from tinygrad_losses.optim.optimizer import Optimizer, check_nonnegative, state_like


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
        alpha = group["alpha"]
        if not state:
            state["square_avg"] = state_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = state_like(p)
            if group["centered"]:
                state["grad_avg"] = state_like(p)
        if group["weight_decay"]:
            g = g.add(p, alpha=group["weight_decay"])
        v = state["square_avg"]
        v.mul_(alpha).addcmul_(g, g, value=1 - alpha)
        if group["centered"]:
            m = state["grad_avg"]
            m.lerp_(g, 1 - alpha)
            avg = v.clone().addcmul_(m, m, value=-1).sqrt_()
        else:
            avg = v.sqrt()
        avg.add_(group["eps"])
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf.mul_(group["momentum"]).addcdiv_(g, avg)
            p.add_(buf, alpha=-group["lr"])
        else:
            p.addcdiv_(g, avg, value=-group["lr"])
