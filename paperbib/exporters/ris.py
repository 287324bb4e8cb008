"""RIS: the tagged format every reference manager imports (Zotero, EndNote, Mendeley).

Each paper becomes one record, written by rispy with CRLF line ends, as the
RIS specification and Zotero's own exporter use, and closed by ``ER  - ``.

Choices worth knowing:

- ``TY`` from the paper's kind: ``JOUR``, ``CPAPER``, ``BOOK``, ``CHAP``,
  ``THES``, ``RPRT``, ``DATA``, ``COMP``, and ``GEN`` for preprints and
  everything else. RIS has no preprint type. Zotero writes its own preprints as
  ``GEN`` and reads ``GEN`` as a journal article (its import test cases show
  it), the item type that keeps DOI, URL, abstract and venue. ``INPR`` and
  ``MANSCPT`` would land as manuscripts, which have no venue field; ``UNPB``
  is not in Zotero's type map and falls back to journal article too.
- The venue goes in ``T2``, which Zotero reads as the journal, proceedings or
  book title by type; ``JO`` is not written, as Zotero reads it as the
  journal's abbreviation. An arXiv preprint without a venue gets ``T2  - arXiv``,
  and any paper with an arXiv id gets ``AN  - arXiv:ID`` (accession number,
  Zotero's "Loc. in Archive").
- ``PY`` is the year; ``DA`` is ``YYYY/MM/DD`` with only the known parts.
- ``AU`` is ``Family, Given`` or ``Family, Given, Suffix``, a particle staying
  with the family name (``van der Berg, Jan``); organisations are written whole
  (Zotero splits any name at a comma, so "Acme, Inc." reads back as two parts).
- Authors known only by their number get no ``AU`` line, only a note
  (``N1  - 5 authors``).
- ``UR`` lines: the paper's landing page first, then every other link.
- RIS has no way to continue a value on a second line safely: a line that
  starts like ``ER  - `` would be read as a tag. Line breaks and control
  characters in values are therefore folded into single spaces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from paperbib.exporters._shared import author_count_note, urls
from paperbib.keys import assign_keys
from paperbib.model import Author, Kind, Paper, PartialDate
from paperbib.plugins import Exporter, ExportOptions

__all__ = ["RisExporter"]

_TYPES = {
    Kind.PREPRINT: "GEN",
    Kind.JOURNAL_ARTICLE: "JOUR",
    Kind.CONFERENCE_PAPER: "CPAPER",
    Kind.BOOK: "BOOK",
    Kind.BOOK_CHAPTER: "CHAP",
    Kind.THESIS: "THES",
    Kind.REPORT: "RPRT",
    Kind.DATASET: "DATA",
    Kind.SOFTWARE: "COMP",
    Kind.OTHER: "GEN",
}

ARXIV_VENUE = "arXiv"

# Every character that some reader takes as a line end (str.splitlines' set), and the
# other control characters, which have no business in a reference either.
_BREAKS = re.compile(r"\s*[\x00-\x1f\x7f-\x9f\u2028\u2029]+\s*")
# Hyphens and dashes between a first and a last page, as Zotero splits them.
_PAGE_RANGE = re.compile(r"\s*[-\u00ad\u2010-\u2015\u2212]+\s*")


def _one_line(text: str) -> str:
    if text.isprintable():
        # Nearly every value: no line break or control character can be in it.
        return text.strip()
    return _BREAKS.sub(" ", text).strip()


def _author(author: Author) -> str:
    if author.literal is not None:
        return author.literal
    name = f"{author.particle} {author.family}" if author.particle else f"{author.family}"
    if author.given or author.suffix:
        name += f", {author.given or ''}"
    if author.suffix:
        name += f", {author.suffix}"
    return name


def _date(issued: PartialDate) -> str:
    return "/".join(f"{part:02d}" if i else f"{part:04d}" for i, part in enumerate(issued.parts))


def _record(paper: Paper) -> dict[str, Any]:
    """The paper as a rispy record; rispy writes the tags in this order."""
    first_page: str | None = None
    last_page: str | None = None
    if paper.pages:
        first_page, _, last_page = _PAGE_RANGE.sub("-", paper.pages, count=1).partition("-")
    venue = paper.container_title
    if venue is None and paper.kind is Kind.PREPRINT and paper.arxiv is not None:
        venue = ARXIV_VENUE
    note = author_count_note(paper)
    fields: tuple[tuple[str, Any], ...] = (
        ("id", paper.citation_key),
        ("title", paper.title),
        ("authors", [_author(a) for a in paper.authors]),
        ("year", f"{paper.issued.year:04d}" if paper.issued else None),
        ("date", _date(paper.issued) if paper.issued else None),
        ("secondary_title", venue),
        ("volume", paper.volume),
        ("number", paper.issue),
        ("start_page", first_page),
        ("end_page", last_page),
        ("publisher", paper.publisher),
        ("doi", paper.doi),
        ("accession_number", f"arXiv:{paper.arxiv.id}" if paper.arxiv else None),
        ("urls", urls(paper)),
        ("abstract", paper.abstract),
        ("keywords", list(paper.keywords)),
        ("notes", [note] if note else []),
    )
    record: dict[str, Any] = {"type_of_reference": _TYPES[paper.kind]}
    for key, value in fields:
        if isinstance(value, list):
            lines = [line for line in map(_one_line, value) if line]
            if lines:
                record[key] = lines
        elif value is not None and (line := _one_line(value)):
            record[key] = line
    return record


@functools.cache
def _writer() -> Any:
    """rispy's writer, made to end lines with CRLF and to drop its record numbers."""
    import rispy

    class CrlfRisWriter(rispy.RisWriter):  # type: ignore[misc]  # rispy has no type hints
        NEWLINE = "\r\n"

        def set_header(self, count: int) -> str:
            # rispy numbers records with a "1." line, which no RIS reader expects.
            return ""

    return CrlfRisWriter()


class RisExporter(Exporter):
    """Writes RIS records for Zotero, EndNote, Mendeley and other reference managers."""

    name = "ris"
    suffix = ".ris"
    description = "RIS for Zotero, EndNote and Mendeley"

    def export(self, papers: Sequence[Paper], options: ExportOptions) -> str:
        if any(paper.citation_key is None for paper in papers):
            # Callers other than paperbib.dumps may pass papers without keys.
            papers = assign_keys(papers)
        text: str = _writer().formats([_record(paper) for paper in papers])
        return text
