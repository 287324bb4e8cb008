"""From a preprint to its published version, and the evidence for each upgrade.

A preprint found on arXiv may have been published since. Its published
version is found in one of three ways, most trusted first:

``arxiv-doi``
    The DOI arXiv records for the preprint, which its authors add once the
    paper is published: the Crossref record of that DOI is the published
    version, unless its title plainly differs (a DOI of something else).
``crossref-relation``
    Crossref relation data: a published record whose ``has-preprint`` names
    the preprint's arXiv id (found among search results), or the preprint's
    own Crossref record (a preprint server that registers DOIs with Crossref)
    whose ``is-preprint-of`` names the published DOI.
``crossref-search``
    A Crossref search on the title and the first author's family name. A
    result is taken only if the same people wrote it (the names rule of
    :func:`~paperbib.enrich.matching.same_people`: the same first author, the
    shorter list within the longer) and its title matches strongly (a
    similarity of at least :data:`~paperbib.enrich.matching.MATCH_THRESHOLD`)
    or, when its subtitle changed, was dropped or was added, its main title is
    the preprint's; it must also be published no earlier than the preprint's
    year, and be a published kind of work (not another preprint). Two such
    results close together are ambiguous and upgrade nothing. A same-title
    record by people who merely overlap never qualifies: another paper of that
    title by partly the same group (a workshop version, a namesake) is as
    likely as a reordered byline, and citing the preprint is never wrong.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import field, frozen

from paperbib.enrich.crossref import work_to_paper
from paperbib.enrich.matching import (
    AMBIGUITY_MARGIN,
    DOI_TITLE_FLOOR,
    MATCH_THRESHOLD,
    Candidate,
    Outcome,
    Verdict,
    family_key,
    judge,
    same_main_title,
    same_people,
    title_similarity,
)
from paperbib.model import Kind, Paper, normalise_doi
from paperbib.text import normalise_title

__all__ = [
    "PUBLISHED_KINDS",
    "Evidence",
    "Upgrade",
    "is_preprint_of",
    "preprint_year",
    "search_query",
    "through_doi",
    "through_search",
]

#: Kinds of record that can be a preprint's published version.
PUBLISHED_KINDS = frozenset(
    {Kind.JOURNAL_ARTICLE, Kind.CONFERENCE_PAPER, Kind.BOOK_CHAPTER, Kind.REPORT}
)


class Evidence(enum.StrEnum):
    """How a preprint's published version was found."""

    ARXIV_DOI = "arxiv-doi"
    CROSSREF_RELATION = "crossref-relation"
    CROSSREF_SEARCH = "crossref-search"


@frozen
class Upgrade:
    """A preprint's published version: its DOI, how it was found, and why it was believed.

    ``preprint`` names the preprint upgraded: ``arXiv:ID``, else ``doi:DOI``.
    """

    preprint: str
    doi: str
    evidence: Evidence
    score: float
    detail: str
    record: Paper = field(eq=False, repr=False)


def _identity(preprint: Paper) -> str:
    if preprint.arxiv is not None:
        return f"arXiv:{preprint.arxiv.id}"
    return f"doi:{preprint.doi}"


def preprint_year(preprint: Paper) -> int | None:
    """The year the preprint first appeared: its date or its arXiv id, whichever is earlier."""
    years = [] if preprint.issued is None else [preprint.issued.year]
    if preprint.arxiv is not None and "/" not in preprint.arxiv.id:
        years.append(2000 + int(preprint.arxiv.id[:2]))
    return min(years, default=None)


def search_query(preprint: Paper) -> str | None:
    """What the published version is searched by: title and the first author's family name."""
    families = [key for key in map(family_key, preprint.authors) if key]
    if not preprint.title or not families:
        return None
    return f"{normalise_title(preprint.title)} {families[0]}"


def is_preprint_of(work: Mapping[str, Any]) -> list[str]:
    """The DOIs a Crossref record says it is the preprint of (``relation.is-preprint-of``)."""
    relation = work.get("relation")
    related = relation.get("is-preprint-of") if isinstance(relation, dict) else None
    dois = []
    for entry in related if isinstance(related, list) else []:
        if isinstance(entry, dict) and str(entry.get("id-type", "")).lower() == "doi":
            try:
                dois.append(normalise_doi(str(entry.get("id", ""))))
            except ValueError:
                continue
    return dois


def through_doi(
    preprint: Paper, work: Mapping[str, Any] | None, evidence: Evidence, detail: str
) -> Upgrade | None:
    """The published version a DOI leads to, if its record is one and its title fits."""
    record = None if work is None else work_to_paper(work)
    if record is None or record.doi is None or record.kind not in PUBLISHED_KINDS:
        return None
    score = 1.0
    if preprint.title and record.title:
        score = round(title_similarity(preprint.title, record.title), 3)
    if score < DOI_TITLE_FLOOR:
        return None
    return Upgrade(_identity(preprint), record.doi, evidence, score, detail, record)


def _shared_authors(preprint: Paper, record: Paper) -> tuple[int, int]:
    """Family names the two share, and the length of the shorter list of names."""
    ours = {key for key in map(family_key, preprint.authors) if key}
    theirs = {key for key in map(family_key, record.authors) if key}
    return len(ours & theirs), min(len(ours), len(theirs))


def _names_its_preprint(preprint: Paper, record: Paper) -> bool:
    return (
        preprint.arxiv is not None
        and record.arxiv is not None
        and record.arxiv.id == preprint.arxiv.id
    )


def _why_not(preprint: Paper, record: Paper) -> str | None:
    """Why a search result cannot be the preprint's published version, if it cannot."""
    if record.kind not in PUBLISHED_KINDS:
        return f"a {record.kind.value} record, not a published version"
    if _names_its_preprint(preprint, record):
        return None
    year = preprint_year(preprint)
    if record.year is None or (year is not None and record.year < year):
        return f"published {record.year or 'in an unknown year'}, before the preprint ({year})"
    title = title_similarity(preprint.title or "", record.title or "")
    if title < MATCH_THRESHOLD and not same_main_title(preprint.title or "", record.title or ""):
        return f"title similarity {title:.2f}, below {MATCH_THRESHOLD}"
    if not same_people(preprint, record):
        shared, shorter = _shared_authors(preprint, record)
        return f"not the same people: shares {shared} of {shorter} family names"
    return None


def through_search(
    preprint: Paper, works: Iterable[Mapping[str, Any]]
) -> tuple[Outcome, Upgrade | None]:
    """The published version among search results, if exactly one qualifies; and the outcome."""
    judged: dict[str, tuple[Candidate, Paper]] = {}
    for work in works:
        record = work_to_paper(work)
        if record is None or record.doi is None:
            continue
        candidate = judge(preprint, record)
        reason = candidate.rejected or _why_not(preprint, record)
        if reason is None and candidate.score < MATCH_THRESHOLD:
            reason = f"score {candidate.score:.2f}, below {MATCH_THRESHOLD}"
        candidate = attrs.evolve(candidate, rejected=reason)
        if record.doi not in judged or candidate.score > judged[record.doi][0].score:
            judged[record.doi] = (candidate, record)
    ranked = sorted(judged.values(), key=lambda pair: -pair[0].score)
    candidates = tuple(candidate for candidate, _ in ranked)
    viable = [(c, r) for c, r in ranked if c.rejected is None]
    if not viable:
        best = ranked[0][0].score if ranked else None
        return Outcome(Verdict.NOT_FOUND, best, candidates=candidates), None
    best = viable[0][0].score
    if len([c for c, _ in viable if c.score >= best - AMBIGUITY_MARGIN]) > 1:
        return Outcome(Verdict.AMBIGUOUS, best, candidates=candidates), None
    chosen, record = viable[0]
    assert record.doi is not None
    outcome = Outcome(Verdict.MATCHED, chosen.score, record.doi, candidates, record=record)
    if _names_its_preprint(preprint, record):
        detail = f"Crossref's record {record.doi} names arXiv:{record.arxiv} as its preprint"
        evidence = Evidence.CROSSREF_RELATION
        upgrade = Upgrade(_identity(preprint), record.doi, evidence, chosen.score, detail, record)
        return outcome, upgrade
    shared, shorter = _shared_authors(preprint, record)
    title = title_similarity(preprint.title or "", record.title or "")
    # Taken below the threshold only for the preprint's main title by its people (_why_not).
    retitled = ", the same main title under another subtitle" if title < MATCH_THRESHOLD else ""
    detail = (
        f"title similarity {title:.2f}{retitled}, {shared} of {shorter} family names shared, "
        f"published {record.year} (preprint {preprint_year(preprint)})"
    )
    evidence = Evidence.CROSSREF_SEARCH
    return outcome, Upgrade(_identity(preprint), record.doi, evidence, chosen.score, detail, record)
