"""What the arXiv API and RSS readers read the same way: dates, DOIs, names, problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element

from paperbib.model import Author, PartialDate, Problem, normalise_doi
from paperbib.names import parse_name
from paperbib.plugins import ReadContext
from paperbib.readers._xml import Document

__all__ = [
    "authors",
    "broken",
    "categories",
    "cut_off",
    "doi",
    "is_url",
    "iso_date",
    "not_a_feed",
    "rfc822_date",
    "split_creators",
]

_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][^\s]*)?\s*")
_URL = re.compile(r"https?://\S+")
# Generational suffixes, which a comma-separated author list cuts off their name.
_SUFFIX = re.compile(r"(?:Jr|Sr)\.?|II|III|IV", re.I)
_CREATOR_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+")


def is_url(text: str) -> bool:
    return _URL.fullmatch(text) is not None


def iso_date(text: str | None, what: str, problems: list[str]) -> PartialDate | None:
    """The day of an Atom timestamp as written (its own time zone), or None and a problem."""
    if text is None or not text.strip():
        problems.append(f"no {what} date; the paper is kept without one")
        return None
    match = _ISO_DATE.fullmatch(text)
    if match is not None:
        try:
            return PartialDate(*map(int, match.groups()))
        except ValueError:
            pass
    problems.append(
        f"the {what} date {text.strip()!r} is not a date such as 2024-01-31T18:00:00Z; "
        "the paper is kept without one"
    )
    return None


def rfc822_date(text: str | None, what: str, problems: list[str]) -> dt.date | None:
    """The day of an RSS date (``Fri, 23 Feb 2024 00:00:00 -0500``) as written."""
    if text is None or not text.strip():
        return None
    import email.utils  # here, not at the top: it would cost every CLI start that sniffs

    try:
        return email.utils.parsedate_to_datetime(text.strip()).date()
    except (TypeError, ValueError):
        problems.append(
            f"the {what} {text.strip()!r} is not a date such as 'Fri, 23 Feb 2024 00:00:00 -0500'; "
            "it is left out"
        )
        return None


def doi(text: str | None, problems: list[str]) -> str | None:
    """The DOI arXiv records; the first where arXiv lists several."""
    if text is None or not text.strip():
        return None
    for candidate in text.split():
        try:
            return normalise_doi(candidate)
        except ValueError:
            continue
    problems.append(f"{text.strip()!r} is not a DOI; it is left out")
    return None


def authors(names: Iterable[str]) -> list[Author]:
    return [author for name in names if (author := parse_name(name)) is not None]


def split_creators(text: str) -> list[str]:
    """The names of a comma-separated list, a suffix (``, Jr.``) kept with its name."""
    names: list[str] = []
    for piece in _CREATOR_SEPARATOR.split(text.strip()):
        if not piece:
            continue
        if names and _SUFFIX.fullmatch(piece):
            names[-1] += f", {piece}"
        else:
            names.append(piece)
    return names


def categories(primary: str | None, listed: Iterable[str]) -> list[str]:
    """Every category once, the primary one first."""
    ordered = [primary] if primary else []
    ordered.extend(term.strip() for term in listed)
    return list(dict.fromkeys(term for term in ordered if term))


def not_a_feed(document: Document, context: ReadContext, expected: str) -> Problem:
    if document.root is None:
        line, reason = document.broken or (1, "no element found")
        return Problem(context.source, line, f"this is not XML ({reason}); expected {expected}")
    tag = document.root.tag.rpartition("}")[2]
    return Problem(
        context.source,
        document.line(document.root),
        f"the document is a <{tag}>, not {expected}; nothing was read",
    )


def cut_off(document: Document, element: Element, context: ReadContext) -> Problem:
    line, reason = document.broken or (document.line(element), "")
    return Problem(
        context.source,
        document.line(element),
        f"the feed breaks off inside this entry (line {line}: {reason}); "
        "the entries before it were read",
    )


def broken(document: Document, context: ReadContext) -> Problem:
    line, reason = document.broken or (1, "")
    return Problem(
        context.source, line, f"the XML is broken here ({reason}); the entries before it were read"
    )
