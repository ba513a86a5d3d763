"""torch.nn.functional for tinygrad-losses: activations and every loss, composed from Tensor ops.

Each loss family lives in its own file under ``tinygrad_losses/losses/``; this module
re-exports them.
"""
from tinygrad_losses.activations import softplus, logsigmoid, relu, leaky_relu, sigmoid, tanh  # noqa: F401
from tinygrad_losses.creation import one_hot  # noqa: F401
from tinygrad_losses.losses.margin import (hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss,  # noqa: F401
                                           margin_ranking_loss, multi_margin_loss, multilabel_margin_loss)
from tinygrad_losses.losses.metric import (pairwise_distance, cosine_similarity, cosine_embedding_loss,  # noqa: F401
                                           triplet_margin_loss, triplet_margin_with_distance_loss)
from tinygrad_losses.losses.regression import l1_loss, mse_loss, smooth_l1_loss, huber_loss  # noqa: F401
from tinygrad_losses.losses.classification import (cross_entropy, nll_loss, binary_cross_entropy,  # noqa: F401
                                                   binary_cross_entropy_with_logits)
from tinygrad_losses.losses.distribution import poisson_nll_loss, gaussian_nll_loss, kl_div  # noqa: F401
from tinygrad_losses.losses.beyond import *  # noqa: F401,F403  (losses beyond PyTorch: Keras / optax / extras)
from tinygrad_losses.losses.sequence import ctc_loss  # noqa: F401
from tinygrad_losses.losses.linear_cross_entropy import linear_cross_entropy  # noqa: F401


def softmax(input, dim, dtype=None):
    return input.softmax(dim, dtype)


def log_softmax(input, dim, dtype=None):
    return input.log_softmax(dim, dtype)
