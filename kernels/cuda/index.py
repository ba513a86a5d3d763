"""Indexing CUDA kernels: gathers by a flat index map, and scatter-adds with atomics.

An index map holds, for every output (or value) element, the flat position it reads (or adds
into); maps are built from the index the engine gives (host arrays, since indices arrive as
Python/numpy values). Repeated positions accumulate through ``cuda.atomic.add``, as numpy's
``np.add.at`` does on the CPU.
"""
from numba import cuda


@cuda.jit
def gather_flat(out, n, src, index):
    """out[i] = src[index[i]]."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        out[i] = src[index[i]]


@cuda.jit
def scatter_flat(out, n, values, index):
    """out[index[i]] = values[i] (x[index] = v; with repeats one write wins, as in numpy)."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        out[index[i]] = values[i]


@cuda.jit
def scatter_add_flat(out, n, values, index):
    """out[index[i]] += values[i], atomically."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        cuda.atomic.add(out, index[i], values[i])


@cuda.jit
def take_along(out, n, x, xstrides, index, ishape, axis):
    """out[i] = x at i's coordinates in ``index``, with the ``axis`` coordinate replaced by index[i]."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        rem, pos = i, 0
        for d in range(len(ishape) - 1, -1, -1):
            c = rem % ishape[d]
            rem //= ishape[d]
            pos += (index[i] if d == axis else c) * xstrides[d]
        out[i] = x[pos]


@cuda.jit
def scatter_add_along(out, n, ostrides, values, index, ishape, axis):
    """out at (i's coordinates, axis coordinate index[i]) += values[i], atomically (torch's scatter_add)."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        rem, pos = i, 0
        for d in range(len(ishape) - 1, -1, -1):
            c = rem % ishape[d]
            rem //= ishape[d]
            pos += (index[i] if d == axis else c) * ostrides[d]
        cuda.atomic.add(out, pos, values[i])
