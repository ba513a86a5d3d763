"""linear_cross_entropy forward+backward, N=4096, hidden 512, V=32000 float32: the chunked node
against the unchunked Tensor-API version (linear, then the fused cross_entropy), hand-written numpy
and torch CPU; peak traced memory of each of ours with tracemalloc (numpy reports its allocations
to it). Medians after a warm-up.

    python benchmarks/bench_linear_cross_entropy.py [--repeat 3]

Targets (issue 4): chunked peak memory <= 1/4 of the unchunked version, time within 1.3x of it.
"""
import argparse
import os
import sys
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _timing import alternate, median_time, print_table, try_import_torch  # noqa: E402

import tinygrad_losses as tl  # noqa: E402
import tinygrad_losses.functional as F  # noqa: E402
from tinygrad_losses import nn  # noqa: E402

torch = try_import_torch()
N, H, V = 4096, 512, 32000


def numpy_linear_ce(x, w, b, t):
    """Unchunked, by hand: logits, softmax gradient, the three matmuls."""
    z = x @ w.T + b
    m = z.max(1, keepdims=True)
    p = np.exp(z - m)
    s = p.sum(1, keepdims=True)
    rows = np.arange(len(t))
    loss = np.mean(np.log(s[:, 0]) - (z[rows, t] - m[:, 0]))
    p /= s
    p[rows, t] -= 1
    p /= len(t)
    return loss, p @ w, p.T @ x, p.sum(0)


def peak_mb(fn):
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2 ** 20


def main(repeat):
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((N, H)).astype(np.float32)
    wa = (rng.standard_normal((V, H)) / np.sqrt(H)).astype(np.float32)
    ba = (rng.standard_normal(V) * 0.1).astype(np.float32)
    ta = rng.integers(0, V, N)
    x, w, b, t = (tl.tensor(xa, requires_grad=True), tl.tensor(wa, requires_grad=True),
                  tl.tensor(ba, requires_grad=True), tl.tensor(ta))

    def clear():
        x.grad = w.grad = b.grad = None

    def chunked():
        clear()
        F.linear_cross_entropy(x, w, t, linear_bias=b).backward()

    def unchunked():
        clear()
        F.cross_entropy(nn.linear(x, w, b), t).backward()

    chunked()
    got = [g.numpy().copy() for g in (x.grad, w.grad, b.grad)]
    unchunked()
    for g, r in zip(got, (x.grad, w.grad, b.grad)):
        np.testing.assert_allclose(g, r.numpy(), rtol=1e-3, atol=1e-7)
    mem_c, mem_u = peak_mb(chunked), peak_mb(unchunked)
    times = alternate({"chunked": chunked, "unchunked": unchunked}, repeat, blocks=repeat)
    t_c, t_u = times["chunked"], times["unchunked"]
    rows = [("copy floor (np.copyto of (N, V) logits)", None),
            ("ours: linear_cross_entropy (chunked)", t_c),
            ("ours: linear + cross_entropy (unchunked)", t_u),
            ("numpy by hand (unchunked)", median_time(lambda: numpy_linear_ce(xa, wa, ba, ta), repeat=repeat))]
    src = np.ones((N, V), np.float32)
    dst = np.empty_like(src)
    rows[0] = (rows[0][0], median_time(lambda: np.copyto(dst, src), repeat=repeat))
    del src, dst
    if torch is not None:
        tx, tw, tb = (torch.from_numpy(a).requires_grad_() for a in (xa, wa, ba))
        tt = torch.from_numpy(ta)

        def run_torch():
            tx.grad = tw.grad = tb.grad = None
            torch.nn.functional.linear_cross_entropy(tx, tw, tt, linear_bias=tb).backward()
        rows.append(("torch %s CPU (%d threads)" % (torch.__version__, torch.get_num_threads()),
                     median_time(run_torch, repeat=repeat)))
    else:
        rows.append(("torch CPU", None))
    print_table(f"linear_cross_entropy fwd+bwd, N={N} hidden={H} V={V} float32, mean", rows, rows[0][0])
    times = dict(rows)
    ratio = times["ours: linear_cross_entropy (chunked)"] / times["ours: linear + cross_entropy (unchunked)"]
    print(f"\n  peak traced memory: chunked {mem_c:.1f} MiB, unchunked {mem_u:.1f} MiB, "
          f"ratio {mem_c / mem_u:.3f} (target <= 0.25)")
    print(f"  time chunked / unchunked = {ratio:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    main(ap.parse_args().repeat)
