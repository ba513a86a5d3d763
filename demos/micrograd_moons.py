"""micrograd's own demo, reproduced with tinygrad-losses: two moons, an MLP 2-16-16-1, the SVM
max-margin loss with L2 regularisation, 100 steps of SGD with a decaying learning rate.

micrograd does this one scalar ``Value`` at a time; here each layer is one matrix product. Like
micrograd's notebook it ends with the decision boundary (with matplotlib installed).
    python demos/micrograd_moons.py [--steps 100] [--out out/micrograd_moons.png]
"""
import argparse

import tinygrad_losses as tl
from tinygrad_losses.app import datasets, plots
from tinygrad_losses import nn, optim


def svm_loss(scores, y, params, alpha=1e-4):
    """micrograd's loss: mean of relu(1 − y·score) (max-margin, labels ±1) plus alpha·Σ p²."""
    data_loss = (1 - y * scores).relu().mean()
    reg_loss = alpha * sum((p * p).sum() for p in params)
    return data_loss + reg_loss


def main(steps=100, seed=1, verbose=True, out=None):
    x, labels = datasets.moons(100, noise=0.1, seed=seed)
    y = labels.to(tl.float32) * 2 - 1          # classes 0/1 -> labels -1/+1
    tl.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    params = list(model.parameters())
    opt = optim.SGD(params, lr=1.0)
    for k in range(steps):
        scores = model(x).reshape(-1)
        loss = svm_loss(scores, y, params)
        accuracy = ((scores > 0) == (y > 0)).float().mean().item()
        opt.zero_grad()
        loss.backward()
        opt.param_groups[0]["lr"] = 1.0 - 0.9 * k / steps   # micrograd's schedule
        opt.step()
        if verbose and (k % 10 == 0 or k == steps - 1):
            print(f"step {k} loss {loss.item():.4f}, accuracy {accuracy * 100:.0f}%")
    if out and plots.decision_boundary(lambda grid: _two_classes(model(grid)), x, labels, out,
                                       title=f"moons, accuracy {accuracy * 100:.0f}%") and verbose:
        print(f"wrote {out}")
    return accuracy


def _two_classes(scores):
    """One score s per point as the two classes' scores (-s, s): positive s is class 1."""
    return tl.cat([-scores, scores], dim=1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--out", default="out/micrograd_moons.png", help="the decision boundary's picture")
    args = parser.parse_args()
    accuracy = main(args.steps, out=args.out)
    assert accuracy >= 0.95, f"micrograd's demo reaches 100% on the moons; got {accuracy:.2f}"
