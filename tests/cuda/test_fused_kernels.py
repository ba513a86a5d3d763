"""The fused cross-entropy and CTC CUDA kernels against their CPU twins (tiny shapes, simulated)."""
import numpy as np
import pytest

import kernels
from kernels.cpu.cross_entropy import cross_entropy_fused as ce_cpu
from kernels.cpu.ctc import ctc_loss_forward, ctc_loss_forward_backward

G = kernels.backend("cuda")
rng = np.random.default_rng(7)


def host(x):
    return G.to_numpy(x)


def close(got, want, dtype):
    got = host(got)
    want = np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    tol = 2e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True)


# ---- cross-entropy ---------------------------------------------------------------------------------
CE_CASES = [
    dict(),
    dict(reduction="sum"),
    dict(reduction="none"),
    dict(weight=True),
    dict(weight=True, reduction="none", label_smoothing=0.2),
    dict(label_smoothing=0.3),
    dict(label_smoothing=-0.5, reduction="sum"),   # negative smoothing acts as 0
    dict(ignore_index=2, weight=True),
    dict(ignore_index=2, label_smoothing=0.1, reduction="none"),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CE_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default")
def test_cross_entropy_matches_cpu_kernel(case, dtype):
    case = dict(case)
    N, C = 5, 37   # C over the simulated block of 16 threads: strided columns and a full tree merge
    x = (rng.standard_normal((N, C)) * 3).astype(dtype)
    t = rng.integers(0, C, N)
    t[1] = 2
    if case.pop("weight", False):
        case["weight"] = rng.uniform(0.2, 2.0, C).astype(dtype)
    want = ce_cpu(x, t, **case)
    got = G.cross_entropy_fused(G.from_numpy(x), t, **case)
    close(got[0], want[0], dtype)
    close(got[1], want[1], dtype)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_all_ignored(reduction):
    x = rng.standard_normal((3, 4))
    t = np.full(3, -100)
    want = ce_cpu(x, t, reduction=reduction, label_smoothing=0.1)
    got = G.cross_entropy_fused(G.from_numpy(x), t, reduction=reduction, label_smoothing=0.1)
    close(got[0], want[0], np.float64)   # 'mean': nan (0 / 0), gradients 0
    close(got[1], want[1], np.float64)


def test_cross_entropy_special_values():
    x = rng.standard_normal((6, 5))
    x[0, 1] = np.inf          # +inf: the row is nan
    x[1, :] = -np.inf         # all -inf: nan
    x[2, 3] = np.nan          # nan: the row is nan
    x[3, [0, 2]] = -np.inf    # some -inf: probability 0 there, finite loss
    x[4, 0] = 800.0           # large but finite: no overflow
    t = np.array([1, 0, 3, 1, 4, 2])
    with np.errstate(all="ignore"):
        for kw in (dict(reduction="none"), dict(reduction="none", label_smoothing=0.2, weight=np.arange(1.0, 6.0))):
            want = ce_cpu(x, t, **kw)
            got = G.cross_entropy_fused(G.from_numpy(x), t, **kw)
            close(got[0], want[0], np.float64)
            close(got[1], want[1], np.float64)


def test_cross_entropy_errors_name_the_argument():
    x = G.from_numpy(np.zeros((2, 3)))
    with pytest.raises(IndexError, match="target 3 is out of bounds"):
        G.cross_entropy_fused(x, np.array([0, 3]))
    with pytest.raises(ValueError, match="weight of shape"):
        G.cross_entropy_fused(x, np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match="reduction"):
        G.cross_entropy_fused(x, np.array([0, 1]), reduction="avg")


# ---- CTC ---------------------------------------------------------------------------------------------
def _log_probs(T, N, C, dtype):
    z = rng.standard_normal((T, N, C))
    return (z - np.log(np.exp(z).sum(-1, keepdims=True))).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_matches_cpu_kernel(dtype, zero_infinity):
    T, N, C = 7, 5, 4
    lp = _log_probs(T, N, C, dtype)
    targets = np.array([[1, 2, 2, 3],     # a repeat: needs a blank between
                        [3, 3, 3, 1],     # three repeats in 4 labels: 7 frames needed, input 5: impossible
                        [2, 1, 3, 1],
                        [1, 1, 1, 1],     # padding only (length 0)
                        [2, 3, 1, 2]])
    il = np.array([7, 5, 6, 3, 2])        # the last: 2 frames for 4 labels, impossible
    tl = np.array([4, 4, 3, 0, 4])
    want = ctc_loss_forward_backward(lp, targets, il, tl, blank=0, zero_infinity=zero_infinity)
    got = G.ctc_loss_forward_backward(G.from_numpy(lp), targets, il, tl, blank=0, zero_infinity=zero_infinity)
    assert np.isinf(want[0][1]) != zero_infinity    # the case really is impossible
    close(got[0], want[0], dtype)
    close(got[1], want[1], dtype)
    close(G.ctc_loss_forward(G.from_numpy(lp), targets, il, tl, zero_infinity=zero_infinity), want[0], dtype)


def test_ctc_random_lengths_concatenated_targets_other_blank():
    T, N, C = 6, 4, 5
    lp = _log_probs(T, N, C, np.float64)
    il = rng.integers(0, T + 1, N)
    il[0] = T
    tl = rng.integers(0, 4, N)
    blank = 4
    flat = rng.integers(0, 4, int(tl.sum()))
    want = ctc_loss_forward_backward(lp, flat, il, tl, blank=blank)
    got = G.ctc_loss_forward_backward(G.from_numpy(lp), flat, il, tl, blank=blank)
    close(got[0], want[0], np.float64)
    close(got[1], want[1], np.float64)


def test_ctc_unbatched_and_zero_probability():
    lp = _log_probs(4, 1, 3, np.float64)[:, 0, :]
    lp[:, 2] = -np.inf    # the label 2 can never be emitted: probability 0 -> inf, nan gradient
    for target in ([1, 1], [2]):
        want = ctc_loss_forward_backward(lp, np.array(target), [4], [len(target)])
        with np.errstate(all="ignore"):
            got = G.ctc_loss_forward_backward(G.from_numpy(lp), np.array(target), [4], [len(target)])
        close(got[0], want[0], np.float64)
        close(got[1], want[1], np.float64)


def test_ctc_validates_on_the_host():
    lp = G.from_numpy(_log_probs(3, 2, 4, np.float64))
    with pytest.raises(ValueError, match="blank"):
        G.ctc_loss_forward_backward(lp, np.array([[0, 1], [1, 2]]), [3, 3], [2, 2])
    with pytest.raises(IndexError, match="out of range"):
        G.ctc_loss_forward_backward(lp, np.array([[4, 1], [1, 2]]), [3, 3], [2, 2])
