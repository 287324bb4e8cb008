"""The reader for RIS, checked against our fixtures and Zotero's own import test cases."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from paper_dump import papers_json
from shared_data import ZOTERO_RIS_CASES

import paperbib
from paperbib import registry
from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext
from paperbib.readers.ris import RisReader

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> paperbib.Digest:
    return paperbib.load(FIXTURES / name, "ris")


def read(text: str) -> list[Paper | Problem]:
    return list(RisReader().read(text, ReadContext("refs.ris")))


@pytest.mark.parametrize("name", ["ris-zotero.ris", "ris-broken.ris"])
def test_fixtures_read_as_the_reviewed_papers(
    name: str, golden: Callable[[str, str], None]
) -> None:
    """Each RIS file reads, field by field, into exactly the reviewed papers."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    digest = paperbib.loads(text, "ris", source=f"tests/fixtures/{name}")
    golden(name.removesuffix(".ris") + ".papers.json", papers_json(digest))


def test_a_database_export_reads_with_its_header_skipped() -> None:
    """CRLF lines, a header before the first record, A1 and AU mixed, continued values."""
    digest = load("ris-zotero.ris")
    assert digest.problems == ()
    lecun, mixtral, attention, chapter = digest
    assert lecun.authors == (
        Author(family="LeCun", given="Yann"),
        Author(family="Bengio", given="Yoshua"),
        Author(family="Hinton", given="Geoffrey"),
    )
    assert (lecun.issued, lecun.container_title, lecun.pages) == (
        PartialDate(2015, 5, 28),
        "Nature",
        "436-444",
    )
    assert lecun.abstract == (
        "Our own summary for this fixture: many layers of representation, learnt together."
    )
    assert (lecun.citation_key, lecun.keywords) == (
        "lecun2015deep",
        ("deep learning", "neural networks"),
    )
    assert (mixtral.kind, mixtral.arxiv, mixtral.container_title) == (
        Kind.PREPRINT,
        ArxivId("2401.04088"),
        None,
    )
    assert mixtral.authors[1:] == (
        Author(family="Casas", given="Diego", particle="de las"),
        Author(literal="Mistral AI"),
    )
    assert mixtral.author_count == 5
    assert mixtral.links == (
        Link("https://github.com/example/mixtral", LinkKind.CODE),
        Link("https://example.org/mixtral.pdf", LinkKind.PDF),
    )
    assert (attention.kind, attention.issued, attention.container_title) == (
        Kind.CONFERENCE_PAPER,
        PartialDate(2017, 12),
        "Advances in Neural Information Processing Systems",
    )
    assert attention.authors[2] == Author(family="King", given="Martin Luther", suffix="Jr.")
    assert attention.author_count is None, "a note of the user's own says nothing of authors"
    assert (chapter.kind, chapter.container_title) == (
        Kind.BOOK_CHAPTER,
        "Proceedings of a Fixture Meeting",
    )


def test_a_broken_record_is_a_problem_and_the_rest_reads() -> None:
    """A record without ER, tags without TY, bad values and a cut-off record are reported."""
    digest = load("ris-broken.ris")
    assert [p.title for p in digest] == [
        "A First Record That Reads Fine",
        "A Second Record That Reads Fine",
        "A Record With Bad Values",
    ]
    assert (digest[2].issued, digest[2].doi, digest[2].links) == (None, None, ())
    problems: dict[int | None, list[str]] = {}
    for problem in digest.problems:
        problems.setdefault(problem.line, []).append(problem.message)
    assert sorted(problems) == [7, 18, 22, 29]
    assert "no 'ER  - ' line before the next record starts on line 12" in problems[7][0]
    assert "lines 18-20 belong to no record" in problems[18][0]
    assert len(problems[22]) == 3
    assert "no 'ER  - ' line before the file ends" in problems[29][0]


def test_a_value_broken_by_a_unicode_line_separator_is_one_line() -> None:
    """U+2028 inside a title is a line end to some readers: it becomes a space."""
    (paper,) = read("TY  - JOUR\nTI  - First half\u2028second half\nER  - \n")
    assert isinstance(paper, Paper)
    assert paper.title == "First half second half"


def test_a_family_name_alone_is_an_organisation_and_three_parts_have_a_suffix() -> None:
    """A name without a comma is written whole; Family, Given, Suffix has all three."""
    (paper,) = read("TY  - JOUR\nAU  - Acme Labs\nAU  - Berg, Jan, Jr.\nAU  - Ng,\nER  - \n")
    assert isinstance(paper, Paper)
    assert paper.authors == (
        Author(literal="Acme Labs"),
        Author(family="Berg", given="Jan", suffix="Jr."),
        Author(family="Ng"),
    )


def test_ris_is_recognised_by_its_content() -> None:
    """Without a format name or file ending, RIS goes to the RIS reader."""
    for name in ("ris-zotero.ris", "ris-broken.ris"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        assert registry.sniff_reader(text, "", "<string>").name == "ris"


# --- Zotero's import test cases -------------------------------------------------------


def zotero_cases() -> list[dict[str, Any]]:
    if not ZOTERO_RIS_CASES.exists():
        return []
    cases: list[dict[str, Any]] = json.loads(ZOTERO_RIS_CASES.read_text(encoding="utf-8"))
    return cases


def zotero_date(date: str | None) -> PartialDate | None:
    return None if date is None else PartialDate.parse(date)


@pytest.mark.parametrize("case", zotero_cases(), ids=lambda case: f"case{case['i']}")
def test_zoteros_import_cases_read_as_zotero_reads_them(case: dict[str, Any]) -> None:
    """Titles, names, dates, DOIs, venues and tags as Zotero's RIS translator expects them."""
    digest = paperbib.loads(case["input"], "ris")
    assert len(digest) == len(case["items"])
    for paper, item in zip(digest, case["items"], strict=True):
        assert paper.title == item.get("title")
        assert [(a.family, a.given) for a in paper.authors] == [
            (c["lastName"], c["firstName"]) for c in item["creators"]
        ]
        assert paper.issued == zotero_date(item.get("date"))
        assert paper.doi == (item["DOI"].lower() if "DOI" in item else None)
        assert paper.container_title == item.get("publicationTitle")
        assert sorted(paper.keywords) == sorted(tag["tag"] for tag in item["tags"])
        assert [link.url for link in paper.links] == ([item["url"]] if "url" in item else [])
