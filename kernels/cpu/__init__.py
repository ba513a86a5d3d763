"""The CPU device: ``backend.py`` is its interface (numpy arrays in and out); the other modules are
the numba kernels it calls, each imported only when a large enough input first needs it."""
