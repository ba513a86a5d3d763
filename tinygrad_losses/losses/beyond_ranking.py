"""Listwise ranking: optax's softmax cross-entropy over the items of a list."""
from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._beyond_common import check_pair
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor, where


@named_scope("ranking_softmax_loss")
def ranking_softmax_loss(input, target, where_mask=None, reduction="mean"):
    """Softmax (ListNet-style) ranking loss: cross-entropy of the relevance labels against the
    softmax of the scores over each list (the last axis).

    ℓ = −Σ_i y_i · log_softmax(s)_i. Items with ``where_mask`` False are left out (their logits act
    as −inf and their labels as 0); a list with no valid item gives 0.
    Args: input (…, L) scores; target (…, L) relevance labels ≥ 0 (floating), same shape;
    where_mask (…, L) bool or None. Returns (…) for 'none'; 'mean' divides by the number of lists.
    Example: s=[2,1,3], y=[1,0,0] → 1.40761.
    optax: optax.losses.ranking_softmax_loss(input, target, where=where_mask) (rax's softmax_loss).
    """
    fn = "ranking_softmax_loss"
    check_pair(input, target, fn, last_axis=True)
    reduction = check_reduction(reduction)
    if where_mask is None:
        return reduce(-(target * input.log_softmax(-1)).sum(-1), reduction)
    if not isinstance(where_mask, Tensor) or where_mask.dtype.kind != "b" or where_mask.shape != input.shape:
        raise TypeError(f"{fn}: where_mask must be a bool Tensor of shape {tuple(input.shape)}, got "
                        + (f"{where_mask.dtype} of shape {tuple(where_mask.shape)}"
                           if isinstance(where_mask, Tensor) else type(where_mask).__name__))
    # masked items get −inf logits; lists with no valid item keep theirs (their labels are all masked)
    keep = where_mask | ~where_mask.any(-1, keepdim=True)
    log_p = where(keep, input, float("-inf")).log_softmax(-1)
    return reduce(-where(where_mask, target * log_p, 0.0).sum(-1), reduction)


register("ranking_softmax_loss", ranking_softmax_loss, "RankingSoftmaxLoss", "ranking",
         r"\ell = -\sum_i y_i \log \frac{e^{s_i}}{\sum_j e^{s_j}}", "-sum(y * log_softmax(s))",
         "A listwise learning-to-rank loss: treats the scores of a list's items as a softmax "
         "distribution and the relevance labels as targets, so relevant items are pushed to the top. "
         "optax's ranking_softmax_loss (ListNet / rax softmax_loss).",
         {"input": [2.0, 1.0, 3.0], "target": [1.0, 0.0, 0.0]})
