"""Plots for the command line and the demos, written to files (matplotlib's Agg backend, no window).

Each function returns the path written, or None when matplotlib is missing (after a one-line hint).
"""
import os

import numpy as np

import tinygrad_losses as tl
from tinygrad_losses.app.optional import pyplot


def save(fig, path):
    """Write ``fig`` to ``path`` (making its folder) and close it; returns the path."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, dpi=100)
    fig.canvas.figure.clf()
    pyplot().close(fig)
    return path


def loss_curves(curves, path, title="training loss", ylabel="loss", log=False):
    """``curves``: name -> list of values per epoch, one line each."""
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return save(fig, path)


def decision_boundary(model, x, y, path, title="decision boundary", resolution=200):
    """The class the model predicts over the plane, with the training points on top (2-D inputs only)."""
    plt = pyplot()
    if plt is None:
        return None
    a, labels = x.numpy(), y.numpy()
    lo, hi = a.min(0) - 0.25, a.max(0) + 0.25
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = tl.tensor(np.stack([gx.ravel(), gy.ravel()], 1).astype(a.dtype))
    with tl.no_grad():
        pred = model(grid).argmax(1).numpy().reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.contourf(gx, gy, pred, levels=np.arange(labels.max() + 2) - 0.5, cmap="Spectral", alpha=0.5)
    ax.scatter(a[:, 0], a[:, 1], c=labels, s=12, cmap="Spectral", edgecolors="k", linewidths=0.3)
    ax.set_title(title)
    ax.set_aspect("equal")
    fig.tight_layout()
    return save(fig, path)
