"""One helper to compare a tinygrad-losses functional with torch's on the same numpy data:
value, dtype, shape, and the gradients of every argument marked as differentiable."""
import warnings

import numpy as np

import tinygrad_losses as tl
import tinygrad_losses.functional as TF

TOL = {np.float64: dict(rtol=1e-9, atol=1e-12), np.float32: dict(rtol=2e-5, atol=2e-6)}
PAIR_TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=2e-6)}


class Keep:
    """Wrap an array whose dtype must not be changed to the case's float dtype."""

    def __init__(self, array):
        self.array = np.asarray(array)


def _prepare(value, dtype):
    if isinstance(value, Keep):
        return value.array
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(dtype)
    return value


def _to_tl(v, grad):
    return tl.tensor(v, requires_grad=grad) if isinstance(v, np.ndarray) else v


def _to_torch(torch, v, grad):
    return torch.tensor(v, requires_grad=grad) if isinstance(v, np.ndarray) else v


def _seed(shape, dtype):
    """A fixed non-uniform upstream gradient, so that 'none' outputs test every element's gradient."""
    n = int(np.prod(shape))
    return (np.linspace(0.5, 1.5, n) if n > 1 else np.ones(n)).reshape(shape).astype(dtype)


def compare_with_torch(torch, name, args, kwargs=None, grad=(0,), dtype=np.float64, tol=None):
    """Run ``name`` in both libraries; ``grad`` lists positions / keyword names needing gradients.

    Float arrays are cast to ``dtype`` (wrap in ``Keep`` to keep their own); nan and inf must
    appear in the same places. Returns (our output, torch's output).
    """
    kwargs = kwargs or {}
    args = [_prepare(a, dtype) for a in args]
    kwargs = {k: _prepare(v, dtype) for k, v in kwargs.items()}
    ours_a = [_to_tl(a, i in grad) for i, a in enumerate(args)]
    ours_k = {k: _to_tl(v, k in grad) for k, v in kwargs.items()}
    theirs_a = [_to_torch(torch, a, i in grad) for i, a in enumerate(args)]
    theirs_k = {k: _to_torch(torch, v, k in grad) for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(TF, name)(*ours_a, **ours_k)
        ref = getattr(torch.nn.functional, name)(*theirs_a, **theirs_k)
    assert out.shape == tuple(ref.shape), (out.shape, ref.shape)
    assert str(out.dtype) == str(ref.dtype).replace("torch.", ""), (out.dtype, ref.dtype)
    arrays = [v for v in args + list(kwargs.values()) if isinstance(v, np.ndarray)]
    single = dtype == np.float32 or any(a.dtype == np.float32 for a in arrays)  # Keep may mix dtypes
    tol = tol or TOL[np.float32 if single else np.float64]
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), equal_nan=True, **tol)
    ours_in = [(i, t) for i, t in enumerate(ours_a) if i in grad] + [(k, t) for k, t in ours_k.items() if k in grad]
    theirs_in = [t for i, t in enumerate(theirs_a) if i in grad] + [t for k, t in theirs_k.items() if k in grad]
    if ours_in:
        seed = _seed(out.shape, out.dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = tl.grad(out, [t for _, t in ours_in], tl.tensor(seed), allow_unused=True)
            want = torch.autograd.grad(ref, theirs_in, torch.tensor(seed), allow_unused=True)
        for (key, _), g, w in zip(ours_in, got, want):
            w = np.zeros(g.shape) if w is None else w.numpy()
            g = np.zeros(w.shape) if g is None else g.numpy()
            np.testing.assert_allclose(g, w, equal_nan=True, err_msg=f"gradient of {key}", **tol)
    return out, ref


def as_arrays(args, dtype):
    """Float arrays follow the test's dtype, integer arrays become int64; ``Keep(array)`` and
    ``(array, dtype)`` pairs keep their own dtype."""
    out = []
    for a in args:
        if isinstance(a, Keep):
            out.append(a.array)
        elif isinstance(a, tuple):
            out.append(np.asarray(a[0], dtype=a[1]))
        else:
            a = np.asarray(a)
            out.append(a.astype(dtype) if a.dtype.kind == "f" else a.astype(np.int64))
    return out


def check_vs_torch(ours, theirs, args, diff, dtype, grad=True, tol=None):
    """Run ``ours`` on tl tensors and ``theirs`` on torch tensors built from the same arrays; compare
    value, dtype, shape and the gradients (for a random cotangent) of the inputs listed in ``diff``."""
    import pytest
    torch = pytest.importorskip("torch")
    arrays = as_arrays(args, dtype)
    xs = [tl.tensor(a, requires_grad=i in diff) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a, requires_grad=i in diff) for i, a in enumerate(arrays)]
    out, ref = ours(*xs), theirs(*ts)
    assert out.shape == tuple(ref.shape)
    assert str(out.dtype) == str(ref.dtype).replace("torch.", "")
    tol = (tol or PAIR_TOL)[np.float32 if out.dtype == np.float32 else np.float64]
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), **tol)
    if not grad or not diff:
        return
    seed = np.random.default_rng(3).standard_normal(tuple(ref.shape)).astype(out.dtype)
    out.backward(tl.tensor(seed))
    ref.backward(torch.tensor(seed))
    for i in diff:
        assert xs[i].grad is not None, f"input {i} got no gradient"
        assert xs[i].grad.shape == xs[i].shape and xs[i].grad.dtype == xs[i].dtype
        np.testing.assert_allclose(xs[i].grad.numpy(), ts[i].grad.numpy(), **tol, err_msg=f"input {i}")
