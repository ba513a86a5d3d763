"""Optimiser paths on a 2-D surface: SGD, momentum, Adagrad, Adadelta, RMSprop and Adam
descending Rosenbrock's banana valley f(x, y) = (1 − x)² + 100·(y − x²)² from (−1.5, 2).

Prints where each one ends (the minimum is at (1, 1)) and draws the paths on the contours.
    python demos/optimizers.py [--steps 1000] [--out out/optimizers.png]
"""
import argparse

import numpy as np

import tinygrad_losses as tl
from tinygrad_losses import optim
from tinygrad_losses.app import plots
from tinygrad_losses.app.optional import pyplot

START = (-1.5, 2.0)
OPTIMIZERS = {
    "SGD": lambda p: optim.SGD(p, lr=1e-3),
    "momentum": lambda p: optim.SGD(p, lr=1e-3, momentum=0.9),
    "Adagrad": lambda p: optim.Adagrad(p, lr=1.0),
    "Adadelta": lambda p: optim.Adadelta(p, lr=10.0),
    "RMSprop": lambda p: optim.RMSprop(p, lr=3e-3),
    "Adam": lambda p: optim.Adam(p, lr=0.1),
}


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def path(make_optimizer, steps):
    p = tl.tensor(START, dtype=tl.float64, requires_grad=True)
    opt = make_optimizer([p])
    points = [p.numpy().copy()]
    for _ in range(steps):
        loss = rosenbrock(p)
        opt.zero_grad()
        loss.backward()
        opt.step()
        points.append(p.numpy().copy())
    return np.array(points)


def main(steps=1000, out=None, verbose=True):
    paths = {name: path(make, steps) for name, make in OPTIMIZERS.items()}
    if verbose:
        print(f"Rosenbrock from {START}, {steps} steps; the minimum is f(1, 1) = 0")
        for name, pts in paths.items():
            end = pts[-1]
            print(f"  {name:9s} ends at ({end[0]:+.3f}, {end[1]:+.3f}), f = {rosenbrock(end):.4g}")
    plt = pyplot() if out else None
    if plt is not None:
        gx, gy = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1, 3, 300))
        fig, ax = plt.subplots(figsize=(6, 5))
        ax.contour(gx, gy, np.log1p(rosenbrock((gx, gy))), levels=25, cmap="Greys", linewidths=0.5)
        for name, pts in paths.items():
            ax.plot(pts[:, 0], pts[:, 1], label=name, lw=1.2)
        ax.plot([1], [1], "k*", ms=12)
        ax.legend()
        ax.set_title(f"optimiser paths, {steps} steps")
        plots.save(fig, out)
        if verbose:
            print(f"wrote {out}")
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--out", default="out/optimizers.png")
    args = parser.parse_args()
    main(args.steps, args.out)
