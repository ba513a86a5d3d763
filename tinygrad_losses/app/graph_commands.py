"""The ``losses``, ``explain`` and ``graph`` subcommands of ``tinygrad-losses``.

Each command is a ``configure(parser)`` and a ``run(args) -> exit status``; ``COMMANDS`` maps
their names to them, and ``tinygrad_losses.app.cli.add_commands`` plugs them into the command line.
Loss names (functional, class, alias, any case) are resolved by ``app/names.py``.
"""
import argparse
import ast
import inspect

from tinygrad_losses.app import arguments as types
from tinygrad_losses.app.errors import UsageError
from tinygrad_losses.losses.registry import FAMILY_FILES, KINDS, get, losses_table


# ---- losses -------------------------------------------------------------------------------------
def loss_kind(text):
    """A kind of KINDS in any case, or the name of its family file ('margin' for 'margin and ranking')."""
    wanted = text.strip().lower()
    for kind, family in FAMILY_FILES.items():
        if wanted in (kind, family):
            return kind
    raise argparse.ArgumentTypeError(f"unknown kind {text!r}; expected one of {', '.join(map(repr, KINDS))}")


def configure_losses(parser):
    parser.add_argument("--kind", type=loss_kind, default=None,
                        help=f"only the losses of this kind: {', '.join(KINDS)} (any case)")


def run_losses(args):
    table = [i for i in losses_table() if args.kind is None or i.kind == args.kind]
    if not table:
        print("no losses registered" + (f" of kind {args.kind!r}" if args.kind else ""))
        return 1 if args.kind else 0
    w_name = max(len(i.name) for i in table)
    w_kind = max(len(i.kind) for i in table)
    print(f"{'name':<{w_name}}  {'kind':<{w_kind}}  formula")
    for i in table:
        print(f"{i.name:<{w_name}}  {i.kind:<{w_kind}}  {i.text}")
    print(f"\n{len(table)} losses; `tinygrad-losses explain NAME` for one of them")
    return 0


# ---- explain ------------------------------------------------------------------------------------
def configure_explain(parser):
    parser.add_argument("loss", type=types.loss_name,
                        help="a loss's functional name (cross_entropy), class name (CrossEntropyLoss) or alias")
    parser.add_argument("-o", "--output", type=types.picture_file,
                        help="where to write the graph of the worked example (.svg/.png/.pdf/.dot; default: LOSS.svg)")
    parser.add_argument("--plot", metavar="FILE", help="also draw the loss and its derivative against the "
                                                        "margin or the residual (.png/.svg/.pdf; needs matplotlib)")


def run_explain(args):
    from tinygrad_losses.app.explain import explain
    return explain(get(args.loss), graph_path=args.output, plot_path=args.plot)


# ---- graph --------------------------------------------------------------------------------------
def configure_graph(parser):
    parser.add_argument("loss", type=types.loss_name, help="a loss's functional name, class name or alias")
    parser.add_argument("-o", "--output", type=types.picture_file, required=True,
                        help="the file to write (.svg/.png/.pdf/.dot)")
    parser.add_argument("--direction", default="TB", choices=("TB", "LR"), help="layout direction")
    parser.add_argument("--collapse", type=int, default=0, help="draw scopes this deep as one node (0: none)")
    parser.add_argument("--max-nodes", type=types.positive_int, default=None,
                        help="collapse scopes until this many nodes (None: no limit)")
    parser.add_argument("--backward", action="store_true", help="draw the backward pass")
    parser.add_argument("--before-backward", action="store_true",
                        help="draw before backward runs (no gradients)")
    parser.add_argument("--show-saved", action="store_true", help="show the arrays saved for backward")
    parser.add_argument("--no-values", action="store_true", help="hide the values of small tensors")
    parser.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                        help="override an argument of the worked example, e.g. --arg reduction=sum")


def run_graph(args):
    from tinygrad_losses.viz.dot import draw
    from tinygrad_losses.viz.examples import run_example
    from tinygrad_losses.viz.render import render
    info = get(args.loss)
    if not info.example:
        raise UsageError(f"{info.name} registered no worked example to draw")
    overrides = _overrides(info, args.arg)
    try:
        loss, arguments = run_example(info, backward=not args.before_backward, **overrides)
    except (ValueError, TypeError, RuntimeError, IndexError) as e:
        if not overrides:
            raise  # the registered example itself fails: a bug, keep its traceback
        raise UsageError(f"--arg {' '.join(args.arg)}: {e}") from None
    picture = draw(loss, params=arguments, values=not args.no_values, direction=args.direction,
                   show_saved=args.show_saved, backward=args.backward, collapse=args.collapse,
                   max_nodes=args.max_nodes, title=f"{info.name}: {info.text}")
    print(f"graph written to {render(picture, args.output)}")
    return 0


# ---- helpers ------------------------------------------------------------------------------------
def _overrides(info, items):
    """``--arg NAME=VALUE`` items as keyword arguments of the loss; a UsageError for a name it lacks."""
    parameters = list(inspect.signature(info.function).parameters)
    overrides = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--arg expects NAME=VALUE, got {item!r}")
        if name not in parameters:
            raise UsageError(f"--arg {item}: {info.name} has no argument {name!r}; "
                             f"its arguments: {', '.join(parameters)}")
        try:
            overrides[name] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            overrides[name] = text          # a bare word: a string option such as reduction=sum
    return overrides


COMMANDS = {
    "losses": ("list every loss: name, kind, formula", configure_losses, run_losses),
    "explain": ("a loss's formula, explanation, worked example with gradients, and its graph",
                configure_explain, run_explain),
    "graph": ("draw the graph of a loss's worked example to a file", configure_graph, run_graph),
}
