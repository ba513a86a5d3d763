"""Small primitives the PyTorch losses need because torch defines their gradient specially.

Each is a ``Function`` whose backward is written with Tensor ops (so second derivatives exist):

  BinaryCrossEntropy    forward clamps the logs at -100, backward is torch's (p - y)/max(p(1-p), 1e-12),
                        which is *not* the derivative of the clamped forward
  ClampStraightThrough  max(x, min) whose gradient passes unchanged (torch's ``no_grad`` clamp_)
  XLogY                 x·log(y), 0 where x = 0, with torch's gradient rules (see the class)
"""
import numpy as np

from tinygrad_losses.autograd import Function
from tinygrad_losses.tensor import where

# torch keeps this epsilon in a float (even for double inputs): float32(1e-12) ≈ 9.99999996e-13
BCE_GRAD_EPS = float(np.float32(1e-12))


class BinaryCrossEntropy(Function):
    """ℓ = −[y·max(log p, −100) + (1−y)·max(log(1−p), −100)] (unweighted, elementwise; p, y same shape).

    NOTE the gradient is torch's ∂ℓ/∂p = (p − y) / max(p(1−p), ε₁₂): at p = 0, y = 1 the loss is
    100 but the gradient is about −1e12. Target gradient: log(1−p) − log p (±inf at p ∈ {0, 1}).
    """

    def forward(self, B, p, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = B.maximum(B.log(p), -100)
            log_1mp = B.maximum(B.log1p(B.negative(p)), -100)
            return B.negative(B.add(B.multiply(y, log_p), B.multiply(B.subtract(1, y), log_1mp)))

    def backward(self, g):
        p, y = self.parents
        with np.errstate(divide="ignore", invalid="ignore"):
            gp = g * (p - y) / (p * (1 - p)).clamp_min(BCE_GRAD_EPS) if p.requires_grad else None
            gy = g * ((-p).log1p() - p.log()) if y.requires_grad else None
        return gp, gy


class ClampStraightThrough(Function):
    """max(x, min) in the forward; the gradient passes unchanged (also below ``min``).

    Used where torch clamps under ``no_grad`` (gaussian_nll_loss's variance, cosine_similarity's
    norms): the gradient is evaluated at the clamped value but never zeroed.
    """
    saves_inputs = False

    def forward(self, B, x, min=None):
        self.min = min
        return B.maximum(x, B.scalar(min, x.dtype))

    def options(self):
        return {"min": self.min}

    def backward(self, g):
        return g


class XLogY(Function):
    """x·log(y), defined as 0 where x = 0 (unless y is nan): the entropy term of kl_div.

    NOTE torch's gradients: d/dx = log y, except 0 where x = 0 and y <= 0 (so not −inf at x = y = 0);
    d/dy = x / y (so 0/0 = nan at x = y = 0). Both tensors must have one shape and dtype.
    """

    def forward(self, B, x, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = B.multiply(x, B.log(y))
            zero_term = B.logical_and(B.equal(x, 0), B.logical_not(B.isnan(y)))
            return B.where(zero_term, B.scalar(0, out.dtype), out)

    def backward(self, g):
        x, y = self.parents
        with np.errstate(divide="ignore", invalid="ignore"):
            gx = None
            if x.requires_grad:
                x_, y_ = x.detach(), y.detach()
                gx = where((x_ == 0) & (y_ <= 0), 0, XLogY.apply(g, y))  # g·log y, 0 where g = 0
            gy = g * x / y if y.requires_grad else None
        return gx, gy


def xlogy(x, y):
    """x·log(y) with 0 where x = 0 (torch.xlogy) for two floating tensors of one dtype and shape."""
    return XLogY.apply(x, y)
