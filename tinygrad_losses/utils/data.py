"""Batching: ``DataLoader(x, y, batch_size=32, shuffle=True, drop_last=False, seed=0)``.

Full-batch, stochastic and mini-batch gradient descent are the same loop with a different
``batch_size`` (len(x), 1, or in between).
"""
import numpy as np

from tinygrad_losses import rng as random
from tinygrad_losses.tensor import Tensor


class DataLoader:
    """Iterate over aligned tensors in batches; each pass is one epoch.

    ``shuffle`` draws a fresh order every epoch from a generator seeded by ``seed`` (or, when
    ``seed`` is None, from the engine's generator, which ``tl.manual_seed`` seeds), so a run is
    reproducible. ``drop_last`` skips a final batch smaller than ``batch_size``.
    """

    def __init__(self, *tensors, batch_size=1, shuffle=False, drop_last=False, seed=None):
        if not tensors:
            raise ValueError("DataLoader: expected at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"DataLoader: tensors[{i}] must be a Tensor, got {type(t).__name__}")
            if t.ndim == 0:
                raise ValueError(f"DataLoader: tensors[{i}] is 0-d; expected a first dim of examples")
        n = tensors[0].shape[0]
        for i, t in enumerate(tensors):
            if t.shape[0] != n:
                raise ValueError(f"DataLoader: all tensors need the same number of examples; tensors[0] has {n}, "
                                 f"tensors[{i}] has {t.shape[0]}")
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.tensors, self.n = tensors, n
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
            idx = Tensor(order[start:stop]) if self.shuffle else slice(start, stop)
            batch = tuple(t[idx] for t in self.tensors)
            yield batch if len(batch) > 1 else batch[0]
