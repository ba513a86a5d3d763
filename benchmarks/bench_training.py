"""Training-speed benchmark (issue 6.7): figures of one run, printed as ratios.

(a) The spiral net: 300 points, 3 classes, MLP 2-100-3 with ReLU, cross-entropy plus L2
    (½·1e-3·Σ‖W‖², cs231n's), full-batch SGD with lr 1.0 for 2000 steps. The L2 term is applied
    two ways, in both engines alike: as SGD weight decay on the weights (its exact gradient;
    the usual way) and written into the loss (more graph nodes per step). tinygrad-losses against torch
    eager on one CPU thread, both from the same initial weights. Target: time per step at
    most half of torch's, same final accuracy (about 0.99).
(b) micrograd's moons demo: 100 points, MLP 2-16-16-1, SVM max-margin loss with L2
    (1e-4·Σp²), 100 SGD steps with lr 1 − 0.9·k/100. Against micrograd itself (a few steps,
    per-step time) and torch. Target: at least 1000x faster than micrograd, no slower than torch.

    python benchmarks/bench_training.py [--steps 2000] [--micrograd-steps 2]

Timings alternate between the engines in blocks and report the median block, so that a
busy machine slows both alike.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "demos"))
from _timing import alternate, try_import_torch  # noqa: E402
from micrograd_moons import svm_loss  # noqa: E402  (the demo's own loss)

import tinygrad_losses as tl  # noqa: E402
import tinygrad_losses.functional as F  # noqa: E402
from tinygrad_losses.app import datasets  # noqa: E402
from tinygrad_losses import nn, optim

torch = try_import_torch()


# ---- (a) the spiral net -----------------------------------------------------------------------
def spiral_runners(l2_in_loss, reg=1e-3, lr=1.0):
    x, y = datasets.spiral()
    tl.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
    weights, biases = [net[0].weight, net[2].weight], [net[0].bias, net[2].bias]
    decay = 0.0 if l2_in_loss else reg  # d/dW of ½·reg·‖W‖² = reg·W
    opt = optim.SGD([{"params": weights, "weight_decay": decay}, {"params": biases}], lr=lr)
    l2 = 0.5 * reg if l2_in_loss else 0.0
    state = {}

    def tl_step():
        logits = net(x)
        loss = F.cross_entropy(logits, y)
        if l2:
            loss = loss + l2 * ((weights[0] * weights[0]).sum() + (weights[1] * weights[1]).sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
        state["tl"] = logits

    runners = {"tinygrad-losses": tl_step}
    accuracy = {"tinygrad-losses": lambda: (state["tl"].argmax(1) == y).float().mean().item()}
    if torch is not None:
        tx, ty = torch.tensor(x.numpy()), torch.tensor(y.numpy())
        tnet = torch.nn.Sequential(torch.nn.Linear(2, 100), torch.nn.ReLU(), torch.nn.Linear(100, 3))
        with torch.no_grad():  # same initial weights as ours
            for tp, p in zip(tnet.parameters(), net.parameters()):
                tp.copy_(torch.tensor(p.numpy()))
        tw = [tnet[0].weight, tnet[2].weight]
        topt = torch.optim.SGD([{"params": tw, "weight_decay": decay}, {"params": [tnet[0].bias, tnet[2].bias]}],
                               lr=lr)

        def torch_step():
            logits = tnet(tx)
            loss = torch.nn.functional.cross_entropy(logits, ty)
            if l2:
                loss = loss + l2 * ((tw[0] * tw[0]).sum() + (tw[1] * tw[1]).sum())
            topt.zero_grad()
            loss.backward()
            topt.step()
            state["torch"] = logits

        runners["torch eager (1 thread)"] = torch_step
        accuracy["torch eager (1 thread)"] = lambda: (state["torch"].argmax(1) == ty).float().mean().item()
    return runners, accuracy


def bench_spiral(steps, l2_in_loss):
    runners, accuracy = spiral_runners(l2_in_loss)
    for step in runners.values():  # warm-up: first calls import and compile
        step()
    times = alternate(runners, steps - 1, blocks=8)
    how = "L2 written into the loss" if l2_in_loss else "L2 as SGD weight decay"
    print(f"\n(a) spiral net 2-100-3, {steps} full-batch SGD steps, loss: tl.functional.cross_entropy, {how}")
    base = times["tinygrad-losses"]
    for name, t in times.items():
        print(f"  {name:26s} {t * 1e6:9.1f} us/step  ({t / base:5.2f}x ours)  final accuracy {accuracy[name]():.3f}")
    if "torch eager (1 thread)" in times:
        print(f"  ours / torch = {base / times['torch eager (1 thread)']:.3f}  (target <= 0.5)")
    return times


# ---- (b) micrograd's moons demo -------------------------------------------------------------
def moons_data():
    x, y = datasets.moons(100, noise=0.1, seed=1)
    return x, (y.to(tl.float32) * 2 - 1)  # labels -1 / +1, as in micrograd's demo


def moons_runners(steps):
    x, y = moons_data()
    tl.manual_seed(1)
    net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    params = list(net.parameters())
    opt = optim.SGD(params, lr=1.0)
    state = {"k": 0, "tk": 0}

    def tl_step():
        scores = net(x).reshape(-1)
        loss = svm_loss(scores, y, params)
        opt.zero_grad()
        loss.backward()
        opt.param_groups[0]["lr"] = 1.0 - 0.9 * (state["k"] % steps) / steps
        opt.step()
        state["k"] += 1
        state["tl"] = scores

    runners = {"tinygrad-losses": tl_step}
    accuracy = {"tinygrad-losses": lambda: ((state["tl"] > 0) == (y > 0)).float().mean().item()}
    if torch is not None:
        tx, ty = torch.tensor(x.numpy()), torch.tensor(y.numpy())
        tnet = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                                   torch.nn.ReLU(), torch.nn.Linear(16, 1))
        with torch.no_grad():
            for tp, p in zip(tnet.parameters(), params):
                tp.copy_(torch.tensor(p.numpy()))
        tparams = list(tnet.parameters())
        topt = torch.optim.SGD(tparams, lr=1.0)

        def torch_step():
            scores = tnet(tx).reshape(-1)
            loss = svm_loss(scores, ty, tparams)
            topt.zero_grad()
            loss.backward()
            topt.param_groups[0]["lr"] = 1.0 - 0.9 * (state["tk"] % steps) / steps
            topt.step()
            state["tk"] += 1
            state["torch"] = scores

        runners["torch eager (1 thread)"] = torch_step
        accuracy["torch eager (1 thread)"] = lambda: ((state["torch"] > 0) == (ty > 0)).float().mean().item()
    return runners, accuracy


def micrograd_seconds_per_step(steps):
    """micrograd's own demo loop (its README's notebook), timed for ``steps`` steps; None if not installed."""
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP
    except ImportError:
        return None
    import random
    random.seed(1337)
    x, y = moons_data()
    xs, ys = x.numpy().tolist(), y.numpy().tolist()
    model = MLP(2, [16, 16, 1])
    t0 = time.perf_counter()
    for k in range(steps):
        inputs = [list(map(Value, row)) for row in xs]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
        loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    return (time.perf_counter() - t0) / steps


def bench_moons(steps, micrograd_steps):
    runners, accuracy = moons_runners(steps)
    alternate(runners, steps, blocks=1)  # the real 100-step run, for the accuracy
    times = alternate(runners, 20 * steps, blocks=10)  # then more steps for a steadier time
    mg = micrograd_seconds_per_step(micrograd_steps)
    print(f"\n(b) micrograd's moons demo (MLP 2-16-16-1, SVM max-margin + L2), {steps} steps")
    base = times["tinygrad-losses"]
    for name, t in times.items():
        print(f"  {name:26s} {t * 1e6:9.1f} us/step  ({t / base:5.2f}x ours)")
    print(f"  accuracy after the {steps}-step run: ours {accuracy['tinygrad-losses']():.2f}"
          + (f", torch {accuracy['torch eager (1 thread)']():.2f}" if torch is not None else "")
          + " (both then kept training for the timing)")
    if mg is None:
        print("  micrograd: not installed (pip install micrograd)")
    else:
        print(f"  {'micrograd':26s} {mg * 1e6:9.1f} us/step  ({mg / base:5.0f}x ours; {micrograd_steps} steps timed)")
    if "torch eager (1 thread)" in times:
        print(f"  ours / torch = {base / times['torch eager (1 thread)']:.3f}  (target <= 1)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000, help="spiral SGD steps (default 2000)")
    parser.add_argument("--moons-steps", type=int, default=100)
    parser.add_argument("--micrograd-steps", type=int, default=2, help="micrograd steps to time (slow: ~1 s each)")
    args = parser.parse_args(argv)
    if torch is not None:
        torch.set_num_threads(1)
        print(f"torch {torch.__version__}, 1 thread; numpy {np.__version__}")
    bench_spiral(args.steps, l2_in_loss=False)
    bench_spiral(args.steps, l2_in_loss=True)
    bench_moons(args.moons_steps, args.micrograd_steps)


if __name__ == "__main__":
    main()
