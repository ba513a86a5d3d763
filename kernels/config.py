"""Tunables of the kernels (CPU, then CUDA), one constant each, with how it was measured."""

# Smallest x.size for which the softmax family (kernels/cpu/rowwise.py) and the element-wise MLP
# steps (relu, its backward, the bias add: kernels/cpu/backend.py) use numba kernels instead of numpy.
# Measured on log_softmax (the element-wise steps gain less per call, but also from ~4000 on:
# relu of (300, 100) float32 takes 12 us in numpy, 3 us in numba).
# `python benchmarks/bench_kernels_rowwise.py --threshold` (log_softmax float32, 2 cores): once
# loaded, numba is faster at every size (16 elements: numpy 8.0 us, numba 2.9 us; 1000: 9.1 vs
# 3.3; 4000: 13.1 vs 3.8; 16000: 25.6 vs 6.1). Loading is the cost: the first call in a process
# takes 0.27 s (import numba, threads, cached kernels; seconds more per kernel and dtype when the
# cache is cold). Below 4096 elements a call saves under 10 us, so tiny programs (tests, toy
# models) stay on numpy and never pay it; from 4096 on the saving repays it within ~30000 calls.
NUMBA_MIN_SIZE = 4096

# Logits per block of the fused cross-entropy's online max: the block is read twice (max, then
# exp), so it should stay in L1 (1024 float32 = 4 KiB); each block costs ~100 ns of calls and loop
# set-up. CPU ms of one thread (NUMBA_NUM_THREADS=1) for loss + gradient, float32,
# (8192, 1000) / (256, 32000): 256 -> 5.2 / 4.3, 512 -> 4.1 / 3.9, 1024 -> 3.6 / 3.6, 2048 -> 3.7 / 3.5.
CE_BLOCK = 1024

# Smallest logits.size for which the fused cross-entropy runs its parallel driver; below it the
# serial one runs. Idle machine, float32 loss + gradient, kernel call alone: (300, 3) parallel 9.6 us;
# wrapper included, 2 threads / 1 thread: 900 -> 22 / 28, 10000 -> 23 / 25, 65536 -> 33 / 55 us.
# With the other core busy a (300, 3) call took 7.8 ms in parallel (the region waits for a
# descheduled thread): small jobs stay serial, where a busy machine cannot stall them.
CE_PARALLEL_MIN_SIZE = 16384

# Below this many lattice cells (sum over the batch of input_length * (2 * target_length + 1))
# the serial CTC kernel runs (kernels/cpu/ctc.py). Best of 300 calls, fwd+bwd, float32, C=20, 2 threads:
# 1360 cells 44 us serial / 39 us parallel, 5040 cells 88 / 63 us, 16400 cells 168 / 105 us. (On a
# busy machine a parallel region can wait a scheduler time slice for its second thread.)
CTC_PARALLEL_MIN_CELLS = 5000

# Most classes for which the serial fused cross-entropy takes the exponentials of all rows in one
# flat loop (kernels/cpu/cross_entropy.py: _cross_entropy_rows_narrow) instead of row by row. Kernel
# call alone, 300 rows float32, narrow / row by row, us: 3 classes 9.4 / 17.7, 16: 14.1 / 22.7,
# 32: 17.0 / 24.0, 48: 22.4 / 27.0, 64: 27.9 / 28.6, 128: 51.3 / 34.7.
CE_NARROW_MAX_CLASSES = 48

# CUDA backend: threads per block of the 1-D kernels (a power of two: the reductions halve it),
# and the matmul tile edge (TILE x TILE threads per block). The simulator runs one Python thread
# per CUDA thread, so it gets small tiles and blocks (kernels/cuda/array.py: launch_config).
CUDA_THREADS = 256
CUDA_MATMUL_TILE = 16
CUDA_MATMUL_TILE_SIMULATED = 4
