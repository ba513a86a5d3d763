"""nn classes of the PyTorch regression, classification and distribution losses.

Each stores its options and calls the functional in ``forward``; all validation (including
``reduction``) happens at call time, as in torch.
"""
import warnings

from tinygrad_losses.losses import classification as C
from tinygrad_losses.losses import distribution as D
from tinygrad_losses.losses import regression as R
from tinygrad_losses.nn.loss_base import _Loss, _WeightedLoss
from tinygrad_losses.tensor import Tensor


class L1Loss(_Loss):
    """``l1_loss``: |x − y| (no ``weight``: it exists only in the functional)."""

    def forward(self, input, target):
        return R.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """``mse_loss``: (x − y)²."""

    def forward(self, input, target):
        return R.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """``smooth_l1_loss``: 0.5·d²/β if |d| < β else |d| − 0.5β."""

    def __init__(self, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        return R.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), f"beta={self.beta}" if self.beta != 1.0 else ""]))


class HuberLoss(_Loss):
    """``huber_loss``: 0.5·d² if |d| < δ else δ·(|d| − 0.5δ)."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return R.huber_loss(input, target, reduction=self.reduction, delta=self.delta)

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), f"delta={self.delta}" if self.delta != 1.0 else ""]))


class CrossEntropyLoss(_WeightedLoss):
    """``cross_entropy`` on logits: class indices (with ignore_index, label_smoothing) or probabilities."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return C.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)

    def extra_repr(self):
        extra = [f"ignore_index={self.ignore_index}" if self.ignore_index != -100 else "",
                 f"label_smoothing={self.label_smoothing}" if self.label_smoothing else ""]
        return ", ".join(filter(None, [super().extra_repr()] + extra))


class NLLLoss(_WeightedLoss):
    """``nll_loss`` on log-probabilities."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return C.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)

    def extra_repr(self):
        extra = f"ignore_index={self.ignore_index}" if self.ignore_index != -100 else ""
        return ", ".join(filter(None, [super().extra_repr(), extra]))


class NLLLoss2d(NLLLoss):
    """Deprecated alias of ``NLLLoss`` (torch keeps it for old code); constructing it warns, as in torch."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement "
                      "(it handles (N, C, H, W) inputs).", FutureWarning, stacklevel=2)
        super().__init__(weight, ignore_index, reduction)


class BCELoss(_WeightedLoss):
    """``binary_cross_entropy`` on probabilities."""

    def forward(self, input, target):
        return C.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """``binary_cross_entropy_with_logits``, with an optional ``pos_weight`` (a buffer, like weight)."""

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(weight, reduction)
        if pos_weight is not None and not isinstance(pos_weight, Tensor):
            pos_weight = Tensor(pos_weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return C.binary_cross_entropy_with_logits(input, target, weight=self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)

    def extra_repr(self):
        extra = f"pos_weight={tuple(self.pos_weight.shape)}" if self.pos_weight is not None else ""
        return ", ".join(filter(None, [super().extra_repr(), extra]))


class PoissonNLLLoss(_Loss):
    """``poisson_nll_loss``: exp(x) − y·x (log_input) or x − y·log(x + eps), optional Stirling term."""

    def __init__(self, log_input=True, full=False, eps=1e-8, reduction="mean"):
        super().__init__(reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return D.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)

    def extra_repr(self):
        opts = [f"log_input={self.log_input}" if not self.log_input else "", "full=True" if self.full else "",
                f"eps={self.eps}" if self.eps != 1e-8 else ""]
        return ", ".join(filter(None, [super().extra_repr()] + opts))


class GaussianNLLLoss(_Loss):
    """``gaussian_nll_loss``: ½(log v + (x − y)²/v); ``forward(input, target, var)``."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(reduction)
        self.full, self.eps = full, eps

    def forward(self, input, target, var):
        return D.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)

    def extra_repr(self):
        opts = ["full=True" if self.full else "", f"eps={self.eps}" if self.eps != 1e-6 else ""]
        return ", ".join(filter(None, [super().extra_repr()] + opts))


class KLDivLoss(_Loss):
    """``kl_div`` with the input in log space; use reduction='batchmean' for the true KL."""

    def __init__(self, reduction="mean", log_target=False):
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return D.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), "log_target=True" if self.log_target else ""]))


__all__ = ["L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "NLLLoss2d",
           "BCELoss", "BCEWithLogitsLoss", "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss"]
