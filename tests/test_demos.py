"""Every demo runs (tiny settings where the full one takes long) and shows what it claims."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _demo(name):
    spec = importlib.util.spec_from_file_location(f"demo_{name}", os.path.join(ROOT, "demos", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_classifier_reaches_095_on_the_spiral(capsys):
    accuracy = _demo("train_classifier").main()  # the full demo: 2000 steps
    assert accuracy >= 0.95
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("step    0  loss") and lines[-1].startswith("final training accuracy:")


@pytest.mark.slow  # a fresh process and 1500 steps
def test_train_classifier_script_runs_as_the_readme_says():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "demos", "train_classifier.py"), "--steps", "1500"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "final training accuracy" in result.stdout


def test_micrograd_moons_reproduces_micrograds_result():
    assert _demo("micrograd_moons").main(verbose=False) >= 0.95


def test_compare_losses_shows_the_vanishing_mse_gradient(tmp_path):
    histories, curves = _demo("compare_losses").main(epochs=20, out=str(tmp_path / "c.png"), verbose=False)
    assert set(histories) == {"cross_entropy", "mse_loss"}
    ce_grad, mse_grad = curves["cross_entropy"][1], curves["mse_loss"][1]
    # a very wrong true-class logit (z = -10, others 2 and 0): CE's gradient is about -1, MSE's almost 0
    assert ce_grad[0] == pytest.approx(-1, abs=1e-4) and abs(mse_grad[0]) < 1e-4
    assert np.all(ce_grad < 0)


def test_regression_outliers_robust_losses_beat_mse():
    fits = _demo("regression_outliers").main(steps=300, verbose=False)
    error = {name: abs(w - 2.0) + abs(b - 1.0) for name, (w, b) in fits.items()}
    assert error["l1"] < error["mse"] and error["huber"] < error["mse"] and error["log-cosh"] < error["mse"]


def test_optimizers_demo_descends(tmp_path):
    demo = _demo("optimizers")
    paths = demo.main(steps=50, out=str(tmp_path / "o.png"), verbose=False)
    assert set(paths) == {"SGD", "momentum", "Adagrad", "Adadelta", "RMSprop", "Adam"}
    start = demo.rosenbrock(np.array(demo.START))
    for name, pts in paths.items():
        assert pts.shape == (51, 2) and demo.rosenbrock(pts[-1]) < start, name
