"""The lesson notebooks (demos/lessons/*.ipynb): each runs in a real Jupyter kernel under a timeout
and ends with assertions, so a lesson that stops teaching what it says fails here; they are kept
in git without outputs; ``tinygrad-losses lessons`` lists them."""
import json
import os
import time

import pytest

from tinygrad_losses.app import cli
from tinygrad_losses.app.lesson_commands import LESSONS_DIR, lessons

NOTEBOOKS = sorted(f for f in os.listdir(LESSONS_DIR) if f.endswith(".ipynb")) if os.path.isdir(LESSONS_DIR) else []
CELL_TIMEOUT_S = 60      # one cell (nbclient's timeout); a whole lesson gets NOTEBOOK_BUDGET_S
NOTEBOOK_BUDGET_S = 60


def _load(name):
    with open(os.path.join(LESSONS_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def test_there_are_seven_lessons_in_order():
    assert len(NOTEBOOKS) == 7
    assert [n[:3] for n in NOTEBOOKS] == [f"0{i}_" for i in range(1, 8)]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_outputs_are_stripped_in_git(name):
    nb = _load(name)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{name}: cell {i} has outputs (strip them before committing)"
            assert cell.get("execution_count") is None, f"{name}: cell {i} has an execution count"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_lesson_starts_with_a_title_and_ends_with_assertions(name):
    cells = _load(name)["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# Lesson ")
    last = "".join(next(c for c in reversed(cells) if c["cell_type"] == "code")["source"])
    assert last.count("assert") >= 3 and "all assertions hold" in last


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_runs_and_its_assertions_hold(name, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    nb = nbformat.read(os.path.join(LESSONS_DIR, name), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    start = time.perf_counter()
    client.execute()          # any error in any cell raises CellExecutionError: the test fails
    elapsed = time.perf_counter() - start
    assert elapsed < NOTEBOOK_BUDGET_S, f"{name} took {elapsed:.0f} s"
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs), f"{name} drew no graph inline"
    last = next(c for c in reversed(nb.cells) if c.cell_type == "code")
    assert any("all assertions hold" in o.get("text", "") for o in last.outputs)


def test_cli_lists_the_lessons_and_says_how_to_open_them(capsys):
    assert cli.main(["lessons"]) == 0
    out = capsys.readouterr().out
    for name, title in lessons():
        assert name in out and title in out
    assert len(lessons()) == 7 and "jupyter" in out
