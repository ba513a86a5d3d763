"""nn classes of the kernel-backed losses: CTCLoss and LinearCrossEntropyLoss (torch 2.13's)."""
import math
from dataclasses import dataclass

from tinygrad_losses.losses.linear_cross_entropy import linear_cross_entropy
from tinygrad_losses.losses.sequence import ctc_loss
from tinygrad_losses.nn.layers import Linear
from tinygrad_losses.nn.loss_base import _Loss
from tinygrad_losses.tensor import Tensor


class CTCLoss(_Loss):
    """``ctc_loss``: −log Σ over alignments of the target; forward(log_probs, targets, input_lengths,
    target_lengths)."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=self.blank,
                        reduction=self.reduction, zero_infinity=self.zero_infinity)

    def extra_repr(self):
        parts = [super().extra_repr(), f"blank={self.blank}" if self.blank else "",
                 "zero_infinity=True" if self.zero_infinity else ""]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class LinearCrossEntropyOptions:
    """torch's options; only ``batch_chunk_size`` changes anything here (rows per chunk), the others
    are accepted for compatibility (values are identical for every chunking)."""
    allow_retain_graph: bool = False
    batch_chunk_size: int = None
    chunking_method: str = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None


class LinearCrossEntropyLoss(_Loss):
    """``linear_cross_entropy`` with its own ``Linear(in_features, num_classes·prod(out_features), bias)``
    as ``self.linear``; forward(input, target)."""

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
                 reduction="mean", weight=None, ignore_index=None, label_smoothing=0.0, options=None):
        super().__init__(reduction)
        if device not in (None, "cpu"):
            raise ValueError(f"LinearCrossEntropyLoss: device must be None or 'cpu', got {device!r}")
        if weight is not None:
            if not isinstance(weight, Tensor):
                weight = Tensor(weight)
            if tuple(weight.shape) != (num_classes,):
                raise RuntimeError(f"LinearCrossEntropyLoss: expected weight shape to be ({num_classes},), got "
                                   f"{tuple(weight.shape)}")
        if not 0 <= label_smoothing <= 1:
            raise RuntimeError(f"LinearCrossEntropyLoss: expected label_smoothing to be in range [0, 1], got "
                               f"{label_smoothing}")
        self.out_features = tuple(out_features)
        self.num_classes = num_classes
        self.linear = Linear(in_features, num_classes * math.prod(self.out_features), bias=bias, dtype=dtype)
        self.register_buffer("weight", weight)
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, options

    def forward(self, input, target):
        shape = (self.num_classes,) + self.out_features
        w = self.linear.weight.reshape(shape + (self.linear.in_features,))
        b = None if self.linear.bias is None else self.linear.bias.reshape(shape)
        return linear_cross_entropy(input, w, target, linear_bias=b, weight=self.weight, reduction=self.reduction,
                                    ignore_index=self.ignore_index, label_smoothing=self.label_smoothing,
                                    options=self.options)
