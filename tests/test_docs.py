"""Docs that cannot drift: the loss reference (docs/losses.md) is the generator's output, every
functional's docstring example runs as a doctest, every nn loss class carries its functional's
docstring, and the README points at files that exist."""
import doctest
import inspect
import re
from pathlib import Path

import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses import nn
from tinygrad_losses.app import reference
from tinygrad_losses.losses.registry import losses_table

ROOT = Path(__file__).resolve().parents[1]
LOSSES = losses_table()


def test_the_committed_loss_reference_is_the_generators_output():
    committed = (ROOT / "docs" / "losses.md").read_text(encoding="utf-8")
    assert committed == reference.markdown(), "docs/losses.md is stale: run python -m tinygrad_losses.app.reference"


def test_the_reference_has_every_loss_with_its_formula():
    text = reference.markdown()
    for info in LOSSES:
        assert f"### {info.name}\n" in text and f"`nn.{info.module}`" in text and info.latex in text


def test_the_check_flag_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "losses.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(reference, "PATH", str(stale))
    assert reference.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert reference.main([]) == 0 and reference.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == reference.markdown()


@pytest.mark.parametrize("info", LOSSES, ids=lambda i: i.name)
def test_the_docstring_example_runs(info):
    """Each functional's ``Example:`` is followed by doctest lines; they must print what they show."""
    test = doctest.DocTestParser().get_doctest(info.function.__doc__, {"tl": tl, "F": F}, info.name,
                                               inspect.getsourcefile(inspect.unwrap(info.function)), 0)
    assert test.examples, f"{info.name}'s docstring has no >>> example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=lambda text: pytest.fail(text, pytrace=False))
    assert result.failed == 0 and result.attempted == len(test.examples)


@pytest.mark.parametrize("info", LOSSES, ids=lambda i: i.name)
def test_every_nn_loss_class_has_its_functionals_docstring(info):
    cls = getattr(nn, info.module)
    doc = cls.__doc__ or ""
    assert inspect.cleandoc(info.function.__doc__) in doc
    init = str(inspect.signature(cls)).replace("(self, ", "(")
    assert f"``nn.{info.module}{init}`` stores the options" in doc and f"calls ``F.{info.name}``" in doc


def test_a_class_keeps_its_own_summary_first():
    assert nn.CrossEntropyLoss.__doc__.startswith("``cross_entropy`` on logits")
    assert nn.LogCoshLoss.__doc__.startswith("The module form of ``F.log_cosh_loss``.")


def test_the_readme_cites_only_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "LOSSES.md" not in readme
    for path in set(re.findall(r"`?(docs/[\w./-]+\.md)`?", readme)):
        assert (ROOT / path).exists(), path
    assert 'pytest -m "not slow"' in readme


def test_the_slow_marker_is_registered(pytestconfig):
    assert any(line.startswith("slow:") for line in pytestconfig.getini("markers"))
