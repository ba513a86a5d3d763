"""numba's on-disk cache: honoured at NUMBA_CACHE_DIR, and not needed where no cache can be written.

Each case runs in a fresh process (numba reads NUMBA_CACHE_DIR when it is imported). A log_softmax
large enough for the numba path must match the numpy reference either way.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # each case compiles the kernels in a fresh process

RUN_KERNEL = """
import numpy as np
from kernels.cpu import rowwise
x = np.random.default_rng(0).standard_normal((64, 128)).astype(np.float32)  # above the numba threshold
ref = x - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True)) - x.max(1, keepdims=True)
assert np.allclose(rowwise.log_softmax(x, 1), ref, rtol=1e-5, atol=1e-6)
import sys; assert "numba" in sys.modules  # the numba path ran, not the numpy one
print("ok")
"""

# Where no cache directory is writable, numba refuses cache=True with this RuntimeError at
# decoration time (we run as root here, so unwritable folders cannot be made: simulate the refusal).
NO_LOCATOR = """
import numba
_njit = numba.njit
def njit(*args, cache=False, **options):
    if cache:
        raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
    return _njit(*args, **options)
numba.njit = njit
"""


def _run(code, **env):
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True,
                          timeout=300)


def test_kernels_run_when_no_cache_can_be_written():
    result = _run(NO_LOCATOR + RUN_KERNEL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_numba_cache_dir_is_honoured(tmp_path):
    result = _run(RUN_KERNEL, NUMBA_CACHE_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    cached = [p.name for p in tmp_path.rglob("*") if p.suffix in (".nbi", ".nbc")]
    assert any("rowwise_numba" in name for name in cached), cached
