"""cross_entropy forward+backward on (8192, 1000) float32 class-index targets through the Tensor API
(the fused path, and the composed one for contrast), against the memory-copy floor, hand-written numpy
and torch CPU. Medians after a warm-up.

    python benchmarks/bench_cross_entropy.py

Targets (issue 4): fused fwd+bwd within 2.5x of the copy floor and at least 5x faster than torch.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _reference import numpy_cross_entropy  # noqa: E402
from _timing import median_time, print_table, try_import_torch  # noqa: E402

import tinygrad_losses as tl  # noqa: E402
import tinygrad_losses.functional as F  # noqa: E402
from tinygrad_losses.losses import fused  # noqa: E402

torch = try_import_torch()
N, C = 8192, 1000


def ours(x, t):
    x.grad = None
    F.cross_entropy(x, t).backward()
    return x.grad


def main(repeat=11):
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((N, C)).astype(np.float32)
    ta = rng.integers(0, C, N)
    dst = np.empty_like(xa)
    x, t = tl.tensor(xa, requires_grad=True), tl.tensor(ta)
    ref_loss, ref_grad = numpy_cross_entropy(xa, ta)
    np.testing.assert_allclose(ours(x, t).numpy(), ref_grad, rtol=1e-4, atol=1e-9)
    rows = [("copy floor (np.copyto, same bytes)", median_time(lambda: np.copyto(dst, xa), repeat=repeat)),
            ("ours: cross_entropy fused, Tensor API", median_time(lambda: ours(x, t), repeat=repeat, warmup=2))]
    with fused.enabled(False):
        rows.append(("ours: cross_entropy composed", median_time(lambda: ours(x, t), repeat=max(3, repeat // 3))))
    rows.append(("numpy by hand (fwd+bwd)", median_time(lambda: numpy_cross_entropy(xa, ta), repeat=repeat)))
    if torch is not None:
        tx, tt = torch.from_numpy(xa).requires_grad_(), torch.from_numpy(ta)

        def run_torch():
            tx.grad = None
            torch.nn.functional.cross_entropy(tx, tt).backward()
        rows.append(("torch %s CPU (%d threads)" % (torch.__version__, torch.get_num_threads()),
                     median_time(run_torch, repeat=repeat, warmup=2)))
    else:
        rows.append(("torch CPU", None))
    print_table(f"cross_entropy fwd+bwd, ({N}, {C}) float32, mean", rows, rows[0][0])
    times = dict(rows)
    fast = times["ours: cross_entropy fused, Tensor API"]
    print(f"\n  fused / copy floor = {fast / rows[0][1]:.2f}x (target <= 2.5x)")
    if torch is not None:
        print(f"  torch / fused      = {rows[-1][1] / fast:.2f}x (target >= 5x)")


if __name__ == "__main__":
    main()
