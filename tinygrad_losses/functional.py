"""torch.nn.functional for tinygrad-losses: activations and every loss, composed from Tensor ops.

This is the one home of the functional names (``tinygrad_losses.nn.functional`` is this module).
Each loss family lives in its own file under ``tinygrad_losses/losses/``, named like the
registry's kinds; this module re-exports them.
"""
from tinygrad_losses.activations import softplus, logsigmoid, relu, leaky_relu, sigmoid, tanh  # noqa: F401
from tinygrad_losses.creation import one_hot  # noqa: F401
from tinygrad_losses.losses.regression import (l1_loss, mse_loss, smooth_l1_loss, huber_loss,  # noqa: F401
                                               log_cosh_loss, msle_loss, mape_loss, poisson_loss,
                                               cosine_similarity_loss, pinball_loss, pseudo_huber_loss)
from tinygrad_losses.losses.classification import (cross_entropy, nll_loss, binary_cross_entropy,  # noqa: F401
                                                   binary_cross_entropy_with_logits, sigmoid_focal_loss,
                                                   binary_focal_crossentropy, categorical_focal_loss, poly1_loss,
                                                   generalized_cross_entropy, sparsemax, sparsemax_loss,
                                                   multiclass_sparsemax_loss)
from tinygrad_losses.losses.linear_cross_entropy import linear_cross_entropy  # noqa: F401
from tinygrad_losses.losses.margin import (soft_margin_loss, multilabel_soft_margin_loss,  # noqa: F401
                                           margin_ranking_loss, multi_margin_loss, multilabel_margin_loss,
                                           hinge_loss, squared_hinge_loss, categorical_hinge_loss,
                                           multiclass_hinge_loss, perceptron_loss, multiclass_perceptron_loss,
                                           ranking_softmax_loss)
from tinygrad_losses.losses.metric import (pairwise_distance, cosine_similarity, cosine_embedding_loss,  # noqa: F401
                                           triplet_margin_loss, triplet_margin_with_distance_loss,
                                           hinge_embedding_loss, ntxent_loss, info_nce_loss)
from tinygrad_losses.losses.distribution import (poisson_nll_loss, gaussian_nll_loss, kl_div,  # noqa: F401
                                                 generalized_kl_divergence, js_divergence)
from tinygrad_losses.losses.segmentation import dice_loss, tversky_loss, multiclass_dice_loss  # noqa: F401
from tinygrad_losses.losses.sequence import ctc_loss  # noqa: F401


def softmax(input, dim, dtype=None):
    return input.softmax(dim, dtype)


def log_softmax(input, dim, dtype=None):
    return input.log_softmax(dim, dtype)
