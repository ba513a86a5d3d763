"""The CUDA device: ``backend.py`` is its interface (``CudaArray``s in and out, the CPU backend's
names and meanings); the other modules are numba.cuda kernels, each the twin of the CPU module of
the same name where one exists."""
