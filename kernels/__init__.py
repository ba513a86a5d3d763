"""Array kernels behind the engine: one backend module per device.

Kernels know nothing of ``Tensor``: raw arrays in, raw arrays out. The engine
reaches every array computation through ``backend(device)``, so a new device
is one more module with the same functions (see ``kernels/cpu/backend.py`` for the
list), not edits across the engine.
"""

_BACKENDS = {}


def backend(device):
    """Return the backend module for ``device`` ("cpu" or "cuda")."""
    mod = _BACKENDS.get(device)
    if mod is not None:
        return mod
    if device == "cpu":
        from kernels.cpu import backend as mod
    elif device == "cuda":
        from kernels.cuda import backend as mod  # raises a clear error without a GPU
    else:
        raise ValueError(f"unknown device {device!r}: expected 'cpu' or 'cuda'")
    _BACKENDS[device] = mod
    return mod
