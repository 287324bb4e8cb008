"""Reader for RIS, the tagged format of Zotero, EndNote, Mendeley and most databases.

The file is cut into records here, a record running from its ``TY`` line to
its ``ER`` line, so that each record knows its line and a broken one is
reported without losing the rest; rispy then reads each record's tags. A tag
line is ``XX  - value`` (one space before the dash is accepted too, as Zotero
does); any other line continues the value above it. Text outside records,
such as the header some databases write, is skipped.

A record without its ``ER`` (cut off by the next ``TY`` or by the end of the
file), and tag lines with no ``TY`` above them, are problems; they are not
read, since a record's end cannot be known.

Tags and the model, as Zotero reads them where it matters:

* ``TY`` gives the kind: ``JOUR``, ``JFULL``, ``EJOUR``, ``MGZN`` a journal
  article; ``CPAPER``, ``CONF`` a conference paper; ``CHAP``, ``ECHAP`` a
  chapter; ``BOOK``, ``EBOOK``, ``EDBOOK``; ``THES``; ``RPRT``; ``DATA``,
  ``DBASE`` a dataset; ``COMP`` software; ``UNPB`` and ``MANSCPT`` a
  preprint, and ``INPR`` (in press) a journal article. ``GEN``, which
  paperbib writes for preprints, is a preprint when the record has an arXiv
  id, else "other", as are all other types;
* ``AU`` and ``A1`` (in the order given) are authors, ``Family, Given`` or
  ``Family, Given, Suffix``, lower-case words before the family name being a
  particle (``van der Berg, Jan``); a name without a comma is written whole
  and is read as an organisation's, as Zotero reads it;
* ``TI`` or ``T1`` the title; ``AB`` or ``N2`` the abstract; ``T2`` (else
  ``JF``, ``JO``, ``BT``, ``JA``, ``J2``) the venue, except the ``T2  - arXiv``
  paperbib writes for a preprint without one; ``VL``, ``IS``, ``SP``-``EP``
  (``12-34``), ``PB``; ``KW`` keywords, one a line;
* ``DA``, else ``PY``, else ``Y1`` the issued date (``2024/05/31``, ``2024``);
* ``DO`` the DOI; ``AN  - arXiv:ID`` the arXiv id; ``ID`` the citation key;
* ``UR`` links: the first is the paper's page (or its PDF), the others are
  typed by where they point; the arXiv abstract page is not kept, as the id
  gives it;
* ``N1`` only where it is the author count paperbib writes.

Values are plain text; line breaks inside a value (Unicode's own line and
paragraph separators, which RIS readers see as line ends) become spaces, as
the RIS exporter writes them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen

from paperbib.model import (
    ArxivId,
    Author,
    Kind,
    Link,
    Paper,
    PartialDate,
    Problem,
    normalise_doi,
)
from paperbib.plugins import ReadContext, Reader
from paperbib.readers._links import is_arxiv_page, page_link
from paperbib.text import link_kind

__all__ = ["RisReader"]

_KINDS = {
    "JOUR": Kind.JOURNAL_ARTICLE,
    "JFULL": Kind.JOURNAL_ARTICLE,
    "EJOUR": Kind.JOURNAL_ARTICLE,
    "MGZN": Kind.JOURNAL_ARTICLE,
    "INPR": Kind.JOURNAL_ARTICLE,
    "CPAPER": Kind.CONFERENCE_PAPER,
    "CONF": Kind.CONFERENCE_PAPER,
    "CHAP": Kind.BOOK_CHAPTER,
    "ECHAP": Kind.BOOK_CHAPTER,
    "BOOK": Kind.BOOK,
    "EBOOK": Kind.BOOK,
    "EDBOOK": Kind.BOOK,
    "THES": Kind.THESIS,
    "RPRT": Kind.REPORT,
    "DATA": Kind.DATASET,
    "DBASE": Kind.DATASET,
    "COMP": Kind.SOFTWARE,
    "UNPB": Kind.PREPRINT,
    "MANSCPT": Kind.PREPRINT,
}
_GENERIC = "GEN"
_ARXIV_VENUE = "arXiv"

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
# What the RIS exporter folds into one space: line breaks and control characters.
_BREAKS = re.compile(r"\s*[\x00-\x1f\x7f-\x9f\u2028\u2029]+\s*")
_ARXIV_ACCESSION = re.compile(r"arxiv:\s*(\S+)", re.I)
_AUTHOR_COUNT = re.compile(r"(\d+) authors?(?: \((\d+) named\))?")
_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?(?:[/-].*)?")
_SEVERAL_URLS = re.compile(r";\s*(?=https?://)")
_SNIFF = re.compile(r"^TY {1,2}- ", re.M)
_SNIFF_WINDOW = 16_384


@frozen
class _Record:
    line: int
    text: str


class RisReader(Reader):
    """Reads RIS records into papers, keeping each record's ``ID`` as its citation key."""

    name = "ris"
    description = "RIS (.ris) from Zotero, EndNote, Mendeley and literature databases"
    suffixes = (".ris",)

    def sniff(self, text: str) -> bool:
        return _SNIFF.search(text[:_SNIFF_WINDOW]) is not None

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        for record in _records(text.removeprefix("\ufeff"), context):
            if isinstance(record, Problem):
                yield record
            else:
                yield from _paper(record, context)


def _records(text: str, context: ReadContext) -> Iterator[_Record | Problem]:
    """The records of ``text``, each as rispy reads them, and problems for broken ones."""
    open_record: list[str] | None = None
    opened_at = 0
    stray_at: int | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        match = _TAG_LINE.match(line)
        tag = match[1] if match else None
        if match:
            # rispy wants exactly two spaces before the dash.
            line = f"{tag}  - {match[2] or ''}"
        if tag == "TY":
            if open_record is not None:
                yield _unclosed(opened_at, f"the next record starts on line {number}", context)
            if stray_at is not None:
                yield _stray(stray_at, number, context)
                stray_at = None
            open_record, opened_at = [line], number
        elif open_record is not None:
            open_record.append(line)
            if tag == "ER":
                yield _Record(opened_at, "\n".join(open_record))
                open_record = None
        elif tag == "ER":
            yield _stray(stray_at or number, number, context)
            stray_at = None
        elif tag is not None and stray_at is None:
            stray_at = number
    if open_record is not None:
        yield _unclosed(opened_at, "the file ends", context)
    if stray_at is not None:
        yield _stray(stray_at, None, context)


def _unclosed(line: int, until: str, context: ReadContext) -> Problem:
    return Problem(
        context.source,
        line,
        f"this record has no 'ER  - ' line before {until}; it was not read: end it with 'ER  - '",
    )


def _stray(line: int, end: int | None, context: ReadContext) -> Problem:
    where = f"lines {line}-{end}" if end is not None and end != line else f"line {line}"
    return Problem(
        context.source,
        line,
        f"the tags on {where} belong to no record (no 'TY  - ' line above them); "
        "they were not read",
    )


@functools.cache
def _parser() -> Any:
    """rispy's parser: ``A1`` and ``AU`` in one list in their order, ``BT`` read, URLs whole."""
    import rispy
    from rispy.config import LIST_TYPE_TAGS, TAG_KEY_MAPPING

    return rispy.RisParser(
        mapping={**TAG_KEY_MAPPING, "A1": "authors", "BT": "book_title"},
        list_tags=LIST_TYPE_TAGS,
        delimiter_tags_mapping={},
        skip_unknown_tags=True,
    )


def _one_line(value: str) -> str:
    return value.strip() if value.isprintable() else _BREAKS.sub(" ", value).strip()


def _values(record: Mapping[str, Any], key: str) -> list[str]:
    value = record.get(key)
    values = value if isinstance(value, list) else [] if value is None else [value]
    return [line for line in map(_one_line, values) if line]


def _first(record: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        if values := _values(record, key):
            return values[0]
    return None


def _paper(record: _Record, context: ReadContext) -> Iterator[Paper | Problem]:
    (fields,) = _parser().parse(record.text)
    problems: list[str] = []
    ris_type = (_first(fields, "type_of_reference") or "").upper()
    arxiv = _arxiv(fields, problems)
    kind = _KINDS.get(ris_type, Kind.OTHER)
    if ris_type == _GENERIC and arxiv is not None:
        kind = Kind.PREPRINT
    venue = _first(
        fields,
        "secondary_title",
        "alternate_title3",
        "journal_name",
        "book_title",
        "alternate_title2",
        "alternate_title1",
    )
    if venue == _ARXIV_VENUE and kind is Kind.PREPRINT and arxiv is not None:
        venue = None
    authors = _authors(_values(fields, "authors"))
    paper = Paper.from_source(
        "ris",
        f"{context.source}:{record.line}",
        title=_first(fields, "title", "primary_title"),
        abstract=_first(fields, "abstract", "notes_abstract"),
        authors=authors,
        author_count=_author_count(_values(fields, "notes"), len(authors)),
        issued=_issued(fields, problems),
        doi=_doi(fields, problems),
        arxiv=arxiv,
        container_title=venue,
        volume=_first(fields, "volume"),
        issue=_first(fields, "number"),
        pages=_pages(_first(fields, "start_page"), _first(fields, "end_page")),
        publisher=_first(fields, "publisher"),
        kind=kind,
        links=_links(_values(fields, "urls"), arxiv, problems),
        keywords=_values(fields, "keywords"),
        citation_key=_first(fields, "id"),
    )
    label = f"record {paper.citation_key!r}" if paper.citation_key else "this record"
    for problem in problems:
        yield Problem(context.source, record.line, f"{label}: {problem}; the value is left out")
    yield paper


def _authors(names: Sequence[str]) -> list[Author]:
    return [_author(name) for name in names]


def _author(name: str) -> Author:
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 1 or len(parts) > 3 or not parts[0]:
        return Author(literal=name)
    words = parts[0].split(" ")
    # Lower-case words before the last one are a particle, as BibTeX and Zotero read them.
    particle_end = max(
        (index + 1 for index, word in enumerate(words[:-1]) if word[:1].islower()), default=0
    )
    return Author(
        family=" ".join(words[particle_end:]),
        particle=" ".join(words[:particle_end]),
        given=parts[1],
        suffix=parts[2] if len(parts) == 3 else None,
    )


def _author_count(notes: Sequence[str], named: int) -> int | None:
    """The count paperbib's note gives when not every author is named; other notes are users'."""
    for note in notes:
        match = _AUTHOR_COUNT.fullmatch(note)
        if match and int(match[1]) > named and int(match[2] or 0) == named:
            return int(match[1])
    return None


def _issued(fields: Mapping[str, Any], problems: list[str]) -> PartialDate | None:
    for key, tag in (("date", "DA"), ("year", "PY"), ("publication_year", "Y1")):
        value = _first(fields, key)
        if value is None:
            continue
        match = _DATE.fullmatch(value)
        try:
            if match is None:
                raise ValueError(value)
            year, month, day = (int(part) if part else None for part in match.groups())
            assert year is not None  # the pattern requires it
            return PartialDate(year, month, day if month else None)
        except ValueError:
            problems.append(f"{tag}: {value!r} is not a date such as 2024/05/31 or 2024")
    return None


def _doi(fields: Mapping[str, Any], problems: list[str]) -> str | None:
    value = _first(fields, "doi")
    if value is None:
        return None
    try:
        return normalise_doi(value)
    except ValueError:
        problems.append(f"DO: {value!r} is not a DOI such as 10.1000/xyz")
        return None


def _arxiv(fields: Mapping[str, Any], problems: list[str]) -> ArxivId | None:
    value = _first(fields, "accession_number")
    match = _ARXIV_ACCESSION.fullmatch(value) if value else None
    if match is None:
        return None
    try:
        return ArxivId.parse(match[1])
    except ValueError:
        problems.append(f"AN: {value!r} is not an arXiv id")
        return None


def _pages(first: str | None, last: str | None) -> str | None:
    if first and last:
        return f"{first}-{last}"
    return first or last


def _links(urls: Sequence[str], arxiv: ArxivId | None, problems: list[str]) -> list[Link]:
    links: dict[str, Link] = {}
    split = [url.strip() for value in urls for url in _SEVERAL_URLS.split(value)]
    for index, url in enumerate(split):
        if url in links or is_arxiv_page(url, arxiv):
            continue
        link = page_link(url)
        if link is None:
            problems.append(f"UR: {url!r} is not an http(s) URL")
            continue
        links[url] = link if index == 0 else Link(url, link_kind(url))
    return list(links.values())
