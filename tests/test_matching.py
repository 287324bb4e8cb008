"""Matching a digest's paper to Crossref works: precise, and abstaining when unsure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from paperbib.enrich.matching import (
    MATCH_THRESHOLD,
    Verdict,
    confirm,
    decide,
    title_similarity,
)
from paperbib.model import ArxivId, Author, Paper
from paperbib.text import normalise_title

TITLE = "Re$^3$Dial: Retrieve, Reorganize and Rescale Dialogue Corpus for Long-Turn Pre-training"
LISTED = dt.date(2024, 12, 11)


def work(
    doi: str,
    title: str,
    *,
    type: str = "journal-article",
    year: int = 2025,
    authors: int | list[str] = 5,
    **fields: Any,
) -> dict[str, Any]:
    """A work as Crossref's /works answer shapes it."""
    names = [f"Author{i}" for i in range(authors)] if isinstance(authors, int) else authors
    return {
        "DOI": doi,
        "type": type,
        "title": [title],
        "author": [{"given": "A.", "family": name, "sequence": "additional"} for name in names],
        "issued": {"date-parts": [[year, 3]]},
        "container-title": ["Journal of Dialogue Systems"],
        **fields,
    }


def digest_paper(title: str = TITLE, **fields: Any) -> Paper:
    """A paper as a Daily Papers digest gives it: a title, an author count, a listing date."""
    fields.setdefault("author_count", 5)
    return Paper(title=title, listed=LISTED, **fields)


def test_an_exact_title_matches() -> None:
    """The record with the digest's title, year and author count is matched, with its DOI."""
    outcome = decide(digest_paper(), [work("10.5555/dial.1", TITLE)])
    assert outcome.verdict is Verdict.MATCHED
    assert outcome.doi == "10.5555/dial.1"
    assert outcome.score is not None
    assert outcome.score >= MATCH_THRESHOLD
    assert outcome.record is not None
    assert outcome.record.container_title


@pytest.mark.parametrize(
    ("digest_title", "crossref_title"),
    [
        pytest.param("Deep Residual Learning for Image Recognition",
                     "DEEP RESIDUAL LEARNING FOR IMAGE RECOGNITION", id="case"),
        pytest.param("Schrodinger Bridges for Unpaired Image Translation",
                     "Schrödinger Bridges for Unpaired Image Translation", id="accents"),
        pytest.param("Long-Turn Dialogue Pre-training, Revisited.",
                     "Long Turn Dialogue Pretraining Revisited", id="punctuation"),
        pytest.param(TITLE,
                     "Re<sup>3</sup>Dial: Retrieve, Reorganize and Rescale Dialogue Corpus "
                     "for Long-Turn Pre-training", id="latex-vs-html"),
        pytest.param("$\\alpha$-Blending of \\textit{Sparse} Experts",
                     "\N{GREEK SMALL LETTER ALPHA}-Blending of <i>Sparse</i> Experts",
                     id="latex-commands"),
        pytest.param("Spectral Normalisation for Generative Adversarial Networks",
                     "Spectral Normalization for Generative Adversarial Networks",
                     id="spelling"),
    ],
)  # fmt: skip
def test_titles_differing_only_in_form_match(digest_title: str, crossref_title: str) -> None:
    """Case, accents, punctuation, LaTeX versus HTML and spelling do not stop a match."""
    outcome = decide(digest_paper(digest_title), [work("10.5555/x.1", crossref_title)])
    assert outcome.verdict is Verdict.MATCHED
    assert outcome.doi == "10.5555/x.1"


MAIN_TITLE = "Sparse Routing for Mixture-of-Experts Models"
# Words of our own: a preprint's abstract, and the same abstract as published.
PREPRINT_ABSTRACT = (
    "We route each token to a few experts chosen by a learned gate and show that expert "
    "collapse, where most tokens reach the same expert, follows from a feedback loop between "
    "the gate and the load. Balancing the load with a small auxiliary loss and resetting idle "
    "experts keeps every expert busy and improves perplexity on three language modelling "
    "benchmarks without extra compute."
)
PUBLISHED_ABSTRACT = PREPRINT_ABSTRACT.replace("three", "four").replace("small", "simple")
OTHER_ABSTRACT = (
    "Sparse expert layers are hard to serve because the experts a batch needs change from "
    "step to step. We present a scheduler that prefetches experts from host memory, predicts "
    "the next layer's routing from the current one, and overlaps transfers with computation, "
    "cutting serving latency in half on commodity graphics cards."
)


def subtitled(doi: str, subtitle: str, **fields: Any) -> dict[str, Any]:
    """A record whose main title is MAIN_TITLE and whose subtitle is its own."""
    return work(doi, MAIN_TITLE, subtitle=[subtitle], **fields)


@pytest.mark.parametrize(
    ("paper_fields", "record_fields"),
    [
        pytest.param(
            {"authors": [Author("Okafor"), Author("Lindqvist")], "author_count": 5},
            {"authors": ["Okafor", "Lindqvist", "Tanaka", "Moreau", "Novak"]},
            id="family-names",
        ),
        pytest.param(
            {"abstract": PREPRINT_ABSTRACT},
            {"abstract": f"<jats:p>{PUBLISHED_ABSTRACT}</jats:p>"},
            id="abstract",
        ),
    ],
)
def test_a_changed_subtitle_matches_when_names_or_abstract_confirm_it(
    paper_fields: dict[str, Any], record_fields: dict[str, Any]
) -> None:
    """A rewritten subtitle under the same main title matches when names or abstract agree."""
    paper = digest_paper(f"{MAIN_TITLE}: A Study of Expert Collapse", **paper_fields)
    published = subtitled("10.5555/moe.7", "Preventing Expert Collapse at Scale", **record_fields)
    assert decide(paper, [published]).doi == "10.5555/moe.7"


def test_a_same_main_title_with_only_the_author_count_in_common_is_not_matched() -> None:
    """Same main title, same author count, no abstract or names: no DOI is written."""
    paper = digest_paper(f"{MAIN_TITLE}: A Study of Expert Collapse", author_count=5)
    other = subtitled("10.5555/moe.other", "Serving Experts on Small Devices", authors=5)
    outcome = decide(paper, [other])
    assert (outcome.verdict, outcome.doi) == (Verdict.NOT_FOUND, None)
    assert outcome.candidates[0].doi == "10.5555/moe.other"


def test_a_same_main_title_with_another_abstract_is_not_matched() -> None:
    """Same main title and author count but an abstract about something else: no match."""
    paper = digest_paper(f"{MAIN_TITLE}: A Study of Expert Collapse", abstract=PREPRINT_ABSTRACT)
    other = subtitled(
        "10.5555/moe.other",
        "Serving Experts on Small Devices",
        abstract=f"<jats:p>{OTHER_ABSTRACT}</jats:p>",
    )
    assert decide(paper, [other]).verdict is Verdict.NOT_FOUND


@pytest.mark.parametrize(
    "record_authors",
    [
        pytest.param(["Li", "Wang", "Moreau", "Haddad"], id="half-the-names"),
        pytest.param(["Haddad", "Wang", "Li", "Okafor", "Tanaka"], id="another-first-author"),
    ],
)
def test_names_shared_in_part_do_not_confirm_a_changed_subtitle(record_authors: list[str]) -> None:
    """Some names in common, or all under another first author, may be another paper's."""
    paper = digest_paper(
        f"{MAIN_TITLE}: A Study of Expert Collapse",
        authors=[Author("Wang"), Author("Li"), Author("Okafor"), Author("Tanaka")],
        author_count=4,
    )
    other = subtitled("10.5555/moe.other", "Serving Experts", authors=record_authors)
    assert decide(paper, [other]).verdict is Verdict.NOT_FOUND


def test_one_family_name_in_five_may_be_spelled_differently() -> None:
    """A published list with one of five names transliterated otherwise still confirms."""
    paper = digest_paper(
        f"{MAIN_TITLE}: A Study of Expert Collapse",
        authors=[Author(n) for n in ("Okafor", "Lindqvist", "Tanaka", "Moreau", "Novak")],
    )
    published = subtitled(
        "10.5555/moe.7",
        "Preventing Expert Collapse at Scale",
        authors=["Okafor", "Lindquist", "Tanaka", "Moreau", "Novak"],
    )
    assert decide(paper, [published]).doi == "10.5555/moe.7"


@pytest.mark.parametrize(
    ("given_names", "confirms"),
    [
        pytest.param(["J.", "X.", "M."], True, id="initials"),
        pytest.param([None, None, None], True, id="no-given-names"),
        pytest.param(["Yu", "Xiao", "Ming"], False, id="another-first-author"),
        pytest.param(["Jun", "Hui", "Ming"], False, id="another-co-author"),
    ],
)
def test_family_names_under_other_given_initials_are_other_people(
    given_names: list[str | None], confirms: bool
) -> None:
    """Wang, Li and Chen confirm a changed subtitle only if their given names may be the same."""
    paper = digest_paper(
        f"{MAIN_TITLE}: A Study of Expert Collapse",
        authors=[Author("Wang", "Jun"), Author("Li", "Xiao"), Author("Chen", "Ming")],
        author_count=3,
    )
    byline = [
        {"family": family, "sequence": "additional"} | ({"given": given} if given else {})
        for family, given in zip(["Wang", "Li", "Chen"], given_names, strict=True)
    ]
    published = subtitled("10.5555/moe.wang", "Serving Experts", author=byline)
    assert (decide(paper, [published]).doi == "10.5555/moe.wang") is confirms


ROUTING = "Learning to Route Tokens Between Sparse Experts in Large Multilingual Models for {}"
TEAM = ["Okafor", "Lindqvist", "Tanaka", "Moreau", "Novak"]


def test_the_same_authors_paper_one_word_away_is_not_matched() -> None:
    """Names and count that agree do not make up for a changed content word in the title."""
    paper = digest_paper(
        ROUTING.format("Low-Resource Machine Translation"), authors=[Author(n) for n in TEAM]
    )
    follow_up = work(
        "10.5555/route.2", ROUTING.format("Low-Resource Speech Translation"), authors=TEAM
    )
    assert decide(paper, [follow_up]).verdict is Verdict.NOT_FOUND
    unnamed = decide(digest_paper(paper.title, author_count=5), [follow_up])
    assert unnamed.verdict is Verdict.NOT_FOUND


def preprint_record(**fields: Any) -> dict[str, Any]:
    """A preprint server's record of the digest's paper: its title, its authors."""
    title = f"{MAIN_TITLE}: A Study of Expert Collapse"
    return work("10.5555/moe.pre", title, type="posted-content", year=2024, authors=TEAM, **fields)


def test_a_retitled_published_version_is_cited_over_its_preprint_record() -> None:
    """The preprint record's authors confirm its published version despite a changed subtitle."""
    paper = digest_paper(f"{MAIN_TITLE}: A Study of Expert Collapse")
    published = subtitled("10.5555/moe.7", "Preventing Expert Collapse at Scale", authors=TEAM)
    outcome = decide(paper, [preprint_record(), published])
    assert (outcome.verdict, outcome.doi) == (Verdict.MATCHED, "10.5555/moe.7")
    assert [c.doi for c in outcome.candidates] == ["10.5555/moe.pre", "10.5555/moe.7"]


def test_a_preprint_records_namesake_is_not_its_published_version() -> None:
    """Another paper sharing the main title, by other people, leaves the preprint record cited."""
    paper = digest_paper(f"{MAIN_TITLE}: A Study of Expert Collapse")
    namesake = subtitled(
        "10.5555/moe.other",
        "Serving Experts on Small Devices",
        authors=["Haddad", "Okafor", "Lindqvist", "Tanaka", "Mensah"],
    )
    outcome = decide(paper, [preprint_record(), namesake])
    assert (outcome.verdict, outcome.doi) == (Verdict.MATCHED, "10.5555/moe.pre")


def test_a_preprint_records_version_needs_its_people_not_only_its_title() -> None:
    """A published record far below the preprint record, by partly other people, is no version."""
    paper = digest_paper(f"{MAIN_TITLE}: A Study of Expert Collapse")
    extended = work(
        "10.5555/moe.next",
        f"{MAIN_TITLE}: A Study of Expert Collapse in Translation",
        authors=["Okafor", "Haddad", "Lindqvist", "Kaur", "Sato"],
    )
    outcome = decide(paper, [preprint_record(), extended])
    assert (outcome.verdict, outcome.doi) == (Verdict.MATCHED, "10.5555/moe.pre")


def test_a_published_record_that_is_no_match_does_not_displace_a_preprint_record() -> None:
    """A preprint record that matches is not given up for a published record that does not."""
    paper = digest_paper(f"{MAIN_TITLE}: A Study of Expert Collapse")
    reworded = work(
        "10.5555/moe.pre",
        "Sparse Routing in Mixture-of-Experts Models: A Study on Expert Collapse",
        type="posted-content",
        year=2024,
        authors=TEAM,
    )
    strangers = ["Haddad", "Kowalski", "Mensah", "Ivanova", "Rossi"]
    namesake = subtitled("10.5555/moe.other", "Serving Experts on Small Devices", authors=strangers)
    outcome = decide(paper, [reworded, namesake])
    # Within the ambiguity margin of each other, the two are a coin toss: no DOI.
    assert (outcome.verdict, outcome.doi) == (Verdict.AMBIGUOUS, None)


def test_a_correction_notice_is_not_the_paper() -> None:
    """Notices carrying the title (by update-to or by their wording) are never matched."""
    flagged = work(
        "10.5555/dial.c1",
        TITLE,
        **{"update-to": [{"DOI": "10.5555/dial.1", "type": "correction", "label": "Correction"}]},
    )
    worded = work("10.5555/dial.c2", f"Correction to: {TITLE}")
    alone = decide(digest_paper(), [flagged, worded])
    assert alone.verdict is Verdict.NOT_FOUND
    assert {c.doi for c in alone.candidates if c.rejected} == {"10.5555/dial.c1", "10.5555/dial.c2"}
    beside = decide(digest_paper(), [worded, flagged, work("10.5555/dial.1", TITLE)])
    assert (beside.verdict, beside.doi) == (Verdict.MATCHED, "10.5555/dial.1")


def test_a_peer_review_of_the_paper_is_not_the_paper() -> None:
    """A peer-review record with the paper's exact title is reported as rejected, not matched."""
    review = work("10.5555/dial.r1", TITLE, type="peer-review")
    outcome = decide(digest_paper(), [review])
    assert outcome.verdict is Verdict.NOT_FOUND
    assert outcome.doi is None
    (candidate,) = outcome.candidates
    assert candidate.doi == "10.5555/dial.r1"
    assert candidate.rejected is not None
    assert "peer-review" in candidate.rejected


def test_a_book_with_the_same_title_is_not_the_paper() -> None:
    """A monograph sharing the paper's title does not match."""
    book = work("10.5555/book.1", "Neural Machine Translation", type="book", authors=["Koehn"])
    paper = digest_paper("Neural Machine Translation", author_count=1)
    assert decide(paper, [book]).verdict is Verdict.NOT_FOUND


def test_a_same_title_paper_from_another_decade_is_not_the_paper() -> None:
    """Twenty years before the preprint, a record with the same title is another paper."""
    old = work("10.5555/old.1", TITLE, year=2004)
    outcome = decide(digest_paper(), [old])
    assert outcome.verdict is Verdict.NOT_FOUND
    assert outcome.candidates[0].rejected is not None


def test_publication_years_after_the_preprint_are_accepted_within_the_window() -> None:
    """Published two years after the listing still matches; six years after does not."""
    assert decide(digest_paper(), [work("10.5555/a", TITLE, year=2026)]).doi == "10.5555/a"
    late = decide(digest_paper(), [work("10.5555/a", TITLE, year=2030)])
    assert late.verdict is Verdict.NOT_FOUND


def test_two_near_identical_candidates_are_ambiguous() -> None:
    """Two distinct records that fit equally well: no DOI, both reported with their scores."""
    first = work("10.5555/twin.1", TITLE)
    second = work("10.5555/twin.2", TITLE.replace("$^3$", "<sup>3</sup>"), year=2026)
    outcome = decide(digest_paper(), [first, second])
    assert outcome.verdict is Verdict.AMBIGUOUS
    assert outcome.doi is None
    assert outcome.record is None
    assert {c.doi for c in outcome.candidates} == {"10.5555/twin.1", "10.5555/twin.2"}
    assert all(c.score >= MATCH_THRESHOLD for c in outcome.candidates)


def test_a_preprint_record_gives_way_to_its_published_version() -> None:
    """A posted-content record next to the journal article with the same title is no rival."""
    preprint = work("10.5555/pre.1", TITLE, type="posted-content", year=2024)
    article = work("10.5555/dial.1", TITLE)
    outcome = decide(digest_paper(), [preprint, article])
    assert (outcome.verdict, outcome.doi) == (Verdict.MATCHED, "10.5555/dial.1")


def test_a_title_with_one_content_word_changed_is_another_paper() -> None:
    """The record of a different paper whose title differs in one key word is not matched."""
    paper = digest_paper("Deep Residual Learning for Image Recognition")
    other = work("10.5555/other", "Deep Residual Learning for Image Restoration")
    assert decide(paper, [other]).verdict is Verdict.NOT_FOUND


def test_known_family_names_that_disagree_prevent_a_match() -> None:
    """The same title by entirely different authors is not the digest's paper."""
    named = digest_paper(authors=[Author("Okafor"), Author("Lindqvist")], author_count=2)
    strangers = work("10.5555/dial.9", TITLE, authors=["Tanaka", "Moreau"])
    assert decide(named, [strangers]).verdict is Verdict.NOT_FOUND
    colleagues = work("10.5555/dial.1", TITLE, authors=["Okafor", "Lindqvist"])
    assert decide(named, [strangers, colleagues]).doi == "10.5555/dial.1"


def test_a_same_title_record_by_partly_other_people_is_not_chosen_over_its_rival() -> None:
    """Names refute one of two same-title records and only overlap the other: no DOI is chosen."""
    named = digest_paper(authors=[Author("Okafor"), Author("Lindqvist")], author_count=2)
    overlapping = work("10.5555/dial.2", TITLE, authors=["Lindqvist", "Tanaka"])
    strangers = work("10.5555/dial.9", TITLE, authors=["Tanaka", "Moreau"], year=2026)
    outcome = decide(named, [overlapping, strangers])
    assert (outcome.verdict, outcome.doi) == (Verdict.AMBIGUOUS, None)
    assert {c.doi for c in outcome.candidates} == {"10.5555/dial.2", "10.5555/dial.9"}
    alone = decide(named, [overlapping])
    assert (alone.verdict, alone.doi) == (Verdict.MATCHED, "10.5555/dial.2")


def test_a_record_naming_the_digests_arxiv_preprint_matches_despite_a_new_title() -> None:
    """The publisher's has-preprint link to the same arXiv id identifies the paper."""
    paper = digest_paper(arxiv=ArxivId.parse("2412.01234"))
    retitled = work(
        "10.5555/new.1",
        "Scaling Dialogue Corpora by Retrieval",
        relation={
            "has-preprint": [{"id-type": "arxiv", "id": "2412.01234", "asserted-by": "subject"}]
        },
    )
    assert decide(paper, [retitled]).doi == "10.5555/new.1"
    other = work(
        "10.5555/new.2",
        TITLE,
        relation={
            "has-preprint": [{"id-type": "arxiv", "id": "2301.00001", "asserted-by": "subject"}]
        },
    )
    assert decide(paper, [other]).verdict is Verdict.NOT_FOUND


def test_no_results_is_not_found() -> None:
    """An empty search answer is not_found with no score."""
    outcome = decide(digest_paper(), [])
    assert (outcome.verdict, outcome.score, outcome.candidates) == (Verdict.NOT_FOUND, None, ())


def test_a_doi_lookup_confirms_the_record_unless_its_title_differs() -> None:
    """The digest's DOI is trusted, except when the record's title plainly is another paper's."""
    paper = digest_paper(doi="10.5555/dial.1")
    assert confirm(paper, work("10.5555/dial.1", TITLE)).verdict is Verdict.MATCHED
    typo = confirm(paper, work("10.5555/dial.1", "Protein Folding with Graph Kernels"))
    assert typo.verdict is Verdict.NOT_FOUND
    assert confirm(paper, None).verdict is Verdict.NOT_FOUND
    untitled = Paper(doi="10.5555/dial.1")
    assert confirm(untitled, work("10.5555/dial.1", TITLE)).verdict is Verdict.MATCHED


def test_normalised_titles_drop_markup_accents_and_punctuation() -> None:
    """Forms a title takes in digests and in Crossref normalise to the same words."""
    forms = [
        "Ré$^{3}$Dial & Friends: a <i>Study</i>",
        "RE<sup>3</sup>DIAL and friends - A study",
        "Re\\textsuperscript{3}Dial and Friends: A Study.",
    ]
    assert {normalise_title(form).replace(" ", "") for form in forms} == {"re3dialandfriendsastudy"}


def test_title_similarity_is_symmetric_and_bounded() -> None:
    """Similarity does not depend on argument order and stays within [0, 1]."""
    a, b = "Attention Is All You Need", "Attention Is Not All You Need: A Reply"
    assert title_similarity(a, b) == title_similarity(b, a)
    assert 0.0 <= title_similarity(a, b) < 1.0
    assert title_similarity(a, a) == 1.0
