"""Batched matrix product on CUDA: tiles of ``TILE x TILE`` staged through shared memory.

Block (bx, by, z) computes the output tile at rows ``by*TILE..``, columns ``bx*TILE..`` of batch
``z``: for each step along K, every thread loads one element of A's tile and one of B's (zero
outside the matrix), the block syncs, and each thread accumulates its dot-product slice.
Each loaded element is reused TILE times from shared memory instead of global memory.
(CPU twin: numpy.matmul in kernels/cpu/backend.py.)
"""
import numpy as np
from numba import cuda

_KERNELS = {}


def matmul_kernel(dtype, tile):
    """Kernel ``(a, b, out, M, K, N)`` for C-contiguous (batch, M, K) @ (batch, K, N) -> (batch, M, N)."""
    key = (np.dtype(dtype).str, tile)
    if key not in _KERNELS:
        t = np.dtype(dtype).type
        zero = t(0)

        @cuda.jit
        def kernel(a, b, out, M, K, N):
            sa = cuda.shared.array((tile, tile), t)
            sb = cuda.shared.array((tile, tile), t)
            tx = cuda.threadIdx.x
            ty = cuda.threadIdx.y
            row = cuda.blockIdx.y * tile + ty
            col = cuda.blockIdx.x * tile + tx
            z = cuda.blockIdx.z
            acc = zero
            for k0 in range(0, K, tile):
                ka = k0 + tx
                kb = k0 + ty
                sa[ty, tx] = a[z * M * K + row * K + ka] if row < M and ka < K else zero
                sb[ty, tx] = b[z * K * N + kb * N + col] if kb < K and col < N else zero
                cuda.syncthreads()
                for kk in range(tile):
                    acc += sa[ty, kk] * sb[kk, tx]
                cuda.syncthreads()
            if row < M and col < N:
                out[z * M * N + row * N + col] = acc
        _KERNELS[key] = kernel
    return _KERNELS[key]
