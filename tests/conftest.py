# tests/cuda runs in its own process (numba's CUDA simulator must be switched on before numba is
# imported): tests/test_cuda_suite.py starts it.
collect_ignore = ["cuda"]
