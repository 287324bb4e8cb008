"""CSL-JSON: the input format of citeproc-js, citeproc-py, pandoc and Zotero.

The output is a JSON array valid against the official CSL 1.0.2 schema, which
allows no keys outside the CSL variables: ``id`` and ``citation-key`` are the
citation key, ``type`` comes from the paper's kind (a preprint is ``article``,
the type Zotero gives its preprints), names are objects with a
``non-dropping-particle`` for "van der", and dates are ``date-parts`` with only
the known parts.

Choices worth knowing:

- Text is written as the model holds it. TeX math stays as ``$...$``: CSL has
  no math, and dropping the dollars would turn ``Re$^3$Dial`` into a different
  word. Angle brackets stay too: CSL-JSON has no way to escape the few HTML
  tags citeproc-js reads as formatting, and those do nothing worse than format.
- An arXiv preprint gets ``publisher: "arXiv"`` and ``number: "arXiv:ID"``, as
  Zotero exports its preprints and as APA prints them, and the arXiv abstract
  page as ``URL`` when the paper has no page of its own.
- Authors known only by their number are never written as names: ``note`` says
  ``"5 authors"`` (a note styles may print) and ``custom["author-count"]``
  keeps the number for programs.
- ``custom`` also keeps what CSL has no variable for: the arXiv id and
  category, the date the digest listed the paper, its upvotes and its typed
  links.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from paperbib.exporters._shared import author_count_note, landing_url
from paperbib.keys import assign_keys
from paperbib.model import Author, Kind, Paper
from paperbib.plugins import Exporter, ExportOptions

__all__ = ["CslJsonExporter"]

_TYPES = {
    Kind.PREPRINT: "article",
    Kind.JOURNAL_ARTICLE: "article-journal",
    Kind.CONFERENCE_PAPER: "paper-conference",
    Kind.BOOK: "book",
    Kind.BOOK_CHAPTER: "chapter",
    Kind.THESIS: "thesis",
    Kind.REPORT: "report",
    Kind.DATASET: "dataset",
    Kind.SOFTWARE: "software",
    Kind.OTHER: "document",
}

ARXIV_PUBLISHER = "arXiv"


def _name(author: Author) -> dict[str, str]:
    if author.literal is not None:
        return {"literal": author.literal}
    parts = (
        ("family", author.family),
        ("given", author.given),
        ("non-dropping-particle", author.particle),
        ("suffix", author.suffix),
    )
    return {key: value for key, value in parts if value is not None}


def _custom(paper: Paper) -> dict[str, Any]:
    custom: dict[str, Any] = {}
    if paper.arxiv is not None:
        custom["arxiv"] = str(paper.arxiv)
    if paper.arxiv_category is not None:
        custom["arxiv-category"] = paper.arxiv_category
    if paper.authors_incomplete:
        custom["author-count"] = paper.author_count
    if paper.listed is not None:
        custom["listed"] = paper.listed.isoformat()
    if paper.upvotes is not None:
        custom["upvotes"] = paper.upvotes
    if paper.links:
        custom["links"] = [{"url": link.url, "kind": link.kind.value} for link in paper.links]
    return custom


def _item(paper: Paper) -> dict[str, Any]:
    """One paper as a CSL-JSON item, its keys always in the same order."""
    item: dict[str, Any] = {
        "id": paper.citation_key,
        "citation-key": paper.citation_key,
        "type": _TYPES[paper.kind],
    }
    arxiv_number = None
    if paper.kind is Kind.PREPRINT and paper.arxiv is not None:
        arxiv_number = f"arXiv:{paper.arxiv.id}"
    fields: tuple[tuple[str, Any], ...] = (
        ("title", paper.title),
        ("author", [_name(a) for a in paper.authors] or None),
        ("issued", {"date-parts": [list(paper.issued.parts)]} if paper.issued else None),
        ("container-title", paper.container_title),
        ("volume", paper.volume),
        ("issue", paper.issue),
        ("page", paper.pages),
        ("publisher", paper.publisher or (ARXIV_PUBLISHER if arxiv_number else None)),
        ("number", arxiv_number),
        ("DOI", paper.doi),
        ("URL", landing_url(paper)),
        ("abstract", paper.abstract),
        ("keyword", ", ".join(paper.keywords) or None),
        ("note", author_count_note(paper)),
        ("custom", _custom(paper) or None),
    )
    item.update((key, value) for key, value in fields if value is not None)
    return item


class CslJsonExporter(Exporter):
    """Writes a CSL-JSON array for citeproc processors, pandoc and Zotero."""

    name = "csljson"
    suffix = ".json"
    description = "CSL-JSON for pandoc, citeproc and Zotero"

    def export(self, papers: Sequence[Paper], options: ExportOptions) -> str:
        if any(paper.citation_key is None for paper in papers):
            # Callers other than paperbib.dumps may pass papers without keys.
            papers = assign_keys(papers)
        items = [_item(paper) for paper in papers]
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
