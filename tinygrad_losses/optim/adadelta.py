"""Adadelta: steps scaled by the ratio of running RMS of updates to running RMS of gradients."""
from tinygrad_losses.optim.optimizer import Optimizer, check_nonnegative, state_like


class Adadelta(Optimizer):
    """torch.optim.Adadelta's rule (Zeiler, 2012):

        g ← g + λ·p
        v ← ρ·v + (1 − ρ)·g²
        Δ = √(u + eps) / √(v + eps) · g
        u ← ρ·u + (1 − ρ)·Δ²
        p ← p − lr·Δ
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
        for name, v in (("lr", lr), ("eps", eps), ("weight_decay", weight_decay)):
            check_nonnegative(name, v, "Adadelta")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Adadelta: invalid rho: {rho!r} (expected a value in [0, 1])")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def _update(self, p, g, state, group):
        if not state:
            state["square_avg"] = state_like(p)
            state["acc_delta"] = state_like(p)
        rho, eps = group["rho"], group["eps"]
        if group["weight_decay"]:
            g = g.add(p, alpha=group["weight_decay"])
        v, u = state["square_avg"], state["acc_delta"]
        v.mul_(rho).addcmul_(g, g, value=1 - rho)
        std = (v + eps).sqrt_()
        delta = (u + eps).sqrt_().div_(std).mul_(g)
        u.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        p.add_(delta, alpha=-group["lr"])
