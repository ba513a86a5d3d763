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

A user's mistake never ends in a traceback: flags are checked by their types
(``app/arguments.py``) before any work starts, and a ``UsageError`` raised later is printed as
one line, ``tinygrad-losses COMMAND: error: ...``, with exit status 2 (argparse's own style).
"""
import argparse
import os
import sys

from tinygrad_losses.app import arguments as types, datasets, training
from tinygrad_losses.app.errors import UsageError

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
        parser = subparsers.add_parser(name, help=help_text, description=help_text,
                                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
        configure(parser)
        parser.set_defaults(run=run, prog=parser.prog)


def _report(paths):
    written = [p for p in paths if p]
    if written:
        print("wrote " + ", ".join(written))


# ---- demo ------------------------------------------------------------------------------------
@command("demo", "train a spiral classifier with cross-entropy (seconds) and write its plots",
         arg("--steps", type=types.positive_int, default=2000, help="full-batch SGD steps"),
         arg("--hidden", type=types.positive_int, default=100, help="hidden units"),
         arg("--lr", type=types.positive_float, default=1.0, help="learning rate"),
         arg("--seed", type=int, default=0, help="seed of the data and the initial weights"),
         arg("--out", type=types.output_folder, default="out/demo", help="output folder"),
         arg("--device", type=types.device, default="cpu", help="cpu or cuda"),
         arg("--no-progress", action="store_true", help="no progress bar"))
def demo(args):
    import tinygrad_losses as tl
    from tinygrad_losses.app import plots
    tl.manual_seed(args.seed)
    x, y = training.load_classification("spiral", seed=args.seed)
    model = training.make_mlp(2, args.hidden, 3)
    x, y = training.to_device(args.device, model, x, y)  # a clear error when the device is not available
    opt = training.make_optimizer("sgd", model, lr=args.lr, weight_decay=1e-3)
    print(f"training an MLP 2-{args.hidden}-3 (ReLU) on 300 spiral points, 3 classes: "
          f"cross-entropy, SGD lr {args.lr}, {args.steps} steps, seed {args.seed}, on {args.device}")
    history = training.fit(model, x, y, training.loss_spec("cross_entropy"), opt, args.steps,
                           seed=args.seed, show_progress=not args.no_progress, desc="demo")
    if history.diverged:
        return _diverged(history, args)
    _note_if_rising(history, "cross_entropy")
    print(f"final loss {history.loss[-1]:.4f}, final training accuracy {history.accuracy[-1]:.3f}")
    x, y = training.to_device("cpu", model, x, y)  # the plots evaluate the model on host grids
    out = args.out
    paths = [plots.loss_curves({"cross_entropy": history.loss}, os.path.join(out, "loss_curve.png"), log=True),
             plots.decision_boundary(model, x, y, os.path.join(out, "decision_boundary.png"),
                                     title=f"spiral, accuracy {history.accuracy[-1]:.3f}")]
    paths.append(_draw_graph(model, x, y, out))
    _report(paths)
    return 0


def _draw_graph(model, x, y, out):
    """The computation graph of one training step, every node with its gradient."""
    from tinygrad_losses import viz
    from tinygrad_losses.functional import cross_entropy
    try:
        with viz.record():
            loss = cross_entropy(model(x[:8]), y[:8])
            loss.backward()
        return viz.render(viz.draw(loss, params=model, title="one step: cross_entropy(model(x), y)"),
                          os.path.join(out, "graph.svg"))
    except Exception as e:  # a picture is a bonus: never fail the demo for it
        print(f"note: could not draw the graph ({e})", file=sys.stderr)
        return None


def _diverged(history, args):
    print(f"{args.prog}: stopped: {history.diverged} (learning rate {args.lr}; try a smaller --lr)",
          file=sys.stderr)
    return 1


def _note_if_rising(history, name):
    """A finite loss can still run away (cross-entropy stays finite at any learning rate): say so."""
    first, last = history.loss[0], history.loss[-1]
    if last > 10 * first:
        print(f"note: the {name} loss rose from {first:.4g} (epoch 1) to {last:.4g} (epoch {len(history.loss)}): "
              f"the learning rate is probably too large", file=sys.stderr)


# ---- train -----------------------------------------------------------------------------------
_TRAIN_ARGS = (
    arg("--dataset", type=types.choice(datasets.CLASSIFICATION, "dataset"), default="spiral",
        help=", ".join(datasets.CLASSIFICATION)),
    arg("--optimizer", type=types.choice(training.OPTIMIZERS, "optimizer"), default="adam",
        help=", ".join(training.OPTIMIZERS)),
    arg("--lr", type=types.positive_float, default=None, help="learning rate (None: the optimizer's usual one)"),
    arg("--epochs", type=types.positive_int, default=200, help="passes over the data"),
    arg("--batch-size", type=types.positive_int, default=None, help="mini-batch size (None: the full data set)"),
    arg("--hidden", type=types.positive_int, default=64, help="hidden units"),
    arg("--weight-decay", type=types.nonnegative_float, default=0.0, help="L2 on the weights"),
    arg("--seed", type=int, default=0, help="seed of the data, the initial weights and the batches"),
    arg("--device", type=types.device, default="cpu", help="cpu or cuda"),
    arg("--out", type=types.output_folder, default=None,
        help="output folder for plots and the model (None: nothing written)"),
    arg("--no-progress", action="store_true", help="no progress bar"),
)


def _settings(args, x, classes):
    lr = args.lr if args.lr is not None else training.OPTIMIZERS[args.optimizer][1]
    batches = f"batches of {args.batch_size}" if args.batch_size else "full batch"
    return (f"MLP {x.shape[1]}-{args.hidden}-{classes} on {args.dataset} ({x.shape[0]} points): "
            f"{args.optimizer} lr {lr:g}, weight decay {args.weight_decay:g}, {args.epochs} epochs, {batches}, "
            f"seed {args.seed}, {args.device}")


def _train_one(args, loss_name, show_progress):
    import tinygrad_losses as tl
    spec = training.loss_spec(loss_name)
    tl.manual_seed(args.seed)
    x, y = training.load_classification(args.dataset, seed=args.seed)
    classes = int(y.numpy().max()) + 1
    model = training.make_mlp(x.shape[1], args.hidden, classes)
    x, y = training.to_device(args.device, model, x, y)
    opt = training.make_optimizer(args.optimizer, model, args.lr, args.weight_decay)
    print(f"training {spec.name}: {_settings(args, x, classes)}")
    history = training.fit(model, x, y, spec, opt, args.epochs, args.batch_size, args.seed,
                           show_progress, desc=spec.name)
    return spec, model, x, y, history


@command("train", "train a classifier with any classification loss of the registry", *(
    (arg("--loss", type=types.trainable_loss, default="cross_entropy",
         help="a loss name, class name or alias (ce, mse, focal, ...)"),) + _TRAIN_ARGS))
def train(args):
    from tinygrad_losses import nn
    from tinygrad_losses.app import plots
    spec, model, x, y, history = _train_one(args, args.loss, not args.no_progress)
    if history.diverged:
        return _diverged(history, args)
    _note_if_rising(history, spec.name)
    print(f"{spec.name} ({spec.encoding} labels, {spec.transform}) on {args.dataset}: "
          f"final loss {history.loss[-1]:.4f}, training accuracy {history.accuracy[-1]:.3f}")
    if args.out:
        x, y = training.to_device("cpu", model, x, y)  # plots and the saved model are host-side
        out = args.out
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
    (arg("--losses", type=types.trainable_losses, default="ce,mse,multi_margin,focal",
         help="comma-separated loss names or aliases"),) + _TRAIN_ARGS))
def compare(args):
    from tinygrad_losses.app import plots
    rows, curves, accuracy = [], {}, {}
    for name in args.losses:
        spec, _, _, _, history = _train_one(args, name, not args.no_progress)
        if history.diverged:
            print(f"{args.prog}: {spec.name} stopped: {history.diverged} (try a smaller --lr)", file=sys.stderr)
        else:
            _note_if_rising(history, spec.name)
        curves[spec.name], accuracy[spec.name] = history.loss, history.accuracy
        best = max(history.accuracy)
        reached = next((i + 1 for i, a in enumerate(history.accuracy) if a >= 0.95), None)
        rows.append((spec.name, spec.encoding, history.loss[-1], history.accuracy[-1], best, reached))
    print(f"\n{args.dataset}, {args.optimizer}, {args.epochs} epochs, same initial weights for every loss")
    print(f"{'loss':34s} {'labels':15s} {'final loss':>10s} {'accuracy':>9s} {'best':>6s} {'epoch >= 0.95':>14s}")
    for name, enc, final, acc, best, reached in rows:
        print(f"{name:34s} {enc:15s} {final:10.4f} {acc:9.3f} {best:6.3f} {reached if reached else '-':>14}")
    if args.out:
        out = args.out
        _report([plots.loss_curves(curves, os.path.join(out, "compare_loss.png"),
                                   title=f"training loss ({args.dataset})", log=True),
                 plots.loss_curves(accuracy, os.path.join(out, "compare_accuracy.png"),
                                   title=f"training accuracy ({args.dataset})", ylabel="accuracy")])
    return 0


# ---- entry point -----------------------------------------------------------------------------
def build_parser():
    from tinygrad_losses import __version__
    from tinygrad_losses.app import graph_commands, lesson_commands
    parser = argparse.ArgumentParser(prog="tinygrad-losses",
                                     description="Train toy classifiers and explore the losses of tinygrad-losses.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_commands(subparsers, COMMANDS)
    add_commands(subparsers, graph_commands.COMMANDS)
    add_commands(subparsers, lesson_commands.COMMANDS)
    return parser


def main(argv=None):
    """Run one command; returns its exit status (0 ok, 1 it failed, 2 a usage error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed its one-line error (status 2), or --help/--version (0)
        return e.code
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except UsageError as e:
        print(f"{args.prog}: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly, as `cat` does
        _silence_stdout()
        return 141  # 128 + SIGPIPE, the status a shell shows for this


def _silence_stdout():
    """Point stdout at /dev/null so that Python's flush at exit does not fail again on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
