"""Training small classifiers by loss name: the label encoding each loss needs, a model, an
optimiser, and the loop. Used by the command line (``tinygrad-losses train / compare / demo``)
and the demos.

Every classification loss in the registry trains here, and the margin, segmentation, distribution
and regression losses that ``ENCODINGS`` lists (``trainable_losses()``): it says, per loss, what the
network's output goes through (raw logits, softmax, log_softmax or sigmoid) and how the class
labels are written (indices, one-hot rows, ±1 rows, or multilabel_margin's padded index lists).
A loss missing from the table is probed once on a tiny batch with the common encodings.
"""
import os
import sys
from dataclasses import dataclass, field

import numpy as np

import tinygrad_losses as tl
from tinygrad_losses.app import datasets, names
from tinygrad_losses.app.errors import UsageError
from tinygrad_losses import nn, optim
from tinygrad_losses.utils.data import DataLoader
from tinygrad_losses.app.optional import progress

# loss name -> (output transform, label encoding, extra keyword arguments)
ENCODINGS = {
    "cross_entropy": ("logits", "index", {}),
    # the logits as features with an identity projection W = I: equals cross_entropy(logits, y)
    "linear_cross_entropy": ("identity_head", "index", {}),
    "nll_loss": ("log_softmax", "index", {}),
    "multi_margin_loss": ("logits", "index", {}),
    "multiclass_hinge_loss": ("logits", "index", {}),
    "multiclass_perceptron_loss": ("logits", "index", {}),
    "multiclass_sparsemax_loss": ("logits", "index", {}),
    "generalized_cross_entropy": ("softmax", "index", {}),
    "multilabel_margin_loss": ("logits", "index_list", {}),
    "poly1_loss": ("logits", "one_hot", {}),
    "categorical_hinge_loss": ("logits", "one_hot", {}),
    "categorical_focal_loss": ("logits", "one_hot", {"from_logits": True}),
    "binary_focal_crossentropy": ("logits", "one_hot", {"from_logits": True}),
    "binary_cross_entropy": ("sigmoid", "one_hot", {}),
    "binary_cross_entropy_with_logits": ("logits", "one_hot", {}),
    "multilabel_soft_margin_loss": ("logits", "one_hot", {}),
    "sigmoid_focal_loss": ("logits", "one_hot", {}),
    "sparsemax_loss": ("logits", "one_hot", {}),
    "dice_loss": ("softmax", "one_hot", {}),
    "tversky_loss": ("softmax", "one_hot", {}),
    "multiclass_dice_loss": ("logits", "one_hot", {}),
    "kl_div": ("log_softmax", "one_hot", {"reduction": "batchmean"}),
    "mse_loss": ("softmax", "one_hot", {}),
    "l1_loss": ("softmax", "one_hot", {}),
    "smooth_l1_loss": ("softmax", "one_hot", {}),
    "huber_loss": ("softmax", "one_hot", {}),
    "hinge_loss": ("logits", "plus_minus_one", {}),
    "squared_hinge_loss": ("logits", "plus_minus_one", {}),
    "perceptron_loss": ("logits", "plus_minus_one", {}),
    "soft_margin_loss": ("logits", "plus_minus_one", {}),
}
ALIASES = names.ALIASES  # short names of losses (the one table, in app/names.py)
_PROBE_ORDER = (("logits", "index"), ("logits", "one_hot"), ("logits", "plus_minus_one"))

OPTIMIZERS = {  # name -> (factory, default learning rate)
    "sgd": (lambda params, lr: optim.SGD(params, lr=lr), 0.5),
    "momentum": (lambda params, lr: optim.SGD(params, lr=lr, momentum=0.9), 0.1),
    "nesterov": (lambda params, lr: optim.SGD(params, lr=lr, momentum=0.9, nesterov=True), 0.1),
    "adagrad": (lambda params, lr: optim.Adagrad(params, lr=lr), 0.1),
    "adadelta": (lambda params, lr: optim.Adadelta(params, lr=lr), 1.0),
    "rmsprop": (lambda params, lr: optim.RMSprop(params, lr=lr), 0.01),
    "adam": (lambda params, lr: optim.Adam(params, lr=lr), 0.01),
    "adamw": (lambda params, lr: optim.AdamW(params, lr=lr), 0.01),
}


def encode_labels(y, num_classes, encoding):
    """Class indices (N,) int64 -> the target tensor a loss expects."""
    if encoding == "index":
        return y
    onehot = tl.one_hot(y, num_classes).to(tl.float32)
    if encoding == "one_hot":
        return onehot
    if encoding == "plus_minus_one":
        return onehot * 2 - 1
    if encoding == "index_list":  # multilabel_margin_loss: the class first, then -1 padding
        pad = np.full((y.shape[0], num_classes), -1, dtype=np.int64)
        pad[:, 0] = y.numpy()
        return tl.tensor(pad, device=y.device)
    raise ValueError(f"unknown label encoding {encoding!r}")


def transform_output(z, transform):
    if transform == "logits":
        return z
    if transform == "softmax":
        return z.softmax(1)
    if transform == "log_softmax":
        return z.log_softmax(1)
    if transform == "sigmoid":
        return z.sigmoid()
    raise ValueError(f"unknown output transform {transform!r}")


@dataclass
class LossSpec:
    """A loss ready for class-index data: ``spec(logits, y)`` encodes y and transforms the logits."""
    name: str
    function: object
    transform: str
    encoding: str
    options: dict = field(default_factory=dict)

    def __call__(self, logits, y):
        target = encode_labels(y, logits.shape[1], self.encoding)
        if self.transform == "identity_head":
            eye = tl.eye(logits.shape[1], dtype=logits.dtype, device=logits.device)
            return self.function(logits, eye, target, **self.options)
        return self.function(transform_output(logits, self.transform), target, **self.options)


def resolve_loss(name):
    """A registry entry by name, alias ('ce', 'mse', 'focal' ...) or class name (``names.resolve``);
    a ``UsageError`` (a ValueError) with the closest names otherwise."""
    return names.resolve(name)


def trainable_losses():
    """The names of the losses that train a classifier here: those of ``ENCODINGS`` and every
    classification loss (the ones missing from ``ENCODINGS`` are probed)."""
    from tinygrad_losses.losses.registry import losses_table
    return sorted(i.name for i in losses_table() if i.name in ENCODINGS or i.kind == "classification")


def loss_spec(name):
    """The ``LossSpec`` for a loss name (see ``ENCODINGS``; unknown ones are probed)."""
    info = resolve_loss(name)
    if info.name in ENCODINGS:
        transform, encoding, options = ENCODINGS[info.name]
        return LossSpec(info.name, info.function, transform, encoding, dict(options))
    if info.kind != "classification":
        raise UsageError(f"{info.name} is a {info.kind} loss: it does not train a classifier on class labels "
                         f"(pick a classification loss, e.g. cross_entropy)")
    logits = tl.tensor([[0.5, -0.2, 0.1], [0.3, 0.8, -1.0]], requires_grad=True)
    y = tl.tensor([0, 1])
    for transform, encoding in _PROBE_ORDER:
        spec = LossSpec(info.name, info.function, transform, encoding)
        try:
            loss = spec(logits, y)
        except (TypeError, ValueError, RuntimeError, IndexError):
            continue
        if loss.numel() == 1 and np.isfinite(loss.item()) and loss.requires_grad:
            return spec
    raise ValueError(f"{info.name}: could not find a label encoding it accepts for class labels")


def make_mlp(in_features, hidden, classes, depth=1):
    """Linear-ReLU blocks (``depth`` hidden layers of width ``hidden``) and a linear output layer."""
    layers, width = [], in_features
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    return nn.Sequential(*layers, nn.Linear(width, classes))


def make_optimizer(name, model, lr=None, weight_decay=0.0):
    """An optimiser by name (OPTIMIZERS); weight decay (L2) applies to weights, not biases."""
    if name not in OPTIMIZERS:
        raise UsageError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}")
    factory, default_lr = OPTIMIZERS[name]
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    others = [p for n, p in model.named_parameters() if not n.endswith("weight")]
    opt = factory([{"params": weights, "weight_decay": weight_decay}, {"params": others}],
                  default_lr if lr is None else lr)
    return opt


def accuracy(model, x, y):
    with tl.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


@dataclass
class History:
    loss: list = field(default_factory=list)       # mean training loss per epoch
    accuracy: list = field(default_factory=list)   # training accuracy after each epoch
    diverged: str = None                           # why training stopped early, or None if it did not


def fit(model, x, y, loss, optimizer, epochs, batch_size=None, seed=0, show_progress=True, desc=None):
    """Train for ``epochs`` passes over (x, y) with mini-batches of ``batch_size`` (None: full batch).

    ``loss`` is a callable (logits, class indices) -> scalar, e.g. a ``LossSpec``. Returns a ``History``.
    Training stops at the first epoch whose loss is nan or inf (``History.diverged`` says where):
    no later step can recover from it.
    """
    loader = DataLoader(x, y, batch_size=batch_size or x.shape[0], shuffle=batch_size is not None, seed=seed)
    history = History()
    if show_progress and not kernels_are_cached():
        print("compiling kernels (first run only, cached afterwards)", file=sys.stderr)
    for epoch in progress(range(epochs), total=epochs, desc=desc, enabled=show_progress):
        total, count = 0.0, 0
        for xb, yb in loader:
            value = loss(model(xb), yb)
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            total += value.item() * xb.shape[0]
            count += xb.shape[0]
        history.loss.append(total / count)
        history.accuracy.append(accuracy(model, x, y))
        if not np.isfinite(history.loss[-1]):
            history.diverged = f"the loss became {history.loss[-1]} at epoch {epoch + 1}"
            break
    return history


def kernels_are_cached():
    """Whether numba's on-disk cache holds the CPU kernels of a training step (False on a first run,
    when compiling them takes seconds and the progress bar's first estimate would be far off)."""
    import importlib
    from numba.core.registry import CPUDispatcher
    for module in ("kernels.cpu.elementwise", "kernels.cpu.rowwise_numba", "kernels.cpu.cross_entropy"):
        for kernel in vars(importlib.import_module(module)).values():
            # numba keeps the index file's path on the dispatcher (not public API: if it moves, say nothing)
            index = getattr(getattr(getattr(kernel, "_cache", None), "_cache_file", None), "_index_path", None)
            if isinstance(kernel, CPUDispatcher) and (index is None or os.path.exists(index)):
                return True
    return False


def to_device(device, model, *tensors):
    """Move ``model`` (its parameters, in place) and ``tensors`` to ``device``; returns the moved tensors."""
    model.to(device)
    return tuple(t.to(device) for t in tensors)


def load_classification(name, seed=0):
    """A classification data set by name, features standardised for the sets that need it."""
    if name not in datasets.CLASSIFICATION:
        raise UsageError(f"unknown dataset {name!r}; expected one of {', '.join(datasets.CLASSIFICATION)}")
    try:
        x, y = datasets.CLASSIFICATION[name](seed=seed) if name != "digits" else datasets.digits()
    except ModuleNotFoundError as e:  # digits needs scikit-learn
        raise UsageError(str(e)) from None
    if name == "blobs":  # centres lie in [-10, 10]: standardise so that one lr fits all sets
        a = x.numpy()
        x = tl.tensor((a - a.mean(0)) / a.std(0))
    return x, y
