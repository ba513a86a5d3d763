"""Adagrad: per-coordinate step sizes that shrink with the sum of squared gradients."""
from tinygrad_losses.optim.optimizer import Optimizer, check_nonnegative, state_like


class Adagrad(Optimizer):
    """torch.optim.Adagrad's rule (step t = 1, 2, ...):

        g ← g + λ·p
        η_t = lr / (1 + (t − 1)·lr_decay)
        s ← s + g²                      (s starts at initial_accumulator_value)
        p ← p − η_t · g / (√s + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        for name, v in (("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                        ("initial_accumulator_value", initial_accumulator_value), ("eps", eps)):
            check_nonnegative(name, v, "Adagrad")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _update(self, p, g, state, group):
        if not state:
            state["step"] = 0
            state["sum"] = state_like(p, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"]:
            g = g.add(p, alpha=group["weight_decay"])
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"].addcmul_(g, g)
        std = state["sum"].sqrt().add_(group["eps"])
        p.addcdiv_(g, std, value=-clr)
