"""Sequence losses: ctc_loss (Connectionist Temporal Classification), torch 2.13's semantics.

The alpha/beta recursions run in the backend's kernel (``kernels/cpu/ctc.py``, numba, parallel over the
batch; ``kernels/cuda/ctc.py`` for log_probs on "cuda");
``CTCLoss`` is the graph node around it. Reductions are composed from Tensor ops on its
per-sample output.
"""
import numpy as np

from tinygrad_losses import autograd
from tinygrad_losses import hooks
from tinygrad_losses.autograd import Function
from tinygrad_losses.losses._reduction import check_reduction, reduce
from tinygrad_losses.losses._checks import tensor_arg
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor


class CTCLoss(Function):
    """Per-sample CTC negative log-likelihood of log_probs (T, N, C) -> (N,) (unbatched (T, C) -> ()).

    A primitive for speed (the recursions are sequential loops) and because torch defines its
    gradient specially: d nll_n / d lp[t, n, c] = exp(lp) − γ_t(c) (the gradient w.r.t. the logits
    of a log_softmax), 0 for t >= T_n. Forward computes it with the loss; backward scales it by
    the upstream gradient. First order only: see ``CTCGrad``.
    """
    saves_inputs = False  # backward reads only the kernel's gradient

    def forward(self, B, lp, targets=None, input_lengths=None, target_lengths=None, blank=0,
                zero_infinity=False, need_grad=True):
        if need_grad:  # the backend's kernel: kernels/cpu/ctc.py (numba, imported on first call) or kernels/cuda/ctc.py
            nll, self.grad = B.ctc_loss_forward_backward(lp, targets, input_lengths, target_lengths, blank,
                                                         zero_infinity)
        else:
            nll, self.grad = B.ctc_loss_forward(lp, targets, input_lengths, target_lengths, blank,
                                                zero_infinity), None
        return nll

    def backward(self, g):
        scale = g._data if g.ndim == 0 else g._data[None, :, None]  # grad is (T, N, C) or (T, C)
        if autograd.is_grad_enabled():  # create_graph: a node whose own backward refuses
            return CTCGrad.apply(g, self.parents[0], grad=self.grad)
        return Tensor._make(self.grad * scale, g.device, False)


class CTCGrad(Function):
    """The CTC gradient as a graph node (made under create_graph=True); it cannot be differentiated."""
    saves_inputs = False

    def forward(self, B, g, lp, grad=None):
        return grad * (g if g.ndim == 0 else g[None, :, None])

    def backward(self, g):
        raise RuntimeError("ctc_loss: double backward is not supported (torch: derivative for "
                           "aten::_ctc_loss_backward is not implemented); the CTC gradient is first order only")


def _as_array(value, name):
    """Lengths / targets: a Tensor, or a list / tuple of ints (torch refuses a bare int: TypeError)."""
    if isinstance(value, Tensor):
        return value.numpy()
    if isinstance(value, (list, tuple)):
        return np.asarray(value) if len(value) else np.zeros(0, np.int64)
    if isinstance(value, np.ndarray):
        return value
    raise TypeError(f"ctc_loss: {name} must be a Tensor or a list/tuple of ints, got {type(value).__name__}")


@hooks.labelled("ctc_loss")
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist Temporal Classification loss: −log of the total probability of every
    alignment of the target to the input (blanks between and around labels, repeats merged).

    Per sample, with extended label l' = (b, l1, b, …, lL, b) and y_t = exp(log_probs[t]):
        α_0(0) = y_0(b), α_0(1) = y_0(l1);  α_t(s) = y_t(l'_s)·(α_{t−1}(s) + α_{t−1}(s−1) + [l'_s ≠ b, l'_s ≠ l'_{s−2}]·α_{t−1}(s−2))
        ℓ_n = −log(α_{T_n−1}(2L) + α_{T_n−1}(2L−1))          (computed in log space)
    A target that does not fit (T_n < L + #adjacent repeats) gives ℓ_n = inf (and nan gradients
    in that sample) unless ``zero_infinity``, which makes both 0.

    Args:
        log_probs: (T, N, C) or unbatched (T, C) float32/float64 log-probabilities (log_softmax output;
            not checked).
        targets: padded (N, S) with S >= max target length, or concatenated 1-D of length
            Σ target_lengths (unbatched: (S,)); integer symbols in [0, C), different from ``blank``.
        input_lengths, target_lengths: (N,) integer tensors or lists/tuples of ints.
        blank: the blank's class index.  reduction: 'none' | 'mean' | 'sum'.  zero_infinity: bool.
    Returns: (N,) (unbatched ()) for 'none', else a scalar.
    'mean' divides each ℓ_n by max(target_lengths[n], 1), then averages over the batch.
    Gradient (torch's): d/d log_probs[t, n, c] = exp(log_probs) − γ_t(c) (posterior occupancy) for t < T_n,
    0 after; it equals the true gradient w.r.t. the logits of a log_softmax. First order only.
    Departure from torch: target symbols are validated (outside [0, C) -> IndexError, the blank -> ValueError).

    Example: T = 1, C = 2, log_probs = log([[0.25, 0.75]]), target [1] → ℓ = −log 0.75 = 0.287682
    (the only alignment is the label itself); the empty target → −log 0.25 = 1.386294.
    >>> log_probs = tl.tensor([[[0.25, 0.75]]]).log()
    >>> F.ctc_loss(log_probs, tl.tensor([[1]]), tl.tensor([1]), tl.tensor([1]))
    tensor(0.2877)

    torch.nn.functional.ctc_loss.
    """
    fn = "ctc_loss"
    tensor_arg(fn, "log_probs", log_probs)
    reduction = check_reduction(reduction)
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"{fn}: expected log_probs of 3 dimensions (T, N, C) or 2 (T, C), got a "
                           f"{log_probs.ndim}-dimensional tensor of shape {tuple(log_probs.shape)}")
    tg = _as_array(targets, "targets")
    il = _as_array(input_lengths, "input_lengths")
    tl_ = _as_array(target_lengths, "target_lengths")
    need_grad = autograd.is_grad_enabled() and log_probs.requires_grad
    nll = CTCLoss.apply(log_probs, targets=tg, input_lengths=il, target_lengths=tl_, blank=blank,
                        zero_infinity=bool(zero_infinity), need_grad=need_grad)
    if reduction == "mean":
        lengths = np.maximum(np.asarray(tl_, np.int64).reshape(nll.shape), 1).astype(nll.dtype)
        return reduce(nll / Tensor(lengths, device=nll.device), "mean")
    return reduce(nll, reduction)


register("ctc_loss", ctc_loss, "CTCLoss", "sequence",
         r"\ell_n = -\log \sum_{\pi \in \mathcal{B}^{-1}(l_n)} \prod_t y_t(\pi_t)",
         "l_n = -log sum over alignments pi of target l_n of prod_t y_t(pi_t)",
         "Sequence labelling without frame-level alignment (speech, handwriting): sums the probability "
         "of every way the target can be spread over the input frames, with blanks and merged repeats.",
         {"log_probs": [[-1.3862943611198906, -0.2876820724517809]], "targets": [1],
          "input_lengths": [1], "target_lengths": [1]})
