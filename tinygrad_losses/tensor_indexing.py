"""Tensor indexing: ``x[index]``, ``x[index] = value``, ``gather``, ``scatter_add``, ``index_select``,
``masked_fill``, ``sort`` and ``topk``, with torch's rules and errors.

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


def _int_index(index, name):
    """An index tensor's array as int64: torch takes int64 and int32 (not uint8 or int16)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}: index must be a Tensor, got {type(index).__name__}")
    if index.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}: expected an int64 index, got {index.dtype} (int32 is also accepted)")
    return index._data if index.dtype == np.int64 else index._backend.astype(index._data, np.int64)


def gather(x, dim, index):
    idx = _int_index(index, "gather")
    if index.ndim == 0 and x.ndim <= 1:  # a 0-d index picks one element, as in torch
        return gather(x.reshape(-1), dim, Tensor._make(idx, index.device, False).reshape(1)).reshape(())
    if x.ndim == 0:
        x = x.reshape(1)
    axis = x._dim(dim)
    if index.ndim != x.ndim:
        raise RuntimeError(f"gather: index has {index.ndim} dims but the input has {x.ndim}: they must match")
    for d in range(x.ndim):
        if d != axis and index.shape[d] > x.shape[d]:
            raise RuntimeError(f"gather: index of shape {index.shape} is larger than the input of shape "
                               f"{x.shape} at dim {d}")
    _check_bounds(idx, x.shape[axis], axis, "gather")
    return ops.Gather.apply(x, axis=axis, index=idx)


def _check_bounds(idx, n, axis, name):
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= n:
            raise RuntimeError(f"{name}: index {hi if hi >= n else lo} is out of bounds for dim {axis} with size {n}")


def _scattered(x, dim, index, src, name):
    """(zeros of x's shape with ``src`` added at ``index`` along ``dim``, the axis, the index array),
    after torch's checks; only src's index-shaped corner is used."""
    idx = _int_index(index, name)
    if not isinstance(src, Tensor):
        raise TypeError(f"{name}: src must be a Tensor, got {type(src).__name__}")
    if src.dtype != x.dtype:
        raise RuntimeError(f"{name}: expected src of the input's dtype {x.dtype}, got {src.dtype}")
    axis = x._dim(dim)
    if not (index.ndim == x.ndim == src.ndim):
        raise RuntimeError(f"{name}: index, input and src must have the same number of dims, got "
                           f"{index.ndim}, {x.ndim} and {src.ndim}")
    for d in range(index.ndim):
        if index.shape[d] > src.shape[d] or (d != axis and index.shape[d] > x.shape[d]):
            raise RuntimeError(f"{name}: index of shape {index.shape} is larger than src {src.shape} or "
                               f"the input {x.shape} at dim {d}")
    _check_bounds(idx, x.shape[axis] if x.ndim else 1, axis, name)
    if src.shape != index.shape:
        src = src[tuple(slice(0, n) for n in index.shape)]
    return ops.ScatterAdd.apply(src, shape=x.shape, axis=axis, index=idx), axis, idx


def scatter_add(x, dim, index, src):
    """x plus ``src`` added at ``index`` along ``dim``."""
    added, _, _ = _scattered(x, dim, index, src, "scatter_add")
    return x + added


def scatter(x, dim, index, src=None, value=None):
    """x with the positions ``index`` along ``dim`` replaced by ``src`` (or the number ``value``).
    A position named twice is refused: torch keeps an arbitrary one of the values written there."""
    if (src is None) == (value is None):
        raise TypeError("scatter: give exactly one of src (a Tensor) and value (a number)")
    if value is not None:
        if isinstance(value, Tensor) or not isinstance(value, (bool, int, float, np.number, np.bool_)):
            raise TypeError(f"scatter: value must be a number, got {type(value).__name__}")
        src = Tensor._make(x._backend.full(index.shape, value, x.dtype), x.device, False)
    placed, axis, idx = _scattered(x, dim, index, src, "scatter")
    ones = Tensor._make(x._backend.ones(index.shape, x.dtype), x.device, False)
    hits = ops.ScatterAdd.apply(ones, shape=x.shape, axis=axis, index=idx)
    if (hits > 1).any():
        raise RuntimeError("scatter: index names a position more than once along dim "
                           f"{axis}; the result would be arbitrary (use scatter_add to add them)")
    from tinygrad_losses.tensor import where
    return where(hits > 0, placed, x)


def index_select(x, dim, index):
    """x's slices at the positions ``index`` along ``dim``, through advanced indexing (so the gradient
    adds back at repeated positions)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"index_select: index must be a Tensor, got {type(index).__name__}")
    if index.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {index.shape}")
    if index.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index, got {index.dtype}")
    positions = index.numpy().reshape(-1).astype(np.int64)
    if x.ndim == 0:
        return index_select(x.reshape(1), dim, index).reshape(())
    axis = x._dim(dim)
    n = x.shape[axis]
    if positions.size and (positions.min() < 0 or positions.max() >= n):
        raise IndexError(f"index_select(): index out of range in self: positions must lie in [0, {n}) "
                         f"for dim {axis}, got min {positions.min()} and max {positions.max()}")
    return x[(slice(None),) * axis + (positions,)]


def masked_fill(x, mask, value):
    """where(mask, value, x) with value cast to x's dtype; a 0-d tensor value gets its gradient."""
    if not isinstance(mask, Tensor) or mask.dtype != np.bool_:
        got = f"with dtype {mask.dtype}" if isinstance(mask, Tensor) else f"of type {type(mask).__name__}"
        raise RuntimeError(f"masked_fill only supports boolean masks, but got mask {got}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        value = value.to(x.dtype)
    elif isinstance(value, (bool, int, float, np.number, np.bool_)):
        value = x._const(value)
    else:
        raise TypeError(f"masked_fill: value must be a number or a 0-d Tensor, got {type(value).__name__}")
    from tinygrad_losses.tensor import where
    return where(mask, value, x)


def _argsort(a, axis, descending):
    """Stable sort order along ``axis`` with nan as the largest value (torch's order), on the host:
    the backends have no argsort yet."""
    if a.dtype.kind == "f" and descending:
        keys = (-a, ~np.isnan(a))  # np.lexsort: the last key is the primary one; nan first
        return np.lexsort(keys, axis=axis)
    if descending:
        return np.argsort(-a.astype(np.int64), axis=axis, kind="stable")
    return np.argsort(a, axis=axis, kind="stable")


def sort(x, dim=-1, descending=False):
    from tinygrad_losses.tensor import MinMax
    if x.ndim == 0:
        values, indices = sort(x.reshape(1), dim, descending)
        return MinMax((values.reshape(()), indices.reshape(())))
    axis = x._dim(dim)
    order = Tensor(_argsort(x.numpy(), axis, descending), device=x.device)
    return MinMax((x.gather(axis, order), order))


def topk(x, k, dim=-1, largest=True):
    from tinygrad_losses.tensor import MinMax
    n = x.shape[x._dim(dim)] if x.ndim else 1
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 <= k <= n:
        raise RuntimeError(f"topk: selected index k out of range: k must be an int in [0, {n}], got {k!r}")
    values, indices = sort(x, dim, descending=largest)
    if x.ndim == 0:
        return MinMax((values, indices))
    first_k = (slice(None),) * x._dim(dim) + (slice(0, k),)
    return MinMax((values[first_k], indices[first_k]))


def _describe(index):
    return repr(index) if not isinstance(index, (Tensor, np.ndarray)) else f"of shape {tuple(index.shape)}"
