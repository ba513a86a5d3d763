"""The Tensor object: construction and dtypes, copies vs views, conversions, repr, indexing,
in-place ops, shape methods and factories (forward behaviour; gradients are tested elsewhere)."""
import numpy as np
import pytest

import tinygrad_losses as tl


# ---- construction -------------------------------------------------------------------------------
def test_tensor_copies_numpy_input_both_ways():
    a = np.array([1.0, 2.0])
    t = tl.tensor(a)
    a[0] = 9.0
    assert t.tolist() == [1.0, 2.0]
    t2 = tl.tensor(a)
    with tl.no_grad():
        t2.mul_(0)
    assert a.tolist() == [9.0, 2.0]
    assert tl.Tensor(t).numpy() is not t.numpy()


def test_tensor_of_tensor_and_list_of_tensors():
    t = tl.tensor([1.0, 2.0], requires_grad=True)
    c = tl.tensor(t)
    assert not c.requires_grad and c.tolist() == [1.0, 2.0]
    s = tl.tensor([tl.tensor(1.5), tl.tensor(2.5)])
    assert s.shape == (2,) and s.dtype == tl.float32


def test_dtype_argument_and_names():
    assert tl.tensor([1, 2], dtype=tl.float64).dtype == tl.float64
    assert tl.tensor([1.7], dtype="int32").dtype == tl.int32
    assert tl.tensor([1], dtype="double").dtype == tl.float64
    assert tl.tensor([1], dtype="torch.long").dtype == tl.int64
    assert tl.tensor(np.array([1.5], dtype=np.float16)).dtype == tl.float16


def test_factories_dtypes_and_shapes():
    assert tl.zeros(2, 3).shape == (2, 3) and tl.zeros(2, 3).dtype == tl.float32
    assert tl.ones((2, 3)).shape == (2, 3) and tl.ones([4]).shape == (4,)
    assert tl.zeros(()).shape == ()
    assert tl.full((2,), 3).dtype == tl.int64
    assert tl.full((2,), 3.0).dtype == tl.float32
    assert tl.full((2,), True).dtype == tl.bool_
    assert tl.full(3, 1.5).tolist() == [1.5, 1.5, 1.5]
    assert tl.arange(4).dtype == tl.int64 and tl.arange(4).tolist() == [0, 1, 2, 3]
    assert tl.arange(0, 1, 0.25).dtype == tl.float32 and tl.arange(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75]
    assert tl.arange(5, 1, -2).tolist() == [5, 3]
    assert tl.eye(2, 3).tolist() == [[1, 0, 0], [0, 1, 0]]
    x = tl.ones(2, dtype=tl.float64)
    assert tl.zeros_like(x).dtype == tl.float64 and tl.full_like(x, 7).tolist() == [7.0, 7.0]
    assert tl.ones_like(x, dtype=tl.int64).dtype == tl.int64
    assert tl.randn(3, 2).shape == (3, 2) and tl.rand(4).dtype == tl.float32
    r = tl.randint(0, 3, (100,))
    assert r.dtype == tl.int64 and set(r.tolist()) <= {0, 1, 2}
    assert tl.zeros(2, requires_grad=True).requires_grad


def test_factories_match_torch_defaults():
    torch = pytest.importorskip("torch")
    pairs = [(tl.zeros(2), torch.zeros(2)), (tl.full((2,), 3), torch.full((2,), 3)),
             (tl.full((2,), 2.5), torch.full((2,), 2.5)), (tl.full((1,), False), torch.full((1,), False)),
             (tl.arange(3), torch.arange(3)), (tl.arange(0.5, 2), torch.arange(0.5, 2)),
             (tl.arange(1, 2.5, 0.5), torch.arange(1, 2.5, 0.5)), (tl.eye(3), torch.eye(3)),
             (tl.one_hot(tl.tensor([0, 2])), torch.nn.functional.one_hot(torch.tensor([0, 2])))]
    for ours, theirs in pairs:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_manual_seed_reproduces_draws():
    tl.manual_seed(123)
    a, b = tl.randn(4), tl.rand(2)
    tl.manual_seed(123)
    assert tl.randn(4).tolist() == a.tolist() and tl.rand(2).tolist() == b.tolist()
    assert tl.randn(4).tolist() != a.tolist()


def test_cat_stack_one_hot():
    a, b = tl.tensor([[1, 2]]), tl.tensor([[3.0, 4.0]])
    c = tl.cat([a, b])
    assert c.dtype == tl.float32 and c.tolist() == [[1, 2], [3, 4]]
    assert tl.cat([a, a], dim=-1).shape == (1, 4)
    assert tl.stack([a, a], dim=1).shape == (1, 2, 2)
    assert tl.cat([tl.zeros(0), tl.ones(2)]).tolist() == [1.0, 1.0]
    assert tl.one_hot(tl.tensor([1, 0]), 3).tolist() == [[0, 1, 0], [1, 0, 0]]


# ---- attributes and conversions -----------------------------------------------------------------
def test_attributes():
    x = tl.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and x.size() == (2, 3, 4) and x.size(-1) == 4
    assert x.dim() == x.ndim == 3 and x.numel() == 24 and len(x) == 2
    assert x.device == "cpu" and x.is_leaf and x.grad is None and x.grad_fn is None
    assert tl.zeros(0, 3).numel() == 0


def test_item_tolist_float_int_bool_index():
    assert tl.tensor([[2.5]]).item() == 2.5
    assert tl.tensor([1, 2]).tolist() == [1, 2]
    assert float(tl.tensor(1.5)) == 1.5 and int(tl.tensor(3)) == 3
    assert bool(tl.tensor([True])) and not bool(tl.tensor(0.0))
    assert [10, 20, 30][tl.tensor(2)] == 30
    assert [row.tolist() for row in tl.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    assert np.asarray(tl.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_to_and_casts():
    x = tl.tensor([1.7, -2.2], requires_grad=True)
    assert x.to(tl.float32) is x
    d = x.double()
    assert d.dtype == tl.float64 and d.requires_grad
    i = x.long()
    assert i.dtype == tl.int64 and i.tolist() == [1, -2] and not i.requires_grad
    assert x.int().dtype == tl.int32 and x.half().dtype == tl.float16
    assert tl.tensor([0.0, 2.0]).bool().tolist() == [False, True]
    assert x.type_as(tl.zeros(1, dtype=tl.float64)).dtype == tl.float64
    assert x.to("cpu") is x and x.to("cpu", tl.float64).dtype == tl.float64


def test_detach_shares_memory_clone_does_not():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    d, c = x.detach(), x.clone()
    assert not d.requires_grad and c.requires_grad and c.grad_fn is not None
    with tl.no_grad():
        x.mul_(10)
    assert d.tolist() == [10.0, 20.0] and c.tolist() == [1.0, 2.0]
    assert tl.tensor([True]).clone().tolist() == [True]


def test_functions_mirror_methods():
    x = tl.tensor([[1.0, -2.0], [3.0, 0.5]])
    assert tl.exp(x).tolist() == x.exp().tolist()
    assert tl.sum(x, 1).tolist() == x.sum(1).tolist()
    assert tl.max(x, 0).indices.tolist() == [1, 1]
    assert tl.matmul(x, x).tolist() == (x @ x).tolist()
    assert tl.where(x > 0, x, 0.0).tolist() == [[1.0, 0.0], [3.0, 0.5]]


def test_max_min_return_values_and_indices():
    x = tl.tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0]])
    v, i = x.max(1)
    assert v.tolist() == [5.0, 7.0] and i.tolist() == [1, 0]
    assert x.min(dim=0, keepdim=True).values.shape == (1, 3)
    assert x.argmax().item() == 3 and x.argmin(1).tolist() == [0, 1]
    assert x.max(tl.full((2, 3), 6.0)).tolist() == [[6, 6, 6], [7, 6, 7]]


# ---- repr ---------------------------------------------------------------------------------------
def test_repr_by_hand():
    assert repr(tl.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
    assert repr(tl.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert repr(tl.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tl.tensor([1, 2], dtype=tl.int32)) == "tensor([1, 2], dtype=tl.int32)"
    assert repr(tl.tensor(3.5, dtype=tl.float64)) == "tensor(3.5000, dtype=tl.float64)"
    assert repr(tl.tensor([True, False])) == "tensor([ True, False])"
    assert repr(tl.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(tl.tensor([[1.0, -2.0], [3.0, 4.0]])) == "tensor([[ 1., -2.],\n        [ 3.,  4.]])"
    assert repr(tl.tensor([1.0, 2.0], requires_grad=True) * 2) == "tensor([2., 4.], grad_fn=<MulBackward>)"
    assert repr(tl.zeros(2, 0)) == "tensor([], size=(2, 0))"


REPR_CASES = [
    [1.0, 2.0, 3.0], [1.5, -2.25], [[1.0, 2.5], [3.0, -4.0]], 3.5, 2.0, -0.0, [], [1e-5, 1.0], [1e9, 1.0],
    [123456.0, 1.5], [float("nan"), 1.0, float("inf")], [float("-inf"), 2.0], [0.1, 0.25], [1e-10],
    [-0.0, 1.0], [1.0, 1e8], [1e-4, 1.0], [100.5, 2.0], [0.0, 0.0], [float("nan")],
    [1, 2, 3], [-10, 200], [True, False], 7, True, [[1, 2], [3, 4]],
]


def _repr_pairs():
    for values in REPR_CASES:
        kind = np.array(values).dtype.kind
        dts = [None] + (["int32"] if kind in "iu" else ["float64", "float16"] if kind == "f" else [])
        yield from ((values, dt) for dt in dts)


@pytest.mark.parametrize("values,dtype", list(_repr_pairs()), ids=repr)
def test_repr_matches_torch(values, dtype):
    torch = pytest.importorskip("torch")
    ours = tl.tensor(values, dtype=dtype)
    theirs = torch.tensor(values, dtype=getattr(torch, dtype) if dtype else None)
    assert repr(ours) == repr(theirs).replace("torch.", "tl.")


@pytest.mark.parametrize("shape", [(5, 7), (40, 40), (3, 4, 5), (1001,), (2, 3, 400), (2, 0), (3, 0, 2), (12,)])
@pytest.mark.parametrize("kind", ["normal", "big", "int", "bool", "grad"])
def test_repr_of_larger_tensors_matches_torch(shape, kind):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(shape))
    a = {"normal": rng.standard_normal(shape), "big": rng.standard_normal(shape) * 1e5,
         "int": rng.integers(-100, 100, shape), "bool": rng.standard_normal(shape) > 0,
         "grad": rng.standard_normal(shape)}[kind]
    grad = kind == "grad"
    ours, theirs = tl.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)
    assert repr(ours) == repr(theirs).replace("torch.", "tl.")


# ---- indexing (forward) -------------------------------------------------------------------------
INDICES = [
    1, -1, slice(None), slice(1, None), slice(None, None, 2), (0, 1), (slice(None), 2), (Ellipsis, 1),
    (None, 0), (1, None, slice(0, 2)), [0, 2, 0], (np.array([0, 1]), np.array([2, 3])), np.array([-1, 0]),
    np.array([True, False, True]), np.array([[True, False, True, False]] * 3), (slice(None), [3, 3, 0]),
    (Ellipsis, None), (np.array([[0], [2]]), np.array([1, 3])),
]


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_getitem_matches_numpy(index):
    a = np.arange(12.0).reshape(3, 4)
    x = tl.tensor(a)
    idx = tuple(tl.tensor(i) if isinstance(i, np.ndarray) else i for i in index) \
        if isinstance(index, tuple) else (tl.tensor(index) if isinstance(index, np.ndarray) else index)
    np.testing.assert_array_equal(x[idx].numpy(), a[index])


def test_basic_index_is_a_view_like_torch():
    x = tl.tensor([[1.0, 2.0], [3.0, 4.0]])
    row, col = x[0], x[:, 1]
    with tl.no_grad():
        row.add_(10)
    assert x.tolist() == [[11.0, 12.0], [3.0, 4.0]] and col.tolist() == [12.0, 4.0]
    assert x._vc is row._vc  # one version counter: changing the view changes x's version
    adv = x[tl.tensor([0])]     # advanced indexing copies
    with tl.no_grad():
        adv.zero_()
    assert x.tolist()[0] == [11.0, 12.0]


def test_setitem():
    x = tl.zeros(2, 3)
    x[0] = 1.0
    x[1, tl.tensor([0, 2])] = tl.tensor([5.0, 6.0])
    x[x > 5.5] = -1.0
    assert x.tolist() == [[1, 1, 1], [5, 0, -1]]
    y = tl.zeros(3, dtype=tl.int64)
    y[1] = tl.tensor(2.7)
    assert y.tolist() == [0, 2, 0] and y.dtype == tl.int64


def test_gather():
    x = tl.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.gather(1, tl.tensor([[2, 0], [1, 1]])).tolist() == [[3, 1], [5, 5]]
    assert x.gather(0, tl.tensor([[1, 0, 1]])).tolist() == [[4, 2, 6]]


# ---- in-place ops -------------------------------------------------------------------------------
def test_inplace_ops_values_and_versions():
    x = tl.tensor([1.0, 2.0, 3.0])
    v0 = x._vc[0]
    x.add_(1).sub_(tl.tensor([1.0, 1.0, 1.0]), alpha=2).mul_(2).div_(4)
    assert x.tolist() == [0.0, 0.5, 1.0]
    x.clamp_(0.25, 0.75)
    assert x.tolist() == [0.25, 0.5, 0.75]
    x.fill_(2)
    assert x.tolist() == [2.0, 2.0, 2.0]
    x.copy_(tl.tensor([1, 2, 3]))
    assert x.tolist() == [1.0, 2.0, 3.0] and x.dtype == tl.float32
    x.zero_()
    assert x.tolist() == [0.0, 0.0, 0.0]
    x += 2
    x *= tl.tensor([1.0, 2.0, 3.0])
    assert x.tolist() == [2.0, 4.0, 6.0]
    assert x._vc[0] - v0 == 10  # one version per in-place op
    x.normal_()
    x.uniform_(2, 3)
    assert all(2 <= v < 3 for v in x.tolist())


def test_inplace_keeps_dtype_and_broadcasts():
    x = tl.zeros(2, 3, dtype=tl.float64)
    x.add_(tl.tensor([1.0, 2.0, 3.0]))
    assert x.dtype == tl.float64 and x.tolist() == [[1, 2, 3], [1, 2, 3]]
    i = tl.tensor([1, 2])
    i.mul_(3)
    assert i.dtype == tl.int64 and i.tolist() == [3, 6]


# ---- shape methods ----------------------------------------------------------------------------------
def test_shape_methods():
    x = tl.arange(24).reshape(2, 3, 4)
    assert x.view(-1, 4).shape == (6, 4) and x.reshape((4, 6)).shape == (4, 6)
    assert x.flatten().shape == (24,) and x.flatten(0, 1).shape == (6, 4) and tl.tensor(1.0).flatten().shape == (1,)
    assert x.unsqueeze(0).shape == (1, 2, 3, 4) and x.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert tl.zeros(1, 2, 1).squeeze().shape == (2,) and tl.zeros(1, 2, 1).squeeze(-1).shape == (1, 2)
    assert tl.zeros(1, 2, 1).squeeze((0, 2)).shape == (2,) and tl.zeros(2).squeeze(0).shape == (2,)
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.transpose(0, 2).shape == (4, 3, 2)
    assert x.mT.shape == (2, 4, 3) and x.T.shape == (4, 3, 2) and tl.zeros(2, 3).t().shape == (3, 2)
    assert tl.zeros(3, 1).expand(2, 3, 4).shape == (2, 3, 4) and tl.zeros(3, 1).expand(-1, 5).shape == (3, 5)
    assert [t.shape for t in x.split(2, dim=2)] == [(2, 3, 2), (2, 3, 2)]
    assert [t.shape[1] for t in x.split([1, 2], 1)] == [1, 2]
    assert [t.shape[2] for t in x.chunk(3, -1)] == [2, 2]
    np.testing.assert_array_equal(x.permute(1, 2, 0).numpy(), np.arange(24).reshape(2, 3, 4).transpose(1, 2, 0))


def test_split_and_chunk_match_torch():
    torch = pytest.importorskip("torch")
    for n in range(0, 8):
        for k in range(1, 5):
            ours = [t.shape for t in tl.zeros(n, 2).chunk(k)]
            theirs = [tuple(t.shape) for t in torch.zeros(n, 2).chunk(k)]
            assert ours == theirs, (n, k)
            assert [t.shape for t in tl.zeros(n).split(k)] == [tuple(t.shape) for t in torch.zeros(n).split(k)]


def test_logic_and_comparisons():
    a, b = tl.tensor([1, 2, 3]), tl.tensor([3.0, 2.0, 1.0])
    assert (a < b).tolist() == [True, False, False] and (a == 2).dtype == tl.bool_
    assert ((a >= 2) & (b >= 2)).tolist() == [False, True, False]
    assert ((a > 2) | (b > 2)).tolist() == [True, False, True]
    assert (~(a > 1)).tolist() == [True, False, False] and ((a > 1) ^ True).tolist() == [True, False, False]
    assert tl.tensor([float("nan"), 1.0]).isnan().tolist() == [True, False]
    assert (a > 0).all().item() and not (a > 2).all().item() and (a > 2).any().item()
    assert (a > 1).sum().item() == 2 and (a > 1).sum().dtype == tl.int64
