"""Row-wise softmax family along any axis: logsumexp, softmax, log_softmax and their backwards.

Reference numpy versions; large float inputs go to the numba kernels.
"""
import numpy as np


def logsumexp(x, axis, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    m_safe = np.where(np.isfinite(m), m, 0)  # m = ±inf: the result is m itself
    s = np.sum(np.exp(x - m_safe), axis=axis, keepdims=True)
    out = np.log(s) + m_safe
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(x, axis):
    return x - logsumexp(x, axis, keepdims=True)


def softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(grad, out, axis):
    """d softmax: out * (grad - sum(grad * out))."""
    return out * (grad - np.sum(grad * out, axis=axis, keepdims=True))


def log_softmax_backward(grad, out, axis):
    """d log_softmax: grad - exp(out) * sum(grad)."""
    return grad - np.exp(out) * np.sum(grad, axis=axis, keepdims=True)
