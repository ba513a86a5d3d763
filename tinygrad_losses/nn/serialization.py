"""Saving and loading models in the safetensors format (never pickle).

``save(model, path)`` writes the model's state_dict; ``load(model, path)`` reads it back and
checks names, shapes and dtypes first, listing every difference. The files hold plain
little-endian arrays with a JSON header, so PyTorch reads them with
``safetensors.torch.load_file`` (the parameter names are torch's: ``0.weight``, ``0.bias`` ...).
"""
import os

import numpy as np

from tinygrad_losses.nn.module import state_dict_problems
from tinygrad_losses.tensor import Tensor


def _safetensors():
    try:
        import safetensors.numpy
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportError("saving and loading need the 'safetensors' package: pip install safetensors") from None
    return safetensors


def save_file(tensors, path, metadata=None):
    """Write a dict name -> Tensor (or numpy array) to ``path`` in the safetensors format."""
    if not isinstance(tensors, dict):
        raise TypeError(f"save_file: tensors must be a dict of name -> Tensor, got {type(tensors).__name__}")
    arrays = {}
    for name, t in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"save_file: tensor names must be strings, got {name!r}")
        if not isinstance(t, (Tensor, np.ndarray)):
            raise TypeError(f"save_file: {name!r} must be a Tensor or numpy array, got {type(t).__name__}")
        arrays[name] = np.ascontiguousarray(t.numpy() if isinstance(t, Tensor) else t)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise TypeError("save_file: metadata must be a dict of str -> str")
    _safetensors().numpy.save_file(arrays, os.fspath(path), metadata=metadata)


def load_file(path):
    """Read a safetensors file into a dict name -> Tensor (copies; the file is not kept open)."""
    st = _safetensors()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_file: no such file: {path!r}")
    try:
        arrays = st.numpy.load_file(path)
    except (st.SafetensorError, ValueError, OSError) as e:
        raise ValueError(f"load_file: {path!r} is not a valid safetensors file ({e})") from None
    return {name: Tensor(a) for name, a in arrays.items()}


def save(model, path, metadata=None):
    """Write ``model.state_dict()`` (a Module, or a state dict itself) to ``path``."""
    state = model.state_dict() if hasattr(model, "state_dict") else model
    save_file(dict(state), path, metadata)


def load(model, path, strict=True):
    """Load ``path`` into ``model`` in place, after checking that names, shapes and dtypes agree.

    ``strict=False`` tolerates missing and unexpected names (shapes and dtypes must still agree).
    Returns (missing, unexpected) names, as torch's load_state_dict does.
    """
    state = load_file(path)
    _, _, problems = state_dict_problems(model.state_dict(), state, strict, source="the file",
                                         missing_label="missing in the file",
                                         unexpected_label="in the file but not in the model")
    if problems:
        raise ValueError(f"load {path!r} into {type(model).__name__}: " + "; ".join(problems))
    return model.load_state_dict(state, strict=strict)
