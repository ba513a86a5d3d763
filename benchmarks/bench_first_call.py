"""First call of each numba kernel in a fresh process, with numba's on-disk cache warm.

Each case runs in a new interpreter: a first run fills the cache (not reported), then it is timed
from just before the kernel module is imported to just after the first call returns, once with the
import of numba included ("total") and once with numba imported before the clock starts ("call"),
so the two costs can be told apart. The interpreter's own start is not included.

    python benchmarks/bench_first_call.py

Target (issue 4): under 0.2 s per kernel.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETUP = "import numpy as np, time; rng = np.random.default_rng(0)\n"
CASES = {
    "cross_entropy_fused (kernel)": (
        "x = rng.standard_normal((64, 100)).astype(np.float32); t = rng.integers(0, 100, 64)\n"
        "t0 = time.perf_counter(); from kernels.cross_entropy_cpu import cross_entropy_fused\n"
        "cross_entropy_fused(x, t)\n"),
    "ctc_loss_forward_backward (kernel)": (
        "z = rng.standard_normal((20, 4, 6)).astype(np.float32); lp = z - np.log(np.exp(z).sum(-1, keepdims=True))\n"
        "tg = rng.integers(1, 6, (4, 5)); il = np.full(4, 20); tl_ = np.full(4, 5)\n"
        "t0 = time.perf_counter(); from kernels.ctc import ctc_loss_forward_backward\n"
        "ctc_loss_forward_backward(lp, tg, il, tl_)\n"),
    "rowwise log_softmax fwd+bwd (kernel)": (
        "x = rng.standard_normal((256, 100)).astype(np.float32)\n"
        "t0 = time.perf_counter(); from kernels import rowwise\n"
        "rowwise.log_softmax_backward(x, rowwise.log_softmax(x, 1), 1)\n"),
    "F.cross_entropy fwd+bwd (Tensor API)": (
        "import tinygrad_losses as tl, tinygrad_losses.functional as F\n"
        "x = tl.tensor(rng.standard_normal((64, 100)).astype(np.float32), requires_grad=True)\n"
        "t = tl.tensor(rng.integers(0, 100, 64))\n"
        "t0 = time.perf_counter(); F.cross_entropy(x, t).backward()\n"),
    "F.ctc_loss fwd+bwd (Tensor API)": (
        "import tinygrad_losses as tl, tinygrad_losses.functional as F\n"
        "z = tl.tensor(rng.standard_normal((20, 4, 6)).astype(np.float32), requires_grad=True)\n"
        "tg = tl.tensor(rng.integers(1, 6, (4, 5)))\n"
        "t0 = time.perf_counter(); F.ctc_loss(z.log_softmax(2), tg, [20] * 4, [5] * 4).backward()\n"),
    "F.linear_cross_entropy fwd+bwd (Tensor API)": (
        "import tinygrad_losses as tl, tinygrad_losses.functional as F\n"
        "x = tl.tensor(rng.standard_normal((64, 16)).astype(np.float32), requires_grad=True)\n"
        "w = tl.tensor(rng.standard_normal((100, 16)).astype(np.float32), requires_grad=True)\n"
        "t = tl.tensor(rng.integers(0, 100, 64))\n"
        "t0 = time.perf_counter(); F.linear_cross_entropy(x, w, t).backward()\n"),
}


def run(code, preload_numba=False):
    script = SETUP + ("import numba\n" if preload_numba else "") + code + "print(time.perf_counter() - t0)\n"
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return float(out.stdout.split()[-1])


def main():
    print("first call in a fresh process, numba cache warm (target < 0.2 s)")
    print(f"  {'':46s} {'total':>10s} {'call':>10s}")
    worst = 0.0
    for name, code in CASES.items():
        run(code)  # fills the cache
        total, call = run(code), run(code, preload_numba=True)
        worst = max(worst, total)
        print(f"  {name:46s} {total * 1e3:7.1f} ms {call * 1e3:7.1f} ms  {'ok' if total < 0.2 else 'OVER TARGET'}")
    print(f"  worst total: {worst * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
