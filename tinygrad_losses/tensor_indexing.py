"""Tensor indexing: ``x[index]``, ``x[index] = value`` and ``gather``, with torch's rules and errors.

Indices may be ints, slices, None, Ellipsis, integer tensors/arrays/lists (advanced
indexing) and boolean masks. Repeated indices accumulate in the backward.
"""
import numpy as np

from tinygrad_losses import ops
from tinygrad_losses.tensor import Tensor


def _normalise(x, index):
    """Return (index tuple for the backend, basic?) with tensors turned into arrays."""
    if not isinstance(index, tuple):
        index = (index,)
    out, basic = [], True
    for i in index:
        if isinstance(i, Tensor):
            i = i.numpy()
        if isinstance(i, (list, np.ndarray)):
            i = np.asarray(i)
            if i.dtype.kind == "b":
                basic = False
            elif i.dtype.kind in "iu":
                i = i.astype(np.int64, copy=False)
                basic = False
            elif i.size == 0:
                i = i.astype(np.int64)
                basic = False
            else:
                raise IndexError(f"tensors used as indices must be integer or bool, got {i.dtype}")
        elif isinstance(i, (bool, np.bool_)):
            i, basic = np.asarray(bool(i)), False
        elif not (i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer))):
            raise IndexError(f"unsupported index of type {type(i).__name__}: use ints, slices, None, "
                             f"..., integer tensors or bool masks")
        elif isinstance(i, slice) and i.step is not None and i.step <= 0:
            raise ValueError("step must be greater than zero")
        out.append(i)
    return tuple(out), basic


def getitem(x, index):
    idx, basic = _normalise(x, index)
    try:
        out = ops.GetItem.apply(x, index=idx, basic=basic)
    except IndexError as e:
        raise IndexError(f"index {_describe(index)} is out of range for a tensor of shape {x.shape}: {e}") \
            from None
    if basic and getattr(out._data, "base", None) is not None:
        out._vc = x._vc  # a basic index is a view: an in-place change to it changes x (version counter)
    return out


def setitem(x, index, value):
    """In-place assignment; refused on tensors that require grad while grad mode is on."""
    idx, _ = _normalise(x, index)
    from tinygrad_losses import autograd
    if autograd.is_grad_enabled() and x.requires_grad:
        raise RuntimeError("x[index] = value on a tensor that requires grad would corrupt the graph; "
                           "do it inside `with tl.no_grad():` or build a new tensor with tl.where")
    if isinstance(value, Tensor):
        value = value._data if value.dtype == x.dtype else x._backend.astype(value._data, x.dtype)
    try:
        x._data[idx] = value
    except (IndexError, ValueError) as e:
        raise IndexError(f"cannot assign to index {_describe(index)} of a tensor of shape {x.shape}: {e}") \
            from None
    x._vc[0] += 1


def gather(x, dim, index):
    if not isinstance(index, Tensor):
        raise TypeError(f"gather: index must be a Tensor, got {type(index).__name__}")
    if index.dtype != np.int64:
        raise RuntimeError(f"gather: expected an int64 index, got {index.dtype}")
    if x.ndim == 0:
        x = x.reshape(1)
    axis = x._dim(dim)
    idx = index._data
    if index.ndim != x.ndim:
        raise RuntimeError(f"gather: index has {index.ndim} dims but the input has {x.ndim}: they must match")
    for d in range(x.ndim):
        if d != axis and index.shape[d] > x.shape[d]:
            raise RuntimeError(f"gather: index of shape {index.shape} is larger than the input of shape "
                               f"{x.shape} at dim {d}")
    if index.numel():
        lo, hi = int(idx.min()), int(idx.max())
        n = x.shape[axis]
        if lo < -n or hi >= n or lo < 0:
            bad = hi if hi >= n else lo
            raise RuntimeError(f"gather: index {bad} is out of bounds for dim {axis} with size {n}")
    return ops.Gather.apply(x, axis=axis, index=idx)


def _describe(index):
    return repr(index) if not isinstance(index, (Tensor, np.ndarray)) else f"of shape {tuple(index.shape)}"
