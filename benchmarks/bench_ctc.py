"""ctc_loss forward+backward, T=100, N=32, C=30, S=40 float32, through the Tensor API, against the
memory-copy floor (np.copyto of the log-probs' bytes), a hand-written numpy version (log-space alpha and
beta vectorised over batch and states) and torch CPU. Medians after a warm-up.

    python benchmarks/bench_ctc.py

Target (issue 4): at least 2x faster than torch.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _timing import median_time, print_table, try_import_torch  # noqa: E402

import tinygrad_losses as tl  # noqa: E402
import tinygrad_losses.functional as F  # noqa: E402
from kernels.cpu.ctc import ctc_loss_forward_backward  # noqa: E402

torch = try_import_torch()
T, N, C, S = 100, 32, 30, 40


def numpy_ctc(lp, targets, il, tlen, blank=0):
    """Per-sample nll and torch's gradient exp(lp) − γ, in numpy (states vectorised; a loop over t)."""
    n_states = 2 * S + 1
    ext = np.full((N, n_states), blank)
    ext[:, 1::2] = targets
    skip = np.zeros((N, n_states), bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    valid = np.arange(n_states)[None, :] < 2 * tlen[:, None] + 1
    rows = np.arange(N)[:, None]
    emit = np.where(valid[None], lp[:, rows, ext], -np.inf)            # (T, N, states)
    alpha = np.full((T, N, n_states), -np.inf, lp.dtype)
    alpha[0, :, :2] = emit[0, :, :2]
    for t in range(1, T):
        a = alpha[t - 1]
        s1 = np.concatenate([np.full((N, 1), -np.inf), a[:, :-1]], 1)
        s2 = np.where(skip, np.concatenate([np.full((N, 2), -np.inf), a[:, :-2]], 1), -np.inf)
        alpha[t] = np.logaddexp(np.logaddexp(a, s1), s2) + emit[t]
    beta = np.full((T, N, n_states), -np.inf, lp.dtype)
    last = il - 1
    end = 2 * tlen
    beta[last, np.arange(N), end] = emit[last, np.arange(N), end]
    has = tlen > 0
    beta[last[has], np.arange(N)[has], end[has] - 1] = emit[last[has], np.arange(N)[has], end[has] - 1]
    skip_next = np.concatenate([skip[:, 2:], np.zeros((N, 2), bool)], 1)
    for t in range(T - 2, -1, -1):
        b = beta[t + 1]
        s1 = np.concatenate([b[:, 1:], np.full((N, 1), -np.inf)], 1)
        s2 = np.where(skip_next, np.concatenate([b[:, 2:], np.full((N, 2), -np.inf)], 1), -np.inf)
        step = np.logaddexp(np.logaddexp(b, s1), s2) + emit[t]
        beta[t] = np.where((t < last)[:, None], step, beta[t])
    nll = -np.logaddexp(alpha[last, np.arange(N), end], np.where(has, alpha[last, np.arange(N), end - 1], -np.inf))
    with np.errstate(invalid="ignore"):                                  # -inf - -inf where unreachable
        post = np.exp(alpha + beta - emit + nll[None, :, None])         # γ per state
    post[~np.isfinite(post)] = 0
    gamma = np.zeros_like(lp)
    for n in range(N):
        np.add.at(gamma[:, n, :], (slice(None), ext[n]), post[:, n, :])
    grad = np.exp(lp) - gamma
    grad[np.arange(T)[:, None] >= il[None, :]] = 0
    return nll, grad


def main(repeat=11):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((T, N, C)).astype(np.float32)
    lpa = (z - np.log(np.exp(z).sum(-1, keepdims=True))).astype(np.float32)
    targets = rng.integers(1, C, (N, S))
    il = T - rng.integers(0, 10, N)
    tlen = rng.integers(S // 2, S + 1, N)
    lp, tg, il_t, tl_t = tl.tensor(lpa, requires_grad=True), tl.tensor(targets), tl.tensor(il), tl.tensor(tlen)

    def ours():
        lp.grad = None
        F.ctc_loss(lp, tg, il_t, tl_t).backward()
        return lp.grad

    nll_np, grad_np = numpy_ctc(lpa.astype(np.float64), targets, il, tlen)
    nll_k, grad_k = ctc_loss_forward_backward(lpa.astype(np.float64), targets, il, tlen)
    np.testing.assert_allclose(nll_k, nll_np, rtol=1e-9)
    np.testing.assert_allclose(grad_k, grad_np, rtol=1e-7, atol=1e-9)
    dst = np.empty_like(lpa)
    rows = [("copy floor (np.copyto, same bytes)", median_time(lambda: np.copyto(dst, lpa), repeat=repeat, number=20)),
            ("ours: ctc_loss mean, Tensor API", median_time(ours, repeat=repeat, warmup=2)),
            ("ours: kernel alone (numpy arrays)",
             median_time(lambda: ctc_loss_forward_backward(lpa, targets, il, tlen), repeat=repeat)),
            ("numpy by hand (fwd+bwd)", median_time(lambda: numpy_ctc(lpa, targets, il, tlen), repeat=3))]
    if torch is not None:
        tlp = torch.from_numpy(lpa).requires_grad_()
        ttg, til, ttl = torch.from_numpy(targets), torch.from_numpy(il), torch.from_numpy(tlen)

        def run_torch():
            tlp.grad = None
            torch.nn.functional.ctc_loss(tlp, ttg, til, ttl).backward()
        rows.append(("torch %s CPU (%d threads)" % (torch.__version__, torch.get_num_threads()),
                     median_time(run_torch, repeat=repeat, warmup=2)))
    else:
        rows.append(("torch CPU", None))
    print_table(f"ctc_loss fwd+bwd, T={T} N={N} C={C} S={S} float32, mean", rows, rows[0][0])
    if torch is not None:
        print(f"\n  torch / ours (Tensor API) = {rows[-1][1] / rows[1][1]:.2f}x (target >= 2x)")


if __name__ == "__main__":
    main()
