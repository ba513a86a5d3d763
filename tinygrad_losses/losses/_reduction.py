"""The one place where a loss's ``reduction`` is checked and applied."""
import functools
import inspect
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


def legacy_reduction(size_average, reduce, reduction):
    """The ``reduction`` that torch's deprecated flags mean, with torch's warning; ``reduction``
    itself when both are None. As in torch, given flags win over ``reduction``:
    reduce=False -> 'none', else size_average=False -> 'sum', else 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    for name, flag in (("size_average", size_average), ("reduce", reduce)):
        if flag is not None and not isinstance(flag, (bool, int)):  # e.g. a reduction string in their place
            raise TypeError(f"{name} must be a bool or None, got {flag!r}; pass reduction= by keyword")
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    meant = "mean" if size_average and reduce else ("sum" if reduce else "none")
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{meant}' instead.",
                  UserWarning, stacklevel=3)
    return meant


def legacy_flags(loss):
    """Decorator: the loss function also takes torch's deprecated ``size_average=`` and ``reduce=``
    keywords, mapped by ``legacy_reduction``. (A decorator, not two parameters: a parameter named
    ``reduce`` would hide this module's ``reduce`` inside the loss's body.)"""
    signature = inspect.signature(loss)

    @functools.wraps(loss)
    def with_legacy_flags(*args, size_average=None, reduce=None, **kwargs):
        if size_average is None and reduce is None:
            return loss(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        bound.arguments["reduction"] = legacy_reduction(size_average, reduce, bound.arguments["reduction"])
        return loss(*bound.args, **bound.kwargs)

    flags = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None)
             for name in ("size_average", "reduce")]
    with_legacy_flags.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *flags])
    return with_legacy_flags


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
