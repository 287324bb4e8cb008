"""Recognising the format of every fixture from its content alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbib import registry

TESTS = Path(__file__).parent
EXAMPLE = TESTS.parent / "examples" / "daily-papers.txt"
# Fixtures are named after the reader that reads them: hf-json-daily.json.
READERS = sorted((p.name for p in registry.plugins("reader") if p.builtin), key=len, reverse=True)
FIXTURES = {
    path: next(name for name in READERS if path.name.startswith(f"{name}-"))
    for path in sorted((TESTS / "fixtures").iterdir())
    if path.is_file() and any(path.name.startswith(f"{name}-") for name in READERS)
}
SAMPLES = {**FIXTURES, EXAMPLE: "hf-page"}
OURS = ("hf-json", "arxiv-email", "ids")


@pytest.mark.parametrize(("path", "reader"), SAMPLES.items(), ids=lambda v: getattr(v, "name", v))
def test_every_fixture_is_read_by_its_own_reader_without_a_name_or_suffix(
    path: Path, reader: str
) -> None:
    """``paperbib.loads(text)``, with no format and no file name, picks the fixture's reader."""
    text = path.read_text(encoding="utf-8")
    assert registry.sniff_reader(text, "", "<string>").name == reader


@pytest.mark.parametrize("reader", OURS)
def test_each_reader_claims_its_own_fixtures_and_no_others(reader: str) -> None:
    """A reader's sniff accepts exactly the fixtures named after it."""
    sniffer = registry.reader(reader)
    claimed = {path.name for path in SAMPLES if sniffer.sniff(path.read_text(encoding="utf-8"))}
    assert claimed == {path.name for path, owner in SAMPLES.items() if owner == reader}
    assert claimed
