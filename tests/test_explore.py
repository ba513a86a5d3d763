"""The backprop explorer (``tl.viz.explore``, ``tinygrad-losses explore``): the steps it records
against the engine, the page it writes, and the page in a real browser (headless Chromium)."""
import html.parser
import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses import hooks
from tinygrad_losses.app import cli
# tl.viz.explore is the function; its module (imported through it, so the name stays the function's)
explore_module = sys.modules[tl.viz.explore.__module__]
from tinygrad_losses.losses.registry import losses_table
from tinygrad_losses.viz.examples import run_example
from tinygrad_losses.viz.trace import trace


def _steps(page):
    data = re.search(r'<script type="application/json" id="steps">(.*?)</script>', page, re.S).group(1)
    return json.loads(data)["steps"]


def _numbers(text):
    return np.array([float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|-?inf|nan", text)])


# ---- the steps, without a browser ---------------------------------------------------------------
def test_a_tensor_used_twice_accumulates_and_the_leaf_grad_is_the_engines(tmp_path):
    a = tl.tensor([1.5, -2.0], requires_grad=True)
    b = tl.tensor([0.5, 3.0], requires_grad=True)
    loss = (a * a + a * b).sum()
    page = open(explore_module.explore(loss, str(tmp_path / "p.html"), params={"a": a, "b": b})).read()
    steps = _steps(page)
    forward = [s for s in steps if s["phase"] == "forward"]
    assert [s["op"] for s in forward][-1] == "Sum" and sorted(s["op"] for s in forward) == ["Add", "Mul", "Mul", "Sum"]
    assert steps[len(forward)]["kind"] == "seed" and _numbers(steps[len(forward)]["grad"]).tolist() == [1.0]
    # a feeds a*a and a*b: its second gradient shows the sum so far, 2a + b (Mul's rule for a*a
    # sends 2·a·g on one edge)
    sums = [e for s in steps if s.get("kind") == "node" for e in s["edges"] if e["sum"] is not None]
    assert [e["count"] for e in sums] == [2]
    np.testing.assert_allclose(_numbers(sums[-1]["sum"]), 2 * a.numpy() + b.numpy(), rtol=1e-6)
    leaves = {l["label"]: _numbers(l["grad"]) for l in steps[-1]["leaves"]}
    np.testing.assert_allclose(leaves["a"], 2 * a.numpy() + b.numpy(), rtol=1e-6)
    np.testing.assert_allclose(leaves["b"], a.numpy(), rtol=1e-6)
    assert a.grad is None and b.grad is None     # the explorer used tl.grad: the user's .grad untouched


def test_backward_steps_follow_the_engines_order():
    x = tl.tensor([[0.2, -1.0, 0.4]], requires_grad=True)
    loss = F.cross_entropy(x.tanh() * 2, tl.tensor([2]))
    graph = trace([loss])
    ran = []

    class Spy:
        def gradient_computed(self, fn, g, grads):
            ran.append(id(fn))
    key_of = {id(n.fn): n.key for n in graph.nodes if n.fn is not None}
    spy = Spy()
    hooks.subscribe(spy)
    try:
        tl.grad(loss, x, retain_graph=True)
    finally:
        hooks.unsubscribe(spy)
    steps = explore_module.record_steps(loss, graph)
    assert [s["node"] for s in steps if s.get("kind") == "node"] == [key_of[i] for i in ran]
    assert steps[-1]["kind"] == "leaves"


def test_local_rules_cover_the_primitives_and_fall_back():
    assert explore_module.local_rule("Mul", 2) == ("∂/∂a = g·b", "∂/∂b = g·a")
    assert explore_module.local_rule("SomethingNew", 1)[0].startswith("∂/∂a = SomethingNew.backward(g)")
    assert len(explore_module.RULES) >= 40


def test_backward_true_fills_grad_and_a_freed_graph_is_refused(tmp_path):
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * 3).sum()
    explore_module.explore(loss, str(tmp_path / "p.html"), backward=True)
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])
    loss.backward()             # frees the graph
    with pytest.raises(RuntimeError, match="freed"):
        explore_module.explore(loss, str(tmp_path / "q.html"))
    with pytest.raises(TypeError, match="explore: loss must be a Tensor"):
        explore_module.explore(x.numpy(), str(tmp_path / "q.html"))
    with pytest.raises(RuntimeError, match="no graph"):
        explore_module.explore(tl.tensor([1.0]).sum(), str(tmp_path / "q.html"))


def test_the_page_uses_no_network(tmp_path):
    x = tl.tensor([[1.0, 2.0]], requires_grad=True)
    page = open(tl.viz.explore(F.mse_loss(x, x * 0), str(tmp_path / "p.html"))).read()
    assert "<link" not in page and " src=" not in page
    assert set(re.findall(r"https?://[^\"' ]+", page)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_large_graphs_collapse_their_scopes(tmp_path):
    model = tl.nn.Sequential(*[tl.nn.Linear(2, 2) for _ in range(80)])
    x = tl.randn(3, 2)
    loss = F.mse_loss(model(x), tl.zeros(3, 2))
    page = open(tl.viz.explore(loss, str(tmp_path / "p.html"), max_nodes=200)).read()
    data = json.loads(re.search(r'id="steps">(.*?)</script>', page, re.S).group(1))
    assert data["nodes"] > 200 and data["collapsed"] is not None
    assert any(s["shown"] != s["node"] for s in data["steps"] if s["node"])


@pytest.mark.parametrize("info", [i for i in losses_table() if i.example], ids=lambda i: i.name)
def test_every_registry_example_can_be_explored(info, tmp_path):
    with tl.losses.fused.enabled(False):
        loss, arguments = run_example(info)
    steps = _steps(open(tl.viz.explore(loss, str(tmp_path / "p.html"), params=arguments)).read())
    leaves = steps[-1]["leaves"]
    assert leaves and all(l["grad"] is not None for l in leaves if l["label"] in arguments)
    assert sum(s.get("kind") == "node" for s in steps) == sum(s["phase"] == "forward" for s in steps)


def test_cli_explore_writes_the_page(tmp_path, capsys):
    out = tmp_path / "ce.html"
    assert cli.main(["explore", "cross_entropy", "-o", str(out)]) == 0
    steps = _steps(out.read_text())
    assert "FusedCrossEntropy" not in {s.get("op") for s in steps}     # expanded by default
    assert {"LogSoftmax", "Gather"} <= {s.get("op") for s in steps}
    assert cli.main(["explore", "no_such_loss"]) == 2
    assert "unknown loss" in capsys.readouterr().err


# ---- in a real browser --------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
browser = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")


class _Dom(html.parser.HTMLParser):
    """The current node's key and the panel's text, from a dumped DOM."""

    def __init__(self):
        super().__init__()
        self.current, self.panel, self.in_panel, self.errors, self.in_errors = [], "", 0, "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "current" in (a.get("class") or "").split() and "data-key" in a:
            self.current.append(a["data-key"])
        if a.get("id") == "panel":
            self.in_panel, self.panel_attrs = 1, a
        elif self.in_panel:
            self.in_panel += 1
        self.in_errors = a.get("id") == "errors"

    def handle_endtag(self, tag):
        self.in_errors = False
        if self.in_panel:
            self.in_panel -= 1
            if self.in_panel and tag in ("div", "h2", "p"):
                self.panel += "\n"

    def handle_data(self, data):
        if self.in_panel:
            self.panel += data
        if self.in_errors:
            self.errors += data


def _open(page, step, tmp_path):
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                             "--v=0", f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=2000",
                             "--dump-dom", f"file://{page}#step={step}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console          # no console message at all: no error, no warning
    dom = _Dom()
    dom.feed(result.stdout)
    assert dom.errors == "", dom.errors
    return dom


def _panel_value(panel, label):
    """The numbers after ``label`` in the panel's text (one line)."""
    for line in panel.splitlines():
        if line.startswith(label):
            return _numbers(line[len(label):])
    raise AssertionError(f"{label!r} not in the panel:\n{panel}")


def _check_in_browser(loss, params, tmp_path, values=64):
    """Open a forward step, the seed, two backward steps and the leaves' step; compare with the engine."""
    page = tmp_path / "page.html"
    tl.viz.explore(loss, str(page), params=params, values=values)
    steps = _steps(page.read_text())
    graph = trace([loss], params)
    nodes = {n.key: n for n in graph.nodes}
    n_forward = sum(s["phase"] == "forward" for s in steps)
    backward_nodes = [i for i, s in enumerate(steps) if s.get("kind") == "node"]
    for i in [0, n_forward, backward_nodes[0], backward_nodes[len(backward_nodes) // 2], len(steps) - 1]:
        dom = _open(page, i, tmp_path)
        s = steps[i]
        assert dom.panel_attrs["data-step"] == str(i)
        assert dom.current == ([s["shown"]] if s["node"] else [])
        if s["phase"] == "forward":
            np.testing.assert_allclose(_panel_value(dom.panel, "value:"), nodes[s["node"]].array().ravel(), rtol=1e-5)
        elif s["kind"] == "seed":
            assert _panel_value(dom.panel, "g =").tolist() == [1.0]
        elif s["kind"] == "node":
            # the gradient shown arriving at this node is d loss / d (its output), computed afresh
            (expected,) = tl.grad(loss, nodes[s["node"]].tensor, retain_graph=True)
            np.testing.assert_allclose(_panel_value(dom.panel, "g ="), expected.numpy().ravel(), rtol=1e-5, atol=1e-7)
        else:
            leaves = [n for n in graph.nodes if n.kind == "leaf"]
            for n, g in zip(leaves, tl.grad(loss, [n.tensor for n in leaves], retain_graph=True)):
                label = next(l["label"] for l in s["leaves"] if l["node"] == n.key)
                np.testing.assert_allclose(_panel_value(dom.panel, f"{label}.grad ="), g.numpy().ravel(),
                                           rtol=1e-5, atol=1e-7)


@browser
@pytest.mark.slow
def test_browser_cross_entropy(tmp_path):
    x = tl.tensor([[0.8082, 1.3686, -0.6107], [1.2787, 0.1579, 0.6178]], requires_grad=True)
    with tl.losses.fused.enabled(False):
        loss = F.cross_entropy(x, tl.tensor([1, 0]), label_smoothing=0.1)
    _check_in_browser(loss, {"input": x}, tmp_path)


@browser
@pytest.mark.slow
def test_browser_bce_with_logits(tmp_path):
    x = tl.tensor([2.0, -100.0, 0.3], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, tl.tensor([1.0, 0.0, 1.0]), pos_weight=tl.tensor([2.0]))
    _check_in_browser(loss, {"input": x}, tmp_path)


@browser
@pytest.mark.slow
def test_browser_ctc(tmp_path):
    logits = tl.tensor(np.random.default_rng(0).normal(size=(4, 1, 3)), requires_grad=True)
    log_probs = logits.log_softmax(2)
    loss = F.ctc_loss(log_probs, tl.tensor([[1, 2]]), tl.tensor([4]), tl.tensor([2]))
    _check_in_browser(loss, {"logits": logits}, tmp_path)


@browser
@pytest.mark.slow
def test_browser_two_layer_mlp(tmp_path):
    tl.manual_seed(0)
    model = tl.nn.Sequential(tl.nn.Linear(2, 4), tl.nn.ReLU(), tl.nn.Linear(4, 3))
    x, y = tl.randn(5, 2), tl.tensor([0, 1, 2, 1, 0])
    with tl.losses.fused.enabled(False):
        loss = F.cross_entropy(model(x), y)
    _check_in_browser(loss, model, tmp_path)
