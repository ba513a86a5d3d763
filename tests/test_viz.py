"""Graph pictures: nodes, clusters and labels on known graphs, gradients, collapsing, rendering."""
import re
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import nn
from tinygrad_losses.viz import named_scope

needs_dot = pytest.mark.skipif(not tl.viz.dot_available(),
                               reason="Graphviz's `dot` is not installed (apt-get install graphviz)")


def node_lines(source):
    """DOT statements that declare a node (``n3 [label=...]``), keyed by node id."""
    return dict(re.findall(r"^\s*(\w+) \[(label=.*)\]$", source, flags=re.M))


def edges(source):
    return re.findall(r"^\s*(\w+) -> (\w+)", source, flags=re.M)


def clusters(source):
    return re.findall(r"subgraph (cluster_\w+)", source)


def cross_entropy_graph():
    x = tl.tensor(np.arange(12.0).reshape(4, 3) / 10, requires_grad=True)
    t = tl.tensor([0, 2, 1, 0])
    with named_scope("cross_entropy"):
        loss = -(x.log_softmax(1).gather(1, t[:, None])).mean()
    return x, t, loss


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))

    def forward(self, x):
        return self.net(x)


def mlp_step(record=True):
    tl.manual_seed(0)
    model = MLP()
    x = tl.randn(5, 2)
    y = tl.tensor([0, 1, 2, 1, 0])
    with tl.viz.record(record):
        logits = model(x)
        with named_scope("cross_entropy"):
            loss = -(logits.log_softmax(1).gather(1, y[:, None])).mean()
        loss.backward(retain_graph=True)
    return model, loss


# ---- the cross-entropy graph ------------------------------------------------------------------
def test_cross_entropy_nodes_edges_and_cluster():
    x, _, loss = cross_entropy_graph()
    src = tl.viz.draw(loss, params={"logits": x}).source
    nodes = node_lines(src)
    # 5 ops (LogSoftmax, Gather, Sum, Div, Neg), the logits leaf and the constant 4 (the mean's divisor)
    assert len(nodes) == 7
    ops = [re.search(r"<B>(\w+)</B>", v).group(1) for v in nodes.values()]
    assert sorted(ops) == sorted(["LogSoftmax", "Gather", "Sum", "Div", "Neg", "logits", "constant"])
    assert len(edges(src)) == 6
    assert clusters(src) == [c for c in clusters(src) if c.startswith("cluster_cross_entropy")]
    assert len(clusters(src)) == 1 and "label=cross_entropy" in src
    by_op = {re.search(r"<B>(\w+)</B>", v).group(1): v for v in nodes.values()}
    assert "dim=1" in by_op["LogSoftmax"] and "(4, 3) float64" in by_op["LogSoftmax"]
    assert "(4, 1) float64" in by_op["Gather"]
    assert "= 4" in by_op["constant"]
    # the output's value, checked by hand: mean over rows of -log_softmax at the target
    z = np.arange(12.0).reshape(4, 3) / 10
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    expected = -logp[[0, 1, 2, 3], [0, 2, 1, 0]].mean()
    assert f"= {expected:.4g}" in by_op["Neg"] and "peripheries=2" in by_op["Neg"]
    # before backward no gradient is claimed
    assert src.count("grad not computed yet") == 6 and "grad 0" not in src


def test_logits_stay_outside_the_loss_cluster_and_constants_inside():
    x, _, loss = cross_entropy_graph()
    src = tl.viz.draw(loss, params={"logits": x}).source
    inside = src[src.index("subgraph cluster_"):src.index("}")]
    assert "<B>logits</B>" not in inside and "<B>constant</B>" in inside


def test_gradients_after_backward_with_record():
    x, t, _ = cross_entropy_graph()
    with tl.viz.record():
        with named_scope("cross_entropy"):
            loss = -(x.log_softmax(1).gather(1, t[:, None])).mean()
        loss.backward(retain_graph=True)
    src = tl.viz.draw(loss).source
    assert "not computed" not in src and "not kept" not in src
    nodes = node_lines(src)
    by_op = {re.search(r"<B>(\w+)</B>", v).group(1): v for v in nodes.values()}
    assert "<BR/>grad 1>" in by_op["Neg"]             # d loss / d loss
    assert "grad -0.25" in by_op["Sum"]               # d(-s/4)/ds
    g = x.grad.numpy()
    assert f"min={g.min():.4g}" in by_op["input"] and f"max={g.max():.4g}" in by_op["input"]
    colours = set(re.findall(r'fillcolor="(#\w+)"', " ".join(nodes.values())))
    assert colours & set(tl.viz.summary.GRAD_SCALE)
    # the backward picture: edges point from each op to its inputs, carrying gradients
    bsrc = tl.viz.draw(loss, backward=True).source
    assert "LogSoftmaxBackward" in bsrc and "input.grad" in bsrc
    e = edges(bsrc)
    ids = {re.search(r"<B>(\w+?)(Backward|\.grad)?</B>", v).group(1): k
           for k, v in node_lines(bsrc).items() if not k.endswith("_seed")}
    assert (ids["Sum"], ids["Gather"]) in e and (ids["Gather"], ids["Sum"]) not in e
    assert "grad -0.25" in bsrc


def test_gradients_of_intermediates_not_kept_without_record():
    x, _, loss = cross_entropy_graph()
    loss.backward(retain_graph=True)
    src = tl.viz.draw(loss).source
    assert "grad not kept" in src and "tl.viz.record()" in src
    assert "grad \u2016g\u2016=" in node_lines(src)[[k for k, v in node_lines(src).items() if "<B>input" in v][0]]


def test_graph_drawn_after_a_plain_backward():
    x, _, loss = cross_entropy_graph()
    loss.backward()                         # no retain_graph: the saved values are freed
    src = tl.viz.draw(loss, params={"logits": x}, show_saved=True).source
    nodes = node_lines(src)
    by_op = {re.search(r"<B>(\w+)</B>", v).group(1): v for v in nodes.values() if "<B>saved</B>" not in v}
    assert sorted(by_op) == sorted(["LogSoftmax", "Gather", "Sum", "Div", "Neg", "logits", "constant"])
    assert len([e for e in edges(src) if "_saved_" not in e[0]]) == 6
    assert "(4, 3) float64" in by_op["LogSoftmax"] and "(4, 1) float64" in by_op["Gather"]
    z = np.arange(12.0).reshape(4, 3) / 10
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    assert f"= {-logp[[0, 1, 2, 3], [0, 2, 1, 0]].mean():.4g}" in by_op["Neg"]       # the output keeps its value
    g = x.grad.numpy()
    assert f"min={g.min():.4g}" in by_op["logits"] and f"max={g.max():.4g}" in by_op["logits"]
    assert "value freed by backward" in by_op["Sum"]                                # (1 element: was shown)
    assert "freed by backward" in " ".join(v for v in nodes.values() if "<B>saved</B>" in v)
    text = tl.viz.format_graph(loss, params={"logits": x})
    assert "LogSoftmax(%0) dim=1" in text and "grad \u2016g\u2016=" in text and "<- output" in text
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        loss.backward()                     # a second backward still needs the freed values


def test_nan_marked_red():
    x = tl.tensor([1.0, -1.0], requires_grad=True)
    with tl.viz.record(), np.errstate(invalid="ignore"):
        loss = x.log().sum()    # log(-1) = nan
        loss.backward(retain_graph=True)
    src = tl.viz.draw(loss).source
    red = [v for v in node_lines(src).values() if tl.viz.summary.NONFINITE in v]
    assert {re.search(r"<B>(\w+)</B>", v).group(1) for v in red} == {"Log", "Sum"}
    assert "grad \u2016g\u2016" in src
    finite = tl.viz.draw(tl.tensor([1.0, 2.0], requires_grad=True).exp().sum()).source
    assert tl.viz.summary.NONFINITE not in finite


def test_no_grad_tensor_has_no_graph():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with tl.no_grad():
        y = (x * 2).sum()
    src = tl.viz.draw(y).source
    assert len(node_lines(src)) == 1 and "no graph" in src and not edges(src)
    assert "no graph" in tl.viz.format_graph(y)


# ---- scopes -----------------------------------------------------------------------------------
def test_nested_scopes_and_two_calls_are_two_clusters():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with named_scope("outer"):
        with named_scope("inner"):
            a = x.exp()
        with named_scope("inner"):
            b = a.sin()
    c = b.sum()
    src = tl.viz.draw(c).source
    names = clusters(src)
    assert len(names) == 3 and sum(n.startswith("cluster_outer") and "inner" not in n for n in names) == 1
    outer = src.index("subgraph " + [n for n in names if "inner" not in n][0])
    assert all(src.index("subgraph " + n) > outer for n in names if "inner" in n)   # nested inside
    # the Exp node is in the first inner cluster, Sin in the second; Sum at the top level
    first, second = [n for n in names if "inner" in n]
    block = src[src.index("subgraph " + first):src.index("subgraph " + second)]
    assert "<B>Exp</B>" in block and "<B>Sin</B>" not in block
    assert src.index("<B>Sum</B>") < outer or src.rindex("}") > src.index("<B>Sum</B>")


def test_mlp_step_clusters_and_parameter_names():
    model, loss = mlp_step()
    src = tl.viz.draw(loss, params=model).source
    names = clusters(src)
    linear = [n for n in names if n.startswith("cluster_MLP") and n.count("Linear") == 1]
    assert len(linear) == 3                              # three Linear calls, one cluster each
    assert sum(n.count("ReLU") == 1 for n in names) == 2
    assert any(n.startswith("cluster_cross_entropy") for n in names)
    for name in ("net.0.weight", "net.0.bias", "net.2.weight", "net.4.bias"):
        assert f"<B>{name}</B>" in src
    assert "not computed" not in src and "not kept" not in src
    assert 'label="Linear(2, 8)"' in src


def test_collapse_true_and_depth():
    model, loss = mlp_step()
    full = node_lines(tl.viz.draw(loss, params=model).source)
    src = tl.viz.draw(loss, params=model, collapse=True).source
    nodes = node_lines(src)
    scopes = [v for v in nodes.values() if "(collapsed)" in v]
    assert {re.search(r"<B>(.+?)</B>", v).group(1) for v in scopes} == {"MLP", "cross_entropy"}
    assert not clusters(src) and len(nodes) < len(full)
    # the six parameters and the data x stay as leaves; plus the two scope nodes
    assert len(nodes) == 2 + 6 + 1
    assert "(5, 3) float32" in [v for v in scopes if "<B>MLP" in v][0]     # the MLP's output shape
    deeper = tl.viz.draw(loss, params=model, collapse=3).source   # each Linear / ReLU as one node
    labels = [re.search(r"<B>(.+?)</B>", v).group(1) for v in node_lines(deeper).values() if "(collapsed)" in v]
    assert sum(lab.startswith("Linear") for lab in labels) == 3 and labels.count("ReLU") == 2
    assert "cluster_MLP" in " ".join(clusters(deeper))


def test_max_nodes_collapses_until_it_fits():
    model, loss = mlp_step()
    full = len(node_lines(tl.viz.draw(loss, params=model).source))
    for limit in (full - 1, 20, 9):
        n = len(node_lines(tl.viz.draw(loss, params=model, max_nodes=limit).source))
        assert n <= limit
    assert len(node_lines(tl.viz.draw(loss, params=model, max_nodes=full).source)) == full
    src = tl.viz.draw(loss, params=model, max_nodes=3).source
    assert "max_nodes=3" in src                         # said when even full collapse cannot fit


def test_show_saved_and_direction():
    _, _, loss = cross_entropy_graph()
    src = tl.viz.draw(loss, show_saved=True, direction="LR").source
    assert "rankdir=LR" in src
    saved = [v for v in node_lines(src).values() if "<B>saved</B>" in v]
    assert any("out<BR/>(4, 3) float64" in v for v in saved)         # LogSoftmax keeps its output
    assert any("index<BR/>(4, 1) int64" in v for v in saved)         # Gather keeps the index
    with pytest.raises(ValueError, match="direction"):
        tl.viz.draw(loss, direction="up")
    with pytest.raises(ValueError, match="max_nodes"):
        tl.viz.draw(loss, max_nodes=0)
    with pytest.raises(TypeError, match="argument 0 must be a Tensor"):
        tl.viz.draw([1.0])


def test_deep_graph_does_not_recurse():
    x = tl.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        src = tl.viz.draw(y.sum(), values=False, gradients=False).source
        text = tl.viz.format_graph(y.sum())
    finally:
        sys.setrecursionlimit(old)
    assert src.count("<B>Mul</B>") == 3000 and text.count("Mul(") == 3000


# ---- text and rendering -----------------------------------------------------------------------
def test_print_graph_lists_ops_in_order_with_source_lines(capsys):
    x = tl.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    with tl.viz.record():
        with named_scope("demo"):
            y = x.exp().sum()   # the line print_graph should quote
    tl.viz.print_graph(y)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("%0 = input") and "(1, 3) float32" in out[0]
    assert out[1].startswith("%1 = Exp(%0)") and "[demo]" in out[1]
    assert "test_viz.py:" in out[1] and "the line print_graph should quote" in out[1]
    assert out[2].startswith("%2 = Sum(%1)") and out[2].endswith("<- output")
    assert not tl.viz.is_recording()
    z = x.exp()                       # recording off: no source line
    assert "test_viz.py" not in tl.viz.format_graph(z)


def test_render_dot_without_graphviz(tmp_path, monkeypatch, capsys):
    _, _, loss = cross_entropy_graph()
    monkeypatch.setattr(tl.viz.render.__globals__["shutil"], "which", lambda name: None)
    out = tl.viz.render(tl.viz.draw(loss), tmp_path / "ce.svg")
    assert out.endswith("ce.dot") and open(out).read().startswith("digraph")
    assert "apt-get install graphviz" in capsys.readouterr().err
    with pytest.raises(ValueError, match="must end in"):
        tl.viz.render(tl.viz.draw(loss), tmp_path / "ce.jpg")


@needs_dot
def test_render_svg(tmp_path):
    model, loss = mlp_step()
    path = tl.viz.render(tl.viz.draw(loss, params=model), tmp_path / "mlp.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "net.0.weight" in texts and "Linear(2, 8)" in texts
    assert tl.viz.draw(loss)._repr_image_svg_xml().lstrip().startswith(("<?xml", "<svg"))


# ---- scopes, freed graphs, fused nodes, every gradient ----------------------------------------
def test_scopes_are_tagged_from_import_without_graphviz():
    import subprocess
    code = ("import sys; import tinygrad_losses as tl; import tinygrad_losses.functional as F\n"
            "x = tl.tensor([1.0, 2.0], requires_grad=True)\n"
            "loss = F.mse_loss(x, tl.tensor([0.0, 0.0]))\n"
            "assert 'graphviz' not in sys.modules and 'tinygrad_losses.viz.dot' not in sys.modules\n"
            "print(tl.viz.draw(loss).source)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert clusters(out) and clusters(out)[0].startswith("cluster_mse_loss")


def test_named_scope_twice_and_as_a_decorator():
    @tl.viz.named_scope("square")
    def square(t):
        return t * t
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    src = tl.viz.draw((square(x) + square(x)).sum()).source
    assert sum(c.startswith("cluster_square") for c in clusters(src)) == 2


def cross_entropy_fused(shape=(2, 3), seed=0):
    rng = np.random.default_rng(seed)
    x = tl.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
    y = tl.tensor(rng.integers(0, shape[1], shape[0]))
    return x, y, tl.functional.cross_entropy(x, y)


def fused_block(src):
    name = [c for c in clusters(src) if "fused" in c]
    assert len(name) == 1, clusters(src)
    start = src.index("subgraph " + name[0])
    return src[start:src.index("}", start)]


@pytest.mark.parametrize("plain_backward", [False, True])
def test_fused_node_is_drawn_as_its_reference_ops(plain_backward):
    x, y, loss = cross_entropy_fused()
    if plain_backward:
        loss.backward()
    src = tl.viz.draw(loss).source
    block = fused_block(src)
    assert 'label="ran as one fused kernel (numba)"' in block
    assert "<B>LogSoftmax</B> dim=1" in block and "<B>Gather</B>" in block
    z = x.numpy().astype(np.float64)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    assert f"{logp[0, 0]:.4g}" in block                              # small inputs: values recomputed
    one = tl.viz.draw(loss, expand_fused=False).source
    assert not [c for c in clusters(one) if "fused" in c] and "LogSoftmax" not in one
    assert one.count("<I>ran as one fused kernel (numba)</I>") == 1
    expected = -logp[np.arange(2), y.numpy()].mean()
    assert f"= {expected:.4g}" in src and f"= {expected:.4g}" in one    # the output's value either way


def test_fused_node_of_a_large_input_shows_shapes_only():
    _, _, loss = cross_entropy_fused((100, 50))
    block = fused_block(tl.viz.draw(loss).source)
    assert "(100, 50) float32" in block and "\u2192" not in block


def test_gradients_all_before_backward_leaves_grad_alone():
    x, _, loss = cross_entropy_graph()
    src = tl.viz.draw(loss, gradients="all").source
    assert "not computed" not in src and "not kept" not in src
    by_op = {re.search(r"<B>(\w+)</B>", v).group(1): v for v in node_lines(src).values()}
    assert "grad -0.25" in by_op["Sum"] and "grad \u2016g\u2016=" in by_op["input"]
    assert x.grad is None
    _, _, loss = cross_entropy_graph()
    loss.backward()                           # freed, nothing recorded: the note says how to get them
    src = tl.viz.draw(loss, gradients="all").source
    assert "grad not kept" in src and "tl.viz.record()" in src
    with pytest.raises(ValueError, match="gradients"):
        tl.viz.draw(loss, gradients="some")


def test_record_keeps_every_gradient_through_a_plain_backward():
    x, t, _ = cross_entropy_graph()
    with tl.viz.record():
        with named_scope("cross_entropy"):
            loss = -(x.log_softmax(1).gather(1, t[:, None])).mean()
        loss.backward()
    src = tl.viz.draw(loss, gradients="all").source
    assert "not kept" not in src and "grad -0.25" in src
    bsrc = tl.viz.draw(loss, backward=True).source
    assert "grad -0.25" in bsrc and "appear when" not in bsrc


def test_small_gradients_are_numbers_and_no_minus_zero():
    x = tl.tensor([-0.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    label = [v for v in node_lines(tl.viz.draw(loss).source).values() if "<B>input" in v][0]
    assert "= [0, 2]" in label and "grad \u2016g\u2016=4:<BR/>[0, 4]" in label and "-0" not in label


def test_sub_and_div_name_their_operands():
    a = tl.tensor([3.0], requires_grad=True)
    b = tl.tensor([2.0], requires_grad=True)
    src = tl.viz.draw((a - b).sum(), params={"a": a, "b": b}).source
    ids = {re.search(r"<B>(\w+)</B>", v).group(1): k for k, v in node_lines(src).items()}
    assert f"{ids['a']} -> {ids['Sub']} [label=a]" in src and f"{ids['b']} -> {ids['Sub']} [label=b]" in src
    assert "<B>Sub</B> a \u2212 b" in src
    assert "<B>Div</B> a / b" in tl.viz.draw((b / a).sum()).source


def test_legend_lists_only_the_colours_used():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    src = tl.viz.draw(x.exp().sum()).source
    assert "blue: input or parameter" in src and "orange" not in src and "red:" not in src
    with np.errstate(invalid="ignore"):
        bad = (x - 3.0).log().sum()
    bad.backward()
    src = tl.viz.draw(bad).source
    assert "orange: gradient norm" in src and "red: nan or inf" in src and "grey: data or constant" in src


def test_one_node_scope_and_named_constants():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with named_scope("one"):
        y = x.exp()
    src = tl.viz.draw(y.sum(), collapse=True).source
    assert "1 node (collapsed)" in src and "1 nodes" not in src
    a, b = tl.tensor([1.0, -1.0], requires_grad=True), tl.tensor([0.5, 0.5])
    loss = tl.functional.margin_ranking_loss(a, b, tl.tensor([1.0, -1.0]), margin=0.25)
    assert "<B>margin</B>" in tl.viz.draw(loss, params={"input1": a, "margin": 0.25}).source


def test_print_graph_names_module_parameters():
    _, loss = mlp_step(record=False)
    text = tl.viz.format_graph(loss)
    assert "= net.0.weight" in text and "= net.4.bias" in text


def test_notebook_without_dot_shows_the_source(monkeypatch, tmp_path, capsys):
    _, _, loss = cross_entropy_graph()
    picture = tl.viz.draw(loss)
    monkeypatch.setattr(tl.viz.render.__globals__["shutil"], "which", lambda name: None)
    bundle = picture._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "apt-get install graphviz" in bundle["text/plain"]
    assert picture.source in bundle["text/plain"]
    tl.viz.render(picture, tmp_path / "ce.png")
    assert f"dot -Tpng {tmp_path / 'ce.dot'}" in capsys.readouterr().err


def test_fused_node_ops_carry_gradients_under_record():
    rng = np.random.default_rng(1)
    x = tl.tensor(rng.standard_normal((2, 3)).astype(np.float32), requires_grad=True)
    y = tl.tensor([2, 0])
    with tl.viz.record():
        loss = tl.functional.cross_entropy(x, y)
        loss.backward()
    block = fused_block(tl.viz.draw(loss).source)
    p = np.exp(x.numpy()) / np.exp(x.numpy()).sum(1, keepdims=True)
    logsoftmax = [line for line in block.splitlines() if "<B>LogSoftmax</B>" in line][0]
    # d loss / d log_softmax: -1/N at each target, 0 elsewhere; its norm is sqrt(2)/2
    assert "grad \u2016g\u2016=0.7071" in logsoftmax
    assert np.allclose(x.grad.numpy(), (p - np.eye(3)[[2, 0]]) / 2, atol=1e-6)   # the picture's backward
    # ran on copies: x.grad is the one backward's
