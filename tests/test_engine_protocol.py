"""The engine's contracts: one backward protocol (Tensor rules, optional array twins called by the
engine), hooks for tools, graphs whose structure outlives backward, and torch's grad-mode habits."""
import inspect
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import autograd, hooks
from tinygrad_losses import functional as F
from tinygrad_losses.ops.linear import Linear


def f64(values, requires_grad=True):
    return tl.tensor(np.array(values, dtype=np.float64), requires_grad=requires_grad)


# ---- A. one backward protocol ------------------------------------------------------------------
ARRAY_RULE_CASES = {  # every primitive with a backward_arrays, on broadcasting shapes
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "square": lambda a, b: a * a, "neg": lambda a, b: -a + b,
    "relu": lambda a, b: (a * b).relu(), "sum_dim": lambda a, b: (a * b).sum(0, keepdim=True),
    "softmax": lambda a, b: (a * b).softmax(-1), "log_softmax": lambda a, b: (a * b).log_softmax(0),
    "reshape": lambda a, b: (a * b).reshape(-1), "expand": lambda a, b: a.expand(4, 3) * b,
    "linear": lambda a, b: Linear.apply(b, a.expand(2, 3), a[0, :2]),
}


@pytest.mark.parametrize("name", sorted(ARRAY_RULE_CASES))
def test_array_rule_matches_the_tensor_rule(name):
    """A plain backward runs backward_arrays; create_graph=True runs backward: the same numbers."""
    rng = np.random.default_rng(0)
    a0, b0 = rng.standard_normal((1, 3)), rng.standard_normal((4, 3))
    seed = None
    results = []
    for create_graph in (False, True):
        a, b = f64(a0), f64(b0)
        out = ARRAY_RULE_CASES[name](a, b)
        if seed is None:
            seed = rng.standard_normal(out.shape)
        ga, gb = tl.grad(out, (a, b), tl.tensor(seed), create_graph=create_graph, allow_unused=True)
        results.append([None if g is None else g.numpy() for g in (ga, gb)])
    for plain, composed in zip(*results):
        assert (plain is None) == (composed is None)
        if plain is not None:
            np.testing.assert_allclose(plain, composed, rtol=1e-13, atol=1e-13)


def test_the_engine_not_the_op_picks_the_array_rule():
    ops_dir = pathlib.Path(tl.__file__).parent / "ops"
    for path in ops_dir.glob("*.py"):
        text = path.read_text()
        for name in ("_grad_enabled", "is_grad_enabled", "first_order"):
            assert name not in text, f"{path.name} tests grad mode itself ({name})"


def test_run_backward_is_short_and_made_of_named_steps():
    lines = inspect.getsource(autograd.run_backward).splitlines()
    assert len(lines) <= 40, f"run_backward is {len(lines)} lines"
    for step in ("_seed", "_count_dependencies", "_node_step", "_send", "_free", "_store_leaf_grads"):
        assert callable(getattr(autograd, step))


def test_nothing_is_recorded_without_grad():
    x = f64([1.0, 2.0])
    with tl.no_grad():
        y = x * x
    assert y.grad_fn is None and not y.requires_grad


# ---- B. hooks for tools ------------------------------------------------------------------------
class Recorder:
    def __init__(self):
        self.events = []

    def node_created(self, fn):
        self.events.append(("node", fn.name()))

    def gradient_computed(self, fn, grad_out, grads_in):
        self.events.append(("grad", fn.name(), grad_out.shape, tuple(g is not None for g in grads_in)))

    def call_entered(self, label):
        self.events.append(("enter", label if isinstance(label, str) else type(label).__name__))

    def call_exited(self, label):
        self.events.append(("exit", label if isinstance(label, str) else type(label).__name__))


def test_observers_see_nodes_gradients_and_calls():
    rec = Recorder()
    hooks.subscribe(rec)
    try:
        model = tl.nn.Linear(3, 2)
        x = f64(np.ones((4, 3)), requires_grad=False).float()
        loss = F.mse_loss(model(x), tl.zeros(4, 2))
        loss.backward()
    finally:
        hooks.unsubscribe(rec)
    names = [e[0] for e in rec.events]
    assert ("enter", "Linear") in rec.events and ("exit", "Linear") in rec.events
    assert ("enter", "mse_loss") in rec.events and ("exit", "mse_loss") in rec.events
    assert names.index("enter") < names.index("node")  # Linear's node is created inside its call
    linear_grad = [e for e in rec.events if e[0] == "grad" and e[1] == "Linear"]
    assert linear_grad == [("grad", "Linear", (4, 2), (False, True, True))]  # x needs no gradient
    created = [e for e in rec.events if e[0] == "node"]
    computed = [e for e in rec.events if e[0] == "grad"]
    assert len(created) == len(computed) >= 2
    assert rec not in hooks.observers


def test_no_observer_means_no_events_and_unsubscribe_is_safe():
    rec = Recorder()
    hooks.subscribe(rec)
    hooks.subscribe(rec)  # twice is once
    assert hooks.observers.count(rec) == 1
    hooks.unsubscribe(rec)
    hooks.unsubscribe(rec)
    (f64([1.0]) * 2).sum().backward()
    assert rec.events == []


def test_observers_may_define_only_some_events():
    class OnlyNodes:
        seen = 0

        def node_created(self, fn):
            OnlyNodes.seen += 1

    obs = OnlyNodes()
    hooks.subscribe(obs)
    try:
        (f64([1.0, 2.0]).exp() * 2).sum().backward()
        F.l1_loss(f64([1.0]), f64([2.0]))
    finally:
        hooks.unsubscribe(obs)
    assert OnlyNodes.seen >= 3


def test_labelled_keeps_the_function_and_its_errors():
    @hooks.labelled("demo")
    def demo(x):
        """doc"""
        if x < 0:
            raise ValueError("x must be >= 0")
        return x + 1

    assert demo(1) == 2 and demo.__name__ == "demo" and demo.__doc__ == "doc"
    rec = Recorder()
    hooks.subscribe(rec)
    try:
        with pytest.raises(ValueError, match="x must be"):
            demo(-1)
    finally:
        hooks.unsubscribe(rec)
    assert rec.events == [("enter", "demo"), ("exit", "demo")]  # exited even when it raises


def test_autograd_has_no_picture_names():
    for name in ("_scope", "ScopeName", "named_scope", "enter_scope", "exit_scope", "_on_node",
                 "_keep_node_grads"):
        assert not hasattr(autograd, name), name
    assert not hasattr(autograd.Function, "scope") and not hasattr(autograd.Function, "fused")


# ---- C. graphs that outlive backward ------------------------------------------------------------
def test_backward_keeps_the_structure_and_frees_the_values():
    x = f64([[1.0, 2.0], [3.0, 4.0]])
    h = x.exp()
    loss = h.sum(1).sum()
    sum_node = loss.grad_fn
    inner = sum_node.parents[0].grad_fn
    del h
    loss.backward()
    assert loss.item() == pytest.approx(np.exp([1.0, 2.0, 3.0, 4.0]).sum())  # the root keeps its value
    assert sum_node.freed and inner.freed and inner.parents[0].grad_fn.freed
    stand_in = sum_node.parents[0]
    assert isinstance(stand_in, autograd.FreedTensor)
    assert (stand_in.shape, stand_in.dtype, stand_in.device) == ((2,), np.float64, "cpu")
    assert stand_in.requires_grad and stand_in.grad_fn is inner and not stand_in.is_leaf
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        stand_in.numpy()
    assert inner.axis == (1,) and inner.keepdim is False  # scalar options stay
    exp_node = inner.parents[0].grad_fn
    assert exp_node.parents[0] is x and x.grad is not None  # a leaf stays itself, with its gradient
    assert not hasattr(exp_node, "out") and not hasattr(exp_node, "out_vc")  # saved values are gone
    with pytest.raises(RuntimeError) as first:
        loss.backward()
    assert str(first.value) == autograd._FREED


def test_freed_nodes_drop_saved_tensors_and_arrays():
    a, b = f64([1.0, 5.0]), f64([2.0, 3.0])
    y = tl.where(a > 2, a, b) * a.maximum(b)
    nodes = [y.grad_fn, y.grad_fn.parents[0].grad_fn, y.grad_fn.parents[1].grad_fn]
    y.sum().backward()
    for fn in nodes:
        assert fn.freed
        for key, value in vars(fn).items():
            assert key == "parents" or not isinstance(value, (np.ndarray, tl.Tensor)), (fn, key)


def test_retain_graph_frees_nothing():
    x = f64([1.0, 2.0])
    y = x.exp().sum()
    y.backward(retain_graph=True)
    assert not y.grad_fn.freed and y.grad_fn.parents[0].grad_fn.out is not None
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([1.0, 2.0]))


# ---- E. torch's grad-mode habits --------------------------------------------------------------------
def test_set_grad_enabled_as_a_plain_call_switches_grad_mode():
    try:
        tl.set_grad_enabled(False)
        assert not tl.is_grad_enabled()
        assert (f64([1.0]) * 2).grad_fn is None
        tl.set_grad_enabled(True)
        assert tl.is_grad_enabled()
    finally:
        tl.set_grad_enabled(True)
    with tl.set_grad_enabled(False):
        assert not tl.is_grad_enabled()
    assert tl.is_grad_enabled()


def test_grad_mode_decorators_with_and_without_parentheses():
    @tl.no_grad
    def bare(x):
        return x * 2

    @tl.no_grad()
    def called(x):
        return x * 2

    @tl.inference_mode
    def inference(x):
        return x * 2

    @tl.set_grad_enabled(False)
    def switched_off(x):
        return x * 2

    x = f64([1.0])
    for f in (bare, called, inference, switched_off):
        assert f(x).grad_fn is None and tl.is_grad_enabled(), f.__name__
    with tl.inference_mode():
        assert not tl.is_grad_enabled()
        with tl.enable_grad():
            assert (x * 2).grad_fn is not None
    with tl.inference_mode(False):
        assert tl.is_grad_enabled()
    with tl.no_grad(), tl.inference_mode(False):  # as torch: inference_mode(False) enables grad
        assert tl.is_grad_enabled()


def test_next_functions_walk_the_graph_as_in_torch():
    x, w = f64([1.0, 2.0]), f64([3.0, 4.0])
    loss = (x * w).sum() + 1.0
    add_node = loss.grad_fn
    (sum_pair, const_pair) = add_node.next_functions
    assert const_pair == (None, 0)  # the constant 1.0 needs no gradient
    sum_node, index = sum_pair
    assert index == 0 and sum_node.name() == "Sum"
    (mul_node, _), = sum_node.next_functions
    leaves = [f for f, _ in mul_node.next_functions]
    assert all(isinstance(f, autograd.AccumulateGrad) for f in leaves)
    assert leaves[0].variable is x and leaves[1].variable is w and leaves[0].next_functions == ()


def test_register_hook_on_a_leaf_sees_the_whole_gradient_and_may_replace_it():
    x = f64([1.0, 2.0])
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.numpy().copy()))
    (x * 3 + x * x).sum().backward()
    np.testing.assert_allclose(seen[0], [5.0, 7.0])  # once, with the total (3 + 2x)
    assert len(seen) == 1
    handle.remove()
    x.grad = None
    x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [30.0, 30.0])


def test_register_hook_on_a_non_leaf_changes_what_flows_on():
    x = f64([1.0, 2.0])
    h = x * 2
    h.register_hook(lambda g: g * 0.5)
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])
    (g,) = tl.grad((x * 2).sum(), x)  # another graph: no hook there
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0])


def test_register_hook_refuses_what_it_cannot_use():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        f64([1.0], requires_grad=False).register_hook(lambda g: g)
    with pytest.raises(TypeError, match="callable"):
        f64([1.0]).register_hook(3)
    x = f64([1.0, 2.0])
    x.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="shape"):
        (x * 2).sum().backward()


def test_log_of_zero_and_friends_print_no_numpy_warning():
    code = ("import tinygrad_losses as tl\n"
            "x = tl.tensor([0.0, -1.0, 1e4], requires_grad=True)\n"
            "y = (x.log() + x.exp() + x / x.detach() + x.sqrt() + x.log1p()).sum()\n"
            "y.backward()\n"
            "print(y.item(), x.grad.tolist())\n")
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    assert "nan" in done.stdout  # the defined results are still there
