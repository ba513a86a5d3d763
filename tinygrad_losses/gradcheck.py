"""Finite-difference gradient checks: ``gradcheck`` (first order) and ``gradgradcheck`` (second).

Analytic Jacobians come from the engine (one vector-Jacobian product per output element),
numeric ones from float64 central differences (one pair of evaluations per input element).
A mismatch raises ``GradcheckError`` naming the input, the element, the output element,
and both values.
"""
import numpy as np

from tinygrad_losses import autograd
from tinygrad_losses.tensor import Tensor


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(fn, inputs):
    outs = _as_tuple(fn(*inputs))
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(f"gradcheck: output {i} of fn is a {type(o).__name__}, expected a Tensor")
    return outs


def _analytic(outs, diff_inputs):
    """J[k][i]: (numel(out_k), numel(input_i)) computed by the engine."""
    jac = [[np.zeros((o.numel(), x.numel())) for x in diff_inputs] for o in outs]
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue  # constant output: its Jacobian is zero
        for j in range(o.numel()):
            seed = np.zeros(o.numel(), dtype=o.dtype)
            seed[j] = 1
            grads = autograd.grad(o, diff_inputs, Tensor(seed.reshape(o.shape), device=o.device), retain_graph=True,
                                  allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jac[k][i][j] = g.numpy().reshape(-1)
    return jac


def _numeric(fn, inputs, positions, eps):
    """J[k][i] by central differences, perturbing copies of the inputs (never the inputs themselves)."""
    base = [x.numpy().copy() for x in inputs]

    def run(arrays):
        xs = [Tensor(a, requires_grad=x.requires_grad, device=x.device) for a, x in zip(arrays, inputs)]
        return [o.numpy().astype(np.float64).reshape(-1) for o in _outputs(fn, xs)]

    n_out = [o.size for o in run(base)]
    jac = [[np.zeros((n, inputs[p].numel())) for p in positions] for n in n_out]
    for i, p in enumerate(positions):
        for e in range(inputs[p].numel()):
            arrays = [a.copy() for a in base]
            arrays[p].reshape(-1)[e] += eps
            plus = run(arrays)
            arrays[p].reshape(-1)[e] -= 2 * eps
            minus = run(arrays)
            for k in range(len(n_out)):
                jac[k][i][:, e] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check the engine's gradients of ``fn(*inputs)`` against central differences.

    Every input that requires grad must be float64. Returns True, or raises
    ``GradcheckError`` (returns False with ``raise_exception=False``) at the first mismatch.
    """
    inputs = _as_tuple(inputs)
    positions = [p for p, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not positions:
        raise ValueError("gradcheck: no input requires grad; pass tensors with requires_grad=True")
    for p in positions:
        if inputs[p].dtype != np.float64:
            raise ValueError(f"gradcheck: input {p} is {inputs[p].dtype}; finite differences need float64 "
                             f"(use .double())")
    outs = _outputs(fn, inputs)
    analytic = _analytic(outs, [inputs[p] for p in positions])
    numeric = _numeric(fn, inputs, positions, eps)
    for k, o in enumerate(outs):
        for i, p in enumerate(positions):
            a, n = analytic[k][i], numeric[k][i]
            bad = ~np.isclose(a, n, rtol=rtol, atol=atol, equal_nan=True)
            if bad.any():
                j, e = map(int, np.argwhere(bad)[0])
                where_in = np.unravel_index(e, inputs[p].shape) if inputs[p].ndim else ()
                where_out = np.unravel_index(j, o.shape) if o.ndim else ()
                msg = (f"gradcheck: Jacobian mismatch for output {k} with respect to input {p}, "
                       f"at input element {tuple(map(int, where_in))} and output element "
                       f"{tuple(map(int, where_out))}: analytic {a[j, e]!r}, numeric {n[j, e]!r} "
                       f"({int(bad.sum())} of {bad.size} entries differ; atol={atol}, rtol={rtol})")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check second derivatives: gradcheck of (inputs, v) -> vector-Jacobian product of ``fn``.

    ``grad_outputs`` (the vectors v) default to seeded random float64 tensors.
    """
    inputs = _as_tuple(inputs)
    outs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(Tensor(rng.standard_normal(o.shape), requires_grad=True, device=o.device) for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def vjp(*args):
        xs, vs = args[:n], args[n:]
        diff = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        outs = _outputs(fn, xs)
        live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        if not live:
            return tuple(x * 0 for x in diff)
        grads = autograd.grad([o for o, _ in live], diff, [v for _, v in live], create_graph=True,
                              allow_unused=True)
        return tuple(g if g is not None else x * 0 for g, x in zip(grads, diff))

    return gradcheck(vjp, inputs + grad_outputs, eps, atol, rtol, raise_exception)
