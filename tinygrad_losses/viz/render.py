"""Writing a picture to a file: DOT always, SVG / PNG / PDF through Graphviz's ``dot`` program."""
import os
import shutil
import sys

FORMATS = ("svg", "png", "pdf")
HOW_TO_INSTALL = ("Install it with `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
                  "(macOS) or `conda install graphviz`")
INSTALL = ("Graphviz's `dot` program is not installed, so only the .dot source was written. "
           + HOW_TO_INSTALL + ", then run `dot -T{fmt} {dot} -o {out}`.")


def dot_available():
    """True when Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def render(digraph, path):
    """Write ``digraph`` to ``path``; the extension picks the format (.dot/.gv, .svg, .png, .pdf).

    Returns the path written. Without ``dot`` a picture format falls back to ``<path>.dot``
    and a note on stderr says how to install Graphviz.
    """
    path = os.fspath(path)
    stem, ext = os.path.splitext(path)
    fmt = ext[1:].lower()
    if fmt not in FORMATS + ("dot", "gv"):
        raise ValueError(f"render: the file name must end in .svg, .png, .pdf, .dot or .gv, got {path!r}")
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    source = digraph.source
    if fmt in ("dot", "gv") or not dot_available():
        out = path if fmt in ("dot", "gv") else stem + ".dot"
        with open(out, "w", encoding="utf-8") as f:
            f.write(source)
        if out != path:
            print(INSTALL.format(fmt=fmt, dot=out, out=path), file=sys.stderr)
        return out
    import subprocess
    result = subprocess.run(["dot", f"-T{fmt}", "-o", path], input=source.encode("utf-8"),
                            capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"render: `dot -T{fmt}` failed for {path}: "
                           f"{result.stderr.decode(errors='replace').strip()}")
    return path
