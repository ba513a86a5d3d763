"""Fit a small classifier on generated 3-class spiral data with tinygrad-losses.

Prints the cross-entropy falling and the final training accuracy. Run:
    python demos/train_classifier.py [--steps 2000] [--seed 0]
"""
import argparse

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses.app import datasets, training
from tinygrad_losses import nn, optim


def main(steps=2000, seed=0, hidden=100, lr=1.0, weight_decay=1e-3):
    tl.manual_seed(seed)
    x, y = datasets.spiral(seed=seed)
    model = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 3))
    # L2 on the weights as weight decay: the gradient of (weight_decay / 2)·Σ‖W‖², as in cs231n's net
    opt = optim.SGD([{"params": [model[0].weight, model[2].weight], "weight_decay": weight_decay},
                     {"params": [model[0].bias, model[2].bias]}], lr=lr)
    for step in range(steps + 1):
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % (steps // 10 or 1) == 0:
            print(f"step {step:4d}  loss {loss.item():.4f}")
    accuracy = training.accuracy(model, x, y)
    print(f"final training accuracy: {accuracy:.3f}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    accuracy = main(args.steps, args.seed)
    assert accuracy >= 0.95, f"the spiral classifier should reach 0.95 training accuracy, got {accuracy:.3f}"
