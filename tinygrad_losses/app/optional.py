"""Optional extras (tqdm for progress bars, matplotlib for plots): used when installed, otherwise a
one-line hint on stderr, never a traceback."""
import sys

_hinted = set()


def hint(package, purpose):
    """Print once per package: what is skipped and how to get it."""
    if package not in _hinted:
        _hinted.add(package)
        print(f"note: {package} is not installed, so {purpose} are skipped "
              f"(pip install {package}, or pip install 'tinygrad-losses[demos]')", file=sys.stderr)


def progress(iterable, total=None, desc=None, enabled=True):
    """``tqdm(iterable)`` when tqdm is installed and ``enabled``; the bare iterable otherwise."""
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        hint("tqdm", "progress bars")
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False)


def pyplot():
    """matplotlib.pyplot with the file-only Agg backend, or None (after a hint) when not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        hint("matplotlib", "plots")
        return None
    return plt
