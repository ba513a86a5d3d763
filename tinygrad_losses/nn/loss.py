"""The nn loss classes (torch.nn's ``*Loss``), grouped by family as ``tinygrad_losses/losses/`` is.

A loss module only stores its options; ``forward`` is one line calling the functional in
``tinygrad_losses.functional``, which validates everything (including ``reduction``) at call
time, as torch does.
"""
import math
import warnings
from dataclasses import dataclass

from tinygrad_losses import functional as F
from tinygrad_losses.losses._checks import EPS_K
from tinygrad_losses.losses._reduction import legacy_reduction
from tinygrad_losses.nn.layers import Linear
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



class _FlaggedLoss(_Loss):
    """A torch loss whose constructor still takes the deprecated ``size_average`` and ``reduce``."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__(legacy_reduction(size_average, reduce, reduction))


class _FlaggedWeightedLoss(_WeightedLoss):
    """``_FlaggedLoss`` with a ``weight`` first, as torch's BCELoss and MultiLabelSoftMarginLoss."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(weight, legacy_reduction(size_average, reduce, reduction))

def _options(**values):
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


class _Options(_Loss):
    """A loss with keyword options besides ``reduction``; they are shown in the repr."""

    def __init__(self, reduction="mean", **options):
        super().__init__(reduction)
        self._options = options
        for name, value in options.items():
            setattr(self, name, value)

    def options(self):
        return {name: getattr(self, name) for name in self._options}

    def extra_repr(self):
        parts = [f"{k}={v!r}" for k, v in self.options().items()]
        base = super().extra_repr()
        return ", ".join(parts + ([base] if base else []))



# ---- regression --------------------------------------------------------------------------------
class L1Loss(_FlaggedLoss):
    """``l1_loss``: |x − y| (no ``weight``: it exists only in the functional)."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_FlaggedLoss):
    """``mse_loss``: (x − y)²."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """``smooth_l1_loss``: 0.5·d²/β if |d| < β else |d| − 0.5β."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), f"beta={self.beta}" if self.beta != 1.0 else ""]))


class HuberLoss(_Loss):
    """``huber_loss``: 0.5·d² if |d| < δ else δ·(|d| − 0.5δ)."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), f"delta={self.delta}" if self.delta != 1.0 else ""]))


class LogCoshLoss(_Loss):
    def forward(self, input, target):
        return F.log_cosh_loss(input, target, reduction=self.reduction)


class MSLELoss(_Loss):
    def forward(self, input, target):
        return F.msle_loss(input, target, reduction=self.reduction)


class MAPELoss(_Loss):
    def forward(self, input, target):
        return F.mape_loss(input, target, reduction=self.reduction)


class PoissonLoss(_Loss):
    def forward(self, input, target):
        return F.poisson_loss(input, target, reduction=self.reduction)


class CosineSimilarityLoss(_Options):
    def __init__(self, dim=-1, eps=EPS_K, reduction="mean"):
        super().__init__(reduction, dim=dim, eps=eps)

    def forward(self, input, target):
        return F.cosine_similarity_loss(input, target, **self.options(), reduction=self.reduction)


class PinballLoss(_Options):
    def __init__(self, tau=0.5, reduction="mean"):
        super().__init__(reduction, tau=tau)

    def forward(self, input, target):
        return F.pinball_loss(input, target, **self.options(), reduction=self.reduction)


class PseudoHuberLoss(_Options):
    def __init__(self, delta=1.0, reduction="mean"):
        super().__init__(reduction, delta=delta)

    def forward(self, input, target):
        return F.pseudo_huber_loss(input, target, **self.options(), reduction=self.reduction)


# ---- classification ----------------------------------------------------------------------------
class CrossEntropyLoss(_WeightedLoss):
    """``cross_entropy`` on logits: class indices (with ignore_index, label_smoothing) or probabilities."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)

    def extra_repr(self):
        extra = [f"ignore_index={self.ignore_index}" if self.ignore_index != -100 else "",
                 f"label_smoothing={self.label_smoothing}" if self.label_smoothing else ""]
        return ", ".join(filter(None, [super().extra_repr()] + extra))


class NLLLoss(_WeightedLoss):
    """``nll_loss`` on log-probabilities."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)

    def extra_repr(self):
        extra = f"ignore_index={self.ignore_index}" if self.ignore_index != -100 else ""
        return ", ".join(filter(None, [super().extra_repr(), extra]))


class NLLLoss2d(NLLLoss):
    """Deprecated alias of ``NLLLoss`` (torch keeps it for old code); constructing it warns, as in torch."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement "
                      "(it handles (N, C, H, W) inputs).", FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class BCELoss(_FlaggedWeightedLoss):
    """``binary_cross_entropy`` on probabilities."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """``binary_cross_entropy_with_logits``, with an optional ``pos_weight`` (a buffer, like weight)."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(weight, reduction)
        if pos_weight is not None and not isinstance(pos_weight, Tensor):
            pos_weight = Tensor(pos_weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)

    def extra_repr(self):
        extra = f"pos_weight={tuple(self.pos_weight.shape)}" if self.pos_weight is not None else ""
        return ", ".join(filter(None, [super().extra_repr(), extra]))


class SigmoidFocalLoss(_Options):
    def __init__(self, alpha=0.25, gamma=2.0, reduction="mean"):
        super().__init__(reduction, alpha=alpha, gamma=gamma)

    def forward(self, input, target):
        return F.sigmoid_focal_loss(input, target, **self.options(), reduction=self.reduction)


class BinaryFocalCrossentropy(_Options):
    def __init__(self, gamma=2.0, alpha=0.25, apply_class_balancing=False, from_logits=False,
                 label_smoothing=0.0, reduction="mean"):
        super().__init__(reduction, gamma=gamma, alpha=alpha, apply_class_balancing=apply_class_balancing,
                         from_logits=from_logits, label_smoothing=label_smoothing)

    def forward(self, input, target):
        return F.binary_focal_crossentropy(input, target, **self.options(), reduction=self.reduction)


class CategoricalFocalLoss(_Options):
    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, reduction="mean"):
        super().__init__(reduction, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing)

    def forward(self, input, target):
        return F.categorical_focal_loss(input, target, **self.options(), reduction=self.reduction)


class Poly1Loss(_Options):
    def __init__(self, epsilon=2.0, reduction="mean"):
        super().__init__(reduction, epsilon=epsilon)

    def forward(self, input, target):
        return F.poly1_loss(input, target, **self.options(), reduction=self.reduction)


class GeneralizedCrossEntropy(_Options):
    def __init__(self, q=0.7, reduction="mean"):
        super().__init__(reduction, q=q)

    def forward(self, input, target):
        return F.generalized_cross_entropy(input, target, **self.options(), reduction=self.reduction)


class SparsemaxLoss(_Loss):
    def forward(self, input, target):
        return F.sparsemax_loss(input, target, reduction=self.reduction)


class MultiClassSparsemaxLoss(_Loss):
    def forward(self, input, target):
        return F.multiclass_sparsemax_loss(input, target, reduction=self.reduction)


# ---- classification: the linear layer and cross-entropy in one ---------------------------------
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
        return F.linear_cross_entropy(input, w, target, linear_bias=b, weight=self.weight, reduction=self.reduction,
                                    ignore_index=self.ignore_index, label_smoothing=self.label_smoothing,
                                    options=self.options)


# ---- margin and ranking ------------------------------------------------------------------------
class MultiLabelMarginLoss(_FlaggedLoss):
    """``multilabel_margin_loss(input, target, reduction)``."""

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class SoftMarginLoss(_FlaggedLoss):
    """``soft_margin_loss(input, target, reduction)``."""

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_FlaggedWeightedLoss):
    """``multilabel_soft_margin_loss(input, target, weight, reduction)``."""

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """``multi_margin_loss(input, target, p, margin, weight, reduction)``; p and weight's rank are
    checked here, as torch's constructor does."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(weight, reduction)
        if p != 1 and p != 2:
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got p={p!r}")
        if self.weight is not None and self.weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or a 1-D tensor, got "
                             f"{self.weight.ndim}-D (shape {tuple(self.weight.shape)})")
        self.p, self.margin = p, margin

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                         reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """``margin_ranking_loss(input1, input2, target, margin, reduction)``."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeLoss(_Loss):
    def forward(self, input, target):
        return F.hinge_loss(input, target, reduction=self.reduction)


class SquaredHingeLoss(_Loss):
    def forward(self, input, target):
        return F.squared_hinge_loss(input, target, reduction=self.reduction)


class CategoricalHingeLoss(_Loss):
    def forward(self, input, target):
        return F.categorical_hinge_loss(input, target, reduction=self.reduction)


class MultiClassHingeLoss(_Loss):
    def forward(self, input, target):
        return F.multiclass_hinge_loss(input, target, reduction=self.reduction)


class PerceptronLoss(_Loss):
    def forward(self, input, target):
        return F.perceptron_loss(input, target, reduction=self.reduction)


class MultiClassPerceptronLoss(_Loss):
    def forward(self, input, target):
        return F.multiclass_perceptron_loss(input, target, reduction=self.reduction)


class RankingSoftmaxLoss(_Loss):
    def forward(self, input, target, where_mask=None):
        return F.ranking_softmax_loss(input, target, where_mask, reduction=self.reduction)


# ---- metric learning and contrastive -----------------------------------------------------------
class HingeEmbeddingLoss(_Loss):
    """``hinge_embedding_loss(input, target, margin, reduction)``."""

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """``cosine_embedding_loss(input1, input2, target, margin, reduction)``."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """``triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)``; margin > 0
    is checked here, as torch's constructor does."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None,
                 reduction="mean"):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(reduction)
        if not margin > 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin}")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
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
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function, margin=self.margin,
            swap=self.swap, reduction=self.reduction)


class PairwiseDistance(Module):
    """``pairwise_distance(x1, x2, p, eps, keepdim)``: ‖x1 − x2 + eps‖_p over the last dim."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)

    def extra_repr(self):
        return _options(p=self.norm, eps=self.eps, keepdim=self.keepdim)


class CosineSimilarity(Module):
    """``cosine_similarity(x1, x2, dim, eps)``."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)

    def extra_repr(self):
        return _options(dim=self.dim, eps=self.eps)


class NTXentLoss(_Options):
    def __init__(self, temperature=0.07, reduction="mean"):
        super().__init__(reduction, temperature=temperature)

    def forward(self, embeddings, labels):
        return F.ntxent_loss(embeddings, labels, **self.options(), reduction=self.reduction)


class InfoNCELoss(_Options):
    def __init__(self, temperature=0.1, symmetric=False, reduction="mean"):
        super().__init__(reduction, temperature=temperature, symmetric=symmetric)

    def forward(self, query, keys):
        return F.info_nce_loss(query, keys, **self.options(), reduction=self.reduction)


# ---- distribution ------------------------------------------------------------------------------
class PoissonNLLLoss(_Loss):
    """``poisson_nll_loss``: exp(x) − y·x (log_input) or x − y·log(x + eps), optional Stirling term."""

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
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
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)

    def extra_repr(self):
        opts = ["full=True" if self.full else "", f"eps={self.eps}" if self.eps != 1e-6 else ""]
        return ", ".join(filter(None, [super().extra_repr()] + opts))


class KLDivLoss(_Loss):
    """``kl_div`` with the input in log space; use reduction='batchmean' for the true KL."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        reduction = legacy_reduction(size_average, reduce, reduction)
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), "log_target=True" if self.log_target else ""]))


class GeneralizedKLDivLoss(_Loss):
    def forward(self, input, target):
        return F.generalized_kl_divergence(input, target, reduction=self.reduction)


class JSDivLoss(_Loss):
    def forward(self, input, target):
        return F.js_divergence(input, target, reduction=self.reduction)


# ---- segmentation ------------------------------------------------------------------------------
class DiceLoss(_Options):
    def __init__(self, dim=None, eps=EPS_K, reduction="mean"):
        super().__init__(reduction, dim=dim, eps=eps)

    def forward(self, input, target):
        return F.dice_loss(input, target, **self.options(), reduction=self.reduction)


class TverskyLoss(_Options):
    def __init__(self, alpha=0.5, beta=0.5, dim=None, eps=EPS_K, reduction="mean"):
        super().__init__(reduction, alpha=alpha, beta=beta, dim=dim, eps=eps)

    def forward(self, input, target):
        return F.tversky_loss(input, target, **self.options(), reduction=self.reduction)


class MultiClassDiceLoss(_Options):
    def __init__(self, smooth=1.0, alpha=0.5, beta=0.5, apply_softmax=True, class_weights=None,
                 ignore_background=False, reduction="mean"):
        super().__init__(reduction, smooth=smooth, alpha=alpha, beta=beta, apply_softmax=apply_softmax,
                         class_weights=class_weights, ignore_background=ignore_background)

    def forward(self, input, target):
        return F.multiclass_dice_loss(input, target, **self.options(), reduction=self.reduction)


# ---- sequence ----------------------------------------------------------------------------------
class CTCLoss(_Loss):
    """``ctc_loss``: −log Σ over alignments of the target; forward(log_probs, targets, input_lengths,
    target_lengths)."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=self.blank,
                        reduction=self.reduction, zero_infinity=self.zero_infinity)

    def extra_repr(self):
        parts = [super().extra_repr(), f"blank={self.blank}" if self.blank else "",
                 "zero_infinity=True" if self.zero_infinity else ""]
        return ", ".join(p for p in parts if p)


# ---- docstrings: one source, the functional's --------------------------------------------------
def _document_from_functionals():
    """Give every registered loss class a docstring: its own summary line (if it has one), how the
    module calls the functional, then the functional's docstring (formula, arguments, example)."""
    import inspect
    from tinygrad_losses.losses.registry import losses_table
    for info in losses_table():
        cls = globals().get(info.module)
        if cls is None or info.function.__doc__ is None:  # python -OO strips docstrings
            continue
        own = cls.__dict__.get("__doc__")
        own = inspect.cleandoc(own) if own else f"The module form of ``F.{info.name}``."
        init = str(inspect.signature(cls.__init__)).replace("(self, ", "(").replace("(self)", "()")
        forward = str(inspect.signature(cls.forward)).replace("(self, ", "(")
        cls.__doc__ = (f"{own}\n\n``nn.{info.module}{init}`` stores the options; ``forward{forward}`` calls "
                       f"``F.{info.name}`` with them.\n\nFrom ``F.{info.name}``:\n\n"
                       + inspect.cleandoc(info.function.__doc__))


_document_from_functionals()

__all__ = [name for name, obj in list(globals().items())
           if isinstance(obj, type) and issubclass(obj, (_Loss, PairwiseDistance, CosineSimilarity)) and not name.startswith("_")]
