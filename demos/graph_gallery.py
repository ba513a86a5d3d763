"""Write the graph of every loss's worked example, and an index.html showing them with their formulas.

    python demos/graph_gallery.py [--out gallery] [--limit N]

    python demos/graph_gallery.py --readme demos/pictures     # the README's pictures

Pictures are SVG when Graphviz's ``dot`` is installed, else the .dot sources (the page then
links them and says how to install Graphviz). Each loss's graph is drawn after backward, so
every node carries its gradient; a few engine graphs (a composed cross-entropy, an MLP
training step) open the page. The formulas are typeset by MathJax, offline: the page uses a copy
of MathJax's ``tex-svg.js`` put beside it, found at ``$MATHJAX`` or in ``node_modules/mathjax``
(``npm install mathjax@3``); without it the page shows the LaTeX source.
"""
import argparse
import html
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tinygrad_losses as tl  # noqa: E402
import tinygrad_losses.functional as F  # noqa: E402
from tinygrad_losses import nn  # noqa: E402
from tinygrad_losses.viz import named_scope  # noqa: E402
from tinygrad_losses.losses.lessons import lesson_text  # noqa: E402
from tinygrad_losses.losses.registry import losses_table  # noqa: E402
from tinygrad_losses.viz.examples import run_example  # noqa: E402


def engine_examples():
    """(name, caption, digraph) for the pictures that open the page."""
    tl.manual_seed(0)
    x = tl.randn(4, 3, requires_grad=True)
    t = tl.tensor([0, 2, 1, 0])
    with tl.viz.record():
        with named_scope("cross_entropy"):
            ce = -(x.log_softmax(1).gather(1, t[:, None])).mean()
        ce.backward(retain_graph=True)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))
    data, labels = tl.randn(8, 2), tl.randint(0, 3, (8,))
    with tl.viz.record():
        logits = model(data)
        with named_scope("cross_entropy"):
            step = -(logits.log_softmax(1).gather(1, labels[:, None])).mean()
        step.backward(retain_graph=True)
    return [
        ("engine_cross_entropy", "cross-entropy of a 4x3 input, composed from log_softmax, gather and mean",
         tl.viz.draw(ce, params={"logits": x})),
        ("engine_cross_entropy_backward", "the same graph's backward pass: the gradient on every edge",
         tl.viz.draw(ce, params={"logits": x}, backward=True)),
        ("engine_mlp_step", "a 3-layer MLP training step, each Module call a cluster",
         tl.viz.draw(step, params=model)),
        ("engine_mlp_step_collapsed", "the same step with every layer collapsed (collapse=2)",
         tl.viz.draw(step, params=model, collapse=2)),
    ]


def loss_examples(limit=None):
    """(pictures, skipped): a (name, caption, digraph, registry entry) for every registered loss whose
    worked example runs, and (name, reason) for the others."""
    pictures, skipped = [], []
    for info in losses_table():
        if limit is not None and len(pictures) >= limit:
            break
        if not info.example:
            skipped.append((info.name, "no worked example registered"))
            continue
        try:
            loss, arguments = run_example(info, backward=True)
        except Exception as e:  # noqa: BLE001  (one broken example must not stop the gallery)
            skipped.append((info.name, f"{type(e).__name__}: {e}"))
            continue
        caption = f"{info.kind} · nn.{info.module}"
        pictures.append((info.name, caption, tl.viz.draw(loss, params=arguments), info))
    return pictures, skipped


def readme_pictures():
    """(name, digraph) for the README: its first look, and the same graph with every gradient."""
    x = tl.tensor([[1.0, -2.0, 0.5], [0.5, 3.0, -1.0]], requires_grad=True)
    y = tl.tensor([0, 1])
    loss = F.cross_entropy(x, y, label_smoothing=0.1)
    loss.backward()
    first = tl.viz.draw(loss, params={"logits": x})
    x.grad = None                   # (.grad accumulates: start the second picture afresh)
    with tl.viz.record():
        loss = F.cross_entropy(x, y, label_smoothing=0.1)
        loss.backward()
    return [("first_look", first), ("every_gradient", tl.viz.draw(loss, params={"logits": x}))]


MATHJAX = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "node_modules", "mathjax", "es5", "tex-svg.js")


def _mathjax(out):
    """Copy MathJax's tex-svg.js beside the page; returns its relative path, or None when not installed."""
    source = os.environ.get("MATHJAX") or MATHJAX
    if not os.path.isfile(source):
        return None
    os.makedirs(os.path.join(out, "mathjax"), exist_ok=True)
    shutil.copyfile(source, os.path.join(out, "mathjax", "tex-svg.js"))
    return "mathjax/tex-svg.js"


def write_gallery(out, limit=None):
    """Write the pictures and ``index.html`` into ``out``; returns the page's path."""
    os.makedirs(out, exist_ok=True)
    mathjax = _mathjax(out)
    cards = []
    for name, caption, picture in engine_examples():
        cards.append(_card(out, name, caption, picture, None))
    pictures, skipped = loss_examples(limit)
    for name, caption, picture, info in pictures:
        cards.append(_card(out, name, caption, picture, info, typeset=mathjax is not None))
    notes = "".join(f"<li><code>{html.escape(n)}</code>: {html.escape(why)}</li>" for n, why in skipped)
    install = "" if tl.viz.dot_available() else (
        "<p class=warn>Graphviz's <code>dot</code> is not installed, so the pictures are .dot sources. "
        "Install it (<code>apt-get install graphviz</code> or <code>brew install graphviz</code>) and "
        "run this script again for SVGs.</p>")
    if mathjax is None:
        install += ("<p class=warn>MathJax is not installed, so the formulas are LaTeX source: "
                    "<code>npm install mathjax@3</code> in the repository, then run this script again.</p>")
    script = f'<script id="MathJax-script" src="{mathjax}"></script>' if mathjax else ""
    page = _PAGE.format(count=len(pictures), install=install, cards="\n".join(cards), mathjax=script,
                        skipped=f"<h2>Not drawn</h2><ul>{notes}</ul>" if notes else "")
    path = os.path.join(out, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    return path


def _card(out, name, caption, picture, info, typeset=False):
    written = tl.viz.render(picture, os.path.join(out, name + ".svg"))
    file = os.path.basename(written)
    image = (f'<a href="{file}"><img src="{file}" alt="graph of {html.escape(name)}"></a>'
             if file.endswith(".svg") else f'<a href="{file}">{html.escape(file)} (DOT source)</a>')
    formula = ""
    if info is not None:
        shown = (f'<div class=math>\\[{html.escape(info.latex)}\\]</div>' if typeset
                 else f"<pre>{html.escape(info.latex)}</pre>")
        formula = (f"{shown}<details><summary>as text</summary><pre>{html.escape(info.text)}</pre></details>"
                   f"<p>{html.escape(info.explanation)}</p>")
        if info.lesson is not None:  # the same text as `tinygrad-losses explain` and help()
            formula += (f"<details><summary>Lesson</summary>"
                        f"<pre>{html.escape(lesson_text(info.lesson))}</pre></details>")
    return (f'<section id="{html.escape(name)}"><h2>{html.escape(name)}</h2>'
            f"<p class=caption>{html.escape(caption)}</p>{formula}{image}</section>")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tinygrad-losses: graph gallery</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
section {{ border-top: 1px solid #ccc; padding: 1em 0; }}
img {{ max-width: 100%; }}
pre {{ background: #f6f6f6; padding: .5em; white-space: pre-wrap; }}
.caption {{ color: #666; }} .warn {{ color: #a00; }} .math {{ overflow-x: auto; }}
</style>{mathjax}</head><body>
<h1>Graph gallery</h1>
<p>The computation graph of {count} losses on their worked examples, drawn after backward: each node
shows its output shape, dtype, small values and gradient; darker orange means a larger gradient
norm, red a nan or inf; clusters are the loss functions and layers that made the ops.</p>
{install}
{cards}
{skipped}
</body></html>
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="gallery", help="output folder (default: gallery)")
    parser.add_argument("--limit", type=int, default=None, help="draw at most this many losses")
    parser.add_argument("--readme", metavar="DIR", help="write the README's pictures into DIR instead")
    args = parser.parse_args(argv)
    if args.readme:
        for name, picture in readme_pictures():
            print(f"wrote {tl.viz.render(picture, os.path.join(args.readme, name + '.svg'))}")
        return 0
    path = write_gallery(args.out, args.limit)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
