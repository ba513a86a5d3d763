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


def plot_paths(plt, paths, steps, out):
    """The paths on the contours of log(1 + f): framed so that every path fits, the jagged ones
    drawn first (underneath), each in its own colour and dash, the legend beside the axes."""
    points = np.concatenate(list(paths.values()) + [np.array([START, (1.0, 1.0)])])
    points = points[np.isfinite(points).all(axis=1)]
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.08 * (hi - lo) + 0.1
    (x0, y0), (x1, y1) = lo - pad, hi + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, 400), np.linspace(y0, y1, 400))
    fig, ax = plt.subplots(figsize=(7.5, 5))
    ax.contour(gx, gy, np.log1p(rosenbrock((gx, gy))), levels=25, colors="#bbbbbb", linewidths=0.5, zorder=1)
    # the longest path (the most zigzag) first, so the smoother ones stay visible on top of it
    length = {name: np.abs(np.diff(pts, axis=0)).sum() for name, pts in paths.items()}
    styles = ["-", "--", "-.", ":", "-", "--"]
    colours = plt.get_cmap("tab10").colors
    lines = {}
    for z, name in enumerate(sorted(paths, key=lambda n: -length[n])):
        i = list(paths).index(name)
        pts = paths[name]
        (lines[name],) = ax.plot(pts[:, 0], pts[:, 1], styles[i % len(styles)], color=colours[i], lw=1.6,
                                 alpha=0.9, label=f"{name} (ends at {pts[-1, 0]:.2f}, {pts[-1, 1]:.2f})",
                                 zorder=2 + z)
        ax.plot(pts[-1, 0], pts[-1, 1], "o", color=colours[i], ms=5, zorder=2 + z)
    handles = [lines[name] for name in paths]       # the legend in the table's order
    handles += ax.plot(*START, "ks", ms=7, zorder=20, label=f"start {START}")
    handles += ax.plot([1], [1], "k*", ms=13, zorder=20, label="minimum (1, 1)")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0, fontsize=9)
    ax.set_title(f"optimiser paths on Rosenbrock's valley, {steps} steps")
    fig.tight_layout()
    plots.save(fig, out)


def main(steps=1000, out=None, verbose=True):
    paths = {name: path(make, steps) for name, make in OPTIMIZERS.items()}
    if verbose:
        print(f"Rosenbrock from {START}, {steps} steps; the minimum is f(1, 1) = 0")
        for name, pts in paths.items():
            end = pts[-1]
            print(f"  {name:9s} ends at ({end[0]:+.3f}, {end[1]:+.3f}), f = {rosenbrock(end):.4g}")
    plt = pyplot() if out else None
    if plt is not None:
        plot_paths(plt, paths, steps, out)
        if verbose:
            print(f"wrote {out}")
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--out", default="out/optimizers.png")
    args = parser.parse_args()
    main(args.steps, args.out)
