"""Merging the papers that several inputs name twice.

Two papers are the same when they share a DOI, an arXiv id (any version), or a
normalised title with compatible years: a published version may come up to
:data:`YEARS_AFTER_PREPRINT` years after its preprint. Papers whose DOIs or
arXiv ids differ are never merged, whatever their titles: that disagreement is
reported, since one title with two DOIs is either two papers or an error only
the user can settle.

A merged paper keeps the richest value of each field, the union of links and
keywords, the highest upvote count, and the provenance of each value it kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
from attrs import frozen

from paperbib.model import Kind, Link, Paper, PartialDate, Provenance
from paperbib.text import normalise_title

__all__ = ["YEARS_AFTER_PREPRINT", "Deduplicated", "deduplicate", "same_paper"]

#: How many years a published version may follow its preprint.
YEARS_AFTER_PREPRINT = 3


@frozen
class Deduplicated:
    """The papers with duplicates merged, in order of first appearance, and the doubts met."""

    papers: tuple[Paper, ...]
    #: Human-readable notes on papers that looked alike but were kept apart.
    conflicts: tuple[str, ...]


def _years_compatible(a: PartialDate | None, b: PartialDate | None) -> bool:
    if a is None or b is None:
        return True
    return abs(a.year - b.year) <= YEARS_AFTER_PREPRINT


def _conflict(a: Paper, b: Paper) -> str | None:
    """Why two papers that look alike must stay apart, if they must."""
    if a.doi and b.doi and a.doi != b.doi:
        return f"different DOIs ({a.doi}, {b.doi})"
    if a.arxiv and b.arxiv and a.arxiv.id != b.arxiv.id:
        return f"different arXiv ids ({a.arxiv.id}, {b.arxiv.id})"
    return None


def same_paper(a: Paper, b: Paper) -> bool:
    """Whether two papers describe the same work (see the module docstring)."""
    if _conflict(a, b):
        return False
    if a.doi and a.doi == b.doi:
        return True
    if a.arxiv and b.arxiv and a.arxiv.id == b.arxiv.id:
        return True
    return bool(
        a.title
        and b.title
        and normalise_title(a.title) == normalise_title(b.title)
        and _years_compatible(a.issued, b.issued)
    )


def _where(paper: Paper) -> str:
    origin = paper.provenance.get("title") or next(iter(paper.provenance.values()), None)
    label = f"{paper.title!r}" if paper.title else (paper.doi or str(paper.arxiv or "a paper"))
    return f"{label} ({origin.location})" if origin and origin.location else label


def deduplicate(papers: Iterable[Paper]) -> Deduplicated:
    """Merge the papers that describe the same work; see the module docstring."""
    groups: list[list[Paper]] = []
    by_doi: dict[str, int] = {}
    by_arxiv: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}
    conflicts: list[str] = []
    for paper in papers:
        index = _find_group(paper, groups, by_doi, by_arxiv, by_title, conflicts)
        if index is None:
            index = len(groups)
            groups.append([paper])
        else:
            groups[index].append(paper)
        if paper.doi:
            by_doi.setdefault(paper.doi, index)
        if paper.arxiv:
            by_arxiv.setdefault(paper.arxiv.id, index)
        if paper.title:
            titles = by_title.setdefault(normalise_title(paper.title), [])
            if index not in titles:
                titles.append(index)
    return Deduplicated(tuple(merge(group) for group in groups), tuple(conflicts))


def _find_group(
    paper: Paper,
    groups: Sequence[list[Paper]],
    by_doi: dict[str, int],
    by_arxiv: dict[str, int],
    by_title: dict[str, list[int]],
    conflicts: list[str],
) -> int | None:
    """The group this paper joins, found through its identifiers first, then its title."""
    candidates: list[int] = []
    if paper.doi and paper.doi in by_doi:
        candidates.append(by_doi[paper.doi])
    if paper.arxiv and paper.arxiv.id in by_arxiv:
        candidates.append(by_arxiv[paper.arxiv.id])
    if paper.title:
        candidates += by_title.get(normalise_title(paper.title), [])
    for index in dict.fromkeys(candidates):  # in order, once each
        group = groups[index]
        reasons = sorted({r for other in group if (r := _conflict(paper, other))})
        if reasons:
            conflicts.append(
                f"{_where(paper)} and {_where(group[0])} look like one paper but have "
                f"{'; '.join(reasons)}: kept both"
            )
        elif any(same_paper(paper, other) for other in group):
            return index
    return None


# How to choose among the values the members of a group give for one field.
def _first(values: list[Any]) -> Any:
    return values[0]


def _longest(values: list[Any]) -> Any:
    return max(values, key=len)


def _most_precise(values: list[PartialDate]) -> PartialDate:
    # The most specific date; among equally specific ones, the earliest.
    return min(values, key=lambda d: (-len(d.parts), d))


def _most_specific_kind(values: list[Kind]) -> Kind:
    # A journal or conference kind says more than "preprint", which says more than "other".
    vagueness = {Kind.PREPRINT: 1, Kind.OTHER: 2}
    return min(values, key=lambda kind: vagueness.get(kind, 0))


def _richest_authors(values: list[Any]) -> Any:
    # More names first, then more given names and ORCIDs: "A. Smith" < "Alice Smith".
    return max(
        values,
        key=lambda authors: (len(authors), sum(bool(a.given) + bool(a.orcid) for a in authors)),
    )


def _union(values: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(v for value in values for v in value))


def _union_links(values: list[tuple[Link, ...]]) -> tuple[Link, ...]:
    seen: dict[str, Link] = {}
    for links in values:
        for link in links:
            seen.setdefault(link.url.rstrip("/"), link)
    return tuple(seen.values())


_CHOOSERS: dict[str, Callable[[list[Any]], Any]] = {
    "abstract": _longest,
    "authors": _richest_authors,
    "author_count": max,
    "issued": _most_precise,
    "listed": min,
    "arxiv": lambda ids: max(ids, key=lambda a: a.version or 0),
    "kind": _most_specific_kind,
    "links": _union_links,
    "upvotes": max,
    "keywords": _union,
}


def merge(group: Sequence[Paper]) -> Paper:
    """One paper holding the richest value of each field the group's members give."""
    if len(group) == 1:
        return group[0]
    changes: dict[str, Any] = {}
    provenance: dict[str, Provenance] = {}
    for field in attrs.fields(Paper):
        if field.name == "provenance":
            continue
        values = [getattr(p, field.name) for p in group]
        known = [v for v in values if v not in (None, ())]
        if not known:
            continue
        choose = _CHOOSERS.get(field.name, _first)
        chosen = choose(known)
        changes[field.name] = chosen
        source = next((p for p in group if getattr(p, field.name) == chosen), None)
        if source is not None and field.name in source.provenance:
            provenance[field.name] = source.provenance[field.name]
    if "author_count" in changes:
        changes["author_count"] = max(changes["author_count"], len(changes.get("authors", ())))
    return attrs.evolve(group[0], **changes, provenance=provenance)
