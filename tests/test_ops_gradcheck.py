"""Every differentiable op, gradchecked in float64, first and second order (the second-order check
also covers ops whose second derivative is zero: it exercises their create_graph backward).

``CASES`` is the one table of op cases; ``test_ops_torch.py`` reuses it to compare values,
gradients and dtypes with torch. Each case's ``fn(M, *xs)`` is written once for both
libraries: ``M`` is ``tl`` here and a torch namespace there, and the tensor methods share
torch's names. Inputs are seeded random float64 tensors away from every kink (no ties,
no zeros under abs), so finite differences are valid; the kinks have their own tests
in ``test_autograd.py``.
"""
from dataclasses import dataclass

import numpy as np
import pytest

import tinygrad_losses as tl


@dataclass
class Case:
    id: str
    fn: object              # fn(M, *inputs) -> Tensor or tuple of Tensors
    shapes: tuple           # one shape per differentiable input
    domain: str = "real"    # "real": N(0, 1); "pos": uniform(0.5, 2); "sep": well-separated values


def make_inputs(case, seed=0, dtype=np.float64):
    """The case's inputs as numpy arrays (the same values for tl and torch)."""
    rng = np.random.default_rng(seed)
    out = []
    for shape in case.shapes:
        if case.domain == "pos":
            a = rng.uniform(0.5, 2.0, shape)
        elif case.domain == "sep":  # distinct values at least 0.1 apart: no ties for max/sort-like ops
            n = int(np.prod(shape))
            a = (rng.permutation(n) * 0.1 - n * 0.05).reshape(shape) + rng.uniform(0.01, 0.02, shape)
        else:
            a = rng.standard_normal(shape)
            a = np.where(np.abs(a) < 0.05, a + 0.2, a)  # stay away from 0 (abs, sign, relu kinks)
        out.append(a.astype(dtype))
    return out


C = Case
CASES = [
    # ---- unary ------------------------------------------------------------------------------
    C("neg", lambda M, x: -x, [(2, 3)]),
    C("exp", lambda M, x: x.exp(), [(2, 3)]),
    C("log", lambda M, x: x.log(), [(2, 3)], "pos"),
    C("log1p", lambda M, x: x.log1p(), [(2, 3)], "pos"),
    C("expm1", lambda M, x: x.expm1(), [(2, 3)]),
    C("sqrt", lambda M, x: x.sqrt(), [(2, 3)], "pos"),
    C("rsqrt", lambda M, x: x.rsqrt(), [(2, 3)], "pos"),
    C("sin", lambda M, x: x.sin(), [(2, 3)]),
    C("cos", lambda M, x: x.cos(), [(2, 3)]),
    C("tanh", lambda M, x: x.tanh(), [(2, 3)]),
    C("sigmoid", lambda M, x: x.sigmoid(), [(2, 3)]),
    C("abs", lambda M, x: x.abs(), [(2, 3)]),
    C("sign_times_x", lambda M, x: x.sign() * x, [(2, 3)]),
    C("relu", lambda M, x: x.relu(), [(2, 3)]),
    C("square", lambda M, x: x.square(), [(2, 3)]),
    C("reciprocal", lambda M, x: x.reciprocal(), [(2, 3)], "pos"),
    C("clamp", lambda M, x: x.clamp(-0.5, 0.5), [(3, 4)]),
    C("clamp_min", lambda M, x: x.clamp_min(0.1), [(3, 4)]),
    C("clamp_max", lambda M, x: x.clamp_max(0.1), [(3, 4)]),
    C("clamp_tensor_bounds", lambda M, x, lo, hi: x.clamp(lo - 1, hi + 1), [(3, 4), (4,), (3, 1)]),
    C("pow_scalar", lambda M, x: x ** 3, [(2, 3)]),
    C("pow_frac", lambda M, x: x ** 2.5, [(2, 3)], "pos"),
    C("pow_neg", lambda M, x: x.pow(-1.5), [(2, 3)], "pos"),
    C("rpow", lambda M, x: 2.0 ** x, [(2, 3)]),
    C("softplus", lambda M, x: M.softplus(x), [(2, 3)]),
    C("softplus_beta", lambda M, x: M.softplus(x * 4, beta=2.0, threshold=5.0), [(3, 4)]),
    C("logsigmoid", lambda M, x: M.logsigmoid(x), [(2, 3)]),
    C("leaky_relu", lambda M, x: M.leaky_relu(x, 0.2), [(2, 3)]),
    # ---- binary, with broadcasting --------------------------------------------------------------
    C("add", lambda M, a, b: a + b, [(2, 3), (2, 3)]),
    C("add_bcast", lambda M, a, b: a + b, [(4, 1, 3), (2, 1)]),
    C("add_scalar", lambda M, a: 1.5 + a, [(2, 3)]),
    C("sub_bcast", lambda M, a, b: a - b, [(3,), (2, 1)]),
    C("rsub_scalar", lambda M, a: 2 - a, [(2, 3)]),
    C("mul_bcast", lambda M, a, b: a * b, [(2, 1, 3), (4, 1)]),
    C("mul_0d", lambda M, a, b: a * b, [(2, 3), ()]),
    C("div_bcast", lambda M, a, b: a / b, [(2, 3), (3,)], "pos"),
    C("rdiv_scalar", lambda M, a: 3 / a, [(2, 3)], "pos"),
    C("pow_tensor", lambda M, a, b: a ** b, [(2, 3), (3,)], "pos"),
    C("maximum", lambda M, a, b: a.maximum(b), [(2, 3), (3,)], "sep"),
    C("minimum", lambda M, a, b: a.minimum(b), [(2, 3), (2, 1)], "sep"),
    C("where", lambda M, a, b: M.where(M.tensor([[True, False, True]]), a, b), [(2, 3), (2, 1)]),
    C("where_method", lambda M, a, b: a.where(a > 0, b), [(2, 3), (3,)]),
    C("self_mul", lambda M, a: a * a * a, [(3,)]),
    # ---- matmul ----------------------------------------------------------------------------------
    C("matmul_2d", lambda M, a, b: a @ b, [(2, 3), (3, 4)]),
    C("matmul_vv", lambda M, a, b: a @ b, [(3,), (3,)]),
    C("matmul_vm", lambda M, a, b: a @ b, [(3,), (3, 2)]),
    C("matmul_mv", lambda M, a, b: M.matmul(a, b), [(2, 3), (3,)]),
    C("matmul_batch_bcast", lambda M, a, b: a @ b, [(2, 1, 2, 3), (3, 3, 2)]),
    C("matmul_batch_vec", lambda M, a, b: a @ b, [(3,), (2, 3, 2)]),
    # ---- reductions --------------------------------------------------------------------------------
    C("sum_all", lambda M, x: x.sum(), [(2, 3)]),
    C("sum_dim", lambda M, x: x.sum(1), [(2, 3, 2)]),
    C("sum_negdim_keepdim", lambda M, x: x.sum(-2, keepdim=True), [(2, 3, 2)]),
    C("sum_dims", lambda M, x: x.sum((0, 2)), [(2, 3, 2)]),
    C("sum_0d", lambda M, x: (x * x).sum(0), [()]),
    C("mean", lambda M, x: x.mean(), [(2, 3)]),
    C("mean_dim_keepdim", lambda M, x: x.mean(-1, keepdim=True) * x, [(2, 3)]),
    C("var", lambda M, x: x.var(), [(2, 3)]),
    C("var_dim_corr0", lambda M, x: x.var(1, correction=0, keepdim=True), [(2, 3)]),
    C("std", lambda M, x: x.std(0), [(3, 2)]),
    C("std_negdim_keepdim", lambda M, x: x.std(-1, keepdim=True), [(2, 4)]),
    C("amax_all", lambda M, x: x.amax(), [(2, 3)], "sep"),
    C("amax_dim", lambda M, x: x.amax(-1, keepdim=True), [(2, 3)], "sep"),
    C("amin_dims", lambda M, x: x.amin((0, 1)), [(2, 3, 2)], "sep"),
    C("max_all", lambda M, x: x.max(), [(2, 3)], "sep"),
    C("max_dim", lambda M, x: x.max(1).values, [(2, 3)], "sep"),
    C("min_dim_keepdim", lambda M, x: x.min(-2, keepdim=True).values, [(3, 2)], "sep"),
    C("logsumexp", lambda M, x: x.logsumexp(1), [(2, 3)]),
    C("logsumexp_keepdim", lambda M, x: x.logsumexp(-2, keepdim=True), [(2, 3)]),
    C("softmax", lambda M, x: x.softmax(-1), [(2, 3)]),
    C("softmax_dim0", lambda M, x: x.softmax(0), [(3, 2, 2)]),
    C("log_softmax", lambda M, x: x.log_softmax(1), [(2, 3)]),
    C("log_softmax_neg", lambda M, x: x.log_softmax(-2), [(2, 3, 2)]),
    C("norm", lambda M, x: x.norm(), [(2, 3)]),
    C("norm_dim", lambda M, x: x.norm(dim=1, keepdim=True), [(2, 3)]),
    C("norm_p3", lambda M, x: x.norm(p=3, dim=-1), [(2, 3)]),
    C("norm_p1", lambda M, x: x.norm(p=1, dim=0), [(2, 3)]),
    C("norm_pinf", lambda M, x: x.norm(p=float("inf"), dim=1), [(2, 3)], "sep"),
    C("norm_p_half", lambda M, x: x.norm(p=0.5), [(2, 3)], "pos"),
    # ---- movement ----------------------------------------------------------------------------------
    C("reshape", lambda M, x: x.reshape(3, 2) * x.reshape(3, 2), [(2, 3)]),
    C("view_neg1", lambda M, x: x.view(-1, 2), [(2, 3, 2)]),
    C("flatten", lambda M, x: x.flatten(1), [(2, 3, 2)]),
    C("squeeze", lambda M, x: x.squeeze(1), [(2, 1, 3)]),
    C("unsqueeze_neg", lambda M, x: x.unsqueeze(-1), [(2, 3)]),
    C("transpose", lambda M, x: x.transpose(0, -1), [(2, 3, 4)]),
    C("permute", lambda M, x: x.permute(2, 0, 1), [(2, 3, 4)]),
    C("T", lambda M, x: x.T @ x, [(2, 3)]),
    C("mT", lambda M, x: x.mT, [(2, 2, 3)]),
    C("expand", lambda M, x: x.expand(2, 3, 4) * 1.5, [(3, 1)]),
    C("expand_neg1", lambda M, x: x.expand(-1, 4), [(3, 1)]),
    C("broadcast_to", lambda M, x: x.broadcast_to((2, 3)), [(3,)]),
    C("split", lambda M, x: x.split(2, dim=1), [(2, 5)]),
    C("split_sizes", lambda M, x: x.split([1, 3], dim=-1), [(2, 4)]),
    C("chunk", lambda M, x: x.chunk(2, 0), [(5, 2)]),
    C("cat", lambda M, a, b: M.cat([a, b, a], 1), [(2, 3), (2, 1)]),
    C("cat_neg", lambda M, a, b: M.cat([a, b], -2) ** 2, [(2, 3), (1, 3)]),
    C("stack", lambda M, a, b: M.stack([a, b], -1), [(2, 3), (2, 3)]),
    C("clone", lambda M, x: x.clone(), [(2, 3)]),
    # ---- indexing ---------------------------------------------------------------------------------
    C("index_int", lambda M, x: x[1], [(3, 4)]),
    C("index_slice", lambda M, x: x[:, 1:3], [(3, 4)]),
    C("index_step", lambda M, x: x[::2, -1], [(3, 4)]),
    C("index_none_ellipsis", lambda M, x: x[None, ..., 0], [(2, 3, 4)]),
    C("index_repeated", lambda M, x: x[M.tensor([0, 2, 0, 0])] ** 2, [(3, 2)]),
    C("index_2d_adv", lambda M, x: x[M.tensor([1, 1, 0]), M.tensor([2, 2, 3])], [(3, 4)]),
    C("index_neg", lambda M, x: x[M.tensor([-1, 0]), -2], [(3, 4)]),
    C("index_mask", lambda M, x: x[M.tensor([[True, False, True], [False, False, True]])], [(2, 3)]),
    C("index_mask_rows", lambda M, x: x[M.tensor([True, False, True])] * x[0], [(3, 2)]),
    C("gather", lambda M, x: x.gather(1, M.tensor([[0, 0, 2], [1, 1, 1]])), [(2, 3)]),
    C("gather_dim0_smaller", lambda M, x: x.gather(0, M.tensor([[2, 0], [2, 2]])) ** 2, [(3, 3)]),
    C("gather_negdim", lambda M, x: x.gather(-1, M.tensor([[1], [1]])), [(2, 3)]),
    # ---- compositions (shared subexpressions, chains) ---------------------------------------------
    C("mlp", lambda M, x, w, b: ((x @ w + b).tanh() ** 2).sum(-1), [(4, 3), (3, 2), (2,)]),
    C("diamond", lambda M, x: (x.exp() * x.sin() + x.exp() / (1 + x * x)).sum(), [(3,)]),
]


def tl_inputs(case, seed=0):
    return [tl.tensor(a, requires_grad=True) for a in make_inputs(case, seed)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradcheck(case):
    assert tl.gradcheck(lambda *xs: case.fn(tl, *xs), tl_inputs(case))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradgradcheck(case):
    assert tl.gradgradcheck(lambda *xs: case.fn(tl, *xs), tl_inputs(case))


def test_gradcheck_catches_a_wrong_gradient():
    """The checker itself must fail on a wrong backward (otherwise every test above is vacuous)."""
    from tinygrad_losses.autograd import Function

    class BadSquare(Function):
        def forward(self, B, x):
            return B.multiply(x, x)

        def backward(self, g):
            return g * self.parents[0] * 3  # should be 2x

    x = tl.tensor([0.5, -1.0, 2.0], dtype=tl.float64, requires_grad=True)
    with pytest.raises(tl.GradcheckError, match="input 0"):
        tl.gradcheck(lambda t: BadSquare.apply(t), [x])
    assert tl.gradcheck(lambda t: BadSquare.apply(t), [x], raise_exception=False) is False


def test_gradcheck_needs_float64():
    with pytest.raises(ValueError, match="float64"):
        tl.gradcheck(lambda t: t * 2, [tl.tensor([1.0], requires_grad=True)])
