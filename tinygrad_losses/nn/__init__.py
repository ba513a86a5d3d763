"""torch.nn for tinygrad-losses: Module, layers, and a class for every loss."""
from tinygrad_losses.nn.module import Module, Parameter  # noqa: F401
from tinygrad_losses.nn.layers import (Linear, Sequential, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax,  # noqa: F401
                                       LogSoftmax, Flatten, Identity, Dropout, linear, gelu, dropout)
from tinygrad_losses.nn import init  # noqa: F401
from tinygrad_losses.nn.serialization import save, load, save_file, load_file  # noqa: F401
from tinygrad_losses.nn.losses_torch_b import (HingeEmbeddingLoss, MultiLabelMarginLoss, SoftMarginLoss,  # noqa: F401
                                               MultiLabelSoftMarginLoss, MultiMarginLoss, MarginRankingLoss,
                                               CosineEmbeddingLoss, TripletMarginLoss, TripletMarginWithDistanceLoss,
                                               PairwiseDistance, CosineSimilarity)
from tinygrad_losses.nn.losses_torch_a import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, CrossEntropyLoss,  # noqa: F401
                                               NLLLoss, NLLLoss2d, BCELoss, BCEWithLogitsLoss, PoissonNLLLoss,
                                               GaussianNLLLoss, KLDivLoss)
from tinygrad_losses.nn.losses_beyond import *  # noqa: E402,F401,F403  (classes of the losses beyond PyTorch)
from tinygrad_losses.nn.losses_kernels import CTCLoss, LinearCrossEntropyLoss, LinearCrossEntropyOptions  # noqa: F401
