"""Benchmark: CTC loss forward+backward (kernels/cpu/ctc.py) against torch's ctc_loss.

    PYTHONPATH=. python benchmarks/bench_kernels_ctc.py [--repeats 50]

Problem: T=100, N=32, C=30, S=40, float32 log_probs = log_softmax(randn), blank 0,
input lengths uniform in [90, 100], target lengths uniform in [36, 40] (random labels,
so some adjacent repeats), reduction 'sum' (the gradient needs no scaling).

* steady state: median (and min) of ``--repeats`` timed calls after warm-up, ours in this
  process, torch (autograd: ctc_loss + grad) in a subprocess of its own, because two
  OpenMP thread pools in one process (numba's and torch's) slow each other down;
* first call in a fresh process, with numba's cache already written (each measurement is
  run twice, the second is reported), and where its time goes: ``import numba``, numba's
  own one-time set-up at its first dispatch of any function (measured on
  ``kernels.cpu.vexp.vexp32``), and the CTC kernel's cache load + run.

Targets: first call < 200 ms; forward+backward at least 2x faster than torch.
The load average is printed: on a shared machine timings vary a lot.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
T, N, C, S = 100, 32, 30, 40


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, N, C))
    x -= x.max(axis=2, keepdims=True)
    lp = (x - np.log(np.exp(x).sum(axis=2, keepdims=True))).astype(np.float32)
    targets = rng.integers(1, C, (N, S))
    il = rng.integers(T - 10, T + 1, N)
    tl = rng.integers(S - 4, S + 1, N)
    return lp, targets, il, tl


def _times(fn, repeats, warmup=5):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(ts)), 1e3 * float(np.min(ts))


def bench_ours(repeats):
    from kernels.cpu.ctc import ctc_loss_forward, ctc_loss_forward_backward, ctc_reduce
    lp, targets, il, tl = make_problem()

    def fb():
        nll, grad = ctc_loss_forward_backward(lp, targets, il, tl)
        return ctc_reduce(nll, tl, "sum")[0], grad

    return {"fb": _times(fb, repeats), "fwd": _times(lambda: ctc_loss_forward(lp, targets, il, tl), repeats)}


def bench_torch(repeats):
    import torch
    lp, targets, il, tl = make_problem()
    x = torch.from_numpy(lp).requires_grad_()
    tg, til, ttl = torch.from_numpy(targets), torch.from_numpy(il), torch.from_numpy(tl)
    f = torch.nn.functional.ctc_loss

    def fb():
        loss = f(x, tg, til, ttl, reduction="sum")
        return torch.autograd.grad(loss, x)

    def fwd():
        with torch.no_grad():
            return f(x, tg, til, ttl, reduction="sum")

    return {"fb": _times(fb, repeats), "fwd": _times(fwd, repeats), "threads": torch.get_num_threads()}


def first_call():
    """In a fresh process: time to import kernels.cpu.ctc and to make the first call."""
    t0 = time.perf_counter()
    from kernels.cpu.ctc import ctc_loss_forward_backward
    t1 = time.perf_counter()
    lp, targets, il, tl = make_problem()
    t2 = time.perf_counter()
    ctc_loss_forward_backward(lp, targets, il, tl)
    t3 = time.perf_counter()
    ctc_loss_forward_backward(lp, targets, il, tl)
    t4 = time.perf_counter()
    return {"import_kernels_ctc": 1e3 * (t1 - t0), "first_call": 1e3 * (t3 - t2), "second_call": 1e3 * (t4 - t3)}


def breakdown():
    """In a fresh process: the first call split into numba import, numba set-up, CTC cache load + run."""
    from kernels.cpu.ctc import ctc_loss_forward_backward
    lp, targets, il, tl = make_problem()
    t0 = time.perf_counter()
    import numba  # noqa: F401
    t1 = time.perf_counter()
    from kernels.cpu.vexp import vexp32
    vexp32(np.float32(0.0))  # numba's first dispatch (registries), cached function
    t2 = time.perf_counter()
    ctc_loss_forward_backward(lp, targets, il, tl)  # imports kernels.cpu.ctc_numba, loads its cache, runs
    t3 = time.perf_counter()
    return {"numba_import": 1e3 * (t1 - t0), "numba_first_dispatch": 1e3 * (t2 - t1),
            "ctc_load_and_run": 1e3 * (t3 - t2)}


def _in_subprocess(what, *args):
    code = (f"import json, sys; sys.path.insert(0, {ROOT!r}); sys.path.insert(0, {os.path.dirname(__file__)!r});"
            f"import bench_kernels_ctc as b; print(json.dumps(b.{what}(*{args!r})))")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=50)
    args = ap.parse_args()
    print(f"CTC T={T} N={N} C={C} S={S} float32, fwd+bwd, reduction='sum'; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    _in_subprocess("first_call")  # writes numba's cache if needed; the next run is measured
    fc = _in_subprocess("first_call")
    _in_subprocess("breakdown")
    bd = _in_subprocess("breakdown")
    print(f"first call in a fresh process (cache warm): {fc['first_call']:.1f} ms  [target < 200 ms]  "
          f"(import kernels.cpu.ctc {fc['import_kernels_ctc']:.1f} ms, second call {fc['second_call']:.2f} ms)")
    print(f"  breakdown: import numba {bd['numba_import']:.1f} ms + numba first dispatch "
          f"{bd['numba_first_dispatch']:.1f} ms + CTC cache load and run {bd['ctc_load_and_run']:.1f} ms")

    ours = bench_ours(args.repeats)
    import numba
    print(f"ours  (numba, {numba.get_num_threads()} threads): fwd+bwd median {ours['fb'][0]:.3f} ms "
          f"(min {ours['fb'][1]:.3f}); fwd only median {ours['fwd'][0]:.3f} ms")
    try:
        ref = _in_subprocess("bench_torch", args.repeats)
    except subprocess.CalledProcessError as e:
        if "No module named 'torch'" in e.stderr:
            print("torch not importable: no comparison")
            return
        raise
    print(f"torch (CPU, {ref['threads']} threads):   fwd+bwd median {ref['fb'][0]:.3f} ms "
          f"(min {ref['fb'][1]:.3f}); fwd only median {ref['fwd'][0]:.3f} ms")
    print(f"speed-up torch/ours: fwd+bwd {ref['fb'][0] / ours['fb'][0]:.2f}x (median), "
          f"{ref['fb'][1] / ours['fb'][1]:.2f}x (min); fwd {ref['fwd'][0] / ours['fwd'][0]:.2f}x  [target >= 2x]")


if __name__ == "__main__":
    main()
