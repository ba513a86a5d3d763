"""Divergences beyond PyTorch: optax's generalized KL (for unnormalised measures) and Jensen–Shannon."""
from tinygrad_losses.autograd import named_scope
from tinygrad_losses.losses._beyond_common import check_pair, xlogy
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses.registry import register


@named_scope("generalized_kl_divergence")
def generalized_kl_divergence(input, target, reduction="mean"):
    """Generalized KL divergence of non-negative measures t (target) and q = exp(input).

    ℓ = Σ_last [t·(log t − input) + e^input − t], with 0·log 0 = 0 (a t = 0 term is just q).
    It is ≥ 0, zero iff q = t, and equals the KL divergence when both sum to 1.
    Args: input (…, C) log-predictions; target (…, C) ≥ 0, same shape. Returns (…) for 'none';
    'mean' divides by the number of rows.
    Example: q=[0.2,0.5,0.6] (input = log q), t=[0.3,0,0.9] → 0.586558.
    optax: optax.losses.generalized_kl_divergence(input, target).
    """
    fn = "generalized_kl_divergence"
    check_pair(input, target, fn, last_axis=True)
    reduction = check_reduction(reduction)
    ell = xlogy(target, target) - target * input + input.exp() - target
    return reduce(ell.sum(-1), reduction)


@named_scope("js_divergence")
def js_divergence(input, target, reduction="mean"):
    """Jensen–Shannon divergence of two distributions along the last axis (symmetric, ≤ log 2).

    ℓ = ½·KL(P‖M) + ½·KL(Q‖M), M = (P + Q)/2, KL(A‖M) = Σ A·(log A − log M), 0·log 0 = 0.
    Args: input P, target Q (…, C) probabilities, same shape. Returns (…) for 'none'; 'mean'
    divides by the number of rows. Both arguments get gradients.
    Example: P=[0.2,0.5,0.3], Q=[0.1,0.1,0.8] → 0.140228.
    """
    fn = "js_divergence"
    check_pair(input, target, fn, last_axis=True)
    reduction = check_reduction(reduction)
    m = (input + target) / 2
    kl_p = xlogy(input, input) - xlogy(input, m)
    kl_q = xlogy(target, target) - xlogy(target, m)
    return reduce(((kl_p + kl_q) / 2).sum(-1), reduction)


register("generalized_kl_divergence", generalized_kl_divergence, "GeneralizedKLDivLoss", "distribution",
         r"\ell = \sum_c t_c (\log t_c - x_c) + e^{x_c} - t_c", "sum(t * (log t - x) + exp(x) - t)",
         "The KL divergence extended to unnormalised non-negative measures (the I-divergence): the "
         "extra terms e^x − t make it zero exactly when the prediction equals the target. Used for "
         "non-negative matrix factorisation and count-like outputs. optax's generalized_kl_divergence.",
         {"input": [-1.6094379124341003, -0.6931471805599453, -0.5108256237659907],
          "target": [0.3, 0.0, 0.9]})
register("js_divergence", js_divergence, "JSDivLoss", "distribution",
         r"\ell = \tfrac12 KL(P\|M) + \tfrac12 KL(Q\|M),\ M = \tfrac12(P+Q)",
         "KL(P||M)/2 + KL(Q||M)/2, M = (P + Q)/2",
         "The Jensen–Shannon divergence: a symmetric, bounded (by log 2) smoothing of the KL divergence "
         "that stays finite when the supports differ. Its square root is a metric.",
         {"input": [0.2, 0.5, 0.3], "target": [0.1, 0.1, 0.8]})
