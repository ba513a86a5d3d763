"""``tl.nn.utils``: gradient clipping, as torch.nn.utils (call between ``backward()`` and ``step()``)."""
import math

from tinygrad_losses.autograd import no_grad
from tinygrad_losses.creation import stack, tensor
from tinygrad_losses.tensor import Tensor


def _grads(parameters, owner):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = []
    for i, p in enumerate(parameters):
        if not isinstance(p, Tensor):
            raise TypeError(f"{owner}: parameters[{i}] must be a Tensor, got {type(p).__name__}")
        if p.grad is not None:
            grads.append(p.grad)
    return grads


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so that their joint ``norm_type``-norm (the norm of the
    per-parameter norms) is at most ``max_norm``: g ← g · min(1, max_norm / (‖g‖ + 1e-6)).
    Returns the norm before clipping (a 0-d tensor), as torch does."""
    grads = _grads(parameters, "clip_grad_norm_")
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return tensor(0.0)
    with no_grad():
        total = stack([g.norm(norm_type) for g in grads]).norm(norm_type)
        if error_if_nonfinite and not math.isfinite(total.item()):
            raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
                               f"non-finite ({total.item()}), so it cannot be clipped; set "
                               f"error_if_nonfinite=False to scale the gradients by it anyway")
        scale = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(scale)
    return total


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient element into [−clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters, "clip_grad_value_"):
            g.clamp_(-clip_value, clip_value)
