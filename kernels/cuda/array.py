"""``CudaArray``: the CUDA backend's array, a flat numba.cuda device buffer plus shape and dtype.

Keeping the buffer flat and C-contiguous makes every kernel index one 1-D array; ``reshape``
is free (a view sharing the buffer), while transposes and broadcasts are materialised by a
strided-copy kernel. Code above ``kernels/`` reaches these arrays only through the backend's
functions (``backend.add(a, b, out=a)``, never ``a += b``); the few operators ``backend.py`` still
attaches serve the call sites listed there. Transfers are counted in ``STATS`` so tests can check
that nothing round-trips through host memory.
"""
import math
import os

import numpy as np
from numba import cuda

from kernels.config import CUDA_THREADS

SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"

# host<->device copies of tensor data, and small uploads (scalars, index maps); tests read them
STATS = {"host_to_device": 0, "device_to_host": 0, "uploads": 0}

NO_GPU_MESSAGE = ("device 'cuda' requested but numba.cuda found no usable NVIDIA GPU. Install the CUDA "
                  "extra (pip install 'tinygrad-losses[cuda]', which brings numba-cuda) on a machine with an "
                  "NVIDIA driver, or set NUMBA_ENABLE_CUDASIM=1 before numba is first imported to simulate "
                  "a GPU on the CPU (slow; for tests).")


def check_available():
    """Raise a RuntimeError saying how to get a GPU when numba.cuda sees none."""
    try:
        ok = cuda.is_available()
    except Exception:  # a broken driver install raises instead of answering False
        ok = False
    if not ok:
        raise RuntimeError(NO_GPU_MESSAGE)


def c_strides(shape):
    """Element strides of a C-contiguous array of ``shape``."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


class CudaArray:
    """A C-contiguous device array: ``buf`` (flat DeviceNDArray of at least one element), ``shape``, ``dtype``.
    ``base`` is the array whose buffer this one views (None when it owns it), as in numpy."""

    __slots__ = ("buf", "shape", "dtype", "base")

    def __init__(self, buf, shape, dtype, base=None):
        self.buf, self.shape, self.dtype, self.base = buf, tuple(shape), np.dtype(dtype), base

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def __cuda_array_interface__(self):
        if SIMULATED:  # the simulator's arrays live in host memory and have no interface of their own
            pointer = self.buf._ary.__array_interface__["data"][0]
        else:
            pointer = self.buf.__cuda_array_interface__["data"][0]
        return {"shape": self.shape, "strides": None, "typestr": self.dtype.str, "data": (pointer, False),
                "version": 3, "stream": None}

    def __repr__(self):
        return f"CudaArray(shape={self.shape}, dtype={self.dtype})"

    def __len__(self):
        return self.shape[0]

    # backend.py attaches a few operators for the call sites still listed there


def empty(shape, dtype):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        raise TypeError("the cuda backend supports bool, integer, float32 and float64 arrays, not float16")
    return CudaArray(cuda.device_array(max(math.prod(shape), 1), dtype), shape, dtype)


def from_numpy(a):
    """Host array -> a new device array (one host-to-device copy)."""
    a = np.asarray(a, order="C")  # (ascontiguousarray would turn 0-d into 1-d)
    if a.dtype == np.float16:
        raise TypeError("the cuda backend supports bool, integer, float32 and float64 arrays, not float16")
    flat = a.reshape(-1) if a.size else np.zeros(1, a.dtype)
    STATS["host_to_device"] += 1
    return CudaArray(cuda.to_device(flat), a.shape, a.dtype)


def to_numpy(x):
    """Device array -> a new host array (one device-to-host copy)."""
    STATS["device_to_host"] += 1
    return x.buf.copy_to_host()[:x.size].reshape(x.shape)


_CONSTANTS = {}


def upload_constant(value, dtype):
    """A 0-d device array holding ``value``, cached: a training loop uploads each constant once."""
    key = (np.dtype(dtype).str, repr(value))
    arr = _CONSTANTS.get(key)
    if arr is None:
        if len(_CONSTANTS) > 4096:
            _CONSTANTS.clear()
        STATS["uploads"] += 1
        host = np.asarray(value).astype(dtype).reshape(1)
        arr = _CONSTANTS[key] = CudaArray(cuda.to_device(host), (), dtype)
    return arr


def upload_index(a):
    """An int64 host index map -> device (counted apart from tensor data)."""
    STATS["uploads"] += 1
    a = np.ascontiguousarray(a, dtype=np.int64)
    return cuda.to_device(a.reshape(-1) if a.size else np.zeros(1, np.int64))


def launch_config(n, threads=CUDA_THREADS):
    """(blocks, threads) for a grid-stride loop over ``n`` items; small blocks for small n
    (which also keeps the simulator, one Python thread per CUDA thread, quick)."""
    threads = max(1, min(threads, 1 << max(0, (n - 1).bit_length())))
    if SIMULATED:
        threads = min(threads, 32)
    blocks = max(1, min((n + threads - 1) // threads, 1024 if not SIMULATED else 4))
    return blocks, threads


def row_launch(rows, width):
    """(blocks, threads) for the kernels that give each row of ``width`` items one block (blocks
    stride over the rows); threads is a power of two, as their tree reductions need."""
    threads = min(CUDA_THREADS, 1 << max(0, (width - 1).bit_length()))
    if SIMULATED:
        threads = min(threads, 16)
    return min(rows, 4 if SIMULATED else 65535), threads
