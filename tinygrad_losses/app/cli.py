"""The ``tinygrad-losses`` command line.

    tinygrad-losses demo [--steps 2000] [--out DIR]       train a spiral classifier, write plots
    tinygrad-losses train --dataset moons --loss focal --optimizer adam --epochs 200 ...
    tinygrad-losses compare --losses ce,mse,multi_margin,focal

Adding a subcommand is one function: decorate ``run(args) -> exit status`` with
``@command(name, help, *arguments)``, each argument an ``arg("--flag", ...)`` (argparse's
``add_argument`` parameters). Modules elsewhere can also hand a dict
``{name: (help, configure(parser), run(args))}`` to ``add_commands``: that is how the graph
commands (``losses``, ``explain``, ``graph`` in ``tinygrad_losses/app/graph_commands.py``)
are plugged in by ``build_parser``.
"""
import argparse
import os
import sys

COMMANDS = {}  # name -> (help, configure(parser), run(args) -> int)


def arg(*flags, **options):
    """One argparse argument of a command: ``arg("--lr", type=float, help=...)``."""
    return flags, options


def command(name, help, *arguments):
    """Register ``run(args)`` as the subcommand ``name`` with the given ``arg(...)`` arguments."""
    def configure(parser):
        for flags, options in arguments:
            parser.add_argument(*flags, **options)

    def decorate(run):
        COMMANDS[name] = (help, configure, run)
        return run
    return decorate


def add_commands(subparsers, commands):
    for name, (help_text, configure, run) in commands.items():
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        configure(parser)
        parser.set_defaults(run=run)


def _out_dir(path):
    os.makedirs(path, exist_ok=True)
    return path


def _report(paths):
    written = [p for p in paths if p]
    if written:
        print("wrote " + ", ".join(written))


# ---- demo ------------------------------------------------------------------------------------
@command("demo", "train a spiral classifier with cross-entropy (seconds) and write its plots",
         arg("--steps", type=int, default=2000, help="full-batch SGD steps (default 2000)"),
         arg("--hidden", type=int, default=100, help="hidden units (default 100)"),
         arg("--lr", type=float, default=1.0, help="learning rate (default 1.0)"),
         arg("--seed", type=int, default=0),
         arg("--out", default="out/demo", help="output folder (default out/demo)"),
         arg("--device", default="cpu", help="cpu or cuda (default cpu)"),
         arg("--no-progress", action="store_true", help="no progress bar"))
def demo(args):
    import tinygrad_losses as tl
    from tinygrad_losses.app import plots, training
    tl.manual_seed(args.seed)
    x, y = training.load_classification("spiral", seed=args.seed)
    model = training.make_mlp(2, args.hidden, 3)
    x, y = training.to_device(args.device, model, x, y)  # a clear error when the device is not available
    opt = training.make_optimizer("sgd", model, lr=args.lr, weight_decay=1e-3)
    print(f"training an MLP 2-{args.hidden}-3 (ReLU) on 300 spiral points, 3 classes: "
          f"cross-entropy, SGD lr {args.lr}, {args.steps} steps on {args.device}")
    history = training.fit(model, x, y, training.loss_spec("cross_entropy"), opt, args.steps,
                           seed=args.seed, show_progress=not args.no_progress, desc="demo")
    print(f"final loss {history.loss[-1]:.4f}, final training accuracy {history.accuracy[-1]:.3f}")
    x, y = training.to_device("cpu", model, x, y)  # the plots evaluate the model on host grids
    out = _out_dir(args.out)
    paths = [plots.loss_curves({"cross_entropy": history.loss}, os.path.join(out, "loss_curve.png"), log=True),
             plots.decision_boundary(model, x, y, os.path.join(out, "decision_boundary.png"),
                                     title=f"spiral, accuracy {history.accuracy[-1]:.3f}")]
    paths.append(_draw_graph(model, x, y, out))
    _report(paths)
    return 0


def _draw_graph(model, x, y, out):
    """The computation graph of one training step."""
    from tinygrad_losses import viz
    from tinygrad_losses.functional import cross_entropy
    loss = cross_entropy(model(x[:8]), y[:8])
    try:
        return viz.render(viz.draw(loss, params=model, title="one step: cross_entropy(model(x), y)"),
                          os.path.join(out, "graph.svg"))
    except Exception as e:  # a picture is a bonus: never fail the demo for it
        print(f"note: could not draw the graph ({e})", file=sys.stderr)
        return None


# ---- train -----------------------------------------------------------------------------------
_TRAIN_ARGS = (
    arg("--dataset", default="spiral", help="spiral, moons, circles, blobs, xor or digits (default spiral)"),
    arg("--optimizer", default="adam", help="sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw"),
    arg("--lr", type=float, default=None, help="learning rate (default: the optimizer's usual one)"),
    arg("--epochs", type=int, default=200),
    arg("--batch-size", type=int, default=None, help="mini-batch size (default: the full data set)"),
    arg("--hidden", type=int, default=64, help="hidden units (default 64)"),
    arg("--weight-decay", type=float, default=0.0, help="L2 on the weights (default 0)"),
    arg("--seed", type=int, default=0),
    arg("--device", default="cpu", help="cpu (or cuda where a CUDA backend is installed)"),
    arg("--out", default=None, help="output folder for plots and the model (default: none written)"),
    arg("--no-progress", action="store_true", help="no progress bar"),
)


def _train_one(args, loss_name, show_progress):
    import tinygrad_losses as tl
    from tinygrad_losses.app import training
    spec = training.loss_spec(loss_name)
    tl.manual_seed(args.seed)
    x, y = training.load_classification(args.dataset, seed=args.seed)
    model = training.make_mlp(x.shape[1], args.hidden, int(y.numpy().max()) + 1)
    x, y = training.to_device(args.device, model, x, y)  # a clear error when the device is not available
    opt = training.make_optimizer(args.optimizer, model, args.lr, args.weight_decay)
    history = training.fit(model, x, y, spec, opt, args.epochs, args.batch_size, args.seed,
                           show_progress, desc=spec.name)
    return spec, model, x, y, history


@command("train", "train a classifier with any classification loss of the registry", *(
    (arg("--loss", default="cross_entropy", help="a loss name or alias (ce, mse, focal, ...)"),) + _TRAIN_ARGS))
def train(args):
    from tinygrad_losses import nn
    from tinygrad_losses.app import plots, training
    try:
        spec, model, x, y, history = _train_one(args, args.loss, not args.no_progress)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{spec.name} ({spec.encoding} labels, {spec.transform}) on {args.dataset}: "
          f"final loss {history.loss[-1]:.4f}, training accuracy {history.accuracy[-1]:.3f}")
    if args.out:
        x, y = training.to_device("cpu", model, x, y)  # plots and the saved model are host-side
        out = _out_dir(args.out)
        paths = [plots.loss_curves({spec.name: history.loss}, os.path.join(out, "loss_curve.png"))]
        if x.shape[1] == 2:
            paths.append(plots.decision_boundary(model, x, y, os.path.join(out, "decision_boundary.png"),
                                                 title=f"{args.dataset}, {spec.name}"))
        path = os.path.join(out, "model.safetensors")
        nn.save(model, path)
        _report(paths + [path])
    return 0


# ---- compare ---------------------------------------------------------------------------------
@command("compare", "train the same net on the same data once per loss; curves on one plot, a table", *(
    (arg("--losses", default="ce,mse,multi_margin,focal", help="comma-separated loss names or aliases"),)
    + _TRAIN_ARGS))
def compare(args):
    from tinygrad_losses.app import plots
    names = [n.strip() for n in args.losses.split(",") if n.strip()]
    if not names:
        print("error: --losses is empty", file=sys.stderr)
        return 2
    rows, curves, accuracy = [], {}, {}
    for name in names:
        try:
            spec, _, _, _, history = _train_one(args, name, not args.no_progress)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        curves[spec.name], accuracy[spec.name] = history.loss, history.accuracy
        best = max(history.accuracy)
        reached = next((i + 1 for i, a in enumerate(history.accuracy) if a >= 0.95), None)
        rows.append((spec.name, spec.encoding, history.loss[-1], history.accuracy[-1], best, reached))
    print(f"\n{args.dataset}, {args.optimizer}, {args.epochs} epochs, same initial weights for every loss")
    print(f"{'loss':34s} {'labels':15s} {'final loss':>10s} {'accuracy':>9s} {'best':>6s} {'epoch >= 0.95':>14s}")
    for name, enc, final, acc, best, reached in rows:
        print(f"{name:34s} {enc:15s} {final:10.4f} {acc:9.3f} {best:6.3f} {reached if reached else '-':>14}")
    if args.out:
        out = _out_dir(args.out)
        _report([plots.loss_curves(curves, os.path.join(out, "compare_loss.png"),
                                   title=f"training loss ({args.dataset})", log=True),
                 plots.loss_curves(accuracy, os.path.join(out, "compare_accuracy.png"),
                                   title=f"training accuracy ({args.dataset})", ylabel="accuracy")])
    return 0


# ---- entry point -----------------------------------------------------------------------------
def build_parser():
    parser = argparse.ArgumentParser(prog="tinygrad-losses",
                                     description="Train toy classifiers and explore the losses of tinygrad-losses.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from tinygrad_losses.app import graph_commands as cli_commands
    add_commands(subparsers, COMMANDS)
    add_commands(subparsers, cli_commands.COMMANDS)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
