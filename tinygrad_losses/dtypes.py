"""Dtypes and torch's type-promotion rules.

Dtypes are numpy dtypes (``tl.float32 is np.dtype('float32')``). Promotion
follows torch, which differs from numpy in two ways:
  * categories first: bool < integer < floating. Mixing categories gives the
    higher category's dtype (int64 + float16 -> float16, where numpy says float64);
  * participation: dimensioned tensors outrank zero-dim tensors, which outrank
    Python scalars. A lower-ranked operand only matters when its category is
    higher (float32 tensor + float64 0-dim tensor -> float32; int tensor + 2.5 ->
    the default float dtype, float32).
"""
import builtins

import numpy as np

bool_ = np.dtype(np.bool_)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
half, double, long = float16, float64, int64  # torch's aliases

DEFAULT_FLOAT = float32
_NAMES = {"bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "int32": int32,
          "int64": int64, "long": int64, "int": int32, "float16": float16, "half": float16,
          "float32": float32, "float": float32, "float64": float64, "double": float64}
_SUPPORTED = frozenset(_NAMES.values())


def as_dtype(dtype):
    """Normalise a dtype given as numpy dtype, numpy type, or name ('float32', 'long', ...)."""
    if isinstance(dtype, str):
        d = _NAMES.get(dtype.replace("torch.", "").replace("tl.", ""))
        if d is None:
            raise TypeError(f"unknown dtype {dtype!r}: expected one of {sorted(_NAMES)}")
        return d
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a numpy dtype or a name like 'float32', got {dtype!r}") from None
    if d not in _SUPPORTED:
        raise TypeError(f"unsupported dtype {d}: expected one of {sorted(str(x) for x in _SUPPORTED)}")
    return d


def category(dtype):
    """0 for bool, 1 for integers, 2 for floating point."""
    kind = dtype.kind
    return 2 if kind == "f" else (0 if kind == "b" else 1)


def is_floating(dtype):
    return dtype.kind == "f"


def promote_types(a, b):
    """torch.promote_types: the higher category wins; within a category, the wider type."""
    if a == b:
        return a
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def scalar_dtype(value):
    """The dtype a Python scalar becomes on its own: bool, int64 or float32."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (builtins.int, np.integer)):
        return int64
    if isinstance(value, (builtins.float, np.floating)):
        return DEFAULT_FLOAT
    raise TypeError(f"expected a Tensor or a Python number, got {type(value).__name__}")


def result_type(a, b):
    """Result dtype of a binary op on two tensors, with torch's zero-dim participation rule."""
    da, db = a.dtype, b.dtype
    if da == db:
        return da
    a0, b0 = a.ndim == 0, b.ndim == 0
    if a0 == b0:
        return promote_types(da, db)
    dim_d, zero_d = (db, da) if a0 else (da, db)
    return zero_d if category(zero_d) > category(dim_d) else dim_d


def result_type_scalar(tensor_dtype, value):
    """Result dtype of ``tensor op python_scalar``: the scalar matters only when its category is higher."""
    sd = scalar_dtype(value)
    if category(sd) > category(tensor_dtype):
        return sd
    return tensor_dtype

