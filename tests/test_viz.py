"""Graph pictures: nodes, clusters and labels on known graphs, gradients, collapsing, rendering."""
import re
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import nn
from tinygrad_losses.autograd import named_scope

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


def test_freed_graph_is_reported():
    _, _, loss = cross_entropy_graph()
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        tl.viz.draw(loss)
    with pytest.raises(RuntimeError, match="freed"):
        tl.viz.print_graph(loss)


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
