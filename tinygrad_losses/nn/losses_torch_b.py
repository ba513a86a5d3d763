"""nn classes of the margin, ranking and metric-learning losses, plus PairwiseDistance and CosineSimilarity.

Each stores its options and calls its functional in one line (options are validated at call time,
except the few checks torch's constructors make themselves).
"""
from tinygrad_losses.losses import margin as _margin
from tinygrad_losses.losses import metric as _metric
from tinygrad_losses.nn.loss_base import _Loss, _WeightedLoss
from tinygrad_losses.nn.module import Module


def _options(**values):
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


class HingeEmbeddingLoss(_Loss):
    """``hinge_embedding_loss(input, target, margin, reduction)``."""

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input, target):
        return _margin.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """``multilabel_margin_loss(input, target, reduction)``."""

    def forward(self, input, target):
        return _margin.multilabel_margin_loss(input, target, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """``soft_margin_loss(input, target, reduction)``."""

    def forward(self, input, target):
        return _margin.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """``multilabel_soft_margin_loss(input, target, weight, reduction)``."""

    def forward(self, input, target):
        return _margin.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """``multi_margin_loss(input, target, p, margin, weight, reduction)``; p and weight's rank are
    checked here, as torch's constructor does."""

    def __init__(self, p=1, margin=1.0, weight=None, reduction="mean"):
        super().__init__(weight, reduction)
        if p != 1 and p != 2:
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got p={p!r}")
        if self.weight is not None and self.weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or a 1-D tensor, got "
                             f"{self.weight.ndim}-D (shape {tuple(self.weight.shape)})")
        self.p, self.margin = p, margin

    def forward(self, input, target):
        return _margin.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                         reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """``margin_ranking_loss(input1, input2, target, margin, reduction)``."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return _margin.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """``cosine_embedding_loss(input1, input2, target, margin, reduction)``."""

    def __init__(self, margin=0.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return _metric.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """``triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)``; margin > 0
    is checked here, as torch's constructor does."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
        super().__init__(reduction)
        if not margin > 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin}")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return _metric.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                           swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """``triplet_margin_with_distance_loss(anchor, positive, negative, distance_function, margin, swap,
    reduction)``; keyword-only options; margin > 0 is checked here, as torch's constructor does."""

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction)
        if not margin > 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin}")
        self.distance_function = distance_function
        self.margin, self.swap = margin, swap

    def forward(self, anchor, positive, negative):
        return _metric.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function, margin=self.margin,
            swap=self.swap, reduction=self.reduction)


class PairwiseDistance(Module):
    """``pairwise_distance(x1, x2, p, eps, keepdim)``: ‖x1 − x2 + eps‖_p over the last dim."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return _metric.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)

    def extra_repr(self):
        return _options(p=self.norm, eps=self.eps, keepdim=self.keepdim)


class CosineSimilarity(Module):
    """``cosine_similarity(x1, x2, dim, eps)``."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return _metric.cosine_similarity(x1, x2, self.dim, self.eps)

    def extra_repr(self):
        return _options(dim=self.dim, eps=self.eps)
