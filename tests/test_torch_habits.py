"""Issue 12: the options and function forms torch users write from memory, each compared with
torch (values, dtypes, gradients) where torch is installed, plus float64 gradchecks."""
import warnings

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
import tinygrad_losses.nn as nn


def _torch():
    return pytest.importorskip("torch")


def _same(ours, theirs):
    """Equal values (nan where nan), shapes and dtypes."""
    assert ours.shape == tuple(theirs.shape), (ours.shape, theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.detach().numpy().astype(np.float64),
                               rtol=1e-6, atol=1e-7, equal_nan=True)


# ---- var/std correction=None, 0-d max/min/gather, maximum with a number ------------------------
def test_var_std_correction_none_is_the_default_correction():
    torch = _torch()
    a = np.array([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]], np.float32)
    for dim in (None, 0, 1):
        for keepdim in (False, True):
            kw = {} if dim is None else {"dim": dim}
            _same(tl.tensor(a).var(correction=None, keepdim=keepdim, **kw),
                  torch.tensor(a).var(correction=None, keepdim=keepdim, **kw))
            _same(tl.std(tl.tensor(a), correction=None, keepdim=keepdim, **kw),
                  torch.std(torch.tensor(a), correction=None, keepdim=keepdim, **kw))


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_of_a_0d_tensor_over_dim_0(name, keepdim):
    torch = _torch()
    for dim in (0, -1):
        values, indices = getattr(tl.tensor(5.0), name)(dim, keepdim=keepdim)
        tv, ti = getattr(torch.tensor(5.0), name)(dim, keepdim=keepdim)
        _same(values, tv)
        _same(indices, ti)
    with pytest.raises(IndexError):
        getattr(tl.tensor(5.0), name)(1)


def test_max_of_a_0d_tensor_passes_the_gradient():
    x = tl.tensor(3.0, dtype=tl.float64, requires_grad=True)
    x.max(0).values.backward()
    assert x.grad.item() == 1.0


def test_gather_with_a_0d_index():
    torch = _torch()
    _same(tl.tensor(5.0).gather(0, tl.tensor(0)), torch.tensor(5.0).gather(0, torch.tensor(0)))
    _same(tl.tensor([1.0, 2.0, 3.0]).gather(0, tl.tensor(2)), torch.tensor([1.0, 2.0, 3.0]).gather(0, torch.tensor(2)))
    x = tl.tensor([1.0, 2.0, 3.0], dtype=tl.float64, requires_grad=True)
    assert tl.gradcheck(lambda t: t.gather(0, tl.tensor(1)), (x,))


def test_maximum_minimum_keep_accepting_a_python_number():
    """Our documented choice: torch.maximum(int_tensor, 2) raises a TypeError; here the number is
    accepted and promotes as in ``t + 2`` (an int stays int64, 2.5 gives float32)."""
    i = tl.tensor([1, 2, 3])
    assert i.maximum(2).tolist() == [2, 2, 3] and i.maximum(2).dtype == tl.int64
    assert i.minimum(2.5).tolist() == [1.0, 2.0, 2.5] and i.minimum(2.5).dtype == tl.float32
    assert tl.maximum(2, i).tolist() == [2, 2, 3]
    torch = _torch()
    with pytest.raises(TypeError):
        torch.maximum(torch.tensor([1, 2, 3]), 2)


# ---- div(rounding_mode), //, alpha, rsub ------------------------------------------------------
_DIV_CASES = [
    ([7.0, -7.0, 7.5, -0.5, 0.0, 1e30, 3.0], [2.0, 2.0, -2.0, 3.0, 5.0, 7.0, 0.0], "float32"),
    # quotients that round onto an integer, and infinities (torch's floor goes through fmod)
    ([1.0, 2.9, 0.3, float("inf"), -float("inf"), 1.0, -7.0, 0.0, 5.0], [0.1, 0.1, 0.1, 2.0, 3.0, -float("inf"),
                                                                           float("inf"), float("inf"), 0.0], "float32"),
    ([1.0, 2.9, float("inf"), 1.0, -7.0], [0.1, 0.1, -2.0, -float("inf"), float("inf")], "float16"),
    ([7.0, -7.0, 0.75, float("nan"), -3.0], [2.0, -4.0, 0.25, 1.0, 0.0], "float64"),
    ([7, -7, 9, -9, 0], [2, 2, -4, -4, 3], "int64"),
    ([7, -7, 100], [3, 3, -7], "int32"),
    ([1.5, -2.5, 3.0], [1, 2, -2], "float16"),
]


@pytest.mark.parametrize("a,b,dtype", _DIV_CASES)
def test_div_rounding_modes_and_floordiv_match_torch(a, b, dtype):
    torch = _torch()
    x, y = tl.tensor(a, dtype=dtype), tl.tensor(b, dtype=dtype)
    tx, ty = torch.tensor(a, dtype=getattr(torch, dtype)), torch.tensor(b, dtype=getattr(torch, dtype))
    for mode in ("trunc", "floor"):
        _same(x.div(y, rounding_mode=mode), tx.div(ty, rounding_mode=mode))
        _same(tl.div(x, y, rounding_mode=mode), torch.div(tx, ty, rounding_mode=mode))
    _same(x // y, tx // ty)
    _same(x // 2, tx // 2)
    _same(x // 2.5, tx // 2.5)
    _same(10 // y.where(y != 0, 1), 10 // ty.where(ty != 0, 1))
    _same(tl.floor_divide(x, y), torch.floor_divide(tx, ty))


def test_division_of_infinities_matches_torch():
    torch = _torch()
    a, b = [float("inf"), -float("inf"), 1.0, -0.5, 5.0], [2.0, 3.0, float("inf"), 3.0, 0.0]
    for mode in ("trunc", "floor"):
        for dtype in ("float32", "float64"):
            _same(tl.tensor(a, dtype=dtype).div(tl.tensor(b, dtype=dtype), rounding_mode=mode),
                  torch.tensor(a, dtype=getattr(torch, dtype)).div(torch.tensor(b, dtype=getattr(torch, dtype)),
                                                                   rounding_mode=mode))


def test_float64_floor_division_departure_is_the_documented_one():
    """float64 floor division is the floor of the rounded quotient (no wider type to divide in):
    1.0 // 0.1 is 10.0 here, 9.0 in torch; float32 follows torch."""
    assert (tl.tensor(1.0, dtype=tl.float64) // 0.1).item() == 10.0
    assert (tl.tensor(1.0) // 0.1).item() == 9.0


def test_integer_division_by_zero_and_bad_rounding_mode_raise():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        tl.tensor([1, 2]) // tl.tensor([1, 0])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        tl.tensor([1, 2]).div(0, rounding_mode="trunc")
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None, 'trunc', or 'floor'"):
        tl.tensor([1.0]).div(2, rounding_mode="round")
    with pytest.raises(RuntimeError, match="size of tensor a"):
        tl.ones(2) // tl.ones(3)


def test_rounded_division_and_floor_trunc_have_zero_gradient_like_torch():
    torch = _torch()
    a = np.array([3.5, -2.0, 7.0, 1e30], np.float64)
    b = np.array([2.0, 0.0, -3.0, 0.5], np.float64)
    for mode in ("trunc", "floor"):
        x, y = tl.tensor(a, requires_grad=True), tl.tensor(b, requires_grad=True)
        tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        x.div(y, rounding_mode=mode).sum().backward()
        tx.div(ty, rounding_mode=mode).sum().backward()
        _same(x.grad, tx.grad)
        _same(y.grad, ty.grad)
    for name in ("floor", "trunc"):
        x, tx = tl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        getattr(x, name)().sum().backward()
        getattr(tx, name)().sum().backward()
        _same(x.grad, tx.grad)
        _same(getattr(tl.tensor(a), name)(), getattr(torch.tensor(a), name)())
    x = tl.tensor([0.3, 1.7, -2.2], dtype=tl.float64, requires_grad=True)
    assert tl.gradcheck(lambda t: t // 2, (x,))


def test_add_sub_with_alpha_and_rsub_match_torch():
    torch = _torch()
    x, tx = tl.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0])
    i, ti = tl.tensor([1, 2, 3]), torch.tensor([1, 2, 3])
    _same(x.add(2, alpha=3), tx.add(2, alpha=3))
    _same(tl.add(x, x, alpha=-0.5), torch.add(tx, tx, alpha=-0.5))
    _same(x.sub(x, alpha=2), tx.sub(tx, alpha=2))
    _same(tl.sub(i, i, alpha=3), torch.sub(ti, ti, alpha=3))
    _same(tl.rsub(x, 2), torch.rsub(tx, 2))
    _same(tl.rsub(x, 1, alpha=2), torch.rsub(tx, 1, alpha=2))
    _same(i.rsub(10, alpha=2), torch.rsub(ti, 10, alpha=2))
    _same(tl.add(i, 2.5, alpha=2), torch.add(ti, 2.5, alpha=2))
    with pytest.raises(RuntimeError, match="alpha must not be a floating point"):
        tl.add(i, 2, alpha=0.5)
    w = tl.tensor([1.0, -2.0], dtype=tl.float64, requires_grad=True)
    v = tl.tensor([0.5, 4.0], dtype=tl.float64, requires_grad=True)
    assert tl.gradcheck(lambda a, b: tl.add(a, b, alpha=-1.5) * tl.rsub(a, b, alpha=2), (w, v))


# ---- number-first function forms -----------------------------------------------------------------
_NUMBER_FIRST = [  # (our call, the same expression in torch with the operator)
    (lambda t: tl.add(2.5, t), lambda t: 2.5 + t),
    (lambda t: tl.add(2, t, alpha=3), lambda t: 2 + 3 * t),
    (lambda t: tl.sub(2, t), lambda t: 2 - t),
    (lambda t: tl.mul(3, t), lambda t: 3 * t),
    (lambda t: tl.div(2, t), lambda t: 2 / t),
    (lambda t: tl.div(7, t, rounding_mode="floor"), lambda t: 7 // t),
    (lambda t: tl.pow(2, t), lambda t: 2 ** t),
    (lambda t: tl.maximum(2, t), lambda t: t.clamp_min(2)),
    (lambda t: tl.minimum(2, t), lambda t: t.clamp_max(2)),
    (lambda t: tl.clamp_min(t, 2), lambda t: t.clamp_min(2)),
    (lambda t: tl.clamp_max(t, 2), lambda t: t.clamp_max(2)),
    (lambda t: tl.eq(2, t), lambda t: 2 == t),
    (lambda t: tl.ne(2, t), lambda t: 2 != t),
    (lambda t: tl.lt(2, t), lambda t: 2 < t),
    (lambda t: tl.le(2, t), lambda t: 2 <= t),
    (lambda t: tl.gt(2, t), lambda t: 2 > t),
    (lambda t: tl.ge(2, t), lambda t: 2 >= t),
]


@pytest.mark.parametrize("dtype", ["float32", "int64", "float64"])
@pytest.mark.parametrize("case", range(len(_NUMBER_FIRST)))
def test_number_first_function_forms(case, dtype):
    torch = _torch()
    ours, theirs = _NUMBER_FIRST[case]
    values = [1, 2, 3] if dtype == "int64" else [0.5, 2.0, 3.0]
    _same(ours(tl.tensor(values, dtype=dtype)), theirs(torch.tensor(values, dtype=getattr(torch, dtype))))


def test_function_forms_refuse_two_numbers():
    with pytest.raises(TypeError, match="expected a Tensor"):
        tl.add(1, 2)
    with pytest.raises(TypeError, match="must be a Tensor"):
        tl.exp(1.0)


def test_number_first_gradients():
    x = tl.tensor([0.5, 1.5, 2.5], dtype=tl.float64, requires_grad=True)
    assert tl.gradcheck(lambda t: tl.pow(2, t) + tl.sub(1, t) * tl.div(3, t) + tl.maximum(1.0, t), (x,))


# ---- logsumexp over several dims --------------------------------------------------------------------
@pytest.mark.parametrize("dim", [(1,), (0, 1), (0, 2), (2, 0), [1, 2], (-1,), (0, 1, 2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_logsumexp_over_a_tuple_of_dims_matches_torch(dim, keepdim):
    torch = _torch()
    a = np.random.default_rng(0).normal(size=(2, 3, 4)) * 30
    _same(tl.tensor(a).logsumexp(dim, keepdim), torch.tensor(a).logsumexp(dim, keepdim))
    x = tl.tensor(a, requires_grad=True)
    assert tl.gradcheck(lambda t: t.logsumexp(dim, keepdim), (x,))


def test_logsumexp_empty_tuple_reduces_every_dim():
    """torch.logsumexp(x, ()) fails inside torch with a shape error; here () means every dim, as
    in ``sum(dim=())``, and equals the logsumexp of the flattened tensor."""
    torch = _torch()
    a = np.array([[1.0, -2.0, 1e4], [3.0, 0.0, -1e4]])
    _same(tl.tensor(a).logsumexp(()), torch.tensor(a).reshape(-1).logsumexp(0))
    assert tl.tensor(2.0).logsumexp(()).item() == 2.0
    with pytest.raises(RuntimeError, match="multiple times"):
        tl.ones(2, 3).logsumexp((1, 1))


# ---- logical ops of non-bool tensors --------------------------------------------------------------
def test_logical_ops_of_non_bool_tensors_match_torch():
    torch = _torch()
    a, b = [0.0, 1.5, -2.0, float("nan"), 0.0], [3, 0, 1, 0, 0]
    x, y, tx, ty = tl.tensor(a), tl.tensor(b), torch.tensor(a), torch.tensor(b)
    _same(tl.logical_not(x), torch.logical_not(tx))
    _same(y.logical_not(), ty.logical_not())
    for name in ("logical_and", "logical_or", "logical_xor"):
        _same(getattr(tl, name)(x, y), getattr(torch, name)(tx, ty))
        _same(getattr(y, name)(x > 0), getattr(ty, name)(tx > 0))
    with pytest.raises(TypeError, match="expected bool tensors"):  # & stays a bool operator
        tl.tensor([1, 2]) & tl.tensor([1, 0])


# ---- index dtypes of gather / scatter_add -----------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int16"])
def test_gather_and_scatter_add_index_dtypes_as_torch(dtype):
    torch = _torch()
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    idx = np.array([[0, 2], [1, 1]])
    ours_index, their_index = tl.tensor(idx, dtype=dtype), torch.tensor(idx, dtype=getattr(torch, dtype))
    src = np.array([[10.0, 20.0], [30.0, 40.0]], np.float32)
    calls = [(lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i)),
             (lambda x, i: x.scatter_add(1, i, tl.tensor(src)), lambda x, i: x.scatter_add(1, i, torch.tensor(src))),
             (lambda x, i: x.scatter(1, i[:, :1], tl.tensor(src)),
              lambda x, i: x.scatter(1, i[:, :1], torch.tensor(src))),
             (lambda x, i: x.scatter(1, i[:, :1], -1.5), lambda x, i: x.scatter(1, i[:, :1], -1.5))]
    for ours, theirs in calls:
        try:
            expected = theirs(torch.tensor(a), their_index)
        except RuntimeError:
            with pytest.raises(RuntimeError, match="int64 index"):
                ours(tl.tensor(a), ours_index)
        else:
            _same(ours(tl.tensor(a), ours_index), expected)


def test_scatter_add_matches_torch_with_gradients():
    torch = _torch()
    rng = np.random.default_rng(1)
    a, src = rng.normal(size=(3, 4)), rng.normal(size=(3, 3))
    idx = np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]])
    x, s = tl.tensor(a, requires_grad=True), tl.tensor(src, requires_grad=True)
    tx, ts = torch.tensor(a, requires_grad=True), torch.tensor(src, requires_grad=True)
    out, tout = x.scatter_add(1, tl.tensor(idx), s), tx.scatter_add(1, torch.tensor(idx), ts)
    _same(out, tout)
    weights = rng.normal(size=(3, 4))
    (out * tl.tensor(weights)).sum().backward()
    (tout * torch.tensor(weights)).sum().backward()
    _same(x.grad, tx.grad)
    _same(s.grad, ts.grad)
    wider = rng.normal(size=(3, 5))  # only src's index-shaped corner is used (torch's own backward fails here)
    assert tl.gradcheck(lambda p, q: p.scatter_add(1, tl.tensor(idx), q), (tl.tensor(a, requires_grad=True),
                                                                            tl.tensor(wider, requires_grad=True)))
    _same(x.scatter_add(1, tl.tensor(idx), tl.tensor(wider)), torch.tensor(a).scatter_add(1, torch.tensor(idx),
                                                                                          torch.tensor(wider)))
    with pytest.raises(RuntimeError, match="out of bounds"):
        x.scatter_add(1, tl.tensor([[4]]), s)


def test_scatter_matches_torch_with_gradients_and_refuses_repeats():
    torch = _torch()
    rng = np.random.default_rng(2)
    a, src = rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    idx = np.array([[0, 3], [2, 1], [1, 0]])
    x, s = tl.tensor(a, requires_grad=True), tl.tensor(src, requires_grad=True)
    tx, ts = torch.tensor(a, requires_grad=True), torch.tensor(src, requires_grad=True)
    out, tout = x.scatter(1, tl.tensor(idx), s), tx.scatter(1, torch.tensor(idx), ts)
    _same(out, tout)
    weights = rng.normal(size=(3, 4))
    (out * tl.tensor(weights)).sum().backward()
    (tout * torch.tensor(weights)).sum().backward()
    _same(x.grad, tx.grad)
    _same(s.grad, ts.grad)
    assert tl.gradcheck(lambda p, q: tl.scatter(p, 1, tl.tensor(idx), q), (tl.tensor(a, requires_grad=True),
                                                                          tl.tensor(src, requires_grad=True)))
    _same(tl.tensor(a).scatter(0, tl.tensor([[2, 0, 1, 2]]), value=9.0),
          torch.tensor(a).scatter(0, torch.tensor([[2, 0, 1, 2]]), value=9.0))
    with pytest.raises(RuntimeError, match="more than once"):
        x.scatter(1, tl.tensor([[0, 0]]), s)
    with pytest.raises(TypeError, match="exactly one of src"):
        tl.tensor(a).scatter(1, tl.tensor(idx))


# ---- sum/mean dtype= ------------------------------------------------------------------------------------
_REDUCE_DTYPES = [("sum", "int64", "float32"), ("sum", "float32", "int64"), ("sum", "bool", "bool"),
                  ("sum", "int32", "float64"), ("sum", "float32", "float64"), ("mean", "int64", "float64"),
                  ("mean", "int32", "float32"), ("mean", "float32", "float64"), ("mean", "float64", "float16"),
                  ("mean", "float32", "int64"), ("mean", "bool", "float32")]


@pytest.mark.parametrize("name,src,dtype", _REDUCE_DTYPES)
def test_sum_and_mean_with_dtype_follow_torch(name, src, dtype):
    torch = _torch()
    a = np.array([[1, 0, 3], [4, 5, 0]])
    x, tx = tl.tensor(a, dtype=src), torch.tensor(a, dtype=getattr(torch, src))
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
        try:
            expected = getattr(tx, name)(dtype=getattr(torch, dtype), **kw)
        except RuntimeError:
            with pytest.raises(RuntimeError, match="could not infer output dtype"):
                getattr(x, name)(dtype=dtype, **kw)
        else:
            _same(getattr(x, name)(dtype=dtype, **kw), expected)


def test_mean_without_dtype_still_refuses_integers():
    with pytest.raises(RuntimeError, match="Input dtype must be a floating point"):
        tl.tensor([1, 2]).mean()


# ---- where(cond, scalar, scalar) ------------------------------------------------------------------------
@pytest.mark.parametrize("a,b", [(1.0, 0), (1, 0), (True, 0), (True, False), (2, -0.5), (1.5, 2.5)])
def test_where_with_two_numbers_matches_torch(a, b):
    torch = _torch()
    cond = [[True, False, True], [False, False, True]]
    _same(tl.where(tl.tensor(cond), a, b), torch.where(torch.tensor(cond), a, b))


def test_where_still_needs_a_bool_condition_and_numbers_or_tensors():
    with pytest.raises(TypeError, match="condition must be a bool"):
        tl.where(tl.ones(2), 1.0, 0.0)
    with pytest.raises(TypeError, match="at least one of input and other"):
        tl.where(tl.tensor([True]), "a", 0)


# ---- legacy size_average= / reduce= ------------------------------------------------------------------
def _inputs(name, rng):
    """numpy arguments for each torch loss that still has the legacy flags."""
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    p, labels = 1 / (1 + np.exp(-x)), rng.integers(0, 3, size=4)
    sign = np.where(rng.random(4) < 0.5, -1.0, 1.0)
    multilabel = np.array([[0, 2, -1], [1, -1, 0], [2, 1, 0], [0, -1, 1]])
    return {
        "l1_loss": (x, y), "mse_loss": (x, y), "smooth_l1_loss": (x, y),
        "cross_entropy": (x, labels), "nll_loss": (np.log(p / p.sum(1, keepdims=True)), labels),
        "poisson_nll_loss": (x, np.abs(y)), "kl_div": (np.log(p), p / p.sum(1, keepdims=True)),
        "binary_cross_entropy": (p, (y > 0).astype(float)),
        "binary_cross_entropy_with_logits": (x, (y > 0).astype(float)),
        "hinge_embedding_loss": (x[:, 0], sign), "multilabel_margin_loss": (x, multilabel),
        "soft_margin_loss": (x, np.sign(y)), "multilabel_soft_margin_loss": (x, (y > 0).astype(float)),
        "cosine_embedding_loss": (x, y, sign), "margin_ranking_loss": (x[:, 0], y[:, 0], sign),
        "multi_margin_loss": (x, labels), "triplet_margin_loss": (x, y, rng.normal(size=(4, 3))),
    }[name]


_CLASSES = {"l1_loss": "L1Loss", "mse_loss": "MSELoss", "smooth_l1_loss": "SmoothL1Loss",
            "cross_entropy": "CrossEntropyLoss", "nll_loss": "NLLLoss", "poisson_nll_loss": "PoissonNLLLoss",
            "kl_div": "KLDivLoss", "binary_cross_entropy": "BCELoss",
            "binary_cross_entropy_with_logits": "BCEWithLogitsLoss", "hinge_embedding_loss": "HingeEmbeddingLoss",
            "multilabel_margin_loss": "MultiLabelMarginLoss", "soft_margin_loss": "SoftMarginLoss",
            "multilabel_soft_margin_loss": "MultiLabelSoftMarginLoss",
            "cosine_embedding_loss": "CosineEmbeddingLoss", "margin_ranking_loss": "MarginRankingLoss",
            "multi_margin_loss": "MultiMarginLoss", "triplet_margin_loss": "TripletMarginLoss"}
_FLAGS = [(s, r) for s in (None, True, False) for r in (None, True, False) if (s, r) != (None, None)]


def _call_both(fn_ours, fn_theirs, name, torch):
    args = _inputs(name, np.random.default_rng(3))
    ours = [tl.tensor(a) if a.dtype.kind == "f" else tl.tensor(a) for a in args]
    theirs = [torch.tensor(a) for a in args]
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        value = fn_ours(*ours)
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        expected = fn_theirs(*theirs)
    return value, expected, ours_warned, theirs_warned


def _deprecations(records):
    return [str(w.message) for w in records if "size_average" in str(w.message)]


@pytest.mark.parametrize("flags", _FLAGS)
@pytest.mark.parametrize("name", sorted(_CLASSES))
def test_legacy_flags_of_every_torch_loss_function(name, flags):
    torch = _torch()
    size_average, reduce = flags
    value, expected, ours_warned, theirs_warned = _call_both(
        lambda *a: getattr(F, name)(*a, size_average=size_average, reduce=reduce),
        lambda *a: getattr(torch.nn.functional, name)(*a, size_average=size_average, reduce=reduce), name, torch)
    _same(value, expected)
    assert _deprecations(ours_warned) == _deprecations(theirs_warned) and _deprecations(ours_warned)


@pytest.mark.parametrize("flags", _FLAGS)
@pytest.mark.parametrize("name", sorted(_CLASSES))
def test_legacy_flags_of_every_torch_loss_class(name, flags):
    torch = _torch()
    size_average, reduce = flags
    cls = _CLASSES[name]
    value, expected, ours_warned, theirs_warned = _call_both(
        lambda *a: getattr(nn, cls)(size_average=size_average, reduce=reduce)(*a),
        lambda *a: getattr(torch.nn, cls)(size_average=size_average, reduce=reduce)(*a), name, torch)
    _same(value, expected)
    assert _deprecations(ours_warned) == _deprecations(theirs_warned) and _deprecations(ours_warned)


def test_legacy_flags_in_torch_positions_of_the_classes():
    torch = _torch()
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        assert nn.MSELoss(False).reduction == torch.nn.MSELoss(False).reduction == "sum"
        assert nn.CrossEntropyLoss(None, None, -100, False).reduction == "none"
        assert nn.TripletMarginLoss(1.0, 2.0, 1e-6, False, False).reduction == "sum"
        assert nn.KLDivLoss(None, False, "batchmean").reduction == "none"
        assert nn.PoissonNLLLoss(True, False, False, 1e-8, True).reduction == "sum"
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        assert nn.NLLLoss2d(None, None, 3).ignore_index == 3


def test_legacy_flags_without_flags_change_nothing_and_refuse_strings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert F.mse_loss(tl.ones(2), tl.zeros(2), reduction="sum").item() == 2.0
        assert nn.SmoothL1Loss(reduction="none").reduction == "none"
    with pytest.raises(TypeError, match="size_average must be a bool or None"):
        nn.L1Loss("sum")


# ---- a table of edge inputs, compared with torch ---------------------------------------------------
_EDGES = [  # (name, input, call with m = tl or torch): extreme logits, exact 0/1, zeros, infinities
    ("logsumexp of ±1e4 over two dims", [[1e4, -1e4], [-1e4, -1e4]], lambda m, t: t.logsumexp((0, 1))),
    ("logsumexp of -inf rows", [[-np.inf, -np.inf], [0.0, -np.inf]], lambda m, t: t.logsumexp((1,))),
    ("floor division of ±1e4 and 0", [1e4, -1e4, 0.0, -0.0], lambda m, t: t // 3),
    ("trunc of huge values", [3e38, -3e38, 1e16, -2.5], lambda m, t: t.trunc()),
    ("floor of exact integers and halves", [0.0, 1.0, -1.0, 0.5, -0.5, 8388607.5], lambda m, t: t.floor()),
    ("nan_to_num of the logs of 0 and 1", [0.0, 1.0, 0.5], lambda m, t: t.log().nan_to_num()),
    ("masked_fill with -inf, then logsumexp", [[1e4, 2.0], [3.0, -1e4]],
     lambda m, t: t.masked_fill(m.tensor([[False, True], [False, False]]), -np.inf).logsumexp((1,))),
    ("sort of infinities and zeros", [0.0, -np.inf, np.inf, -0.0, 1e4], lambda m, t: t.sort().values),
    ("topk of ±1e4", [1e4, -1e4, 0.0], lambda m, t: t.topk(2).values),
    ("var with correction=None of one element", [1e4], lambda m, t: t.var(correction=None)),
    ("mean(dtype=float64) of int extremes", [2 ** 40, -2 ** 40, 7], lambda m, t: t.mean(dtype=m.float64)),
    ("logical_and of 0.0, -0.0, nan", [0.0, -0.0, np.nan, 1e-30], lambda m, t: m.logical_and(t, t)),
    ("where of two numbers on a 0-d condition", True, lambda m, t: m.where(t, 1.0, 0)),
]


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")
@pytest.mark.parametrize("case", _EDGES, ids=[c[0] for c in _EDGES])
def test_edge_inputs_match_torch(case):
    torch = _torch()
    _, data, call = case
    with np.errstate(divide="ignore", invalid="ignore"):
        _same(call(tl, tl.tensor(data)), call(torch, torch.tensor(data)))
