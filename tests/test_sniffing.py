"""Recognising the format of every fixture from its content alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbib import registry

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
