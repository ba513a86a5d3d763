"""Every op of the shared table compared with torch: values, gradients, dtypes and shapes,
in float64 and float32; plus the dtype of float-valued ops on integer/bool inputs."""
import numpy as np
import pytest

import tinygrad_losses as tl
from test_ops_gradcheck import CASES, make_inputs

torch = pytest.importorskip("torch")
F = torch.nn.functional


class TorchNS:
    """``torch`` plus the functional activations under the names tl exports at top level."""
    softplus, logsigmoid = staticmethod(F.softplus), staticmethod(F.logsigmoid)
    leaky_relu = staticmethod(F.leaky_relu)

    def __getattr__(self, name):
        return getattr(torch, name)


T = TorchNS()
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=1e-6)}


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _same_dtype(a, b):
    return str(b.dtype).replace("torch.", "") == str(a.dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_value_and_gradient_match_torch(case, dtype):
    arrays = make_inputs(case, seed=1, dtype=dtype)
    xs = [tl.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    outs, touts = _tuple(case.fn(tl, *xs)), _tuple(case.fn(T, *ts))
    assert len(outs) == len(touts)
    rng = np.random.default_rng(2)
    seeds = [rng.standard_normal(o.shape).astype(dtype) for o in touts]
    for o, t in zip(outs, touts):
        assert o.shape == tuple(t.shape)
        assert _same_dtype(o, t), (o.dtype, t.dtype)
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), **TOL[dtype])
    tl.backward(list(outs), [tl.tensor(s) for s in seeds])
    torch.autograd.backward(list(touts), [torch.tensor(s) for s in seeds])
    for i, (x, t) in enumerate(zip(xs, ts)):
        assert x.grad is not None, f"input {i} got no gradient"
        assert x.grad.shape == x.shape and x.grad.dtype == x.dtype
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), **TOL[dtype], err_msg=f"input {i}")


# Float-valued functions of integer and bool tensors compute in the default float dtype (as torch).
# (tl is more permissive than torch for softmax/log_softmax/argmax of ints/bools: not compared.)
INT_OPS = {
    "exp": lambda M, x: x.exp(), "log": lambda M, x: x.log(), "sqrt": lambda M, x: x.sqrt(),
    "sigmoid": lambda M, x: x.sigmoid(), "tanh": lambda M, x: x.tanh(), "sin": lambda M, x: x.sin(),
    "div": lambda M, x: x / 2, "rdiv": lambda M, x: 1 / x, "abs": lambda M, x: x.abs(),
    "neg_mul": lambda M, x: x * -3, "add_float": lambda M, x: x + 0.5, "sum": lambda M, x: x.sum(),
    "sum_dim": lambda M, x: x.sum(0), "amax": lambda M, x: x.amax(), "clamp_int": lambda M, x: x.clamp(1, 2),
    "clamp_float": lambda M, x: x.clamp(0.5), "square": lambda M, x: x.square(), "pow": lambda M, x: x ** 2,
    "logsumexp": lambda M, x: x.logsumexp(0), "norm": lambda M, x: x.float().norm(),
    "argmax": lambda M, x: x.argmax(), "maximum": lambda M, x: x.maximum(x * 2),
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("name", sorted(INT_OPS))
def test_integer_inputs_match_torch(name, dtype):
    a = np.array([1, 2, 3], dtype=dtype)
    out, ref = INT_OPS[name](tl, tl.tensor(a)), INT_OPS[name](T, torch.tensor(a))
    assert _same_dtype(out, ref), (out.dtype, ref.dtype)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["sum", "amax", "clamp_int", "exp", "add_float", "div"])
def test_bool_inputs_match_torch(name):
    a = np.array([True, False, True])
    out, ref = INT_OPS[name](tl, tl.tensor(a)), INT_OPS[name](T, torch.tensor(a))
    assert _same_dtype(out, ref), (out.dtype, ref.dtype)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6)


SPECIAL = [  # special values (inf, nan, empty) in forward
    ("softmax_inf", lambda M, x: x.softmax(0), [1.0, float("inf"), 2.0]),
    ("log_softmax_ninf", lambda M, x: x.log_softmax(0), [float("-inf"), 0.0, 1.0]),
    ("logsumexp_all_ninf", lambda M, x: x.logsumexp(0), [float("-inf"), float("-inf")]),
    ("logsumexp_inf", lambda M, x: x.logsumexp(0), [1.0, float("inf")]),
    ("sigmoid_tails", lambda M, x: x.sigmoid(), [-800.0, 0.0, 800.0]),
    ("softplus_tails", lambda M, x: M.softplus(x), [-800.0, 0.0, 30.0, 800.0]),
    ("logsigmoid_tails", lambda M, x: M.logsigmoid(x), [-800.0, 0.0, 800.0]),
    ("mean_empty", lambda M, x: x.mean(), []),
    ("sum_empty", lambda M, x: x.sum(), []),
    ("amax_nan", lambda M, x: x.amax(), [1.0, float("nan")]),
    ("max_dim_nan", lambda M, x: x.max(0).values, [1.0, float("nan"), 3.0]),
    ("var_single", lambda M, x: x.var(), [2.0]),
    ("norm_empty", lambda M, x: x.norm(), []),
]


@pytest.mark.parametrize("name,fn,values", SPECIAL, ids=[s[0] for s in SPECIAL])
def test_special_values_match_torch(name, fn, values):
    a = np.array(values, dtype=np.float64)
    out, ref = fn(tl, tl.tensor(a)), fn(T, torch.tensor(a))
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-13, atol=0)  # inf/nan must match exactly
