"""Tunables of the CPU kernels, one constant each, with how it was measured."""

# Smallest x.size for which kernels/rowwise.py uses the numba kernels instead of numpy.
ROWWISE_NUMBA_MIN_SIZE = 16384

# Logits per block of the fused cross-entropy's online max: the block is read twice (max, then
# exp), so it should stay in L1 (1024 float32 = 4 KiB). Each block costs ~100 ns of calls and loop
# set-up: CPU ms of one thread, (8192, 1000) / (256, 32000) float32, benchmarks/bench_kernels_rowwise.py
# style: 256 -> 7.2 / 6.6, 512 -> 5.7 / 5.5, 1024 -> 4.6 / 4.4, 2048 -> 4.6 / 4.4.
CE_BLOCK = 1024

# CUDA backend: threads per block of the 1-D kernels (a power of two: the reductions halve it),
# and the matmul tile edge (TILE x TILE threads per block). The simulator runs one Python thread
# per CUDA thread, so it gets small tiles and blocks (kernels/cuda_array.launch_config).
CUDA_THREADS = 256
CUDA_MATMUL_TILE = 16
CUDA_MATMUL_TILE_SIMULATED = 4
