"""Engine benchmark: per-op overhead on tiny tensors, log_softmax forward+backward on
(8192, 1000) float32, and the import time. Figures of one run, printed as ratios.

    python benchmarks/bench_engine.py
"""
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _reference import numpy_log_softmax_fwd_bwd  # noqa: E402
from _timing import median_time, print_table, try_import_torch  # noqa: E402

import tinygrad_losses as tl  # noqa: E402

torch = try_import_torch()


def tiny_ops():
    a_np, b_np = np.array([1.0, 2.0, 3.0], np.float32), np.array([4.0, 5.0, 6.0], np.float32)
    a, b = tl.tensor(a_np, requires_grad=True), tl.tensor(b_np, requires_grad=True)
    rows = [("numpy a * b", median_time(lambda: a_np * b_np, number=20000)),
            ("tl a * b (tracking grad)", median_time(lambda: a * b, number=20000)),
            ("tl (a * b).sum().backward()", median_time(lambda: (a * b).sum().backward(), number=5000))]
    if torch is not None:
        ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
        rows += [("torch a * b (tracking grad)", median_time(lambda: ta * tb, number=20000)),
                 ("torch (a * b).sum().backward()", median_time(lambda: (ta * tb).sum().backward(), number=5000))]
    print_table("tiny binary op, 3 float32 elements", rows, "numpy a * b")


def log_softmax_rows():
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((8192, 1000)).astype(np.float32)
    g_np = rng.standard_normal((8192, 1000)).astype(np.float32)
    floor = np.empty_like(x_np)
    x, g = tl.tensor(x_np, requires_grad=True), tl.tensor(g_np)

    def ours():
        x.grad = None
        x.log_softmax(1).backward(g)
    rows = [("copy floor (np.copyto, same bytes)", median_time(lambda: np.copyto(floor, x_np), number=20)),
            ("numpy by hand", median_time(lambda: numpy_log_softmax_fwd_bwd(x_np, g_np), repeat=5)),
            ("tinygrad-losses", median_time(ours, repeat=9, warmup=2))]
    if torch is not None:
        tx, tg = torch.tensor(x_np, requires_grad=True), torch.tensor(g_np)

        def theirs():
            tx.grad = None
            torch.log_softmax(tx, 1).backward(tg)
        rows.append((f"torch {torch.__version__} ({torch.get_num_threads()} threads)",
                     median_time(theirs, repeat=9, warmup=2)))
    print_table("log_softmax forward+backward, (8192, 1000) float32", rows, "tinygrad-losses")


def import_time():
    def cost(stmt):
        code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
        runs = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(5)]
        return sorted(runs)[2]
    numpy_s = cost("import numpy")
    ours_s = cost("import tinygrad_losses")
    print(f"\nimport time: numpy {numpy_s * 1e3:.0f} ms, tinygrad_losses {ours_s * 1e3:.0f} ms "
          f"({(ours_s - numpy_s) * 1e3:.0f} ms more than numpy; target < 300 ms)")


if __name__ == "__main__":
    tiny_ops()
    log_softmax_rows()
    import_time()
