"""CUDA benchmark: cross_entropy forward+backward on (32768, 4096) float32 and one spiral training step.

Prints the cross-entropy's time as a ratio to a device-to-device copy of the same bytes (the
bandwidth floor), and both times against torch CUDA when torch with CUDA is installed. Needs a real GPU: under no GPU (or the
simulator, far too slow for these sizes) it exits with a message.

    python benchmarks/bench_cuda.py [--rows 32768 --classes 4096 --repeat 10]
"""
import argparse
import os
import sys
import time

import numpy as np


def timed(fn, repeat, sync):
    fn()
    sync()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=32768)
    ap.add_argument("--classes", type=int, default=4096)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        sys.exit("bench_cuda: NUMBA_ENABLE_CUDASIM=1 is set; the benchmark needs a real GPU")
    import tinygrad_losses as tl
    if not tl.cuda_is_available():
        sys.exit("bench_cuda: no CUDA GPU found (numba.cuda.is_available() is False); install the 'cuda' "
                 "extra on a machine with an NVIDIA GPU to run it")
    import tinygrad_losses.functional as F
    from tinygrad_losses.app import datasets
    import tinygrad_losses.nn as nn
    import tinygrad_losses.optim as optim
    from numba import cuda
    sync = cuda.synchronize

    rng = np.random.default_rng(0)
    n, c = args.rows, args.classes
    logits = rng.standard_normal((n, c)).astype(np.float32)
    target = rng.integers(0, c, n)
    x = tl.tensor(logits, device="cuda", requires_grad=True)
    t = tl.tensor(target, device="cuda")

    def ce():
        x.grad = None
        F.cross_entropy(x, t).backward()

    src = cuda.to_device(logits.reshape(-1))
    dst = cuda.device_array_like(src)
    floor = timed(lambda: dst.copy_to_device(src), args.repeat, sync)
    ours = timed(ce, args.repeat, sync)
    print(f"device-to-device copy of {logits.nbytes / 2**20:.0f} MiB: {floor * 1e3:.2f} ms")
    print(f"cross_entropy fwd+bwd ({n}, {c}) float32: {ours * 1e3:.2f} ms = {ours / floor:.1f}x the copy")

    xs, ys = datasets.spiral(points_per_class=1000)
    sx, sy = xs.to("cuda"), ys.to("cuda")
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 3)).to("cuda")
    opt = optim.Adam(model.parameters(), lr=1e-2)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(sx), sy).backward()
        opt.step()

    ours_step = timed(step, args.repeat, sync)
    print(f"spiral training step (3000 points, 2-64-3 MLP, Adam): {ours_step * 1e3:.2f} ms")

    try:
        import torch
        if not torch.cuda.is_available():
            raise ImportError
    except ImportError:
        print("torch with CUDA not installed: no torch comparison")
        return
    tx = torch.tensor(logits, device="cuda", requires_grad=True)
    tt = torch.tensor(target, device="cuda")

    def tce():
        tx.grad = None
        torch.nn.functional.cross_entropy(tx, tt).backward()

    theirs = timed(tce, args.repeat, torch.cuda.synchronize)
    print(f"torch cross_entropy fwd+bwd: {theirs * 1e3:.2f} ms; ours / torch = {ours / theirs:.2f}")
    tm = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3)).cuda()
    topt = torch.optim.Adam(tm.parameters(), lr=1e-2)
    txs, tys = torch.tensor(xs.numpy(), device="cuda"), torch.tensor(ys.numpy(), device="cuda")

    def tstep():
        topt.zero_grad()
        torch.nn.functional.cross_entropy(tm(txs), tys).backward()
        topt.step()

    theirs_step = timed(tstep, args.repeat, torch.cuda.synchronize)
    print(f"torch spiral step: {theirs_step * 1e3:.2f} ms; ours / torch = {ours_step / theirs_step:.2f}")


if __name__ == "__main__":
    main()
