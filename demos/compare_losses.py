"""The classic lesson: for classification, cross-entropy on the logits beats MSE on softmax outputs.

Part 1 trains the same net on the spiral with each loss. Part 2 shows why: for one example whose
true-class logit z is far too low, the gradient of MSE(softmax(z), one-hot) with respect to z
vanishes (softmax saturates), while cross-entropy's stays near −1 until the example is right.
    python demos/compare_losses.py [--epochs 300] [--out out/compare_losses.png]
"""
import argparse

import numpy as np

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses.app import plots, training


def train_both(epochs=300, seed=0):
    """Same data, net and initial weights; returns name -> History."""
    x, y = training.load_classification("spiral", seed=seed)
    histories = {}
    for name in ("cross_entropy", "mse_loss"):
        tl.manual_seed(seed)
        model = training.make_mlp(2, 100, 3)
        opt = training.make_optimizer("sgd", model, lr=1.0)
        histories[name] = training.fit(model, x, y, training.loss_spec(name), opt, epochs, show_progress=False)
    return histories


def loss_and_gradient_vs_logit(zs, others=(2.0, 0.0)):
    """For logits (z, others...) with class 0 true: each loss and its derivative in z."""
    z = tl.tensor(np.asarray(zs, dtype=np.float64)[:, None], requires_grad=True)
    rest = tl.tensor(np.tile(np.asarray(others, dtype=np.float64), (len(zs), 1)))
    logits = tl.cat([z, rest], 1)
    target = tl.zeros(len(zs), dtype=tl.int64)
    onehot = tl.one_hot(target, logits.shape[1]).double()
    out = {}
    for name, per_example in (("cross_entropy", F.cross_entropy(logits, target, reduction="none")),
                              ("mse_loss", F.mse_loss(logits.softmax(1), onehot, reduction="none").sum(1))):
        (grad,) = tl.grad(per_example.sum(), [z], retain_graph=True)
        out[name] = (per_example.detach().numpy(), grad.numpy()[:, 0])
    return out


def main(epochs=300, out=None, verbose=True):
    histories = train_both(epochs)
    zs = np.linspace(-10, 6, 161)
    curves = loss_and_gradient_vs_logit(zs)
    if verbose:
        for name, h in histories.items():
            print(f"{name:14s} after {epochs} epochs: loss {h.loss[-1]:.4f}, accuracy {h.accuracy[-1]:.3f}")
        i = int(np.argmin(np.abs(zs + 8)))
        print(f"at a true-class logit of {zs[i]:.0f} (others 2 and 0): d loss / d z = "
              f"{curves['cross_entropy'][1][i]:.4f} for cross-entropy, {curves['mse_loss'][1][i]:.2e} for MSE")
    from tinygrad_losses.app.optional import pyplot
    plt = pyplot() if out else None
    if plt is not None:
        fig, axes = plt.subplots(1, 3, figsize=(14, 4))
        for name, h in histories.items():
            axes[0].plot(h.accuracy, label=name)
        axes[0].set(title="training accuracy (spiral)", xlabel="epoch")
        for name, (value, grad) in curves.items():
            axes[1].plot(zs, value, label=name)
            axes[2].plot(zs, grad, label=name)
        axes[1].set(title="loss vs the true-class logit z", xlabel="z")
        axes[2].set(title="d loss / d z: MSE's vanishes when wrong", xlabel="z")
        for ax in axes:
            ax.legend()
        fig.tight_layout()
        plots.save(fig, out)
        if verbose:
            print(f"wrote {out}")
    return histories, curves


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--out", default="out/compare_losses.png")
    args = parser.parse_args()
    main(args.epochs, args.out)
