"""The graph gallery and the command line's losses / explain / graph subcommands."""
import html.parser
import os
import sys
import xml.etree.ElementTree as ET

import pytest

import tinygrad_losses as tl
from tinygrad_losses.app import cli
from tinygrad_losses.losses.registry import losses_table

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "demos"))
import graph_gallery  # noqa: E402


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [v for k, v in attrs if k in ("href", "src")]


def test_gallery_page_links_resolve_and_svgs_parse(tmp_path):
    page = graph_gallery.write_gallery(str(tmp_path), limit=6)
    parser = _Links()
    parser.feed(open(page, encoding="utf-8").read())
    assert parser.links, "the page links no pictures"
    for link in parser.links:
        assert os.path.isfile(tmp_path / link), f"index.html links {link}, which was not written"
    pictures = {link for link in parser.links if not link.startswith("mathjax/")}  # (the script beside the page)
    with_example = [i for i in losses_table() if i.example][:6]
    for info in with_example:
        assert any(p.startswith(info.name + ".") for p in pictures), f"no picture for {info.name}"
    if tl.viz.dot_available():
        svgs = [p for p in pictures if p.endswith(".svg")]
        assert len(svgs) == len(pictures)
        for p in svgs:
            root = ET.parse(tmp_path / p).getroot()
            assert root.tag.endswith("svg")
    else:
        assert all(p.endswith(".dot") for p in pictures) and "apt-get install graphviz" in open(page).read()


def test_cli_losses_lists_every_loss(capsys):
    assert cli.main(["losses"]) == 0
    out = capsys.readouterr().out
    for info in losses_table():
        assert info.name in out and info.text in out


def test_cli_explain_prints_example_gradients_and_writes_graph(tmp_path, capsys):
    table = [i for i in losses_table() if i.name == "mse_loss" and i.example]
    if not table:
        pytest.skip("mse_loss is not registered with a worked example")
    out_file = tmp_path / "mse.dot"
    assert cli.main(["explain", "MSELoss", "-o", str(out_file)]) == 0
    out = capsys.readouterr().out
    # LOSSES.md 1.2: x=[0.5,-1,2,3], y=[0.5,1,0.5,0] gives 3.8125, d/dx[1] = -1
    assert "= 3.8125" in out and "d/d input = [0.0, -1.0, 0.75, 1.5]" in out
    assert out_file.read_text().startswith("digraph") and "mse_loss" in out_file.read_text()


def test_cli_graph_options_and_unknown_loss(tmp_path, capsys):
    if not [i for i in losses_table() if i.example]:
        pytest.skip("no loss registered with a worked example")
    name = [i for i in losses_table() if i.example][0].name
    out_file = tmp_path / "g.dot"
    assert cli.main(["graph", name, "--direction", "LR", "--backward", "-o", str(out_file)]) == 0
    src = out_file.read_text()
    assert "rankdir=LR" in src and "Backward</B>" in src
    assert cli.main(["graph", "no_such_loss", "-o", str(out_file)]) == 2
    assert "unknown loss 'no_such_loss'" in capsys.readouterr().err


def test_gallery_typesets_formulas_with_a_local_mathjax(tmp_path, monkeypatch):
    fake = tmp_path / "tex-svg.js"
    fake.write_text("// MathJax stand-in")
    monkeypatch.setenv("MATHJAX", str(fake))
    page = open(graph_gallery.write_gallery(str(tmp_path / "with"), limit=1), encoding="utf-8").read()
    parser = _Links()
    parser.feed(page)
    assert "mathjax/tex-svg.js" in parser.links and "http" not in " ".join(parser.links)   # offline
    assert (tmp_path / "with" / "mathjax" / "tex-svg.js").read_text() == "// MathJax stand-in"
    info = [i for i in losses_table() if i.example][0]
    assert "\\[" + html.escape(info.latex) + "\\]" in page
    monkeypatch.setenv("MATHJAX", str(tmp_path / "missing.js"))
    monkeypatch.setattr(graph_gallery, "MATHJAX", str(tmp_path / "missing.js"))
    page = open(graph_gallery.write_gallery(str(tmp_path / "without"), limit=1), encoding="utf-8").read()
    assert "npm install mathjax@3" in page and "<script" not in page
