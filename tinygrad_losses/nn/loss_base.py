"""``_Loss`` and ``_WeightedLoss``: the bases of every nn loss class (torch.nn.modules.loss's).

A loss module only stores its options; ``forward`` is one line calling the functional, which
validates everything (including ``reduction``) at call time, as torch does.
"""
from tinygrad_losses.nn.module import Module
from tinygrad_losses.tensor import Tensor


class _Loss(Module):
    """Stores ``reduction`` ('none' | 'mean' | 'sum', or a loss-specific value); not validated here."""

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class _WeightedLoss(_Loss):
    """A loss with an optional per-class ``weight`` tensor, kept as a buffer (not a parameter)."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        if weight is not None and not isinstance(weight, Tensor):
            weight = Tensor(weight)
        self.register_buffer("weight", weight)

    def extra_repr(self):
        parts = [f"weight={tuple(self.weight.shape)}"] if self.weight is not None else []
        base = super().extra_repr()
        return ", ".join(parts + ([base] if base else []))
