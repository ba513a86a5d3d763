"""Issue 16: the Tensor methods, factories and functional names a training script uses, compared
with torch where it is installed (values, dtypes, gradients), plus float64 gradchecks."""
import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F


def _torch():
    return pytest.importorskip("torch")


def _same(ours, theirs, rtol=1e-6, atol=1e-7):
    assert ours.shape == tuple(theirs.shape), (ours.shape, theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.detach().numpy().astype(np.float64),
                               rtol=rtol, atol=atol, equal_nan=True)


def _grads_match(fn_ours, fn_theirs, *arrays, weights_seed=0, gradcheck=True):
    """fn(*inputs) on both sides, backward with the same random weights; the input gradients agree."""
    torch = _torch()
    ours = [tl.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, tout = fn_ours(*ours), fn_theirs(*theirs)
    _same(out, tout)
    w = np.random.default_rng(weights_seed).normal(size=tout.shape)
    (out * tl.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for o, t in zip(ours, theirs):
        _same(o.grad, t.grad)
    if gradcheck:
        assert tl.gradcheck(fn_ours, tuple(tl.tensor(a, requires_grad=True) for a in arrays))


# ---- format, round, type, dtype spelling ------------------------------------------------------------
def test_format_of_one_element_tensors():
    torch = _torch()
    loss = tl.tensor(1.23456)
    assert f"{loss:.3f}" == f"{torch.tensor(1.23456):.3f}" == "1.235"
    assert f"{tl.tensor(3):d}" == "3" and f"{tl.tensor(2.5)}" == "2.5" == f"{torch.tensor(2.5)}"
    assert f"{tl.tensor([[0.5]]):.2f}" == "0.50"  # torch refuses non-0-d here; one element is enough
    assert f"{tl.tensor([1.0, 2.0])}" == repr(tl.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="only one-element tensors format"):
        f"{tl.tensor([1.0, 2.0]):.3f}"


def test_round_of_one_element_tensors():
    assert round(tl.tensor(1.23456), 2) == 1.23 and isinstance(round(tl.tensor(1.23456), 2), float)
    assert round(tl.tensor(2.5)) == 2 and isinstance(round(tl.tensor(1.7)), int)
    assert round(tl.tensor([[7.25]]), 1) == 7.2
    with pytest.raises(TypeError, match="only one-element tensors round"):
        round(tl.tensor([1.0, 2.0]), 1)


def test_type_converts_and_names_like_torch():
    torch = _torch()
    x, tx = tl.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])
    assert x.type() == tx.type().replace("torch.", "tl.") == "tl.FloatTensor"
    assert tl.tensor([1]).type() == "tl.LongTensor" and tl.tensor([True]).type() == "tl.BoolTensor"
    _same(x.type(tl.float64), tx.type(torch.float64))
    _same(x.type("torch.DoubleTensor"), tx.type("torch.DoubleTensor"))
    _same(x.type("int32"), tx.type(torch.int32))
    with pytest.raises(TypeError, match="unknown tensor type"):
        x.type("torch.ComplexTensor")


def test_dtype_is_a_numpy_dtype_and_prints_one_way():
    """The choice: dtypes stay numpy dtypes (``x.dtype == np.float32`` and ``== tl.float32``, hashing,
    ``np.dtype(x.dtype)``); str() gives the bare name used in messages, the repr of a tensor adds tl."""
    x = tl.tensor([1.0], dtype=tl.float64)
    assert x.dtype == np.float64 and x.dtype == tl.float64 and x.dtype is tl.float64
    assert np.dtype(x.dtype) == np.float64 and {x.dtype: 1}[tl.float64] == 1
    assert str(x.dtype) == "float64" and "dtype=tl.float64" in repr(x)


# ---- new methods -----------------------------------------------------------------------------------
def test_masked_fill_matches_torch():
    torch = _torch()
    a = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    mask = np.array([[True, False, True], [False, False, True]])
    _grads_match(lambda x: x.masked_fill(tl.tensor(mask), -1e4),
                 lambda x: x.masked_fill(torch.tensor(mask), -1e4), a)
    _grads_match(lambda x, v: x.masked_fill(tl.tensor(mask[:1]), v.sum()),  # broadcast mask, a tensor value
                 lambda x, v: x.masked_fill(torch.tensor(mask[:1]), v.sum()), a, np.array([0.5, 0.25]))
    _same(tl.tensor([1, 2, 3]).masked_fill(tl.tensor([True, False, True]), 2.5),
          torch.tensor([1, 2, 3]).masked_fill(torch.tensor([True, False, True]), 2.5))
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        tl.tensor(a).masked_fill(tl.tensor([1, 0, 1]), 0.0)
    with pytest.raises(RuntimeError, match="0-dimensional value tensor"):
        tl.tensor(a).masked_fill(tl.tensor(mask), tl.tensor([1.0]))


def test_index_select_matches_torch():
    torch = _torch()
    a = np.arange(12.0).reshape(3, 4)
    for dim, idx, dtype in ((0, [2, 0, 2], "int64"), (1, [3, 1], "int32"), (-1, [0], "int64"), (0, [], "int64")):
        _grads_match(lambda x: x.index_select(dim, tl.tensor(idx, dtype=dtype)),
                     lambda x: x.index_select(dim, torch.tensor(idx, dtype=getattr(torch, dtype))), a)
    _same(tl.tensor([1.0, 2.0, 3.0]).index_select(0, tl.tensor(1)),
          torch.tensor([1.0, 2.0, 3.0]).index_select(0, torch.tensor(1)))
    _same(tl.tensor(5.0).index_select(0, tl.tensor([0])), torch.tensor(5.0).index_select(0, torch.tensor([0])))
    x = tl.tensor(a)
    with pytest.raises(IndexError, match="index out of range"):
        x.index_select(0, tl.tensor([3]))
    with pytest.raises(IndexError, match="supposed to be a vector"):
        x.index_select(0, tl.tensor([[1]]))
    with pytest.raises(RuntimeError, match="int32 or int64"):
        x.index_select(0, tl.tensor([1.0]))


@pytest.mark.parametrize("shape,sizes", [((3,), (2,)), ((3,), (2, 2)), ((2, 3), (1, 2)), ((2, 1), (2, 1, 3)),
                                         ((), (4,)), ((2, 3), (0, 1))])
def test_repeat_matches_torch(shape, sizes):
    torch = _torch()
    a = np.random.default_rng(2).normal(size=shape)
    _grads_match(lambda x: x.repeat(*sizes), lambda x: x.repeat(*sizes), a)
    assert tl.tensor(a).repeat(sizes).shape == tuple(torch.tensor(a).repeat(sizes).shape)


def test_repeat_errors():
    with pytest.raises(RuntimeError, match="can not be smaller"):
        tl.ones(2, 3).repeat(2)
    with pytest.raises(RuntimeError, match="non-negative"):
        tl.ones(2).repeat(-1)


@pytest.mark.parametrize("dim", [-1, 0, 1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_torch(dim, descending):
    torch = _torch()
    a = np.random.default_rng(4).permutation(24).reshape(4, 6).astype(np.float64) / 7 - 1
    _grads_match(lambda x: x.sort(dim, descending).values, lambda x: x.sort(dim, descending).values, a)
    _same(tl.tensor(a).sort(dim, descending).indices, torch.tensor(a).sort(dim, descending).indices)
    ints = np.array([[3, 1, 2], [0, -5, 7]])
    _same(tl.sort(tl.tensor(ints), dim, descending).indices, torch.sort(torch.tensor(ints), dim, descending).indices)


def test_sort_puts_nan_last_ties_in_order_and_handles_0d():
    torch = _torch()
    a = [1.0, float("nan"), -2.0, 1.0, float("inf"), -float("inf")]
    for descending in (False, True):
        ours = tl.tensor(a).sort(descending=descending)
        theirs = torch.tensor(a).sort(descending=descending, stable=True)
        _same(ours.values, theirs.values)
        _same(ours.indices, theirs.indices)
    values, indices = tl.tensor(5.0).sort()
    assert values.shape == () and indices.item() == 0


@pytest.mark.parametrize("k,dim,largest", [(2, -1, True), (1, 0, False), (3, 1, False), (0, -1, True), (6, 1, True)])
def test_topk_matches_torch(k, dim, largest):
    torch = _torch()
    a = np.random.default_rng(5).permutation(24).reshape(4, 6).astype(np.float64)
    _grads_match(lambda x: x.topk(k, dim, largest).values, lambda x: x.topk(k, dim, largest).values, a)
    _same(tl.topk(tl.tensor(a), k, dim, largest).indices, torch.topk(torch.tensor(a), k, dim, largest).indices)


def test_topk_errors_and_0d():
    with pytest.raises(RuntimeError, match="k out of range"):
        tl.ones(3).topk(4)
    values, indices = tl.tensor(5.0).topk(1)
    assert values.item() == 5.0 and indices.item() == 0


def test_new_factories_follow_the_tensor():
    torch = _torch()
    x, tx = tl.tensor([1.0, 2.0], dtype=tl.float64), torch.tensor([1.0, 2.0], dtype=torch.float64)
    _same(x.new_zeros(2, 3), tx.new_zeros(2, 3))
    _same(x.new_ones((2,), dtype=tl.int64), tx.new_ones((2,), dtype=torch.int64))
    _same(x.new_full((2,), 3), tx.new_full((2,), 3))
    _same(x.new_tensor([1, 2]), tx.new_tensor([1, 2]))
    assert x.new_empty(4).shape == (4,) and x.new_empty(4).dtype == tl.float64
    assert x.new_zeros(2, requires_grad=True).requires_grad


def test_mm_and_matmul_methods():
    torch = _torch()
    a, b = np.random.default_rng(6).normal(size=(2, 3)), np.random.default_rng(7).normal(size=(3, 4))
    _grads_match(lambda x, y: x.mm(y), lambda x, y: x.mm(y), a, b)
    _grads_match(lambda x, y: tl.mm(x, y), lambda x, y: torch.mm(x, y), a, b)
    _grads_match(lambda x, y: x.matmul(y), lambda x, y: x.matmul(y), a, b[:, 0])
    with pytest.raises(RuntimeError, match="must be a matrix"):
        tl.ones(3).mm(tl.ones(3, 1))


def test_sum_and_mean_accept_axis():
    torch = _torch()
    a = np.arange(6.0).reshape(2, 3)
    _same(tl.tensor(a).sum(axis=0), torch.tensor(a).sum(axis=0))
    _same(tl.tensor(a).mean(axis=1, keepdim=True), torch.tensor(a).mean(axis=1, keepdim=True))
    _same(tl.sum(tl.tensor(a), axis=1), torch.sum(torch.tensor(a), axis=1))
    with pytest.raises(TypeError, match="both dim and its alias axis"):
        tl.tensor(a).sum(0, axis=1)


@pytest.mark.parametrize("b,kw", [([1.0, 2.0 + 1e-6, 3.0], {}), ([1.0, 2.1, 3.0], {}), ([1.0, 2.1, 3.0], {"rtol": 0.1}),
                                  ([1.0, float("nan"), float("inf")], {}),
                                  ([1.0, float("nan"), float("inf")], {"equal_nan": True}),
                                  ([1.0, 2.0, -float("inf")], {"atol": 1.0})])
def test_allclose_matches_torch(b, kw):
    torch = _torch()
    a = [1.0, float("nan"), float("inf")] if np.isnan(b[1]) else [1.0, 2.0, 3.0 if np.isfinite(b[2]) else float("inf")]
    assert tl.allclose(tl.tensor(a), tl.tensor(b), **kw) == torch.allclose(torch.tensor(a), torch.tensor(b), **kw)
    with pytest.raises(RuntimeError, match="dtypes must match"):
        tl.tensor([1.0]).allclose(tl.tensor([1]))


def test_nan_to_num_matches_torch():
    torch = _torch()
    a = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    for kw in ({}, {"nan": 0.5}, {"posinf": 9.0, "neginf": -9.0}):
        for dtype in ("float32", "float64", "float16"):
            _same(tl.tensor(a, dtype=dtype).nan_to_num(**kw),
                  torch.tensor(a, dtype=getattr(torch, dtype)).nan_to_num(**kw))
        _grads_match(lambda x: x.nan_to_num(**kw), lambda x: x.nan_to_num(**kw), a)
    _same(tl.nan_to_num(tl.tensor([1, 2])), torch.nan_to_num(torch.tensor([1, 2])))


# ---- factories ---------------------------------------------------------------------------------------
def test_empty_randperm_and_linspace():
    torch = _torch()
    assert tl.empty(2, 3).shape == (2, 3) and tl.empty((4,), dtype=tl.int64).dtype == tl.int64
    tl.manual_seed(0)
    p = tl.randperm(10)
    assert p.dtype == tl.int64 and sorted(p.tolist()) == list(range(10))
    tl.manual_seed(0)
    assert tl.randperm(10).tolist() == p.tolist() and tl.randperm(0).shape == (0,)
    for start, end, steps in ((0, 1, 5), (0, 1, 1), (0, 1, 0), (-3.3, 7.1, 17), (2, -1, 7), (0.1, 0.7, 100),
                              (-1e4, 1e4, 333)):
        for dtype in (None, "float64", "int64", "float16"):
            ours = tl.linspace(start, end, steps, dtype=dtype)
            theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype) if dtype else None)
            assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
            if dtype == "int64":
                assert ours.tolist() == theirs.tolist()
            elif steps:  # torch's vectorised loop may round differently by a few ulps of the largest value
                spacing = np.spacing(np.abs(theirs.numpy()).max())
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=4 * spacing)
    with pytest.raises(RuntimeError, match="non-negative"):
        tl.linspace(0, 1, -1)


def test_from_numpy_shares_memory_both_ways():
    a = np.arange(4.0)
    t = tl.from_numpy(a)
    a[0] = 10.0
    assert t[0].item() == 10.0
    with tl.no_grad():
        t.add_(1)
    assert a.tolist() == [11.0, 2.0, 3.0, 4.0] and t.dtype == tl.float64
    with pytest.raises(TypeError, match="expected a numpy.ndarray"):
        tl.from_numpy([1.0])
    with pytest.raises(TypeError, match="unsupported dtype"):
        tl.from_numpy(np.array(["a"]))


def test_as_tensor_copies_only_when_it_must():
    torch = _torch()
    x = tl.tensor([1.0, 2.0])
    assert tl.as_tensor(x) is x and tl.as_tensor(x, dtype=tl.float32) is x
    a = np.array([1, 2])
    shared = tl.as_tensor(a)
    a[1] = 7
    assert shared.tolist() == [1, 7]
    copied = tl.as_tensor(a, dtype=tl.float32)
    a[1] = 8
    assert copied.tolist() == [1.0, 7.0]
    _same(tl.as_tensor([1, 2]), torch.as_tensor([1, 2]))
    _same(tl.as_tensor(x, dtype=tl.float64), torch.as_tensor(torch.tensor([1.0, 2.0]), dtype=torch.float64))


def test_cuda_namespace():
    assert tl.cuda.is_available() == tl.cuda_is_available()
    assert isinstance(tl.cuda.is_available(), bool)


# ---- functional ---------------------------------------------------------------------------------------
_ACTIVATIONS = [("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("elu", {}), ("elu", {"alpha": 0.5})]


@pytest.mark.parametrize("name,kw", _ACTIVATIONS)
def test_activations_match_torch(name, kw):
    torch = _torch()
    a = np.array([-1e4, -3.0, -0.5, 0.0, 0.5, 3.0, 80.0, 1e4])
    smooth = a[np.abs(a) != 0][1:-1]  # elu with alpha != 1 has a kink at 0 (compared with torch below)
    _grads_match(lambda x: getattr(F, name)(x, **kw), lambda x: getattr(torch.nn.functional, name)(x, **kw), smooth)
    ours, theirs = tl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    getattr(F, name)(ours, **kw).sum().backward()
    getattr(torch.nn.functional, name)(theirs, **kw).sum().backward()
    _same(ours.grad, theirs.grad)  # extreme inputs: finite where torch's are
    assert tl.nn.functional.gelu is F.gelu


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, 1), (2.0, 0), (3.0, -1)])
def test_normalize_matches_torch_and_keeps_zero_vectors_zero(p, dim):
    torch = _torch()
    a = np.array([[3.0, -4.0, 0.5], [0.0, 0.0, 0.0], [1e-13, 0.0, 2e-13]])
    _grads_match(lambda x: F.normalize(x, p, dim), lambda x: torch.nn.functional.normalize(x, p, dim), a,
                 gradcheck=False)  # the tiny row's gradient is 1/eps: finite differences cannot follow it
    smooth = np.array([[3.0, -4.0, 0.5], [1.0, 2.0, -0.25]])
    _grads_match(lambda x: F.normalize(x, p, dim), lambda x: torch.nn.functional.normalize(x, p, dim), smooth)


def test_linear_and_dropout_live_in_functional():
    torch = _torch()
    rng = np.random.default_rng(8)
    x, w, b = rng.normal(size=(5, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2,))
    _grads_match(lambda x, w, b: F.linear(x, w, b), lambda x, w, b: torch.nn.functional.linear(x, w, b), x, w, b)
    assert tl.nn.Linear(3, 2)(tl.tensor(x, dtype=tl.float32)).shape == (5, 2)
    ones = tl.ones(10000)
    tl.manual_seed(1)
    dropped = F.dropout(ones, 0.25)
    kept = (dropped != 0).sum().item()
    assert 7200 < kept < 7800 and set(np.unique(dropped.numpy())) <= {0.0, np.float32(1 / 0.75)}
    assert F.dropout(ones, 0.5, training=False) is ones
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(ones, 1.5)
