"""The ``losses``, ``explain`` and ``graph`` subcommands of ``tinygrad-losses``.

Each command is a ``configure(parser)`` and a ``run(args) -> exit status``; ``COMMANDS`` maps
their names to them, and ``tinygrad_losses.app.cli.add_commands`` plugs them into the command line.
"""
import ast
import sys
import textwrap

from tinygrad_losses.losses.registry import get, losses_table


# ---- losses -------------------------------------------------------------------------------------
def configure_losses(parser):
    parser.add_argument("--kind", help="only the losses of this kind (regression, classification, ...)")


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
    parser.add_argument("loss", help="a loss's functional name (cross_entropy) or class name (CrossEntropyLoss)")
    parser.add_argument("-o", "--output", help="where to write the graph of the worked example "
                                               "(.svg/.png/.pdf/.dot; default: LOSS.svg)")


def run_explain(args):
    from tinygrad_losses.viz.dot import draw
    from tinygrad_losses.viz.examples import run_example
    from tinygrad_losses.viz.render import render
    info = _lookup(args.loss)
    if info is None:
        return 2
    print(f"{info.name}  (nn.{info.module}, {info.kind})\n")
    print(f"  {info.text}\n")
    print(textwrap.fill(info.explanation, 88, initial_indent="  ", subsequent_indent="  "))
    if not info.example:
        print("\n(no worked example registered for this loss)")
        return 0
    loss, arguments = run_example(info, backward=True)
    print("\nWorked example:")
    for name, value in arguments.items():
        print(f"  {name} = {_show(value)}")
    print(f"  -> {info.name}(...) = {_show(loss)}")
    for name, value in arguments.items():
        if getattr(value, "grad", None) is not None:
            print(f"  d/d {name} = {_show(value.grad)}")
    path = render(draw(loss, params=arguments, title=f"{info.name}: {info.text}"),
                  args.output or f"{info.name}.svg")
    print(f"\ngraph written to {path}")
    return 0


# ---- graph --------------------------------------------------------------------------------------
def configure_graph(parser):
    parser.add_argument("loss", help="a loss's functional name or class name")
    parser.add_argument("-o", "--output", required=True, help="the file to write (.svg/.png/.pdf/.dot)")
    parser.add_argument("--direction", default="TB", choices=("TB", "LR"), help="layout direction")
    parser.add_argument("--collapse", type=int, default=0, help="draw scopes this deep as one node (0: none)")
    parser.add_argument("--max-nodes", type=int, default=None, help="collapse scopes until this many nodes")
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
    info = _lookup(args.loss)
    if info is None:
        return 2
    if not info.example:
        print(f"{info.name} registered no worked example to draw", file=sys.stderr)
        return 2
    overrides = {}
    for item in args.arg:
        name, sep, text = item.partition("=")
        if not sep or not name:
            print(f"--arg expects NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        try:
            overrides[name] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            overrides[name] = text          # a bare word: a string option such as reduction=sum
    loss, arguments = run_example(info, backward=not args.before_backward, **overrides)
    picture = draw(loss, params=arguments, values=not args.no_values, direction=args.direction,
                   show_saved=args.show_saved, backward=args.backward, collapse=args.collapse,
                   max_nodes=args.max_nodes, title=f"{info.name}: {info.text}")
    print(f"graph written to {render(picture, args.output)}")
    return 0


# ---- helpers ------------------------------------------------------------------------------------
def _lookup(name):
    try:
        return get(name)
    except KeyError as e:
        print(e.args[0], file=sys.stderr)
        return None


def _show(value):
    if hasattr(value, "tolist"):
        a = value.numpy()
        return str(a.round(6).tolist()) if a.dtype.kind == "f" else str(a.tolist())
    return repr(value)


COMMANDS = {
    "losses": ("list every loss: name, kind, formula", configure_losses, run_losses),
    "explain": ("a loss's formula, explanation, worked example with gradients, and its graph",
                configure_explain, run_explain),
    "graph": ("draw the graph of a loss's worked example to a file", configure_graph, run_graph),
}
