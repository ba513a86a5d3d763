"""linear_cross_entropy: the classifier matmul and cross-entropy, computed in chunks of rows.

    loss = cross_entropy(input @ Wᵀ + b, target, ...)      (torch 2.13's F.linear_cross_entropy)

For a large vocabulary V the (N, V) logits (and their gradient) dominate memory. The
``LinearCrossEntropy`` node never holds them at once: its forward loops over chunks of rows,
computes the chunk's logits, the fused cross-entropy loss and logits-gradient
(``kernels/cpu/cross_entropy.py``), and accumulates d/d input, d/d W and d/d b right away, so
that backward only scales those by the upstream gradient. Probability targets and K-dim
outputs (linear_weight (C, d1..dK, in)) take the reference path: linear, then cross_entropy.
"""
import numpy as np

from tinygrad_losses import autograd, dtypes
from tinygrad_losses import hooks
from tinygrad_losses.autograd import Function
from tinygrad_losses.losses import classification
from tinygrad_losses.losses._reduction import check_reduction
from tinygrad_losses.losses._checks import constant_arg, floating_arg, tensor_arg
from tinygrad_losses.losses.fused import composed_grad, mean_denominator
from tinygrad_losses.losses.registry import register
from tinygrad_losses.tensor import Tensor

# Bytes of one chunk's logits: with its gradient buffer, about twice this is live at once.
CHUNK_BYTES = 32 * 2 ** 20


def _kernel():
    from kernels.cpu.cross_entropy import cross_entropy_fused  # imports numba on first use
    return cross_entropy_fused


def chunk_rows(n_rows, n_classes, itemsize, batch_chunk_size=None):
    """Rows per chunk: ``batch_chunk_size`` if given, else what fits in CHUNK_BYTES (at least 1)."""
    if batch_chunk_size is not None:
        return max(1, min(n_rows, int(batch_chunk_size)))
    return max(1, min(n_rows, CHUNK_BYTES // max(1, n_classes * itemsize)))


def _chunked(x, w, b, target, weight, ignore_index, label_smoothing, rows, row_scale, need):
    """Loop over row chunks. Returns (per-row loss, gx, gw, gb) for an upstream gradient ``row_scale``
    of each row's loss (None: no gradients); ``need`` says which of gx, gw, gb to build."""
    n, v = x.shape[0], w.shape[0]
    loss = np.empty(n, x.dtype)
    want = row_scale is not None
    gx = np.empty_like(x) if want and need[0] else None
    gw = np.zeros_like(w) if want and need[1] else None
    gb = np.zeros(v, x.dtype) if want and b is not None and need[2] else None
    logits = np.empty((rows, v), x.dtype)
    tmp = np.empty_like(w) if gw is not None and n > rows else None
    wt = w.T
    kernel = _kernel()
    for i0 in range(0, n, rows):
        i1 = min(i0 + rows, n)
        z = logits[: i1 - i0]
        np.matmul(x[i0:i1], wt, out=z)
        if b is not None:
            z += b
        loss[i0:i1], g = kernel(z, target[i0:i1], weight, ignore_index, label_smoothing, "none")
        if not want:
            continue
        if np.ndim(row_scale):
            g *= row_scale[i0:i1, None]
        if gx is not None:
            # NOTE (Wᵀ·gᵀ)ᵀ, not g·W: OpenBLAS runs this short-and-wide-by-tall product several times
            # slower in the g·W orientation (measured: 1.5 s vs 0.3 s for a (262, 32000)·(32000, 512) chunk)
            gx[i0:i1] = np.matmul(wt, g.T).T
        if gw is not None:
            if tmp is None:
                np.matmul(g.T, x[i0:i1], out=gw)
            else:
                np.matmul(g.T, x[i0:i1], out=tmp)
                gw += tmp
        if gb is not None:
            gb += g.sum(0)
    if want and not np.ndim(row_scale) and row_scale != 1:
        for a in (gx, gw, gb):
            if a is not None:
                a *= row_scale
    return loss, gx, gw, gb


class LinearCrossEntropy(Function):
    """x (N, in), W (V, in), optional b (V,) and int64 targets (N,) -> per-row loss (N,) for 'none',
    else the reduced scalar. A primitive for memory: see the module docstring. Saves d/d x, W, b
    (computed in forward) for 'mean' / 'sum'; for 'none' the backward reruns the chunks, since each
    row's upstream gradient is known only then."""

    def forward(self, B, x, w, b=None, target=None, weight=None, ignore_index=-100, label_smoothing=0.0,
                reduction="mean", rows=1, need=(True, True, True)):
        self.target, self.weight, self.ignore_index = target, weight, ignore_index
        self.label_smoothing, self.reduction, self.rows, self.need = label_smoothing, reduction, rows, need
        denom = float(mean_denominator(target, weight, ignore_index)) if reduction == "mean" else 1.0
        self.scale = 1.0 / denom if denom else 0.0  # all ignored: the gradients are 0 (loss nan, below)
        want = reduction != "none" and any(need)
        loss, *self.grads = _chunked(x, w, b, target, weight, ignore_index, label_smoothing, rows,
                                     self.scale if want else None, need)
        self.saved = want
        if reduction == "none":
            return loss
        total = np.sum(loss, dtype=np.float64)
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                total = total / np.float64(denom)
        return np.asarray(total, x.dtype)

    def backward(self, g):
        x, w = self.parents[0], self.parents[1]
        b = self.parents[2] if len(self.parents) == 3 else None
        if autograd.is_grad_enabled():  # create_graph: the same gradient from Tensor ops (differentiable)
            z = x @ w.T if b is None else x @ w.T + b
            G = composed_grad(z, self.target, self.weight, self.ignore_index, self.label_smoothing, self.scale)
            G = G * (g.unsqueeze(1) if self.reduction == "none" else g)
            out = (G @ w, G.T @ x) + ((G.sum(0),) if b is not None else ())
            return out
        gd = g._data
        if self.saved:  # hand the saved arrays over, scaled in place
            grads, self.saved = self.grads, False
            self.grads = [None, None, None]
            if gd != 1:
                for a in grads:
                    if a is not None:
                        a *= gd
        else:  # 'none', or a second backward (retain_graph=True): rerun the chunks
            row_scale = gd if self.reduction == "none" else gd * self.scale
            need = (x.requires_grad, w.requires_grad, b is not None and b.requires_grad)
            _, *grads = _chunked(x._data, w._data, None if b is None else b._data, self.target, self.weight,
                                 self.ignore_index, self.label_smoothing, self.rows, row_scale, need)
        out = tuple(None if a is None else Tensor._make(a, x.device, False) for a in grads)
        return out[:len(self.parents)]


def _check_shapes(fn, input, linear_weight, linear_bias):
    if input.ndim not in (1, 2):
        raise RuntimeError(f"{fn}: expected input with dimensionality 1 or 2, got {input.ndim} "
                           f"(shape {tuple(input.shape)})")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"{fn}: expected linear_weight with dimensionality at least 2, got {linear_weight.ndim}")
    if linear_weight.shape[-1] != input.shape[-1]:
        raise RuntimeError(f"{fn}: expected equal input and linear_weight last dimensions (in_features), got "
                           f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    if linear_weight.ndim > 2 and input.ndim == 1:
        raise RuntimeError(f"{fn}: K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} "
                           f"requires batched input, (N, in), got unbatched input with shape {tuple(input.shape)}")
    if linear_bias is not None:
        tensor_arg(fn, "linear_bias", linear_bias)
        if tuple(linear_bias.shape) != tuple(linear_weight.shape[:-1]):
            raise RuntimeError(f"{fn}: expected linear_bias shape {tuple(linear_weight.shape[:-1])}, got "
                               f"{tuple(linear_bias.shape)}")


def _chunk_size(options):
    if options is None:
        return None
    size = getattr(options, "batch_chunk_size", None) if not isinstance(options, dict) else \
        options.get("batch_chunk_size")
    if size is not None and (not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size <= 0):
        raise ValueError(f"linear_cross_entropy: batch_chunk_size must be positive int or None, got {size!r}")
    return size


@hooks.labelled("linear_cross_entropy")
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """Cross-entropy of a linear classifier's logits, without materialising all the logits at once.

    ℓ_n = cross_entropy(z_n, y_n),  z_n = input_n · Wᵀ + b   (class indices: −w[y_n]·log softmax(z_n)[y_n],
    with label smoothing (1−ε)·that + (ε/C)·Σ_c w[c]·(−log softmax(z_n)[c]); see cross_entropy)

    Args:
        input: (in_features) or (N, in_features).
        linear_weight: (C, in_features), or (C, d1..dK, in_features) for K-dim outputs (reference path).
        target: class indices () / (N) (int64 / uint8), or probabilities of the logits' shape.
        linear_bias: optional (C,) (resp. (C, d1..dK)).  weight: optional (C,) class weights.
        reduction: 'none' | 'mean' | 'sum'.  ignore_index: None (= −100; must stay None for probabilities).
        label_smoothing: ε in [0, 1].  options: accepted for torch compatibility; only its
            ``batch_chunk_size`` (rows per chunk) is used — values are identical for every chunking.
    Returns: (N) ((), unbatched) for 'none', else a scalar. 'mean' divides as cross_entropy does:
    by Σ w[y_n] over non-ignored rows (all ignored → nan); probability targets by N.
    Class-index targets run chunked (peak memory ~ chunk × C instead of N × C); first-order gradients
    are computed during forward; create_graph=True backward is composed (and differentiable).

    Example: input = [[1, −0.5], [0.3, 2]], W = [[0.2, −0.1], [0.5, 0.4], [−0.3, 0.8]], b = [0.1, 0, −0.2],
    target = [2, 1], label_smoothing = 0.1 → 1.51308.
    >>> x = tl.tensor([[1, -0.5], [0.3, 2]])
    >>> w = tl.tensor([[0.2, -0.1], [0.5, 0.4], [-0.3, 0.8]])
    >>> b = tl.tensor([0.1, 0, -0.2])
    >>> F.linear_cross_entropy(x, w, tl.tensor([2, 1]), linear_bias=b, label_smoothing=0.1)
    tensor(1.5131)

    torch.nn.functional.linear_cross_entropy.
    """
    fn = "linear_cross_entropy"
    for name, t in (("input", input), ("linear_weight", linear_weight), ("target", target)):
        tensor_arg(fn, name, t)
    _check_shapes(fn, input, linear_weight, linear_bias)
    reduction = check_reduction(reduction)
    batch = _chunk_size(options)
    floating_arg(fn, "input", input)
    out_shape = ((input.shape[0],) if input.ndim == 2 else ()) + tuple(linear_weight.shape[:-1])
    probabilities = tuple(target.shape) == out_shape and dtypes.is_floating(target.dtype)
    if probabilities and ignore_index is not None:
        raise RuntimeError(f"{fn}: ignore_index cannot be specified when target contains probabilities "
                           f"(got ignore_index={ignore_index})")
    ii = -100 if ignore_index is None else int(ignore_index)
    eps = classification.label_smoothing_arg(fn, label_smoothing)
    chunked = (not probabilities and linear_weight.ndim == 2 and input.dtype in (dtypes.float32, dtypes.float64)
               and linear_weight.dtype == input.dtype and (linear_bias is None or linear_bias.dtype == input.dtype)
               and input.device == "cpu")
    if not chunked:  # reference path: the logits, then cross_entropy (which validates the rest)
        in_f = input.shape[-1]
        w2 = linear_weight.reshape(-1, in_f)
        z = input @ w2.T
        if linear_bias is not None:
            z = z + linear_bias.reshape(-1)
        z = z.reshape(out_shape)
        return classification.cross_entropy(z, target, weight=weight, ignore_index=ii, reduction=reduction,
                                            label_smoothing=eps)
    n_classes = linear_weight.shape[0]
    logits_shape = (input.shape[0], n_classes) if input.ndim == 2 else (n_classes,)  # never built
    t = classification._check_class_target(fn, logits_shape, target)
    if weight is not None:
        constant_arg(fn, "weight", classification._check_weight(fn, weight, input, n_classes))
    classification.check_target_values(fn, t, ii, n_classes)
    x2 = input if input.ndim == 2 else input.reshape(1, -1)
    t_np = np.ascontiguousarray(t.numpy(), dtype=np.int64).reshape(-1)
    w_np = None if weight is None else weight.numpy()
    parents = (x2, linear_weight) if linear_bias is None else (x2, linear_weight, linear_bias)
    grad_on = autograd.is_grad_enabled()
    need = tuple(grad_on and p.requires_grad for p in parents) + (False,) * (3 - len(parents))
    rows = chunk_rows(x2.shape[0], n_classes, input.dtype.itemsize, batch)
    loss = LinearCrossEntropy.apply(*parents, target=t_np, weight=w_np, ignore_index=ii, label_smoothing=eps,
                                    reduction=reduction, rows=rows, need=need)
    if reduction == "none" and input.ndim == 1:
        loss = loss.reshape(())
    return loss


register("linear_cross_entropy", linear_cross_entropy, "LinearCrossEntropyLoss", "classification",
         r"\ell_n = -w_{y_n} \log \operatorname{softmax}(W x_n + b)_{y_n}",
         "l_n = -w[y_n] * log_softmax(W x_n + b)[y_n]",
         "A final linear layer and cross_entropy in one call, computed in chunks of rows so that the "
         "(N, vocabulary) logits never exist at once: for large-vocabulary language-model heads.",
         {"input": [[1.0, -0.5], [0.3, 2.0]], "linear_weight": [[0.2, -0.1], [0.5, 0.4], [-0.3, 0.8]],
          "target": [2, 1], "linear_bias": [0.1, 0.0, -0.2], "label_smoothing": 0.1})
