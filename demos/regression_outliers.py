"""Robust regression: fit a line to data with outliers under MSE, L1, Huber and log-cosh.

MSE squares the outliers' residuals, so they drag the line; L1, Huber and log-cosh grow only
linearly far from the fit and recover the true line. Prints each fit, writes a plot.
    python demos/regression_outliers.py [--steps 500] [--out out/regression_outliers.png]
"""
import argparse

import numpy as np

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses.app import datasets, plots
from tinygrad_losses import optim
from tinygrad_losses.app.optional import pyplot

TRUE_SLOPE, TRUE_INTERCEPT = 2.0, 1.0


LOSSES = {
    "mse": F.mse_loss,
    "l1": F.l1_loss,
    "huber": lambda p, t: F.huber_loss(p, t, delta=1.0),
    "log-cosh": F.log_cosh_loss,
}


def fit_line(x, y, loss, steps=500, lr=0.05):
    w = tl.zeros(1, requires_grad=True)
    b = tl.zeros(1, requires_grad=True)
    opt = optim.Adam([w, b], lr=lr)
    for _ in range(steps):
        value = loss(x[:, 0] * w + b, y)
        opt.zero_grad()
        value.backward()
        opt.step()
    return w.item(), b.item()


def main(steps=500, out=None, seed=0, verbose=True):
    x, y = datasets.regression_1d(n=100, slope=TRUE_SLOPE, intercept=TRUE_INTERCEPT, outliers=0.15,
                                  outlier_scale=8.0, seed=seed)
    fits = {name: fit_line(x, y, loss, steps) for name, loss in LOSSES.items()}
    if verbose:
        print(f"true line: y = {TRUE_SLOPE:.2f} x + {TRUE_INTERCEPT:.2f}  (15% of the points are outliers)")
        for name, (w, b) in fits.items():
            print(f"  {name:9s} y = {w:.2f} x + {b:.2f}   error |Δw| + |Δb| = "
                  f"{abs(w - TRUE_SLOPE) + abs(b - TRUE_INTERCEPT):.3f}")
    plt = pyplot() if out else None
    if plt is not None:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.scatter(x.numpy()[:, 0], y.numpy(), s=10, c="grey", label="data")
        grid = np.linspace(-1, 1, 2)
        for name, (w, b) in fits.items():
            ax.plot(grid, w * grid + b, label=name)
        ax.legend()
        ax.set_title("line fits under outliers")
        plots.save(fig, out)
        if verbose:
            print(f"wrote {out}")
    return fits


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--out", default="out/regression_outliers.png")
    args = parser.parse_args()
    main(args.steps, args.out)
