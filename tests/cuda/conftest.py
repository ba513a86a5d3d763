"""The CUDA group: runs under numba's CUDA simulator unless NUMBA_ENABLE_CUDASIM=0 asks for a real GPU.

The variable must be set before numba is first imported, so this group runs in its own pytest
process (tests/test_cuda_suite.py starts it; the main run ignores this folder).
"""
import os

os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")

import pytest  # noqa: E402

import tinygrad_losses as tl  # noqa: E402

if not tl.cuda_is_available():
    pytest.skip("no GPU and numba was imported before NUMBA_ENABLE_CUDASIM could be set; run "
                "`NUMBA_ENABLE_CUDASIM=1 python -m pytest tests/cuda`", allow_module_level=True)
