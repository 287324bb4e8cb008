"""The paperbib command: formats, exit codes, messages, and nothing lost on failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperbib.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "daily-papers.txt"

GOOD_BLOCK = """\
Sparse Lanterns: Counting Photons with Tiny Transformers

We count photons with a transformer small enough to fit on a lamp post.

  • 4 authors
·
Mar 3, 2025 7
"""

MANGLED_BLOCK = """\
A Paper Whose Date Line Was Lost

An abstract that is still here.

  • 2 authors
·
Smarch 41
"""


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_export_writes_bibtex_to_stdout_by_default() -> None:
    """Without -o and --to the example digest becomes BibTeX on stdout, exit 0."""
    result = run("export", str(EXAMPLE), "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n@") + result.stdout.startswith("@") >= 5
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("name", "start"), [("out.bib", "@"), ("out.json", "["), ("out.ris", "TY  - ")]
)
def test_output_ending_chooses_the_format(tmp_path: Path, name: str, start: str) -> None:
    """-o refs.json writes CSL-JSON, -o refs.ris RIS, -o refs.bib BibTeX."""
    out = tmp_path / name
    result = run("export", str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith(start)
    assert f"to {out}" in result.stderr


def test_stdin_is_read_with_a_dash() -> None:
    """'-' reads the digest from stdin."""
    result = run("export", "-", "--to", "ris", stdin=GOOD_BLOCK)
    assert result.exit_code == 0, result.stderr
    assert "TI  - Sparse Lanterns: Counting Photons with Tiny Transformers" in result.stdout


def test_unknown_format_is_a_usage_error_listing_known_ones() -> None:
    """An unknown --to or --from name exits 2 and names the formats that exist."""
    result = run("export", str(EXAMPLE), "--to", "endnote")
    assert result.exit_code == 2
    assert "unknown format 'endnote'" in result.stderr
    assert "bibtex, csljson, ris" in result.stderr
    result = run("export", str(EXAMPLE), "--from", "word")
    assert result.exit_code == 2
    assert "hf-page" in result.stderr


def test_output_ending_no_exporter_claims_is_a_usage_error(tmp_path: Path) -> None:
    """-o refs.docx with no --to exits 2 and asks for --to."""
    result = run("export", str(EXAMPLE), "-o", str(tmp_path / "refs.docx"))
    assert result.exit_code == 2
    assert "--to" in result.stderr
    assert not (tmp_path / "refs.docx").exists()


def test_mangled_block_is_reported_and_the_rest_exported(tmp_path: Path) -> None:
    """One bad block is reported with file and line; the good ones are written; exit 1."""
    digest = tmp_path / "digest.txt"
    digest.write_text(
        GOOD_BLOCK + "\n" + MANGLED_BLOCK + "\n" + GOOD_BLOCK.replace("Sparse", "Dense")
    )
    out = tmp_path / "out.ris"
    result = run("export", str(digest), "-o", str(out))
    assert result.exit_code == 1
    [problem] = [line for line in result.stderr.splitlines() if line.startswith(str(digest))]
    first_line, last_line = 10, 16  # the mangled block's title and date lines
    where, _, message = problem.partition(": ")
    assert where.startswith(f"{digest}:")
    assert first_line <= int(where.rsplit(":", 1)[1]) <= last_line
    assert "Smarch 41" in message
    text = out.read_text(encoding="utf-8")
    assert "Sparse Lanterns" in text
    assert "Dense Lanterns" in text
    assert "Date Line Was Lost" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the input is empty"), (b"%PDF-1.5\n\x00\x00\x01", "this is a binary file")],
)
def test_unreadable_input_fails_without_touching_the_output(
    tmp_path: Path, content: bytes, message: str
) -> None:
    """An empty or binary input exits 1 with a message naming it; an existing output survives."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "refs.bib"
    out.write_text("% my curated bibliography\n")
    result = run("export", str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert f"{bad}: {message}" in result.stderr
    assert out.read_text() == "% my curated bibliography\n"


def test_one_missing_input_does_not_sink_the_others(tmp_path: Path) -> None:
    """A missing input is reported, the other inputs are still exported, exit 1."""
    good = tmp_path / "good.txt"
    good.write_text(GOOD_BLOCK)
    result = run("export", str(tmp_path / "absent.txt"), str(good), "--to", "csljson")
    assert result.exit_code == 1
    assert "absent.txt: no such file" in result.stderr
    assert "Sparse Lanterns" in result.stdout


def test_unwritable_output_is_reported(tmp_path: Path) -> None:
    """An output under a regular file exits 1 with a message naming the path."""
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = run("export", str(EXAMPLE), "-o", str(blocker / "refs.bib"))
    assert result.exit_code == 1
    assert "blocker/refs.bib: cannot write" in result.stderr


def test_undetectable_input_asks_for_from(tmp_path: Path) -> None:
    """Text no reader recognises is reported with a hint to name a format."""
    notes = tmp_path / "notes.md"
    notes.write_text("# my notes\n\nnothing bibliographic here\n")
    result = run("export", str(notes))
    assert result.exit_code == 1
    assert "cannot tell which format" in result.stderr
    assert "--from" in result.stderr


def test_as_of_resolves_year_less_dates() -> None:
    """--as-of moves year-less dates to the latest year on or before that day."""
    digest = GOOD_BLOCK.replace("Mar 3, 2025", "Dec 30")

    def issued(as_of: str) -> list[list[int]]:
        result = run("export", "-", "--to", "csljson", "--as-of", as_of, stdin=digest)
        assert result.exit_code == 0, result.stderr
        parts: list[list[int]] = json.loads(result.stdout)[0]["issued"]["date-parts"]
        return parts

    assert issued("2026-12-31") == [[2026, 12, 30]]
    assert issued("2026-12-01") == [[2025, 12, 30]]


def test_formats_lists_builtins_with_their_origin() -> None:
    """paperbib formats names every built-in reader and exporter as coming from paperbib."""
    result = run("formats")
    assert result.exit_code == 0
    for name in ("hf-page", "bibtex", "csljson", "ris"):
        line = next(line for line in result.stdout.splitlines() if line.split()[0] == name)
        assert line.endswith("[paperbib]")


def test_console_script_runs_as_a_module(tmp_path: Path) -> None:
    """python -m paperbib works and its exit code reports problems."""
    digest = tmp_path / "digest.txt"
    digest.write_text(MANGLED_BLOCK)
    completed = subprocess.run(
        [sys.executable, "-m", "paperbib", "export", str(digest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "no papers to export" in completed.stderr


def test_papers_named_by_two_inputs_are_exported_once(tmp_path: Path) -> None:
    """The same paper in two digests becomes one entry; the export still succeeds."""
    first = tmp_path / "monday.txt"
    first.write_text(GOOD_BLOCK)
    second = tmp_path / "tuesday.txt"
    second.write_text(GOOD_BLOCK.replace("Mar 3, 2025 7", "Mar 3, 2025 12"))
    result = run("export", str(first), str(second), "--to", "csljson")
    assert result.exit_code == 0, result.stderr
    [item] = json.loads(result.stdout)
    assert item["custom"]["upvotes"] == 12
