"""tinygrad-losses: a small reverse-mode autodiff engine with an exact library of losses.

    import tinygrad_losses as tl
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad   # tensor([2., 4.])
"""
from tinygrad_losses.dtypes import (bool_, uint8, int8, int16, int32, int64, float16, float32, float64,  # noqa: F401
                                    half, double, long)
from tinygrad_losses.tensor import Tensor, matmul, where  # noqa: F401
from tinygrad_losses.autograd import (no_grad, enable_grad, set_grad_enabled, is_grad_enabled,  # noqa: F401
                                      inference_mode, grad, backward)
from tinygrad_losses.creation import (tensor, as_tensor, from_numpy, zeros, ones, full, empty,  # noqa: F401
                                      zeros_like, ones_like, full_like, arange, linspace, randn, rand,
                                      randint, randperm, eye, one_hot, cat, stack)
from tinygrad_losses.rng import manual_seed  # noqa: F401
from tinygrad_losses.interop import cuda, cuda_is_available, from_dlpack  # noqa: F401
from tinygrad_losses.activations import softplus, logsigmoid, relu, leaky_relu, sigmoid, tanh  # noqa: F401
from tinygrad_losses.gradcheck import gradcheck, gradgradcheck, GradcheckError  # noqa: F401
from tinygrad_losses.tensor_functions import *  # noqa: F401,F403
from tinygrad_losses.losses.registry import losses_table  # noqa: F401
from tinygrad_losses.viz import scopes as _scopes  # noqa: F401,E402  (tags graph nodes with their loss / Module call)

__version__ = "0.1.0"

# torch's layout: tl.nn, tl.optim, tl.functional (also tl.nn.functional), tl.viz, tl.utils and
# tl.losses resolve as attributes, imported on first use so that ``import tinygrad_losses`` stays fast.
_SUBMODULES = ("nn", "optim", "functional", "viz", "utils", "losses", "datasets")


def __getattr__(name):
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f"tinygrad_losses.{name}")
    raise AttributeError(f"module 'tinygrad_losses' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
