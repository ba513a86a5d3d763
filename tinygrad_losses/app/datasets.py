"""Toy data sets, generated from a seed (nothing is downloaded).

Classification sets return ``(x, y)``: float32 features (N, d; 2 for most) and int64 class indices (N,).
Regression sets return float32 ``(x, y)`` with x (N, d) and y (N,). ``digits()`` loads
scikit-learn's bundled 8x8 digits when scikit-learn is installed.
"""
import numpy as np

from tinygrad_losses.tensor import Tensor


def _check_count(name, value, minimum=1):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


def _check_nonneg(name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")


def _out(x, y, y_dtype=np.int64):
    return Tensor(np.asarray(x, dtype=np.float32)), Tensor(np.asarray(y, dtype=y_dtype))


def spiral(points_per_class=100, classes=3, noise=0.2, seed=0):
    """``classes`` interleaved arms in the plane (cs231n's toy data): radius r ∈ [0, 1], angle
    4c + 4r plus N(0, noise²) for arm c. Hard for a linear model, easy for a small MLP."""
    _check_count("points_per_class", points_per_class)
    _check_count("classes", classes, 2)
    _check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.0, 1.0, points_per_class)
        theta = np.linspace(c * 4.0, (c + 1) * 4.0, points_per_class) + rng.normal(0, noise, points_per_class)
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(points_per_class, c))
    return _out(np.concatenate(xs), np.concatenate(ys))


def moons(n=100, noise=0.1, seed=0):
    """Two interleaving half circles (scikit-learn's make_moons), shuffled; class 0 is the upper moon."""
    _check_count("n", n, 2)
    _check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    x = x + rng.normal(0, noise, x.shape)
    order = rng.permutation(n)
    return _out(x[order], y[order])


def circles(n=100, noise=0.05, factor=0.5, seed=0):
    """A small circle (class 1, radius ``factor``) inside a large one (class 0, radius 1), shuffled."""
    _check_count("n", n, 2)
    _check_nonneg("noise", noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    x = x + rng.normal(0, noise, x.shape)
    order = rng.permutation(n)
    return _out(x[order], y[order])


def blobs(n=300, centers=3, std=1.0, dim=2, box=(-10.0, 10.0), seed=0):
    """Isotropic Gaussian clusters: centres uniform in ``box``^dim, N(0, std²) around each; n split evenly."""
    _check_count("n", n)
    _check_count("centers", centers)
    _check_count("dim", dim)
    _check_nonneg("std", std)
    rng = np.random.default_rng(seed)
    mu = rng.uniform(box[0], box[1], (centers, dim))
    y = np.arange(n) % centers
    x = mu[y] + rng.normal(0, std, (n, dim))
    order = rng.permutation(n)
    return _out(x[order], y[order])


def xor(n=200, noise=0.0, seed=0):
    """Points uniform in [-1, 1]²; class 1 where the two coordinates have opposite signs (XOR of the signs)."""
    _check_count("n", n)
    _check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    y = (x[:, 0] * x[:, 1] < 0).astype(np.int64)
    return _out(x + rng.normal(0, noise, x.shape), y)


def regression_1d(n=100, slope=2.0, intercept=1.0, noise=0.1, outliers=0.1, outlier_scale=5.0, seed=0):
    """y = slope·x + intercept + N(0, noise²), x uniform in [-1, 1]; a fraction ``outliers`` of the
    points (chosen at random) get an extra offset of ±``outlier_scale``·U(0.5, 1). x is (n, 1)."""
    return _linear_with_outliers(n, (slope,), intercept, noise, outliers, outlier_scale, seed)


def regression_2d(n=200, weights=(1.5, -2.0), intercept=0.5, noise=0.1, outliers=0.1, outlier_scale=5.0, seed=0):
    """y = x·w + b + N(0, noise²), x uniform in [-1, 1]², with a fraction of outliers as in regression_1d."""
    return _linear_with_outliers(n, weights, intercept, noise, outliers, outlier_scale, seed)


def _linear_with_outliers(n, weights, intercept, noise, outliers, outlier_scale, seed):
    _check_count("n", n)
    _check_nonneg("noise", noise)
    if not 0 <= outliers <= 1:
        raise ValueError(f"outliers must be a fraction in [0, 1], got {outliers!r}")
    w = np.asarray(weights, dtype=np.float64)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, w.size))
    y = x @ w + intercept + rng.normal(0, noise, n)
    k = int(round(outliers * n))
    idx = rng.choice(n, k, replace=False)
    y[idx] += outlier_scale * rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 1.0, k)
    return _out(x, y, np.float32)


def digits():
    """scikit-learn's 8x8 handwritten digits (1797 images, 10 classes): x (1797, 64) scaled to [0, 1]."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ModuleNotFoundError("digits() needs scikit-learn (it ships the data): pip install scikit-learn, "
                                  "or the extra: pip install 'tinygrad-losses[sklearn]'") from None
    d = load_digits()
    return _out(d.data / 16.0, d.target)


# name -> generator, for the command line's --dataset (classification sets only)
CLASSIFICATION = {"spiral": spiral, "moons": moons, "circles": circles, "blobs": blobs, "xor": xor,
                  "digits": digits}
