"""The ``lessons`` and ``explore`` subcommands of ``tinygrad-losses``.

``COMMANDS`` maps each name to ``(help, configure(parser), run(args) -> exit status)``, as in
``graph_commands.py``; ``tinygrad_losses.app.cli.build_parser`` plugs them in.
"""
import json
import os
import sys

from tinygrad_losses.app.errors import UsageError

# The lessons live beside the package in a source checkout (demos/lessons/*.ipynb).
LESSONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           "demos", "lessons")


def lessons(folder=LESSONS_DIR):
    """``(file name, title)`` of every lesson notebook, in order; the title is the first heading."""
    if not os.path.isdir(folder):
        return []
    found = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".ipynb"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                found.append((name, _title(json.load(f), name)))
    return found


def _title(notebook, fallback):
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


# ---- lessons ------------------------------------------------------------------------------------
def configure_lessons(parser):
    pass


def run_lessons(args):
    found = lessons()
    if not found:
        print(f"no lessons found: they are notebooks in demos/lessons/ of a source checkout "
              f"(looked in {LESSONS_DIR})", file=sys.stderr)
        return 1
    width = max(len(name) for name, _ in found)
    for name, title in found:
        print(f"{name:<{width}}  {title}")
    folder = os.path.relpath(LESSONS_DIR)
    print(f"\n{len(found)} lessons in {folder}/. Open one with `jupyter lab {folder}/{found[0][0]}` "
          f"(or VS Code, or any Jupyter); run them all with `python -m pytest tests/test_lessons.py` "
          f"(needs the `lessons` extra: pip install -e \".[lessons]\").")
    return 0


# ---- explore ------------------------------------------------------------------------------------
def configure_explore(parser):
    parser.add_argument("loss", help="a loss's functional name (cross_entropy) or class name (CrossEntropyLoss)")
    parser.add_argument("-o", "--output", default="backprop.html", help="the HTML page to write "
                                                                         "(default backprop.html)")
    parser.add_argument("--fused", action="store_true", help="keep fused nodes as one step (default: expanded)")


def run_explore(args):
    from tinygrad_losses.losses import fused
    from tinygrad_losses.losses.registry import get
    from tinygrad_losses.viz.examples import run_example
    from tinygrad_losses.viz import explore  # (the function: viz binds the name lazily)
    try:
        info = get(args.loss)
    except KeyError as e:
        raise UsageError(e.args[0]) from None
    if not info.example:
        raise UsageError(f"{info.name} registered no worked example to explore")
    with fused.enabled(args.fused):
        loss, arguments = run_example(info)
    if not loss.requires_grad:
        raise UsageError(f"{info.name}'s worked example has no input that requires grad: nothing to backpropagate")
    path = explore(loss, args.output, params=arguments, title=f"{info.name}: {info.text}")
    print(f"backprop explorer written to {path} (open it in a browser; add #step=N to the address "
          f"to open step N)")
    return 0


COMMANDS = {
    "lessons": ("list the lesson notebooks and how to open them", configure_lessons, run_lessons),
    "explore": ("write a loss's worked example as a step-by-step backprop page (HTML)",
                configure_explore, run_explore),
}
