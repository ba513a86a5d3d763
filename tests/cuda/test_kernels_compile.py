"""The simulator runs kernels as Python, so it cannot see typing errors the real compiler would: compile
the fused cross-entropy and CTC kernels to PTX for sm_90 (NVVM only, no GPU) in a process without it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import types
from numba import cuda, types as T
from numba.cuda.cudadrv import nvvm
if not nvvm.is_available():
    raise SystemExit(77)
import numba.cuda.dispatcher as dispatcher
# device functions ask the current GPU for its compute capability; there is none here
dispatcher.get_current_device = lambda: types.SimpleNamespace(compute_capability=(9, 0))
from kernels.cuda.cross_entropy import _row_kernel
from kernels.cuda.ctc import _kernel
for dt in (T.float32, T.float64):
    a, i = dt[::1], T.int64[::1]
    ce = (a, T.int64, T.int64, i, a, T.boolean, T.int64, dt, dt, dt, dt, a, a)
    ptx, _ = cuda.compile_ptx(_row_kernel(dt.name, 256).py_func, ce, cc=(9, 0))
    assert ".entry" in ptx
    ctc = (a, T.int64, T.int64, T.int64, i, i, T.int64, i, i, i, T.boolean, T.boolean, a, a, a, a)
    ptx, _ = cuda.compile_ptx(_kernel(256).py_func, ctc, cc=(9, 0))
    assert "atom" in ptx  # the gradient's scatter is atomic
print("ok")
"""


def test_fused_kernels_compile_to_ptx():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    if proc.returncode == 77:
        pytest.skip("NVVM (the CUDA compiler library) is not installed")
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr[-3000:]
