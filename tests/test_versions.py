"""A preprint's published version found by search: a changed subtitle, told apart by its people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from standins import StartArxivStandin, StartStandin

from paperbib.enrich import Verdict, enrich
from paperbib.enrich.versions import Evidence, through_search
from paperbib.model import ArxivId, Author, Kind, Paper, PartialDate

MAIN_TITLE = "Sparse Lattice Priors for Ocean Forecasting"
PREPRINT_TITLE = f"{MAIN_TITLE}: A Case Study"
PEOPLE = ["Okafor", "Lindqvist", "Tanaka", "Moreau"]


def preprint() -> Paper:
    """The preprint as arXiv completes it: its title, its four authors, its id and date."""
    return Paper(
        title=PREPRINT_TITLE,
        authors=[Author(family=name, given="A.") for name in PEOPLE],
        author_count=len(PEOPLE),
        arxiv=ArxivId("2405.99101"),
        issued=PartialDate(2024, 5, 2),
        kind=Kind.PREPRINT,
    )


def work(
    doi: str, title: str, families: list[str], *, subtitle: str | None = None
) -> dict[str, Any]:
    """A Crossref journal article of 2025, in Crossref's JSON shape."""
    record: dict[str, Any] = {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": [
            {"given": "A.", "family": family, "sequence": "first" if i == 0 else "additional"}
            for i, family in enumerate(families)
        ],
        "container-title": ["Journal of Invented Oceans"],
        "issued": {"date-parts": [[2025, 3]]},
        "volume": "4",
        "page": "10-20",
    }
    if subtitle is not None:
        record["subtitle"] = [subtitle]
    return record


RETITLED = work("10.5555/versions.retitled", MAIN_TITLE, PEOPLE, subtitle="Methods and Limits")


def test_a_published_version_under_another_subtitle_by_the_same_people_is_taken() -> None:
    """Same main title, same four people (one added in print): the preprint is upgraded to it."""
    grown = work("10.5555/versions.grown", MAIN_TITLE, [*PEOPLE, "Haddad"])
    for record in (RETITLED, grown):
        outcome, upgrade = through_search(preprint(), [record])
        assert outcome.verdict is Verdict.MATCHED
        assert upgrade is not None
        assert (upgrade.doi, upgrade.evidence) == (record["DOI"], Evidence.CROSSREF_SEARCH)
        assert "another subtitle" in upgrade.detail


def test_a_same_main_title_paper_by_other_people_is_rejected() -> None:
    """Another paper sharing the main title, by strangers, is never the published version."""
    stranger = work(
        "10.5555/versions.stranger", MAIN_TITLE, ["Silva", "Petrov", "Jensen", "Kaur"],
        subtitle="Methods and Limits",
    )  # fmt: skip
    outcome, upgrade = through_search(preprint(), [stranger])
    assert (outcome.verdict, upgrade) == (Verdict.NOT_FOUND, None)
    assert outcome.candidates[0].rejected


def test_a_same_main_title_paper_by_overlapping_people_is_rejected() -> None:
    """Sharing the first author and half the names is not the same people: no upgrade."""
    for families in (
        ["Okafor", "Lindqvist", "Silva", "Petrov"],  # the same first author, half the list
        ["Lindqvist", "Okafor", "Tanaka", "Moreau"],  # every name, another first author
    ):
        record = work("10.5555/versions.overlap", MAIN_TITLE, families, subtitle="New Baselines")
        outcome, upgrade = through_search(preprint(), [record])
        assert (outcome.verdict, upgrade) == (Verdict.NOT_FOUND, None)
        assert outcome.candidates[0].rejected


def test_a_same_title_paper_by_overlapping_people_is_rejected() -> None:
    """The preprint's exact title by people who share only half its names: no upgrade."""
    for families in (
        ["Lindqvist", "Tanaka", "Silva", "Petrov"],  # half the names, another first author
        ["Okafor", "Lindqvist", "Silva", "Petrov"],  # the same first author, half the list
    ):
        record = work("10.5555/versions.namesake", PREPRINT_TITLE, families)
        outcome, upgrade = through_search(preprint(), [record])
        assert (outcome.verdict, upgrade) == (Verdict.NOT_FOUND, None)
        assert outcome.candidates[0].rejected == "not the same people: shares 2 of 4 family names"


def test_two_retitled_versions_by_the_same_people_are_ambiguous() -> None:
    """Two same-main-title records by the preprint's people: neither is chosen, both reported."""
    other = work("10.5555/versions.other", MAIN_TITLE, PEOPLE, subtitle="New Baselines")
    outcome, upgrade = through_search(preprint(), [RETITLED, other])
    assert (outcome.verdict, upgrade) == (Verdict.AMBIGUOUS, None)
    assert {c.doi for c in outcome.candidates} == {RETITLED["DOI"], other["DOI"]}


def test_the_default_pipeline_cites_the_retitled_version_and_not_the_namesake(
    arxiv_standin: StartArxivStandin, crossref_standin: StartStandin
) -> None:
    """A digest preprint with arXiv's authors is cited as its retitled version, not a namesake's."""
    namesake_title = "Sparse Lattice Priors for Ocean Forecasting at Depth: New Baselines"
    namesake_main = "Graph Kernels Help Robust Speech Recognition"
    arxiv_records = [
        {
            "id": "2405.99101",
            "versions": ["2024-05-02T09:00:00Z"],
            "title": PREPRINT_TITLE,
            "summary": "Invented record: sparse lattice priors for ocean current forecasts.",
            "authors": [f"A. {name}" for name in PEOPLE],
            "primary_category": "cs.LG",
            "categories": ["cs.LG"],
        },
        {
            "id": "2405.99102",
            "versions": ["2024-05-03T09:00:00Z"],
            "title": f"{namesake_main}: A Closer Look",
            "summary": "Invented record: graph kernels as a front end for recognising speech.",
            "authors": ["B. Nguyen", "B. Larsen", "B. Costa"],
            "primary_category": "cs.CL",
            "categories": ["cs.CL"],
        },
    ]
    corpus = [
        RETITLED,
        work("10.5555/versions.depth", namesake_title, PEOPLE),
        work("10.5555/versions.namesake", namesake_main, ["Silva", "Petrov", "Jensen"],
             subtitle="Theory and Practice"),
    ]  # fmt: skip
    papers = [
        Paper(
            title=record["title"],
            author_count=len(record["authors"]),
            arxiv=ArxivId(record["id"]),
            issued=PartialDate(2024, 5, 20),
            listed=dt.date(2024, 5, 20),
            kind=Kind.PREPRINT,
        )
        for record in arxiv_records
    ]
    arxiv, crossref = arxiv_standin(arxiv_records, interval_s=0.05), crossref_standin(corpus)
    result = enrich(
        papers,
        arxiv_url=arxiv.url,
        arxiv_interval=0.05,
        crossref_url=crossref.url,
        mailto="librarian@example.org",
        cache=None,
    )
    retitled, other = result.papers
    assert (retitled.doi, retitled.kind) == (RETITLED["DOI"], Kind.JOURNAL_ARTICLE)
    assert retitled.arxiv == ArxivId("2405.99101")
    assert other.kind is Kind.PREPRINT
    assert other.doi == "10.48550/arxiv.2405.99102"
    assert [u is not None for u in result.upgrades] == [True, False]
