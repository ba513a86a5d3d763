"""nn classes for the losses beyond PyTorch: each stores its options, and ``forward`` is one line
calling the functional in ``tinygrad_losses.losses.beyond_*`` / ``contrastive`` (which validates)."""
from tinygrad_losses.losses import (beyond_regression as R, beyond_classification as C, beyond_sparsemax as S,
                                    beyond_segmentation as G, beyond_distribution as D, beyond_ranking as K,
                                    contrastive as N)
from tinygrad_losses.losses._beyond_common import EPS_K
from tinygrad_losses.nn.loss_base import _Loss


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


# ---- regression ---------------------------------------------------------------------------------
class LogCoshLoss(_Loss):
    def forward(self, input, target):
        return R.log_cosh_loss(input, target, reduction=self.reduction)


class MSLELoss(_Loss):
    def forward(self, input, target):
        return R.msle_loss(input, target, reduction=self.reduction)


class MAPELoss(_Loss):
    def forward(self, input, target):
        return R.mape_loss(input, target, reduction=self.reduction)


class PoissonLoss(_Loss):
    def forward(self, input, target):
        return R.poisson_loss(input, target, reduction=self.reduction)


class CosineSimilarityLoss(_Options):
    def __init__(self, dim=-1, eps=EPS_K, reduction="mean"):
        super().__init__(reduction, dim=dim, eps=eps)

    def forward(self, input, target):
        return R.cosine_similarity_loss(input, target, **self.options(), reduction=self.reduction)


class PinballLoss(_Options):
    def __init__(self, tau=0.5, reduction="mean"):
        super().__init__(reduction, tau=tau)

    def forward(self, input, target):
        return R.pinball_loss(input, target, **self.options(), reduction=self.reduction)


class PseudoHuberLoss(_Options):
    def __init__(self, delta=1.0, reduction="mean"):
        super().__init__(reduction, delta=delta)

    def forward(self, input, target):
        return R.pseudo_huber_loss(input, target, **self.options(), reduction=self.reduction)


# ---- classification -----------------------------------------------------------------------------
class HingeLoss(_Loss):
    def forward(self, input, target):
        return C.hinge_loss(input, target, reduction=self.reduction)


class SquaredHingeLoss(_Loss):
    def forward(self, input, target):
        return C.squared_hinge_loss(input, target, reduction=self.reduction)


class CategoricalHingeLoss(_Loss):
    def forward(self, input, target):
        return C.categorical_hinge_loss(input, target, reduction=self.reduction)


class MultiClassHingeLoss(_Loss):
    def forward(self, input, target):
        return C.multiclass_hinge_loss(input, target, reduction=self.reduction)


class PerceptronLoss(_Loss):
    def forward(self, input, target):
        return C.perceptron_loss(input, target, reduction=self.reduction)


class MultiClassPerceptronLoss(_Loss):
    def forward(self, input, target):
        return C.multiclass_perceptron_loss(input, target, reduction=self.reduction)


class SigmoidFocalLoss(_Options):
    def __init__(self, alpha=0.25, gamma=2.0, reduction="mean"):
        super().__init__(reduction, alpha=alpha, gamma=gamma)

    def forward(self, input, target):
        return C.sigmoid_focal_loss(input, target, **self.options(), reduction=self.reduction)


class BinaryFocalCrossentropy(_Options):
    def __init__(self, gamma=2.0, alpha=0.25, apply_class_balancing=False, from_logits=False,
                 label_smoothing=0.0, reduction="mean"):
        super().__init__(reduction, gamma=gamma, alpha=alpha, apply_class_balancing=apply_class_balancing,
                         from_logits=from_logits, label_smoothing=label_smoothing)

    def forward(self, input, target):
        return C.binary_focal_crossentropy(input, target, **self.options(), reduction=self.reduction)


class CategoricalFocalLoss(_Options):
    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, reduction="mean"):
        super().__init__(reduction, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing)

    def forward(self, input, target):
        return C.categorical_focal_loss(input, target, **self.options(), reduction=self.reduction)


class Poly1Loss(_Options):
    def __init__(self, epsilon=2.0, reduction="mean"):
        super().__init__(reduction, epsilon=epsilon)

    def forward(self, input, target):
        return C.poly1_loss(input, target, **self.options(), reduction=self.reduction)


class GeneralizedCrossEntropy(_Options):
    def __init__(self, q=0.7, reduction="mean"):
        super().__init__(reduction, q=q)

    def forward(self, input, target):
        return C.generalized_cross_entropy(input, target, **self.options(), reduction=self.reduction)


class SparsemaxLoss(_Loss):
    def forward(self, input, target):
        return S.sparsemax_loss(input, target, reduction=self.reduction)


class MultiClassSparsemaxLoss(_Loss):
    def forward(self, input, target):
        return S.multiclass_sparsemax_loss(input, target, reduction=self.reduction)


class DiceLoss(_Options):
    def __init__(self, dim=None, eps=EPS_K, reduction="mean"):
        super().__init__(reduction, dim=dim, eps=eps)

    def forward(self, input, target):
        return G.dice_loss(input, target, **self.options(), reduction=self.reduction)


class TverskyLoss(_Options):
    def __init__(self, alpha=0.5, beta=0.5, dim=None, eps=EPS_K, reduction="mean"):
        super().__init__(reduction, alpha=alpha, beta=beta, dim=dim, eps=eps)

    def forward(self, input, target):
        return G.tversky_loss(input, target, **self.options(), reduction=self.reduction)


class MultiClassDiceLoss(_Options):
    def __init__(self, smooth=1.0, alpha=0.5, beta=0.5, apply_softmax=True, class_weights=None,
                 ignore_background=False, reduction="mean"):
        super().__init__(reduction, smooth=smooth, alpha=alpha, beta=beta, apply_softmax=apply_softmax,
                         class_weights=class_weights, ignore_background=ignore_background)

    def forward(self, input, target):
        return G.multiclass_dice_loss(input, target, **self.options(), reduction=self.reduction)


# ---- distribution, ranking, metric learning -----------------------------------------------------
class GeneralizedKLDivLoss(_Loss):
    def forward(self, input, target):
        return D.generalized_kl_divergence(input, target, reduction=self.reduction)


class JSDivLoss(_Loss):
    def forward(self, input, target):
        return D.js_divergence(input, target, reduction=self.reduction)


class RankingSoftmaxLoss(_Loss):
    def forward(self, input, target, where_mask=None):
        return K.ranking_softmax_loss(input, target, where_mask, reduction=self.reduction)


class NTXentLoss(_Options):
    def __init__(self, temperature=0.07, reduction="mean"):
        super().__init__(reduction, temperature=temperature)

    def forward(self, embeddings, labels):
        return N.ntxent_loss(embeddings, labels, **self.options(), reduction=self.reduction)


class InfoNCELoss(_Options):
    def __init__(self, temperature=0.1, symmetric=False, reduction="mean"):
        super().__init__(reduction, temperature=temperature, symmetric=symmetric)

    def forward(self, query, keys):
        return N.info_nce_loss(query, keys, **self.options(), reduction=self.reduction)


__all__ = [name for name, obj in list(globals().items())
           if isinstance(obj, type) and issubclass(obj, _Loss) and not name.startswith("_")]
