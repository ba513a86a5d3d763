"""The one place where a loss's ``reduction`` is checked and applied."""
import warnings

_VALID = ("none", "mean", "sum")


def check_reduction(reduction, extra=(), message=None):
    """Validate ``reduction`` ('elementwise_mean' is accepted with torch's deprecation warning).

    ``extra`` adds loss-specific values (kl_div's 'batchmean'); ``message`` overrides the error
    text for the losses whose torch error differs ("<r> is not valid").
    """
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      UserWarning, stacklevel=3)
        return "mean"
    if reduction not in _VALID + tuple(extra):
        valid = ", ".join(repr(r) for r in _VALID + tuple(extra))
        raise ValueError(message.format(reduction=reduction) if message else
                         f"{reduction} is not a valid value for reduction (expected one of {valid})")
    return reduction


def strict_reduction(reduction, message=None):
    """``check_reduction`` for the losses whose torch parser does not know the deprecated
    'elementwise_mean' (gaussian_nll, poisson_nll, multilabel_soft_margin,
    triplet_margin_with_distance, the weighted l1/mse/huber): it is refused like any other
    invalid value, with the same error text."""
    if reduction == "elementwise_mean":
        text = message or "{reduction} is not a valid value for reduction (expected one of 'none', 'mean', 'sum')"
        raise ValueError(text.format(reduction=reduction))
    return check_reduction(reduction, message=message)


def reduce(loss, reduction, denominator=None):
    """Apply ``reduction`` to the unreduced loss. 'mean' divides by ``denominator`` when given
    (a Tensor or number: the sum of weights, a target length ...), else by ``loss.numel()``.
    The mean of an empty loss is nan, the sum 0, as in torch."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if denominator is None:
        return loss.sum() / loss.numel() if loss.numel() else loss.sum() * float("nan")
    return loss.sum() / denominator
