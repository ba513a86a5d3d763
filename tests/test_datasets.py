"""Generated data sets (deterministic under a seed, the advertised shapes and geometry) and the
DataLoader (batch sizes, drop_last, seeded shuffling that covers every example once)."""
import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses.app import datasets, training
from tinygrad_losses.utils.data import DataLoader

CLASSIFIERS = [("spiral", dict(points_per_class=40, classes=4), 160, 4), ("moons", dict(n=101), 101, 2),
               ("circles", dict(n=60), 60, 2), ("blobs", dict(n=90, centers=3), 90, 3), ("xor", dict(n=80), 80, 2)]


@pytest.mark.parametrize("name, options, n, classes", CLASSIFIERS, ids=[c[0] for c in CLASSIFIERS])
def test_classification_sets(name, options, n, classes):
    make = getattr(datasets, name)
    x, y = make(**options, seed=3)
    assert x.shape == (n, 2) and y.shape == (n,)
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert sorted(set(y.numpy().tolist())) == list(range(classes))
    counts = np.bincount(y.numpy())
    assert counts.max() - counts.min() <= 1 or name == "xor"
    x2, y2 = make(**options, seed=3)
    np.testing.assert_array_equal(x.numpy(), x2.numpy())
    np.testing.assert_array_equal(y.numpy(), y2.numpy())
    x3, _ = make(**options, seed=4)
    assert not np.array_equal(x.numpy(), x3.numpy())


def test_geometry():
    x, y = datasets.circles(n=200, noise=0.0, factor=0.3)
    r = np.linalg.norm(x.numpy(), axis=1)
    np.testing.assert_allclose(r[y.numpy() == 0], 1.0, rtol=1e-6)
    np.testing.assert_allclose(r[y.numpy() == 1], 0.3, rtol=1e-6)
    x, y = datasets.xor(n=500)
    a = x.numpy()
    np.testing.assert_array_equal(y.numpy(), (np.sign(a[:, 0]) != np.sign(a[:, 1])).astype(np.int64))
    x, y = datasets.moons(n=100, noise=0.0)
    upper = x.numpy()[y.numpy() == 0]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0, rtol=1e-6)  # the unit upper half circle
    x, y = datasets.spiral(points_per_class=50, noise=0.0)
    np.testing.assert_allclose(np.linalg.norm(x.numpy()[:50], axis=1), np.linspace(0, 1, 50), atol=1e-6)


def test_regression_sets_have_the_line_and_the_outliers():
    x, y = datasets.regression_1d(n=200, slope=3.0, intercept=-1.0, noise=0.0, outliers=0.1, outlier_scale=4.0)
    assert x.shape == (200, 1) and y.shape == (200,) and y.dtype == np.float32
    residual = y.numpy() - (3.0 * x.numpy()[:, 0] - 1.0)
    off = np.abs(residual) > 1e-5
    assert off.sum() == 20 and np.all(np.abs(residual[off]) >= 2.0 - 1e-5)
    x, y = datasets.regression_2d(n=100, weights=(1.0, 2.0), intercept=0.0, noise=0.0, outliers=0.0)
    np.testing.assert_allclose(y.numpy(), x.numpy() @ np.array([1.0, 2.0]), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: datasets.spiral(classes=1), "classes"),
    (lambda: datasets.moons(n=0), "n must be"),
    (lambda: datasets.circles(factor=1.5), "factor"),
    (lambda: datasets.blobs(std=-1.0), "std"),
    (lambda: datasets.regression_1d(outliers=2), "outliers"),
    (lambda: training.load_classification("mnist"), "unknown dataset"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_digits_when_sklearn_is_installed():
    pytest.importorskip("sklearn")
    x, y = datasets.digits()
    assert x.shape == (1797, 64) and y.shape == (1797,) and 0 <= x.numpy().min() and x.numpy().max() <= 1


def test_digits_without_sklearn_says_how_to_get_it(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ModuleNotFoundError, match="pip install scikit-learn"):
        datasets.digits()


# ---- DataLoader --------------------------------------------------------------------------------
def test_batches_in_order_and_drop_last():
    x, y = tl.arange(10).float().reshape(10, 1), tl.arange(10)
    batches = list(DataLoader(x, y, batch_size=4))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert len(DataLoader(x, y, batch_size=4)) == 3
    loader = DataLoader(x, y, batch_size=4, drop_last=True)
    assert len(loader) == 2 and [len(b[0]) for b in loader] == [4, 4]
    assert [b.shape for b in DataLoader(x, batch_size=5)] == [(5, 1), (5, 1)]  # one tensor: no tuples


def test_shuffle_covers_every_example_and_is_seeded():
    x, y = tl.arange(20).float(), tl.arange(20)
    loader = DataLoader(x, y, batch_size=6, shuffle=True, seed=7)
    epoch1 = [b[1].tolist() for b in loader]
    epoch2 = [b[1].tolist() for b in loader]
    assert sorted(sum(epoch1, [])) == list(range(20)) and epoch1 != epoch2  # a new order every epoch
    for xb, yb in loader:
        np.testing.assert_array_equal(xb.numpy(), yb.numpy())  # rows stay aligned
    again = DataLoader(x, y, batch_size=6, shuffle=True, seed=7)
    assert [b[1].tolist() for b in again] == epoch1
    tl.manual_seed(1)
    a = [b[1].tolist() for b in DataLoader(x, y, batch_size=6, shuffle=True)]
    tl.manual_seed(1)
    assert [b[1].tolist() for b in DataLoader(x, y, batch_size=6, shuffle=True)] == a


def test_dataloader_checks():
    with pytest.raises(ValueError, match="same number of examples"):
        DataLoader(tl.zeros(3), tl.zeros(4))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(tl.zeros(3), batch_size=0)
    with pytest.raises(TypeError, match="must be a Tensor"):
        DataLoader(np.zeros(3))
