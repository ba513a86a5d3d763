"""kernels/cpu/cross_entropy.py: the fused cross-entropy (loss and logits gradient) against torch and a numpy reference."""
import itertools

import numpy as np
import pytest

pytest.importorskip("numba")
from kernels.cpu import cross_entropy  # noqa: E402
from kernels.cpu.cross_entropy import cross_entropy_fused  # noqa: E402

TOL = {np.float32: 1e-5, np.float64: 1e-10}


@pytest.fixture(params=["narrow", "serial", "serial_block64", "parallel_block64"])
def driver(request, monkeypatch):
    """Each driver of the kernel: the narrow one (all rows' exponentials in one loop; forced here for
    every class count that fits one block), the row-by-row serial one, and the parallel one; the
    last two also with rows of several online-max blocks (64 logits)."""
    narrow = request.param == "narrow"
    monkeypatch.setattr(cross_entropy, "CE_NARROW_MAX_CLASSES", 1 << 62 if narrow else 0)
    monkeypatch.setattr(cross_entropy, "CE_PARALLEL_MIN_SIZE", 0 if request.param.startswith("parallel") else 1 << 62)
    if request.param.endswith("block64"):
        monkeypatch.setattr(cross_entropy, "CE_BLOCK", 64)


def _torch():
    return pytest.importorskip("torch")


def torch_cross_entropy(x, t, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    """(loss, d loss.sum() / d x) from torch."""
    torch = _torch()
    tx = torch.from_numpy(x).requires_grad_()
    w = None if weight is None else torch.from_numpy(np.asarray(weight, x.dtype))
    loss = torch.nn.functional.cross_entropy(tx, torch.from_numpy(t), weight=w, ignore_index=ignore_index,
                                             label_smoothing=label_smoothing, reduction=reduction)
    loss.sum().backward()
    return loss.detach().numpy(), tx.grad.numpy()


def numpy_cross_entropy(x, t, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    """Slow, plain reference from the formulas of LOSSES.md 1.5 (a), (b), in float64."""
    x = x.astype(np.float64)
    n, c = x.shape
    w = np.ones(c) if weight is None else np.asarray(weight, np.float64)
    eps = max(label_smoothing, 0.0)
    kept = t != ignore_index
    y = np.where(kept, t, 0)
    L = x - x.max(1, keepdims=True)
    L -= np.log(np.exp(L).sum(1, keepdims=True))
    p = np.exp(L)
    onehot = np.eye(c)[y]
    loss = (1 - eps) * -w[y] * L[np.arange(n), y] + eps / c * -(w * L).sum(1)
    grad = (1 - eps) * w[y][:, None] * (p - onehot) + eps / c * (p * w.sum() - w)
    loss, grad = np.where(kept, loss, 0), np.where(kept[:, None], grad, 0)
    if reduction == "mean":
        denom = w[y][kept].sum()
        return np.float64(loss.sum() / denom), grad / denom
    return (loss.sum() if reduction == "sum" else loss), grad


def _check(x, t, ref, **kw):
    loss, grad = cross_entropy_fused(x, t, **kw)
    ref_loss, ref_grad = ref(x, t, **kw)
    rtol = TOL[x.dtype.type]
    assert loss.dtype == x.dtype and grad.dtype == x.dtype and grad.shape == x.shape
    assert loss.shape == (() if kw.get("reduction", "mean") != "none" else t.shape)
    np.testing.assert_allclose(loss, ref_loss, rtol=rtol, atol=rtol * 1e-3)
    # gradient terms are of size w[y] (over the kept count for 'mean'); they may cancel to 0
    kept = max(np.count_nonzero(t != kw.get("ignore_index", -100)), 1)
    w = kw.get("weight")
    term = (1.0 if w is None else np.abs(w).max()) / (kept if kw.get("reduction", "mean") == "mean" else 1)
    np.testing.assert_allclose(grad, ref_grad, rtol=rtol, atol=rtol * term)


def _problem(n, c, dtype, seed=0, ignore="some"):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((n, c)) * 3).astype(dtype)
    t = rng.integers(0, c, n)
    if ignore == "some":
        t[::5] = -100
    elif ignore == "all":
        t[:] = -100
    w = rng.uniform(0.2, 3.0, c).astype(dtype)
    return x, t, w


OPTIONS = list(itertools.product(["mean", "sum", "none"], [False, True], [0.0, 0.25], ["none", "some", "all"]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction,weighted,smoothing,ignore", OPTIONS)
def test_matches_torch_for_every_option(driver, reduction, weighted, smoothing, ignore, dtype):
    x, t, w = _problem(37, 150, dtype, ignore=ignore)      # 150 classes: two full blocks and a remainder
    kw = dict(reduction=reduction, label_smoothing=smoothing, weight=w if weighted else None)
    _check(x, t, torch_cross_entropy, **kw)
    if ignore != "all" or reduction != "mean":          # (the reference divides 0 by 0 with a warning)
        _check(x, t, numpy_cross_entropy, **kw)


def test_all_ignored_mean_is_nan_with_zero_gradient():
    x, t, w = _problem(6, 10, np.float64, ignore="all")
    for weight in (None, w):
        loss, grad = cross_entropy_fused(x, t, weight=weight, label_smoothing=0.1)
        assert np.isnan(loss) and (grad == 0).all()
        assert cross_entropy_fused(x, t, weight=weight, reduction="sum")[0] == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_worked_examples_of_losses_md(dtype):
    """LOSSES.md 1.5 table (no torch needed)."""
    x = np.array([[1, 2, 0.5], [0.1, -1, 2], [0.3, 0.3, 0.3], [2, 1, -1]], dtype)
    t, w = np.array([1, 2, 0, -100]), np.array([1, 2, 0.5], dtype)
    table = [({}, 0.581589, -0.123823), (dict(weight=w), 0.605212, -0.212268),
             (dict(label_smoothing=0.2), 0.746033, -0.0793783),
             (dict(weight=w, label_smoothing=0.2), 0.784297, -0.166007),
             (dict(weight=w, reduction="sum"), 2.11824, -0.742937)]
    for kw, value, d01 in table:
        loss, grad = cross_entropy_fused(x, t, **kw)
        np.testing.assert_allclose([loss, grad[0, 1]], [value, d01], rtol=1e-5)
    loss, _ = cross_entropy_fused(x, t, weight=w, reduction="none")
    np.testing.assert_allclose(loss, [0.928738, 0.0908922, 1.09861, 0], rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,c", [(1, 1), (5, 1), (1, 7), (3, 64), (4, 65), (2, 1000)])
def test_shapes(driver, n, c, dtype):
    x, t, w = _problem(n, c, dtype, seed=n * c, ignore="none")
    for kw in (dict(), dict(weight=w, label_smoothing=0.3, reduction="sum"), dict(reduction="none")):
        _check(x, t, torch_cross_entropy, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_and_special_logits_match_torch(driver, dtype):
    c = 150
    x, t, w = _problem(16, c, dtype, seed=5, ignore="none")
    x[0, :] = np.where(np.arange(c) % 2, 1e4, -1e4)       # extreme logits
    x[1, :] = 1e4
    x[2, :75] = -np.inf                                    # the first blocks all -inf, then finite
    x[3, :] = np.arange(c) * 50.0                          # increasing: the max grows in every block
    x[4, t[4]] = -np.inf                                   # target class -inf: loss inf
    x[5, :] = -np.inf                                      # all -inf: nan
    x[6, 100] = np.inf                                     # +inf: nan
    x[7, 3] = np.nan                                       # nan: nan
    x[8, 140] = np.nan
    x[8, t[8]] = -np.inf
    x[9, :] = -1e4
    x[10, :-1] = -np.inf                                   # only the last logit finite
    x[11, 0] = 1e4
    x[12, (t[12] + 1) % c] = -np.inf
    t[13] = -100
    x[13, 7] = np.nan                                      # ignored row with a nan: loss 0, gradient nan (torch)
    x[14, :70] = -np.inf
    x[14, 10] = np.nan                                     # a nan among leading -inf: nan
    x[15, 20] = -np.nan                                    # nan with the sign bit set
    for kw in (dict(reduction="none"), dict(reduction="none", label_smoothing=0.2),
               dict(reduction="none", weight=w, label_smoothing=0.2), dict(reduction="sum", weight=w)):
        loss, grad = cross_entropy_fused(x, t, **kw)
        ref_loss, ref_grad = torch_cross_entropy(x, t, **kw)
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(loss, ref_loss, rtol=TOL[dtype])
            np.testing.assert_allclose(grad, ref_grad, rtol=TOL[dtype], atol=TOL[dtype])
        np.testing.assert_array_equal(np.isnan(grad), np.isnan(ref_grad))


def test_extreme_logits_are_exact():
    x = np.array([[1000.0, 0.0], [1e4, -1e4]], np.float32)
    loss, grad = cross_entropy_fused(x, np.array([1, 0]), reduction="none")
    np.testing.assert_array_equal(loss, [1000.0, 0.0])
    np.testing.assert_array_equal(grad, [[1.0, -1.0], [0.0, 0.0]])


def test_ignore_index_variants_match_torch():
    x, t, w = _problem(20, 9, np.float64, seed=2, ignore="none")
    for ignore_index in (3, 9, 1000, -1):
        t2 = t.copy()
        t2[::4] = ignore_index if ignore_index >= 9 or ignore_index < 0 else t2[::4]
        for kw in (dict(), dict(weight=w, label_smoothing=0.1)):
            _check(x, t2, torch_cross_entropy, ignore_index=ignore_index, **kw)


def test_zero_weight_total_gives_torch_nan():
    x, t, _ = _problem(4, 5, np.float64, ignore="none")
    w = np.zeros(5)
    loss, grad = cross_entropy_fused(x, t, weight=w)
    ref_loss, ref_grad = torch_cross_entropy(x, t, weight=w)
    assert np.isnan(loss) and np.isnan(ref_loss)
    np.testing.assert_array_equal(np.isnan(grad), np.isnan(ref_grad))


def test_negative_label_smoothing_acts_as_zero_like_torch():
    x, t, w = _problem(8, 6, np.float64)
    _check(x, t, torch_cross_entropy, label_smoothing=-0.3, weight=w)
    np.testing.assert_array_equal(cross_entropy_fused(x, t, label_smoothing=-0.3)[1], cross_entropy_fused(x, t)[1])


def test_uint8_and_int32_targets():
    x, t, _ = _problem(8, 6, np.float64, ignore="none")
    ref = cross_entropy_fused(x, t)
    for dtype in (np.uint8, np.int32):
        got = cross_entropy_fused(x, t.astype(dtype))
        np.testing.assert_array_equal(got[0], ref[0])
        np.testing.assert_array_equal(got[1], ref[1])


@pytest.mark.parametrize("bad", [5, -1, 99, -101])
def test_out_of_range_target_raises_index_error_naming_it(bad):
    x, t, _ = _problem(4, 5, np.float32, ignore="none")
    t[2] = bad
    with pytest.raises(IndexError, match=f"target {bad} is out of bounds"):
        cross_entropy_fused(x, t)


def test_bad_arguments():
    x, t, _ = _problem(4, 5, np.float32)
    with pytest.raises(ValueError, match="reduction"):
        cross_entropy_fused(x, t, reduction="avg")
    with pytest.raises(ValueError, match="weight"):
        cross_entropy_fused(x, t, weight=np.ones(4, np.float32))
    with pytest.raises(ValueError, match="target"):
        cross_entropy_fused(x, t[:3])
    with pytest.raises(TypeError, match="logits"):
        cross_entropy_fused(x[0], t)


def test_non_contiguous_logits_and_empty_batch():
    x, t, w = _problem(10, 40, np.float64, ignore="none")
    xt = np.asfortranarray(x)
    np.testing.assert_array_equal(cross_entropy_fused(xt, t, weight=w)[1], cross_entropy_fused(x, t, weight=w)[1])
    empty = np.zeros((0, 4))
    loss, grad = cross_entropy_fused(empty, np.zeros(0, np.int64))
    assert np.isnan(loss) and grad.shape == (0, 4)
    assert cross_entropy_fused(empty, np.zeros(0, np.int64), reduction="sum")[0] == 0
