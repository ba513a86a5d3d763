"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""
from tinygrad_losses.optim.optimizer import Optimizer, check_nonnegative


class SGD(Optimizer):
    """torch.optim.SGD's rule, for gradient g of parameter p:

        g ← g + λ·p                                  (weight_decay λ)
        b ← g  (first step),  b ← μ·b + (1 − τ)·g    (momentum μ, dampening τ)
        g ← g + μ·b if nesterov else b
        p ← p − lr·g
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        for name, v in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            check_nonnegative(name, v, "SGD")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"SGD: nesterov momentum requires a momentum > 0 and zero dampening, got "
                             f"momentum={momentum}, dampening={dampening}")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _update(self, p, g, state, group):
        lr, wd, mu = group["lr"], group["weight_decay"], group["momentum"]
        if wd and not mu:
            # p − lr·(g + λ·p) = p·(1 − lr·λ) − lr·g: two in-place updates and no temporary tensor
            p.mul_(1 - lr * wd).add_(g, alpha=-lr)
            return
        if wd:
            g = g.add(p, alpha=wd)
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.clone()
            else:
                buf.mul_(mu).add_(g, alpha=1 - group["dampening"])
            g = g + mu * buf if group["nesterov"] else buf
        p.add_(g, alpha=-lr)
