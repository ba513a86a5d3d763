"""The backward engine: graph freeing, accumulation, grad modes, tl.grad, version counters,
gradient aliasing, and torch's gradient conventions at ties and kinks."""
import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses.autograd import Function


def f64(values, requires_grad=True):
    return tl.tensor(np.array(values, dtype=np.float64), requires_grad=requires_grad)


# ---- graph freeing --------------------------------------------------------------------------------
def test_second_backward_without_retain_graph_raises():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_second_grad_without_retain_graph_raises():
    x = f64([1.0, 2.0])
    y = (x.exp() * x).sum()
    tl.grad(y, x)
    with pytest.raises(RuntimeError, match="second time"):
        tl.grad(y, x)


def test_retain_graph_allows_a_second_backward_and_accumulates():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])  # 2 * (2x)


def test_backward_through_a_shared_part_of_a_freed_graph_raises():
    x = f64([1.0, 2.0])
    h = x.exp()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 2).sum().backward()


def test_backward_frees_saved_arrays():
    x = f64([1.0, 2.0])
    y = x.exp()
    fn = y.grad_fn
    y.sum().backward()
    # the saved values go; the structure stays (as in torch): the node and its edge to the leaf
    assert fn.freed and not hasattr(fn, "out") and fn.parents[0] is x


# ---- structure ------------------------------------------------------------------------------------
def test_deep_graph_does_not_hit_the_recursion_limit():
    x = f64([1.0])
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward(tl.ones_like(y))
    assert x.grad.item() == 1.0
    assert y.item() == 100_001.0


def test_deep_graph_can_be_dropped_without_backward():
    x = f64([1.0])
    y = x
    for _ in range(100_000):
        y = y * 1.0
    del y  # deallocating a 10^5-long chain must not overflow the C stack


def test_node_used_twice_gets_both_gradients():
    x = f64([1.5, -2.0])
    y = x * 3
    z = (y * y + y).sum()  # dz/dx = 3 * (2y + 1)
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * (2 * 3 * np.array([1.5, -2.0]) + 1))


def test_same_tensor_as_both_operands():
    x = f64([3.0])
    (x * x).backward(tl.ones_like(x))
    (x + x).backward(tl.ones_like(x))
    (x - x).backward(tl.ones_like(x))
    (x / x).backward(tl.ones_like(x))
    np.testing.assert_allclose(x.grad.numpy(), [6.0 + 2.0 + 0.0 + 0.0])


def test_square_gradient_is_exactly_the_sum_of_both_operand_terms():
    rng = np.random.default_rng(0)
    x = tl.tensor(rng.standard_normal(50).astype(np.float32), requires_grad=True)
    g = rng.standard_normal(50).astype(np.float32)
    y = x * 1                                             # a non-leaf operand as well as a leaf
    ((x * x) * tl.tensor(g)).sum().backward()
    ((y * y) * tl.tensor(g)).sum().backward()
    term = g * x.numpy()
    np.testing.assert_array_equal(x.grad.numpy(), (term + term) + (term + term))


def test_only_inputs_requiring_grad_get_gradients():
    a, b = f64([1.0, 2.0]), f64([3.0, 4.0], requires_grad=False)
    (a * b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])
    assert b.grad is None


def test_integer_constant_in_graph():
    x = f64([1.0, 2.0])
    (x * tl.tensor([2, 3])).sum().backward()
    assert x.grad.dtype == tl.float64
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 3.0])


def test_gradient_dtype_follows_the_leaf_across_casts():
    x = tl.tensor([1.0, 2.0], requires_grad=True)        # float32
    (x.double() * f64([1.0, 1.0], False)).sum().backward()
    assert x.grad.dtype == tl.float32


# ---- grad modes ---------------------------------------------------------------------------------------
def test_no_grad_and_enable_grad():
    x = f64([1.0])
    with tl.no_grad():
        y = x * 2
        with tl.enable_grad():
            z = x * 2
        w = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None
    assert not w.requires_grad
    assert (x * 2).requires_grad and tl.is_grad_enabled()


def test_grad_mode_decorators_and_restoring_after_an_exception():
    @tl.no_grad()
    def f(t):
        return t * 2

    x = f64([1.0])
    assert not f(x).requires_grad
    assert f.__name__ == "f"
    with pytest.raises(ZeroDivisionError):
        with tl.no_grad():
            1 / 0
    assert tl.is_grad_enabled()
    with tl.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


# ---- accumulation and retain_grad ----------------------------------------------------------------
def test_gradients_accumulate_into_grad():
    x = f64([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3 + 2, 3 + 4])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    x.grad.zero_()
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_accumulation_does_not_mutate_a_grad_the_user_assigned():
    x = f64([1.0, 2.0])
    mine = tl.tensor([5.0, 5.0], dtype=tl.float64)
    x.grad = mine
    (x * 2).sum().backward()
    assert mine.tolist() == [5.0, 5.0] and x.grad.tolist() == [7.0, 7.0]


def test_backward_with_create_graph_gives_a_differentiable_grad():
    x = f64([1.0, 2.0])
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.tolist() == [3.0, 12.0]
    x.grad = None
    g.sum().backward()                      # d/dx sum(3x^2) = 6x
    assert x.grad.tolist() == [6.0, 12.0]


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = f64([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    z = y * 3
    (z * y).sum().backward()   # d/dy (3y^2) = 6y
    np.testing.assert_allclose(y.grad.numpy(), 6 * np.array([2.0, 4.0]))
    assert z.grad is None       # not retained
    assert not y.grad.requires_grad


def test_retain_grad_on_leaf_is_harmless():
    x = f64([1.0])
    x.retain_grad()
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0


# ---- tl.grad ---------------------------------------------------------------------------------------
def test_grad_returns_without_touching_dot_grad():
    x = f64([1.0, 2.0])
    (gx,) = tl.grad((x ** 3).sum(), [x])
    np.testing.assert_allclose(gx.numpy(), 3 * np.array([1.0, 4.0]))
    assert x.grad is None and not gx.requires_grad


def test_grad_single_tensor_input_returns_a_tuple():
    x = f64([2.0])
    out = tl.grad((x * x).sum(), x)
    assert isinstance(out, tuple) and out[0].item() == 4.0


def test_hessian_vector_product():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))
    A = A + A.T
    x, v = f64(rng.standard_normal(3)), rng.standard_normal(3)
    At = tl.tensor(A)
    f = (x @ (At @ x)) / 2 + x.sin().sum()      # Hessian: A - diag(sin x)
    (g,) = tl.grad(f, x, create_graph=True)
    assert g.requires_grad
    (hv,) = tl.grad(g, x, grad_outputs=tl.tensor(v))
    expected = (A - np.diag(np.sin(x.numpy()))) @ v
    np.testing.assert_allclose(hv.numpy(), expected, rtol=1e-12)


def test_third_derivative():
    x = f64([0.7])
    (g1,) = tl.grad(x.exp() * x, x, create_graph=True)    # (1 + x) e^x
    (g2,) = tl.grad(g1, x, create_graph=True)           # (2 + x) e^x
    (g3,) = tl.grad(g2, x)                               # (3 + x) e^x
    np.testing.assert_allclose([g1.item(), g2.item(), g3.item()], np.array([1.7, 2.7, 3.7]) * np.exp(0.7))


def test_gradient_penalty_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    xs, ws = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    x, w = f64(xs), f64(ws)
    out = (x @ w).tanh().sum()
    (gx,) = tl.grad(out, x, create_graph=True)
    penalty = ((gx.norm(dim=1) - 1) ** 2).mean()
    penalty.backward()
    xt, wt = torch.tensor(xs, requires_grad=True), torch.tensor(ws, requires_grad=True)
    (gxt,) = torch.autograd.grad((xt @ wt).tanh().sum(), xt, create_graph=True)
    ((gxt.norm(dim=1) - 1) ** 2).mean().backward()
    np.testing.assert_allclose(w.grad.numpy(), wt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-10)


def test_grad_allow_unused():
    x, unused = f64([1.0]), f64([2.0])
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        tl.grad((x * 2).sum(), [x, unused])
    gx, gu = tl.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_grad_with_grad_outputs_is_a_vector_jacobian_product():
    x = f64([1.0, 2.0, 3.0])
    v = tl.tensor([1.0, -1.0, 0.5], dtype=tl.float64)
    (g,) = tl.grad(x * x, x, grad_outputs=v)
    np.testing.assert_allclose(g.numpy(), 2 * x.numpy() * v.numpy())


def test_grad_of_several_outputs_sums_them():
    x = f64([2.0])
    (g,) = tl.grad([x * 3, x * x], x, grad_outputs=[tl.ones_like(x), tl.ones_like(x)])
    assert g.item() == 3 + 4


def test_grad_wrt_an_intermediate_tensor():
    x = f64([1.0, 2.0])
    h = x * 2
    (gh,) = tl.grad((h * h).sum(), h)
    np.testing.assert_allclose(gh.numpy(), 2 * h.numpy())


# ---- in-place changes to saved tensors (version counter) ---------------------------------------------
def test_inplace_change_of_a_saved_input_is_detected_naming_the_op():
    x = f64([1.0, 2.0])
    b = x * 2
    c = b * b              # Mul saves its inputs
    with tl.no_grad():
        b.mul_(3)
    with pytest.raises(RuntimeError, match=r"in-place.*Mul"):
        c.sum().backward()


def test_inplace_change_of_a_saved_output_is_detected():
    x = f64([1.0, 2.0])
    e = x.exp()            # Exp saves its output
    with tl.no_grad():
        e.add_(1)
    with pytest.raises(RuntimeError, match=r"output of Exp"):
        e.sum().backward()


def test_inplace_change_through_a_view_is_detected():
    x = f64([[1.0, 2.0]])
    b = x * 1
    c = b.log1p()
    v = b.reshape(2)       # shares b's memory and version counter
    with tl.no_grad():
        v.add_(1)
    with pytest.raises(RuntimeError, match="Log1p"):
        c.sum().backward()


def test_inplace_change_through_a_basic_index_is_detected():
    x = f64([[1.0, 2.0]])
    b = x * 2
    c = (b * b).sum()
    row = b[0]              # a view of b, as in torch
    with tl.no_grad():
        row.add_(100)
    with pytest.raises(RuntimeError, match="Mul"):
        c.backward()


def test_setitem_and_data_bump_the_version():
    x = f64([1.0, 2.0])
    b = x * 1
    c = b.sin()
    with tl.no_grad():
        b[0] = 5.0
    with pytest.raises(RuntimeError, match="Sin"):
        c.sum().backward()
    w = f64([1.0, 2.0])
    d = (w * w).sum()
    w.data = tl.tensor([3.0, 4.0], dtype=tl.float64)
    with pytest.raises(RuntimeError, match="Mul"):
        d.backward()


def test_no_false_positive_for_ops_that_do_not_save_inputs():
    x = f64([1.0, 2.0])
    b = x * 2
    c = (b + 1).sum() + b.reshape(2, 1).sum() + b[0] + b.sum()
    with tl.no_grad():
        b.add_(10)
    c.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2 * 4.0, 2 * 3.0])


def test_inplace_on_tensor_requiring_grad_is_refused_in_grad_mode():
    x = f64([1.0])
    with pytest.raises(RuntimeError, match="add_"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="no_grad"):
        x[0] = 2.0
    with tl.no_grad():
        x.sub_(0.5)
    assert x.item() == 0.5 and x.requires_grad


# ---- gradient arrays never alias ---------------------------------------------------------------------
def test_grads_of_two_leaves_do_not_alias():
    a, b = f64([1.0, 2.0]), f64([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.zero_()
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_grads_of_a_view_chain_do_not_alias():
    a, b = f64([1.0, 2.0]), f64([[3.0, 4.0]])
    (a.reshape(1, 2) + b - a.reshape(1, 2)).sum().backward()
    b.grad.zero_()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0])
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())


def test_grad_does_not_alias_the_users_gradient():
    x = f64([1.0, 2.0])
    g = tl.tensor([5.0, 6.0], dtype=tl.float64)
    x.backward(g)                       # a leaf: the gradient is passed straight through
    x.grad.zero_()
    np.testing.assert_array_equal(g.numpy(), [5.0, 6.0])
    y = f64([[1.0, 2.0]])
    g2 = np.array([[7.0, 8.0]])
    (y.reshape(2) + 0).reshape(1, 2).backward(g2)
    y.grad.mul_(0)
    np.testing.assert_array_equal(g2, [[7.0, 8.0]])


def test_grad_of_leaf_used_twice_as_view_does_not_alias():
    x = f64([1.0, 2.0])
    y = f64([1.0, 2.0])
    out = x.reshape(2) + y
    out.backward(tl.ones_like(out))
    x.grad.add_(1)
    np.testing.assert_array_equal(y.grad.numpy(), [1.0, 1.0])


def test_numpy_input_is_never_mutated_by_the_engine():
    a = np.array([1.0, 2.0, 3.0])
    x = tl.tensor(a, requires_grad=True)
    (x * x).sum().backward()
    with tl.no_grad():
        x.add_(1)
        x[0] = 100.0
        x.clamp_(0, 1)
    np.testing.assert_array_equal(a, [1.0, 2.0, 3.0])
    b = np.array([1.0, 2.0])
    t = tl.tensor(b)
    b[0] = 50.0
    assert t.tolist() == [1.0, 2.0]


# ---- custom Function ------------------------------------------------------------------------------
def test_custom_function_and_shape_check():
    class Twice(Function):
        saves_inputs = False

        def forward(self, B, x):
            return B.multiply(x, 2)

        def backward(self, g):
            return g * 2

    class Broken(Function):
        saves_inputs = False

        def forward(self, B, x):
            return B.multiply(x, 2)

        def backward(self, g):
            return g.sum()     # wrong shape

    x = f64([1.0, 2.0])
    Twice.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    with pytest.raises(RuntimeError, match=r"Broken backward returned a gradient of shape \(\) .* \(2,\)"):
        Broken.apply(x).sum().backward()


# ---- torch's conventions at ties and kinks ---------------------------------------------------------
KINKS = [
    ("amax_ties_split", lambda M, x: x.amax(), [1.0, 3.0, 3.0, 2.0]),
    ("amax_dim_ties", lambda M, x: x.amax(1), [[2.0, 2.0, 2.0], [1.0, 5.0, 5.0]]),
    ("amin_ties", lambda M, x: x.amin(0), [[1.0, 0.0], [1.0, 2.0]]),
    ("max_all_ties", lambda M, x: x.max(), [3.0, 1.0, 3.0]),
    ("max_dim_first_index", lambda M, x: x.max(1).values, [[2.0, 5.0, 5.0], [1.0, 1.0, 0.0]]),
    ("min_dim_first_index", lambda M, x: x.min(0).values, [[1.0, 2.0], [1.0, 2.0]]),
    ("maximum_tie", lambda M, x: x.maximum(M.tensor([1.0, 2.0, 5.0], dtype=M.float64)), [1.0, 3.0, 5.0]),
    ("minimum_tie", lambda M, x: x.minimum(x.detach() * 0 + 2.0), [2.0, 1.0, 3.0]),
    ("abs_at_0", lambda M, x: x.abs(), [0.0, -1.0, 2.0]),
    ("relu_at_0", lambda M, x: x.relu(), [0.0, -1.0, 2.0]),
    ("clamp_boundaries", lambda M, x: x.clamp(-1.0, 1.0), [-1.0, 1.0, 0.0, 2.0, -2.0]),
    ("clamp_min_boundary", lambda M, x: x.clamp_min(0.0), [0.0, 1.0, -1.0]),
    ("clamp_max_boundary", lambda M, x: x.clamp(max=2), [2.0, 3.0]),
    ("norm_zero", lambda M, x: x.norm(), [0.0, 0.0, 0.0]),
    ("norm_zero_row", lambda M, x: x.norm(dim=1), [[0.0, 0.0], [3.0, 4.0]]),
    ("norm_p3_zero", lambda M, x: x.norm(p=3, dim=0), [0.0, 0.0]),
    ("std_zero_var", lambda M, x: x.std(), [2.0, 2.0, 2.0]),
    ("std_dim_zero_var", lambda M, x: x.std(1), [[1.0, 1.0], [1.0, 3.0]]),
    ("pow_0_exp_0", lambda M, x: x ** 0, [0.0, 2.0]),
    ("pow_0_exp_tensor0", lambda M, x: x ** (x.detach() * 0), [0.0, 1.0]),
    ("pow_exp_at_base0", lambda M, x: M.tensor([0.0, 0.0, 2.0], dtype=M.float64) ** x, [0.0, 1.0, 1.0]),
    ("pow_half_at_0", lambda M, x: x ** 2.0, [0.0, 1.0]),
    ("sqrt_at_0", lambda M, x: x.sqrt(), [0.0, 1.0]),
    ("sign_at_0", lambda M, x: x.sign(), [0.0, -2.0]),
    ("leaky_relu_at_0", lambda M, x: M.leaky_relu(x, 0.1), [0.0, 1.0]),
    ("log_softmax_ninf", lambda M, x: x.log_softmax(0), [float("-inf"), 0.0, 1.0]),
    ("softplus_threshold", lambda M, x: M.softplus(x, 1.0, 20.0), [20.0, 19.0, 21.0]),
    ("where_nan_branch", lambda M, x: M.where(x > 0, x, x.log()), [1.0, 2.0]),
]


@pytest.mark.parametrize("name,fn,values", KINKS, ids=[k[0] for k in KINKS])
def test_kink_gradients_match_torch(name, fn, values):
    torch = pytest.importorskip("torch")
    from test_ops_torch import T
    a = np.array(values, dtype=np.float64)
    x, t = tl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, ref = fn(tl, x), fn(T, t)
    exact = dict(rtol=1e-13, atol=0)  # rounding may differ by an ulp; a convention would differ by far more
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), **exact)
    seed = np.arange(1.0, out.numel() + 1).reshape(out.shape)
    out.backward(tl.tensor(seed))
    ref.backward(torch.tensor(seed))
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), **exact)


# the same conventions written out by hand (these run without torch)
def test_kink_conventions_by_hand():
    x = f64([1.0, 3.0, 3.0])
    x.amax().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5]
    x = f64([[3.0, 3.0]])
    x.max(1).values.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0]]
    x = f64([2.0])
    x.maximum(f64([2.0], False)).backward(tl.ones_like(x))
    assert x.grad.tolist() == [0.5]
    x = f64([0.0, 0.0])
    (x.abs() + x.relu()).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    x = f64([-1.0, 1.0])
    x.clamp(-1, 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    x = f64([0.0, 0.0])
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    x = f64([5.0, 5.0])
    x.std().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    x = f64([0.0])
    (x ** 0).sum().backward()
    assert x.grad.tolist() == [0.0]


def test_clamp_with_tensor_bounds_at_ties_matches_torch():
    torch = pytest.importorskip("torch")
    grads = []
    for M in (tl, torch):
        x = M.tensor([1.0, 2.0, 3.0], dtype=M.float64, requires_grad=True)
        lo = M.tensor([1.0, 2.5, 0.0], dtype=M.float64, requires_grad=True)   # ties with x at 0
        hi = M.tensor([1.0, 3.0, 3.0], dtype=M.float64, requires_grad=True)   # ties with x at 0 and 2
        x.clamp(min=lo, max=hi).backward(M.tensor([1.0, 10.0, 100.0], dtype=M.float64))
        grads.append([t.grad.tolist() for t in (x, lo, hi)])
    assert grads[0] == grads[1]
