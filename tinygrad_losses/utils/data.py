"""Batching, in torch's shape: ``DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)``.

Full-batch, stochastic and mini-batch gradient descent are the same loop with a different
``batch_size`` (len(x), 1, or in between). The short form ``DataLoader(x, y, batch_size=32)``
(tensors directly) does the same.
"""
import numpy as np

from tinygrad_losses import rng as random
from tinygrad_losses.creation import stack, tensor
from tinygrad_losses.tensor import Tensor


def _check_tensors(owner, tensors):
    if not tensors:
        raise ValueError(f"{owner}: expected at least one tensor")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{owner}: tensors[{i}] must be a Tensor, got {type(t).__name__}")
        if t.ndim == 0:
            raise ValueError(f"{owner}: tensors[{i}] is 0-d; expected a first dim of examples")
    n = tensors[0].shape[0]
    for i, t in enumerate(tensors):
        if t.shape[0] != n:
            raise ValueError(f"{owner}: all tensors need the same number of examples; tensors[0] has {n}, "
                             f"tensors[{i}] has {t.shape[0]}")
    return n


class Dataset:
    """The base of a map-style dataset, as torch.utils.data.Dataset: define ``__getitem__(i)``
    (one example: a tensor, a number, or a tuple of them) and ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Aligned tensors as a dataset: example ``i`` is ``(t[i] for t in tensors)`` (torch.utils.data.TensorDataset)."""

    def __init__(self, *tensors):
        _check_tensors("TensorDataset", tensors)
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


def _collate(items):
    """A list of examples -> one batch: tensors stacked along a new first dim, numbers made a tensor,
    tuples and lists field by field (torch's default_collate, for these types)."""
    first = items[0]
    if isinstance(first, Tensor):
        return stack(items)
    if isinstance(first, (tuple, list)):
        return tuple(_collate([item[k] for item in items]) for k in range(len(first)))
    return tensor(items)


class DataLoader:
    """Iterate over a dataset in batches; each pass is one epoch.

    ``DataLoader(dataset, batch_size=1, shuffle=False, drop_last=False, seed=None)``: ``dataset`` is a
    ``TensorDataset`` (batches are tuples, sliced from its tensors at once) or another ``Dataset``
    (batches collate its examples: tensors stacked, numbers made a tensor). ``DataLoader(x, y, ...)`` takes the tensors directly (a tuple per batch, or the batch
    itself for a single tensor).

    ``shuffle`` draws a fresh order every epoch from a generator seeded by ``seed`` (or, when
    ``seed`` is None, from the engine's generator, which ``tl.manual_seed`` seeds), so a run is
    reproducible. ``drop_last`` skips a final batch smaller than ``batch_size``.
    """

    def __init__(self, *data, batch_size=1, shuffle=False, drop_last=False, seed=None):
        self.dataset = None
        if len(data) == 1 and isinstance(data[0], TensorDataset):
            self.tensors, self._as_tuple = data[0].tensors, True
        elif len(data) == 1 and isinstance(data[0], Dataset):
            self.dataset, self.tensors = data[0], ()
        else:
            self.tensors, self._as_tuple = data, len(data) > 1
        self.n = len(self.dataset) if self.dataset is not None else _check_tensors("DataLoader", self.tensors)
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.batch_size, self.shuffle, self.drop_last = int(batch_size), bool(shuffle), bool(drop_last)
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def __len__(self):
        full, rest = divmod(self.n, self.batch_size)
        return full if self.drop_last or not rest else full + 1

    def __iter__(self):
        if self.shuffle:
            rng = self._rng if self._rng is not None else random.generator()
            order = rng.permutation(self.n)
        for b in range(len(self)):
            start, stop = b * self.batch_size, min((b + 1) * self.batch_size, self.n)
            if self.dataset is not None:
                indices = order[start:stop].tolist() if self.shuffle else range(start, stop)
                yield _collate([self.dataset[i] for i in indices])
                continue
            idx = Tensor(order[start:stop]) if self.shuffle else slice(start, stop)
            batch = tuple(t[idx] for t in self.tensors)
            yield batch if self._as_tuple else batch[0]
