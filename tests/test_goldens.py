"""The bundled example digest exports to exactly the reviewed golden files."""

from __future__ import annotations

import datetime as dt
import runpy
from collections.abc import Callable
from pathlib import Path

import pytest

import paperbib

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "daily-papers.txt"
AS_OF = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("fmt", "golden_name", "unicode"),
    [
        ("bibtex", "daily-papers.bib", False),
        ("bibtex", "daily-papers.unicode.bib", True),
        ("csljson", "daily-papers.json", False),
        ("ris", "daily-papers.ris", False),
    ],
)
def test_example_digest_matches_golden(
    golden: Callable[[str, str], None], fmt: str, golden_name: str, unicode: bool
) -> None:
    """Each exporter's output for the example digest is byte for byte the reviewed golden."""
    digest = paperbib.load(EXAMPLE, as_of=AS_OF)
    assert digest.problems == ()
    golden(golden_name, paperbib.dumps(digest, fmt, unicode=unicode))


def test_output_does_not_depend_on_input_order() -> None:
    """Reversing the papers reverses the entries but changes no entry's text or key."""
    digest = paperbib.load(EXAMPLE, as_of=AS_OF)
    forward = paperbib.dumps(digest, "bibtex").strip().split("\n\n")
    backward = paperbib.dumps(reversed(digest.papers), "bibtex").strip().split("\n\n")
    assert sorted(forward) == sorted(backward)


def test_quickstart_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """examples/quickstart.py runs and reports every paper of the example digest."""
    runpy.run_path(str(ROOT / "examples" / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    digest = paperbib.load(EXAMPLE, as_of=AS_OF)
    assert f"{len(digest)} papers" in out
    for paper in digest:
        assert str(paper.title) in out
    assert "problem:" not in out
