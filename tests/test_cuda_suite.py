"""Runs the CUDA test group (tests/cuda) in a fresh process under numba's CUDA simulator, and checks
the no-GPU error of this process (where numba was imported without the simulator)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tinygrad_losses as tl

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # minutes: the whole tests/cuda group in numba's simulator
def test_cuda_group_passes_under_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/cuda"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    summary = proc.stdout.splitlines()[-1]
    passed = int(summary.split(" passed")[0].split()[-1]) if " passed" in summary else 0
    # the kernels really ran in the simulator; only the PTX compile check may skip (no CUDA toolkit)
    assert passed >= 150, summary


def test_asking_for_cuda_without_a_gpu_says_how_to_get_one():
    if tl.cuda_is_available():
        pytest.skip("a GPU (or the simulator) is available in this process")
    with pytest.raises(RuntimeError, match="no usable NVIDIA GPU.*cuda.*NUMBA_ENABLE_CUDASIM=1"):
        tl.tensor([1.0], device="cuda")
    with pytest.raises(RuntimeError, match="NUMBA_ENABLE_CUDASIM=1"):
        tl.tensor([1.0]).cuda()
