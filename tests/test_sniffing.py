"""Recognising the format of every fixture from its content alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paperbib import registry
from paperbib.plugins import Reader

TESTS = Path(__file__).parent
EXAMPLE = TESTS.parent / "examples" / "daily-papers.txt"
# Fixtures are named after the reader that reads them (hf-json-daily.json);
# bibliographies by the short name of their format (bib-library.bib).
BUILTIN = {plugin.name for plugin in registry.plugins("reader") if plugin.builtin}
PREFIXES = {name: name for name in BUILTIN} | {"bib": "bibtex", "csl": "csljson"}
ALL_FIXTURES = sorted(path for path in (TESTS / "fixtures").iterdir() if path.is_file())


def owner(path: Path) -> str | None:
    """The reader a fixture is named after; the longest matching prefix wins."""
    names = [prefix for prefix in PREFIXES if path.name.startswith(f"{prefix}-")]
    return PREFIXES[max(names, key=len)] if names else None


SAMPLES = {path: owner(path) for path in [*ALL_FIXTURES, EXAMPLE]}
SAMPLES[EXAMPLE] = "hf-page"
OURS = ("hf-json", "arxiv-email", "ids")


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    ("path", "reader"),
    [(path, reader) for path, reader in SAMPLES.items() if reader in BUILTIN],
    ids=lambda value: getattr(value, "name", value),
)
def test_every_fixture_is_read_by_its_own_reader_without_a_name_or_suffix(
    path: Path, reader: str
) -> None:
    """``paperbib.loads(text)``, with no format and no file name, picks the fixture's reader."""
    assert registry.sniff_reader(text_of(path), "", "<string>").name == reader


@pytest.mark.parametrize("reader", OURS)
def test_each_reader_claims_its_own_fixtures_and_no_others(reader: str) -> None:
    """A reader's sniff accepts exactly the fixtures named after it, of every format."""
    sniffer = registry.reader(reader)
    claimed = {path.name for path in SAMPLES if sniffer.sniff(text_of(path))}
    assert claimed == {path.name for path, name in SAMPLES.items() if name == reader}
    assert claimed


def test_no_other_reader_accepts_what_the_page_reader_accepts() -> None:
    """The page reader is asked first; that changes no input's reader, as no other claims a page."""
    page = registry.reader("hf-page")
    others = [registry.load(p) for p in registry.plugins("reader") if p.name != "hf-page"]
    pages = [path for path in SAMPLES if page.sniff(text_of(path))]
    assert pages
    for path in pages:
        assert [other.name for other in others if other.sniff(text_of(path))] == [], path.name


def test_recognising_a_page_imports_no_other_reader() -> None:
    """Loading a Daily Papers page without naming its format loads only the page reader."""
    probe = (
        "import sys, paperbib\n"
        "paperbib.load(sys.argv[1])\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('paperbib.readers.'))))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, str(EXAMPLE)], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["paperbib.readers.hf_page"]


def test_without_a_content_match_the_first_reader_claiming_the_suffix_is_chosen() -> None:
    """Text no reader recognises goes to the reader whose ending the file has, in registry order."""
    claimed = registry.sniff_reader("nothing to recognise here\n", ".json", "x.json")
    first = next(
        found
        for found in map(registry.load, registry.plugins("reader"))
        if isinstance(found, Reader) and ".json" in found.suffixes
    )
    assert claimed.name == first.name
