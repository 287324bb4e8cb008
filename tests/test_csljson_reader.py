"""The reader for CSL-JSON: Zotero's and pandoc's exports and paperbib's own."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from paper_dump import papers_json

import paperbib
from paperbib import registry
from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext
from paperbib.readers.csljson import CslJsonReader

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> paperbib.Digest:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return paperbib.loads(text, "csljson", source=f"tests/fixtures/{name}")


def read(*items: Any) -> list[Paper | Problem]:
    return list(CslJsonReader().read(json.dumps(list(items), indent=2), ReadContext("refs.json")))


def one(item: dict[str, Any]) -> Paper:
    (paper,) = read({"id": "k", "type": "article-journal", **item})
    assert isinstance(paper, Paper), paper
    return paper


@pytest.mark.parametrize("name", ["csl-zotero.json", "csl-broken.json"])
def test_fixtures_read_as_the_reviewed_papers(
    name: str, golden: Callable[[str, str], None]
) -> None:
    """Each CSL-JSON file reads, field by field, into exactly the reviewed papers."""
    golden(name.removesuffix(".json") + ".papers.json", papers_json(load(name)))


def test_a_zotero_export_reads_with_types_names_dates_and_links() -> None:
    """Zotero's journal article and preprint, with particles, literal names and dates."""
    digest = load("csl-zotero.json")
    assert digest.problems == ()
    lecun, mixtral, attention, chapter, page = digest
    assert (lecun.kind, lecun.container_title, lecun.issue, lecun.pages) == (
        Kind.JOURNAL_ARTICLE,
        "Nature",
        "7553",
        "436-444",
    )
    assert lecun.issued == PartialDate(2015, 5, 28)
    assert lecun.links == (
        Link("https://www.nature.com/articles/nature14539", LinkKind.PAPER_PAGE),
    )
    assert lecun.citation_key is None, "a Zotero URI identifies a record, it is no citation key"
    assert (mixtral.kind, mixtral.arxiv, mixtral.publisher) == (
        Kind.PREPRINT,
        ArxivId("2401.04088"),
        None,
    )
    assert mixtral.links == (), "the arXiv abstract page is given by the id"
    assert mixtral.authors[1:] == (
        Author(family="Casas", given="Diego", particle="de las"),
        Author(literal="Mistral AI"),
    )
    assert mixtral.keywords == (
        "Computer Science - Computation and Language",
        "Computer Science - Machine Learning",
    )
    assert attention.citation_key == "vaswani2017attention"
    assert (attention.volume, attention.issued) == ("30", PartialDate(2017, 12))
    assert attention.authors[1:] == (
        Author(family="Berg", given="Jan", particle="van der"),
        Author(family="King", given="Martin Luther", suffix="Jr."),
    )
    assert (chapter.kind, chapter.issued, chapter.authors) == (
        Kind.BOOK_CHAPTER,
        PartialDate(1952),
        (Author(literal="Plato"),),
    )
    assert (page.kind, page.citation_key) == (Kind.OTHER, None)


def test_text_is_taken_as_written() -> None:
    """CSL-JSON is plain text: line breaks, backslashes and tags are not decoded."""
    paper = one({"title": "A <i>b</i> \\'e $x$", "abstract": "Line one.\nLine two."})
    assert paper.title == "A <i>b</i> \\'e $x$"
    assert paper.abstract == "Line one.\nLine two."


def test_paperbibs_custom_fields_come_back() -> None:
    """The arXiv id with its version, category, count, listing day, upvotes and typed links."""
    paper = one(
        {
            "author": [{"family": "Yu", "given": "Xi"}],
            "note": "5 authors (1 named)",
            "custom": {
                "arxiv": "2502.05424v2",
                "arxiv-category": "cs.LG",
                "author-count": 5,
                "listed": "2025-02-08",
                "upvotes": 12,
                "links": [{"url": "https://github.com/example/x", "kind": "code"}],
            },
        }
    )
    assert paper.arxiv == ArxivId("2502.05424", 2)
    assert (paper.arxiv_category, paper.author_count, paper.upvotes) == ("cs.LG", 5, 12)
    assert paper.listed == dt.date(2025, 2, 8)
    assert paper.links == (Link("https://github.com/example/x", LinkKind.CODE),)


def test_the_author_count_note_alone_gives_the_count() -> None:
    """Without ``custom``, the note paperbib writes still says how many authors there are."""
    assert one({"note": "7 authors"}).author_count == 7
    assert one({"note": "Read this twice."}).author_count is None


def test_a_broken_item_is_a_problem_and_the_rest_reads() -> None:
    """A nameless author, bad values, a non-object and a cut-off file are all reported."""
    digest = load("csl-broken.json")
    assert [p.citation_key for p in digest] == ["good2020", "badvalues2022"]
    bad = digest[1]
    assert (bad.issued, bad.doi, bad.upvotes) == (None, None, None)
    problems: dict[int | None, list[str]] = {}
    for problem in digest.problems:
        problems.setdefault(problem.line, []).append(problem.message)
    assert sorted(problems) == [9, 15, 23, 24]
    assert problems[9] == [
        "item 'nameless2021': author: name 2 ({}) has no family or literal name; not read"
    ]
    assert len(problems[15]) == 3
    assert any("'see the publisher' is not a DOI" in m for m in problems[15])
    assert any("upvotes: 'many' is not a whole number" in m for m in problems[15])
    assert problems[23] == ["this item is a JSON str, not an object"]
    # The cut-off item is cited where it starts; the message says where the file ends.
    assert problems[24][0].startswith("item 4 is cut off at line 27")
    assert "the items before it were read" in problems[24][0]


def test_a_single_item_object_reads_too() -> None:
    """A file holding one item, not an array of them, gives that item."""
    text = json.dumps({"id": "k", "type": "book", "title": "One"})
    (paper,) = CslJsonReader().read(text, ReadContext("one.json"))
    assert isinstance(paper, Paper)
    assert (paper.kind, paper.title) == (Kind.BOOK, "One")


def test_csl_json_is_told_from_hugging_face_json() -> None:
    """CSL items have a type and an id; the Hub's items have a paper or upvotes, no type."""
    ours = paperbib.dumps([Paper(title="T", upvotes=3, citation_key="k")], "csljson")
    assert registry.sniff_reader(ours, "", "<string>").name == "csljson"
    for name in ("csl-zotero.json", "csl-broken.json"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        assert registry.sniff_reader(text, "", "<string>").name == "csljson"
    for name in ("hf-json-daily.json", "hf-json-paper.json", "hf-json-item.json"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        assert not CslJsonReader().sniff(text), name
