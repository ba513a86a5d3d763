"""Every loss beyond PyTorch, in one namespace (the families live in the beyond_*.py / contrastive.py
files); ``tinygrad_losses.functional`` re-exports this."""
from tinygrad_losses.losses.beyond_regression import (log_cosh_loss, msle_loss, mape_loss, poisson_loss,  # noqa: F401
                                                      cosine_similarity_loss, pinball_loss, pseudo_huber_loss)
from tinygrad_losses.losses.beyond_classification import (hinge_loss, squared_hinge_loss,  # noqa: F401
                                                          categorical_hinge_loss, multiclass_hinge_loss,
                                                          perceptron_loss, multiclass_perceptron_loss,
                                                          sigmoid_focal_loss, binary_focal_crossentropy,
                                                          categorical_focal_loss, poly1_loss,
                                                          generalized_cross_entropy)
from tinygrad_losses.losses.beyond_sparsemax import sparsemax, sparsemax_loss, multiclass_sparsemax_loss  # noqa: F401
from tinygrad_losses.losses.beyond_segmentation import dice_loss, tversky_loss, multiclass_dice_loss  # noqa: F401
from tinygrad_losses.losses.beyond_distribution import generalized_kl_divergence, js_divergence  # noqa: F401
from tinygrad_losses.losses.beyond_ranking import ranking_softmax_loss  # noqa: F401
from tinygrad_losses.losses.contrastive import ntxent_loss, info_nce_loss  # noqa: F401

__all__ = [n for n in dir() if not n.startswith("_")]
