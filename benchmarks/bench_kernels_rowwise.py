"""Row-wise kernels on (8192, 1000) float32: log_softmax forward+backward and the fused cross-entropy,
against the memory-copy floor, hand-written numpy and torch CPU. Medians after a warm-up.

    python benchmarks/bench_kernels_rowwise.py               # the two tables
    python benchmarks/bench_kernels_rowwise.py --threshold   # numpy vs numba by size (kernels/config.py)

Targets: log_softmax fwd+bwd faster than torch; fused cross-entropy within 2.5x of the copy floor
and at least 5x faster than torch. Each result is held until the next call replaces it (``held``).
The kernels and torch run on both cores: run it on an idle machine, a busy second core shows up
as delays of whole scheduler ticks (4 ms).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _reference import numpy_cross_entropy, numpy_log_softmax_fwd_bwd  # noqa: E402
from _timing import median_time, print_table, try_import_torch  # noqa: E402

from kernels.cpu import rowwise  # noqa: E402
from kernels.cpu.cross_entropy import cross_entropy_fused  # noqa: E402

torch = try_import_torch()
N, C = 8192, 1000


def held(fn):
    """fn, with its result kept until the next call's result replaces it, as a training loop keeps
    ``.grad``. (With every result dropped at once, glibc hands the two 33 MB blocks back to the OS
    and the next call pays ~1100 page faults, ~8 ms; that measures the allocator, not the kernels.)"""
    slot = [None]

    def call():
        slot[0] = fn()
    return call


def tables(repeat):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C)).astype(np.float32)
    g = rng.standard_normal((N, C)).astype(np.float32)
    t = rng.integers(0, C, N)
    dst = np.empty_like(x)
    time = lambda fn: median_time(held(fn), repeat=repeat, warmup=3)  # noqa: E731
    floor = ("copy floor (np.copyto)", median_time(lambda: np.copyto(dst, x), repeat=repeat))

    ours_ls = ("ours", time(lambda: rowwise.log_softmax_backward(g, rowwise.log_softmax(x, 1), 1)))
    rows = [floor, ours_ls, ("numpy", time(lambda: numpy_log_softmax_fwd_bwd(x, g)))]
    torch_ls = None
    if torch is not None:
        tx, tg = torch.from_numpy(x), torch.from_numpy(g)

        def torch_ls_fwd_bwd():
            a = tx.detach().requires_grad_()
            torch.log_softmax(a, 1).backward(tg)
            return a
        torch_ls = ("torch (autograd)", time(torch_ls_fwd_bwd))
        rows.append(torch_ls)
    print_table(f"log_softmax forward + backward, ({N}, {C}) float32", rows, floor[0])

    ours_ce = ("ours (fused kernel)", time(lambda: cross_entropy_fused(x, t)))
    rows = [floor, ours_ce, ("numpy (fused by hand)", time(lambda: numpy_cross_entropy(x, t)))]
    torch_ce = None
    if torch is not None:
        tt = torch.from_numpy(t)

        def torch_ce_fwd_bwd():
            a = tx.detach().requires_grad_()
            torch.nn.functional.cross_entropy(a, tt).backward()
            return a
        torch_ce = ("torch F.cross_entropy (autograd)", time(torch_ce_fwd_bwd))
        rows.append(torch_ce)
    print_table(f"cross-entropy, loss + logits gradient, ({N}, {C}) float32, int64 targets", rows, floor[0])

    print("\ntargets")
    print(f"  log_softmax fwd+bwd: ours / copy floor {ours_ls[1] / floor[1]:.2f}x", end="")
    print(f", torch / ours {torch_ls[1] / ours_ls[1]:.2f}x (target > 1)" if torch_ls else "")
    print(f"  cross_entropy:       ours / copy floor {ours_ce[1] / floor[1]:.2f}x (target <= 2.5)", end="")
    print(f", torch / ours {torch_ce[1] / ours_ce[1]:.2f}x (target >= 5)" if torch_ce else "")


def threshold(repeat):
    """numpy vs numba for log_softmax forward (through the two paths of kernels/cpu/rowwise.py),
    by total size: rows of 1000, rows of 10, and the reduced axis first (column kernels)."""
    from kernels.cpu import rowwise_numba
    print(f"\n{'size':>8s} {'shape, axis':>16s} {'numpy us':>9s} {'numba us':>9s} {'numpy/numba':>12s}")
    for size in (16, 64, 256, 1024, 4096, 16384, 65536):
        for shape, axis in (((max(size // 1000, 1), min(size, 1000)), 1), ((size // 10 or 1, 10), 1),
                            ((10, size // 10 or 1), 0)):
            x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
            t_np = median_time(lambda: rowwise._np_log_softmax(x, axis), repeat=repeat, number=50)
            t_nb = median_time(lambda: rowwise_numba.log_softmax(x, axis), repeat=repeat, number=50)
            print(f"{x.size:8d} {str(shape) + ', ' + str(axis):>16s} {t_np * 1e6:9.1f} {t_nb * 1e6:9.1f} "
                  f"{t_np / t_nb:12.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", action="store_true", help="time numpy vs numba by input size")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    threshold(args.repeat) if args.threshold else tables(args.repeat)
