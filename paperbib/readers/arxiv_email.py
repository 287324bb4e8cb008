r"""Reader for arXiv's daily listing e-mail, in its plain-text form.

After a header, the e-mail lists new submissions, then cross-lists, then
replacements, the sections divided by marker lines (``%-%-%-...`` before the
cross-lists, ``%%--%%--...`` before the replacements, ``%%%---%%%---...`` at the
end). Entries are divided by lines of dashes and look like this::

    \\
    arXiv:2401.04088                            "(*cross-listing*)" may follow
    Date: Mon, 8 Jan 2024 18:47:34 GMT   (2811kb,D)
                                                 a replacement has instead
                                                 "replaced with revised version <date>"
    Title: Mixtral of Experts
    Authors: Albert Q. Jiang, Alexandre Sablayrolles, ..., Diego de las Casas,
      Emma Bou Hanna, ...                        indented lines continue a field
    Categories: cs.LG cs.CL
    Comments: See more details at https://mistral.ai/news/mixtral-of-experts/
    Journal-ref: ...
    DOI: ...
    \\
      We describe a sparse mixture-of-experts ...    the abstract; replacements have none
    \\ ( https://arxiv.org/abs/2401.04088 ,  2811kb)

Every entry becomes a preprint: the arXiv id (with its version when the id line
gives one), title, authors (names split by pybtex's rule; affiliations in
parentheses dropped), the first category as the primary one, the DOI, the
abstract, the abstract page and the PDF, and links found in the comments and
the abstract. The first ``Date:`` is the submission of the first version and
becomes the issued date; a replacement shows only the date of its revision,
so its issued date is the year and month the id itself encodes (``2312.…`` is
December 2023).

The model has no field for the comments, the ``Journal-ref`` or the other
categories, so they are not kept; ``Journal-ref`` is not a container title
(it is free text such as ``Phys.Rev.D76:013009,2007``).

An entry without its ``arXiv:`` line, with a malformed id or without a title
is a problem; the entries around it still load.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from paperbib.io import plain_line_ends
from paperbib.model import (
    ArxivId,
    Kind,
    Link,
    LinkKind,
    Paper,
    PartialDate,
    Problem,
    normalise_doi,
)
from paperbib.names import parse_name, split_names
from paperbib.plugins import ReadContext, Reader
from paperbib.text import clean, find_links

__all__ = ["ArxivEmailReader"]

_SNIFF_WINDOW = 65_536
_SIGNATURE = re.compile(
    r"^\\\\\r?\n(?:arXiv:|Paper(?: \(\*cross-listing\*\))?: )"
    r"|^\\\\ \( https?://arxiv\.org/abs/",
    re.MULTILINE,
)
# Entries are divided by dashes; the section markers divide them too, and an
# entry's ``\\ ( URL , size)`` trailer ends it.
_RULE = re.compile(r"-{20,}|%-%-%-%-.*|%%--%%--.*|%%%---%%%---.*")
_ID_LINE = re.compile(r"(?:arXiv:|Paper(?: \(\*cross-listing\*\))?:)\s*(?P<id>\S*)")
_FIELD = re.compile(r"(?P<key>[A-Z][A-Za-z-]*(?: \([^)]*\))?):\s*(?P<value>.*)")
_TRAILER = re.compile(r"\\\\ \(\s*(?P<url>https?://\S+)\s*,")
_DATE = re.compile(r"(?:\w{3},\s+)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3})\s+(?P<year>\d{4})\b")
_MONTHS = {
    name: number
    for number, name in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1
    )
}
_ET_AL = re.compile(r"et\.? al\.?", re.IGNORECASE)
_NEW_STYLE_MONTH = re.compile(r"(\d\d)(\d\d)\.")
_OLD_STYLE_MONTH = re.compile(r"[^/]+/(\d\d)(\d\d)")


class _Line(NamedTuple):
    number: int
    text: str


class ArxivEmailReader(Reader):
    """Reads the plain text of arXiv's daily listing e-mail."""

    name = "arxiv-email"
    description = "an arXiv daily listing e-mail (plain text)"
    suffixes = (".eml",)

    def sniff(self, text: str) -> bool:
        return _SIGNATURE.search(text[:_SNIFF_WINDOW]) is not None

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        text = plain_line_ends(text)  # load has done it, but read may be called directly
        chunk: list[_Line] = []
        for number, line in enumerate(text.split("\n"), start=1):
            if _RULE.fullmatch(line.rstrip()):
                yield from _entry(chunk, context)
                chunk = []
                continue
            chunk.append(_Line(number, line))
            if _TRAILER.match(line):  # an entry ends here even if its rule was lost
                yield from _entry(chunk, context)
                chunk = []
        yield from _entry(chunk, context)


def _entry(chunk: Sequence[_Line], context: ReadContext) -> Iterator[Paper | Problem]:
    r"""The paper of the lines between two rules, if they are an entry.

    An entry starts with ``\\``; lines without one are still an entry when they
    hold an id line, so that an entry which lost its first line is not
    mistaken for the e-mail's header.
    """
    lines = [line for line in chunk if line.text.strip()]
    starts_entry = bool(lines) and lines[0].text.rstrip() == "\\\\"
    body = lines[1:] if starts_entry else lines
    header, abstract, trailer = _parts(body)
    id_line = next((line for line in header if _ID_LINE.match(line.text)), None)
    if not starts_entry and id_line is None:
        return  # the header, the footer, or the empty space between two rules
    fields = _fields(header)
    title = clean(fields["Title"].text) if "Title" in fields else ""
    named = f" ({_excerpt(title)!r})" if title else ""
    if id_line is None:
        yield Problem(
            context.source,
            lines[0].number,
            f"this entry{named} has no 'arXiv:' line after its '\\\\'; it was skipped; "
            "put the line (such as 'arXiv:2401.01234') back",
        )
        return
    match = _ID_LINE.match(id_line.text)
    assert match is not None
    try:
        arxiv = ArxivId.parse(match["id"])
    except ValueError:
        yield Problem(
            context.source,
            id_line.number,
            f"{match['id']!r}{named} is not an arXiv id such as '2401.01234'; "
            "the entry was skipped",
        )
        return
    if not title:
        yield Problem(
            context.source, id_line.number, f"arXiv:{arxiv} has no 'Title:' line; it was skipped"
        )
        return
    where = f"arXiv:{arxiv} ({_excerpt(title)!r})"

    def problem(line: _Line, message: str) -> Problem:
        return Problem(context.source, line.number, f"{where}: {message}")

    if trailer is not None:
        trailer_url = _TRAILER.match(trailer.text)
        if trailer_url is not None and not _names_id(trailer_url["url"], arxiv):
            yield problem(
                trailer,
                f"the link {trailer_url['url']} at the end of the entry is not this paper's; "
                "the id line was trusted",
            )
    authors = []
    if "Authors" in fields:
        names = split_names(fields["Authors"].text)
        if names and _ET_AL.fullmatch(names[-1]):
            names.pop()
            yield problem(
                fields["Authors"],
                "the author list ends in 'et al.'; only the authors it names are kept",
            )
        authors = [author for name in names if (author := parse_name(name)) is not None]
    issued = _id_month(arxiv)
    if "Date" in fields:
        date = _date(fields["Date"].text)
        if date is None:
            yield problem(
                fields["Date"],
                f"cannot read the date {fields['Date'].text.partition('(')[0].strip()!r}; "
                "the year and month of the id stand in for it",
            )
        else:
            issued = PartialDate.from_date(date)
    categories = fields["Categories"].text.split() if "Categories" in fields else []
    doi = None
    if "DOI" in fields:
        # Several DOIs are sometimes given, space-separated: the first is the paper's.
        given = next(iter(fields["DOI"].text.split()), "")
        try:
            doi = normalise_doi(given)
        except ValueError:
            yield problem(fields["DOI"], f"{given!r} is not a DOI; the entry is read without it")
    abstract_text = clean(" ".join(line.text for line in abstract))
    comments = clean(fields["Comments"].text) if "Comments" in fields else ""
    links = [
        Link(f"https://arxiv.org/abs/{arxiv}", LinkKind.PAPER_PAGE),
        Link(f"https://arxiv.org/pdf/{arxiv}", LinkKind.PDF),
    ]
    known = {link.url for link in links}
    for link in find_links(comments) + find_links(abstract_text):
        if link.url not in known:
            known.add(link.url)
            links.append(link)
    paper = Paper.from_source(
        "arxiv-email",
        f"{context.source}:{id_line.number}",
        title=title,
        abstract=abstract_text,
        authors=authors,
        issued=issued,
        doi=doi,
        arxiv=arxiv,
        arxiv_category=categories[0] if categories else None,
        kind=Kind.PREPRINT,
        links=links,
    )
    yield paper


def _parts(lines: Sequence[_Line]) -> tuple[list[_Line], list[_Line], _Line | None]:
    r"""An entry's header lines, abstract lines and ``\\ ( URL , size)`` trailer."""
    header: list[_Line] = []
    abstract: list[_Line] = []
    trailer = None
    current = header
    for line in lines:
        if line.text.startswith("\\\\"):
            if _TRAILER.match(line.text):
                trailer = line
                break
            current = abstract
        else:
            current.append(line)
    return header, abstract, trailer


def _fields(header: Sequence[_Line]) -> dict[str, _Line]:
    """The header's ``Key: value`` fields, indented continuation lines joined; the first of each.

    A field's line number is the line it starts on.
    """
    fields: dict[str, _Line] = {}
    key = None
    for line in header:
        if line.text[:1].isspace() and key is not None:
            start = fields[key]
            fields[key] = _Line(start.number, f"{start.text} {line.text.strip()}")
            continue
        match = _FIELD.fullmatch(line.text.rstrip())
        key = None
        if match is not None and match["key"] not in fields:
            key = match["key"]
            fields[key] = _Line(line.number, match["value"])
    return fields


def _names_id(url: str, arxiv: ArxivId) -> bool:
    try:
        return ArxivId.parse(url).id == arxiv.id
    except ValueError:
        return False


def _date(text: str) -> dt.date | None:
    match = _DATE.match(text.strip())
    month = _MONTHS.get(match["month"].lower()) if match else None
    if match is None or month is None:
        return None
    try:
        return dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def _id_month(arxiv: ArxivId) -> PartialDate | None:
    """The year and month an arXiv id was given: ``2312.01234`` and ``hep-th/9912001`` tell it."""
    match = _NEW_STYLE_MONTH.match(arxiv.id) or _OLD_STYLE_MONTH.match(arxiv.id)
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    try:
        # Old-style ids ran from 1991 to March 2007, new-style ones from April 2007.
        return PartialDate(year + (1900 if year >= 91 else 2000), month)
    except ValueError:  # the digits are no month
        return None


def _excerpt(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
