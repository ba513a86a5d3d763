"""Tunables of the CPU kernels, one constant each, with how it was measured."""

# Smallest x.size for which kernels/rowwise.py uses the numba kernels instead of numpy.
ROWWISE_NUMBA_MIN_SIZE = 16384

# Inner indices per parallel task in the column kernels (reduced axis not last).
ROWWISE_COLS_BLOCK = 128
