"""Adadelta: steps scaled by the ratio of running RMS of updates to running RMS of gradients."""
from tinygrad_losses.optim.optimizer import Optimizer, check_nonnegative


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
        x, B = p._data, p._backend
        if not state:
            state["square_avg"] = B.zeros(x.shape, x.dtype)
            state["acc_delta"] = B.zeros(x.shape, x.dtype)
        rho, eps = group["rho"], group["eps"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * x
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * (g * g)
        delta = B.sqrt(u + eps) / B.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * (delta * delta)
        self._write(p, x - group["lr"] * delta)
