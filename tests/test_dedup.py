"""Papers named by several inputs are merged once, richly, and never wrongly."""

from __future__ import annotations

import datetime as dt

from paperbib import Author, Kind, Link, LinkKind, Paper, PartialDate, Provenance
from paperbib.dedup import deduplicate, same_paper

TITLE = "Attention Is All You Need"


def test_same_doi_or_arxiv_id_is_one_paper_whatever_the_title() -> None:
    """A shared DOI, or a shared arXiv id in any version, makes two records one paper."""
    assert same_paper(
        Paper(title="A", doi="10.1000/x"), Paper(title="B", doi="https://doi.org/10.1000/X")
    )
    assert same_paper(Paper(arxiv="1706.03762v1"), Paper(arxiv="arXiv:1706.03762v7"))


def test_title_matches_across_markup_case_and_accents_within_the_year_window() -> None:
    """Titles equal after normalisation match when the years are at most three apart."""
    digest = Paper(title="Re$^3$Dial: Retrieve, Reorganize", issued=PartialDate(2023, 5, 4))
    published = Paper(title="re3dial: retrieve reorganize", issued=PartialDate(2025))
    too_late = Paper(title="Re3Dial: Retrieve, Reorganize", issued=PartialDate(2027))
    assert same_paper(digest, published)
    assert not same_paper(digest, too_late)


def test_different_dois_are_never_merged_and_are_reported() -> None:
    """One title with two DOIs stays two papers, and the disagreement is reported."""
    a = Paper(
        title=TITLE, doi="10.1000/a", provenance={"title": Provenance("bibtex", "refs.bib:3")}
    )
    b = Paper(title=TITLE, doi="10.1000/b")
    result = deduplicate([a, b])
    assert result.papers == (a, b)
    [conflict] = result.conflicts
    assert "10.1000/a" in conflict
    assert "10.1000/b" in conflict
    assert "refs.bib:3" in conflict


def test_merge_keeps_the_richest_value_of_each_field() -> None:
    """The merged paper has the longest abstract, fullest authors, most precise date, all links."""
    page = Paper(
        title=TITLE,
        abstract="Short.",
        author_count=8,
        issued=PartialDate(2017, 6, 12),
        listed=dt.date(2017, 6, 13),
        upvotes=97,
        kind=Kind.PREPRINT,
        links=[Link("https://github.com/tensorflow/tensor2tensor", LinkKind.CODE)],
        provenance={"upvotes": Provenance("hf-page", "page.txt:5")},
    )
    names = tuple(Author(family=f"Author{i}", given="A.") for i in range(8))
    record = Paper(
        title=TITLE,
        abstract="A much longer abstract that says more about the paper.",
        authors=names,
        doi="10.5555/3295222.3295349",
        issued=PartialDate(2017),
        upvotes=12,
        kind=Kind.CONFERENCE_PAPER,
        container_title="NeurIPS",
        links=[
            Link("https://github.com/tensorflow/tensor2tensor/", LinkKind.CODE),
            Link("https://arxiv.org/abs/1706.03762", LinkKind.PAPER_PAGE),
        ],
        keywords=["transformers"],
        provenance={"doi": Provenance("crossref", "10.5555/3295222.3295349", 0.98)},
    )
    [merged] = deduplicate([page, record]).papers
    assert merged.abstract == record.abstract
    assert merged.authors == names
    assert merged.author_count == 8
    assert merged.issued == PartialDate(2017, 6, 12)
    assert merged.listed == dt.date(2017, 6, 13)
    assert merged.upvotes == 97
    assert merged.kind is Kind.CONFERENCE_PAPER
    assert merged.doi == record.doi
    assert merged.container_title == "NeurIPS"
    assert [link.url for link in merged.links] == [
        "https://github.com/tensorflow/tensor2tensor",
        "https://arxiv.org/abs/1706.03762",
    ]
    assert merged.provenance["upvotes"] == Provenance("hf-page", "page.txt:5")
    assert merged.provenance["doi"].source == "crossref"


def test_order_of_first_appearance_is_kept() -> None:
    """Merged papers stand where their first record stood; unrelated papers are untouched."""
    a, b = Paper(title="First paper"), Paper(title="Second paper")
    a_again = Paper(title="FIRST PAPER", upvotes=3)
    result = deduplicate([a, b, a_again])
    assert [p.title for p in result.papers] == ["First paper", "Second paper"]
    assert result.papers[0].upvotes == 3
    assert result.papers[1] is b
    assert result.conflicts == ()


def test_identifier_links_records_even_when_titles_differ() -> None:
    """A record known by arXiv id joins the page record that found the same id later."""
    ids_only = Paper(arxiv="1706.03762")
    titled = Paper(title=TITLE, arxiv="1706.03762v5", author_count=8)
    [merged] = deduplicate([ids_only, titled]).papers
    assert merged.title == TITLE
    assert merged.arxiv is not None
    assert merged.arxiv.version == 5
