"""torch.nn for tinygrad-losses: Module, layers, and a class for every loss."""
from tinygrad_losses.nn.module import Module, Parameter  # noqa: F401
from tinygrad_losses.nn.layers import (Linear, Sequential, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax,  # noqa: F401
                                       LogSoftmax, Flatten, Identity, Dropout, linear, gelu, dropout)
from tinygrad_losses.nn.containers import ModuleList, ModuleDict  # noqa: F401
from tinygrad_losses.nn import init, utils  # noqa: F401  (tl.nn.utils.clip_grad_norm_, as torch)
from tinygrad_losses.nn.serialization import save, load, save_file, load_file  # noqa: F401
from tinygrad_losses.nn.loss import *  # noqa: F401,F403  (a class for every loss)
from tinygrad_losses.nn.loss import LinearCrossEntropyOptions  # noqa: F401
from tinygrad_losses.nn import functional  # noqa: F401,E402  (tl.nn.functional, as torch.nn.functional)
