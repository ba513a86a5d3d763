"""Devices: is a GPU there, and exchanging tensors with other libraries without a copy.

On "cpu" a tensor's data is a numpy array; on "cuda" it is a ``kernels.cuda.array.CudaArray``
(a numba.cuda device buffer). ``Tensor.to("cuda")`` raises a RuntimeError explaining how to get
a GPU (or simulate one with NUMBA_ENABLE_CUDASIM=1) when numba.cuda finds none.
"""
import numpy as np


def cuda_is_available():
    """True when numba.cuda can run kernels here (a GPU with a driver, or the simulator)."""
    try:
        from numba import cuda
        return bool(cuda.is_available())
    except Exception:  # numba-cuda missing or a broken driver: no GPU for us
        return False


class _CudaNamespace:
    """``tl.cuda``, for the torch habit ``tl.cuda.is_available()``."""

    is_available = staticmethod(cuda_is_available)

    def __repr__(self):
        return "<tl.cuda: is_available()>"


cuda = _CudaNamespace()


def to_dlpack(tensor, *args, **kwargs):
    """``Tensor.__dlpack__``: on cpu numpy's capsule, zero copy. cuda tensors export
    ``__cuda_array_interface__`` instead."""
    if tensor._device != "cpu":
        raise BufferError("__dlpack__ of a cuda tensor is not supported yet: consumers such as torch.as_tensor "
                          "and cupy.asarray take it without a copy through __cuda_array_interface__")
    return np.asarray(tensor._data).__dlpack__(*args, **kwargs)


def dlpack_device(tensor):
    return (1, 0) if tensor._device == "cpu" else (2, 0)  # (kDLCPU, 0) or (kDLCUDA, device 0)


def cuda_array_interface(tensor):
    """``Tensor.__cuda_array_interface__``: the device buffer's, for torch and CuPy to share."""
    if tensor._device != "cuda":
        raise AttributeError("__cuda_array_interface__ exists only on cuda tensors")
    return tensor._data.__cuda_array_interface__


def from_dlpack(obj):
    """A Tensor sharing ``obj``'s memory: objects with ``__cuda_array_interface__`` (torch/CuPy CUDA
    tensors, our cuda tensors) become cuda tensors, objects with ``__dlpack__`` cpu tensors."""
    from tinygrad_losses.tensor import Tensor
    if isinstance(obj, Tensor):
        return obj
    if hasattr(obj, "__cuda_array_interface__"):
        import kernels
        kernels.backend("cuda")  # the clear no-GPU error, before numba's
        from kernels.cuda.array import CudaArray
        if isinstance(obj, CudaArray):
            return Tensor._make(obj, "cuda", False)
        from numba import cuda
        if not cuda.is_cuda_array(obj):
            raise TypeError(f"from_dlpack: {type(obj).__name__} has an unusable __cuda_array_interface__")
        iface = obj.__cuda_array_interface__
        if iface.get("strides") is not None:
            raise ValueError(f"from_dlpack: expected a C-contiguous CUDA array, got strides {iface['strides']}")
        dev = cuda.as_cuda_array(obj)
        shape = tuple(iface["shape"])
        buf = dev.reshape(-1) if dev.size else cuda.device_array(1, dev.dtype)
        return Tensor._make(CudaArray(buf, shape, np.dtype(iface["typestr"])), "cuda", False)
    if hasattr(obj, "__dlpack__"):
        return Tensor._make(np.from_dlpack(obj), "cpu", False)
    raise TypeError(f"from_dlpack: expected an object with __dlpack__ or __cuda_array_interface__, "
                    f"got {type(obj).__name__}")
