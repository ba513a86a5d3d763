"""First call of each numba kernel in a fresh process, with numba's on-disk cache warm.

Each case runs in a new interpreter: a first run fills the cache (not reported), then it is timed
from just before the kernel module is imported to just after the first call returns, once with the
import of numba included ("total") and once with numba imported before the clock starts ("call"),
so the two costs can be told apart. The interpreter's own start is not included.

    python benchmarks/bench_first_call.py

Target (issue 4): under 0.2 s per kernel.

The first line is numba's own floor, measured the same way: a one-line cached ``@njit``
function written to a temporary folder. No numba kernel can start faster than it; the
"over the floor" column is what our kernels add to it.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETUP = "import numpy as np, time; rng = np.random.default_rng(0)\n"
FLOOR_MODULE = "import numba\n\n@numba.njit(cache=True)\ndef first(x):\n    return x[0] + 1.0\n"
FLOOR = ("numba's floor: a trivial cached @njit function", (
    "x = np.zeros(3)\n"
    "t0 = time.perf_counter(); import trivial_kernel\n"
    "trivial_kernel.first(x)\n"))
CASES = {
    "cross_entropy_fused (kernel)": (
        "x = rng.standard_normal((64, 100)).astype(np.float32); t = rng.integers(0, 100, 64)\n"
        "t0 = time.perf_counter(); from kernels.cpu.cross_entropy import cross_entropy_fused\n"
        "cross_entropy_fused(x, t)\n"),
    "ctc_loss_forward_backward (kernel)": (
        "z = rng.standard_normal((20, 4, 6)).astype(np.float32); lp = z - np.log(np.exp(z).sum(-1, keepdims=True))\n"
        "tg = rng.integers(1, 6, (4, 5)); il = np.full(4, 20); tl_ = np.full(4, 5)\n"
        "t0 = time.perf_counter(); from kernels.cpu.ctc import ctc_loss_forward_backward\n"
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


def run(code, preload_numba=False, path=ROOT):
    script = SETUP + ("import numba\n" if preload_numba else "") + code + "print(time.perf_counter() - t0)\n"
    env = dict(os.environ, PYTHONPATH=path + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return float(out.stdout.split()[-1])


def measure(code, path=ROOT):
    run(code, path=path)  # fills the cache
    return run(code, path=path), run(code, preload_numba=True, path=path)


def main():
    print("first call in a fresh process, numba cache warm (target < 0.2 s)")
    print(f"  {'':50s} {'total':>10s} {'call':>10s} {'over the floor':>15s}")
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "trivial_kernel.py"), "w") as f:
            f.write(FLOOR_MODULE)
        floor, floor_call = measure(FLOOR[1], path=folder)
    print(f"  {FLOOR[0]:50s} {floor * 1e3:7.1f} ms {floor_call * 1e3:7.1f} ms")
    worst = 0.0
    for name, code in CASES.items():
        total, call = measure(code)
        worst = max(worst, total)
        print(f"  {name:50s} {total * 1e3:7.1f} ms {call * 1e3:7.1f} ms {(total - floor) * 1e3:+11.1f} ms"
              f"  {'ok' if total < 0.2 else 'OVER TARGET'}")
    print(f"  worst total: {worst * 1e3:.1f} ms; numba's floor alone: {floor * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
