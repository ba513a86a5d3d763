"""The global random generator behind randn, rand, dropout and init (seeded by ``manual_seed``)."""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Seed every random draw of the engine (like torch.manual_seed)."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    _generator = np.random.default_rng(int(seed))


def generator():
    return _generator
