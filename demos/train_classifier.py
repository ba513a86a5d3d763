"""Fit a small classifier on generated 3-class spiral data with tinygrad-losses.

Prints the cross-entropy falling and the final training accuracy. Run:
    python demos/train_classifier.py [--steps 300] [--seed 0]
"""
import argparse

import numpy as np

import tinygrad_losses as tl


def spiral(points_per_class=100, classes=3, seed=0):
    """The classic spiral: ``classes`` interleaved arms in the plane (cs231n's toy data)."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.0, 1.0, points_per_class)
        theta = np.linspace(c * 4.0, (c + 1) * 4.0, points_per_class) + rng.normal(0, 0.2, points_per_class)
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(points_per_class, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)


def cross_entropy(logits, target):
    """Mean of -log softmax(logits)[target]."""
    logp = logits.log_softmax(dim=1)
    return -logp.gather(1, target.unsqueeze(1)).mean()


def main(steps=300, seed=0, hidden=100, lr=1.0, l2=1e-3):
    tl.manual_seed(seed)
    x_np, y_np = spiral(seed=seed)
    x, y = tl.tensor(x_np), tl.tensor(y_np)
    w1 = (tl.randn(2, hidden) * 0.5).requires_grad_()
    b1 = tl.zeros(hidden, requires_grad=True)
    w2 = (tl.randn(hidden, 3) * 0.1).requires_grad_()
    b2 = tl.zeros(3, requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(steps + 1):
        logits = (x @ w1 + b1).relu() @ w2 + b2
        loss = cross_entropy(logits, y) + l2 * ((w1 * w1).sum() + (w2 * w2).sum())
        for p in params:
            p.grad = None
        loss.backward()
        with tl.no_grad():
            for p in params:
                p -= lr * p.grad
        if step % (steps // 10 or 1) == 0:
            print(f"step {step:4d}  loss {loss.item():.4f}")
    accuracy = (logits.argmax(1) == y).float().mean().item()
    print(f"final training accuracy: {accuracy:.3f}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    main(args.steps, args.seed)
