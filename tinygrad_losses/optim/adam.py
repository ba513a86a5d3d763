"""Adam and AdamW: bias-corrected running averages of the gradient and its square."""
import math

from tinygrad_losses.optim.optimizer import Optimizer, check_nonnegative, state_like


class Adam(Optimizer):
    """torch.optim.Adam's rule (Kingma & Ba, 2015), step t = 1, 2, ...:

        g ← g + λ·p                              (L2 weight decay, coupled)
        m ← m + (1 − β1)·(g − m)                 (torch's lerp)
        v ← β2·v + (1 − β2)·g²
        amsgrad:  v̂ ← max(v̂, v), else v̂ = v
        p ← p − lr/(1 − β1^t) · m / (√v̂ / √(1 − β2^t) + eps)
    """

    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        name = type(self).__name__
        for arg, v in (("lr", lr), ("eps", eps), ("weight_decay", weight_decay)):
            check_nonnegative(arg, v, name)
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{name}: invalid betas: {betas!r} (expected two values in [0, 1))")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _update(self, p, g, state, group):
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = state_like(p)
            state["exp_avg_sq"] = state_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = state_like(p)
        state["step"] += 1
        t = state["step"]
        if group["weight_decay"]:
            if self.decoupled:
                p.mul_(1 - group["lr"] * group["weight_decay"])
            else:
                g = g.add(p, alpha=group["weight_decay"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.lerp_(g, 1 - beta1)
        v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"].copy_(state["max_exp_avg_sq"].maximum(v))
        step_size = group["lr"] / (1 - beta1 ** t)
        denom = v.sqrt().div_(math.sqrt(1 - beta2 ** t)).add_(group["eps"])
        p.addcdiv_(m, denom, value=-step_size)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019; torch.optim.AdamW):
    p ← p·(1 − lr·λ) first, then the Adam step without the L2 term. Default λ = 0.01."""

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
