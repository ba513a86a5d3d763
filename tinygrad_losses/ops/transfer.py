"""Moving a tensor between devices, differentiably (the gradient moves back)."""
import kernels
from tinygrad_losses.autograd import Function


class ToDevice(Function):
    saves_inputs = False

    @classmethod
    def apply(cls, x, device="cpu"):
        out = super().apply(x, device=device)
        out._device, out._backend = device, kernels.backend(device)
        return out

    def forward(self, B, x, device="cpu"):
        return kernels.backend(device).from_numpy(B.to_numpy(x))

    def backward(self, g):
        return g.to(self.parents[0].device)
