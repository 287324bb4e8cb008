"""Reader for arXiv's daily announcement feeds (``rss.arxiv.org/rss/`` and ``/atom/``).

An RSS 2.0 ``<item>`` (the Atom feed has the same content in an ``<entry>``,
with ``<id>``, ``<summary>``, ``<category term=...>`` and ``<published>``)::

    <item>
      <title>...</title>
      <link>https://arxiv.org/abs/2401.01234</link>
      <description>arXiv:2401.01234v2 Announce Type: replace
    Abstract: ...</description>
      <guid isPermaLink="false">oai:arXiv.org:2401.01234v2</guid>
      <category>cs.CL</category> <category>cs.LG</category>
      <pubDate>Fri, 23 Feb 2024 00:00:00 -0500</pubDate>
      <arxiv:announce_type>replace</arxiv:announce_type>
      <arxiv:DOI>10.1000/xyz</arxiv:DOI>
      <arxiv:journal_reference>J. Ex. 5 (2024) 1-9</arxiv:journal_reference>
      <dc:creator>Ada Lovelace, Jan van der Berg</dc:creator>
    </item>

Every announcement is a paper: a new submission (``new``), a cross-list from
another category (``cross``), and a new version of an older paper
(``replace``, ``replace-cross``). The id and version come from the
description's ``arXiv:`` line, else from the guid or the link. The
announcement day (``pubDate``) is the listing date.

The feed gives no submission date, so the issued date is what the id itself
says: arXiv numbers a paper in the month of its first announcement
(``2401`` is January 2024), and a ``new`` announcement of that month is that
first announcement, so its day is the issued day as well. A replacement's
day is not its paper's, and stays unknown.

The first category is the primary one, as arXiv lists a paper's categories;
all of them are keywords, as in the API reader. Names come comma-separated
in ``dc:creator`` and are split by :func:`paperbib.names.parse_name`. Titles
and abstracts are cleaned like any digest text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from attrs import frozen

from paperbib.model import ArxivId, Kind, Link, LinkKind, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext, Reader
from paperbib.readers import _feeds
from paperbib.readers._xml import ATOM, Document, parse
from paperbib.text import clean

__all__ = ["ArxivRssReader"]

_ARXIV = "{http://arxiv.org/schemas/atom}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DESCRIPTION = re.compile(
    r"\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>\S+)\s*(?:Abstract:\s*(?P<abstract>.*))?",
    re.S,
)
_GUID_PREFIX = "oai:arXiv.org:"
_SNIFF_WINDOW = 4096
_SIGNATURE = re.compile(
    r"<rss\b.*?arxiv\.org|<feed\b.*?(?:rss\.arxiv\.org|announce_type)", re.S | re.I
)


@frozen
class _Dialect:
    """Where RSS 2.0 and Atom keep the same things."""

    record: str
    id: str
    title: str
    summary: str
    date: str


_RSS = _Dialect("channel/item", "guid", "title", "description", "pubDate")
_ATOM_FEED = _Dialect(
    f"{ATOM}entry", f"{ATOM}id", f"{ATOM}title", f"{ATOM}summary", f"{ATOM}published"
)


class ArxivRssReader(Reader):
    """Reads arXiv's daily RSS 2.0 or Atom announcement feed of a category."""

    name = "arxiv-rss"
    description = "an arXiv daily announcement feed (RSS 2.0 or Atom from rss.arxiv.org)"
    suffixes = (".rss",)

    def sniff(self, text: str) -> bool:
        return _SIGNATURE.search(text[:_SNIFF_WINDOW]) is not None

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        document = parse(text, context.source)
        root = document.root
        if root is not None and root.tag == "rss":
            dialect = _RSS
        elif root is not None and root.tag == f"{ATOM}feed":
            dialect = _ATOM_FEED
        else:
            yield _feeds.not_a_feed(document, context, "an RSS <rss> or Atom <feed>")
            return
        broken_record = False
        for record in root.iterfind(dialect.record):
            if not document.complete(record):
                broken_record = True
                yield _feeds.cut_off(document, record, context)
                continue
            yield from _record(record, dialect, document, context)
        if document.broken is not None and not broken_record:
            yield _feeds.broken(document, context)


def _record(
    record: Element, dialect: _Dialect, document: Document, context: ReadContext
) -> Iterator[Paper | Problem]:
    line = document.line(record)
    summary = record.findtext(dialect.summary) or ""
    described = _DESCRIPTION.match(summary)
    link = _link(record, dialect)
    arxiv = _arxiv_id(record, dialect, described, link)
    if arxiv is None:
        yield Problem(
            context.source,
            line,
            "this item names no arXiv id (no 'arXiv:ID' in its description, "
            "no oai:arXiv.org guid, no abstract link); skipped",
        )
        return
    announced = (record.findtext(f"{_ARXIV}announce_type") or "").strip()
    if not announced and described is not None:
        announced = described["type"]
    abstract = described["abstract"] or "" if described is not None else summary

    problems: list[str] = []
    listed = _listed(record.findtext(dialect.date), dialect, problems)
    categories = _categories(record, dialect)
    paper = Paper.from_source(
        "arxiv-rss",
        f"{context.source}:{line}",
        title=clean(record.findtext(dialect.title) or ""),
        abstract=clean(abstract),
        authors=_feeds.authors(
            name
            for creator in record.iterfind(f"{_DC}creator")
            for name in _feeds.split_creators(creator.text or "")
        ),
        issued=_issued(arxiv, announced, listed),
        listed=listed,
        doi=_feeds.doi(record.findtext(f"{_ARXIV}DOI"), problems),
        arxiv=arxiv,
        arxiv_category=categories[0] if categories else None,
        container_title=clean(record.findtext(f"{_ARXIV}journal_reference") or ""),
        kind=Kind.PREPRINT,
        links=[Link(link, LinkKind.PAPER_PAGE)] if link else [],
        keywords=categories,
    )
    for problem in problems:
        yield Problem(context.source, line, f"{arxiv}: {problem}")
    yield paper


def _link(record: Element, dialect: _Dialect) -> str | None:
    if dialect is _RSS:
        url = (record.findtext("link") or "").strip()
    else:
        alternates = (
            element.get("href") or ""
            for element in record.iterfind(f"{ATOM}link")
            if element.get("rel", "alternate") == "alternate"
        )
        url = next(alternates, "").strip()
    return url if _feeds.is_url(url) else None


def _arxiv_id(
    record: Element, dialect: _Dialect, described: re.Match[str] | None, link: str | None
) -> ArxivId | None:
    guid = (record.findtext(dialect.id) or "").strip()
    candidates = [
        described["id"] if described is not None else "",
        guid.removeprefix(_GUID_PREFIX) if guid.startswith(_GUID_PREFIX) else "",
        link or "",
    ]
    for candidate in candidates:
        try:
            return ArxivId.parse(candidate)
        except ValueError:
            continue
    return None


def _categories(record: Element, dialect: _Dialect) -> list[str]:
    if dialect is _RSS:
        terms = [element.text or "" for element in record.iterfind("category")]
    else:
        terms = [element.get("term", "") for element in record.iterfind(f"{ATOM}category")]
    return _feeds.categories(None, terms)


def _listed(text: str | None, dialect: _Dialect, problems: list[str]) -> dt.date | None:
    """The announcement day: RSS writes it as in e-mail, Atom as an ISO timestamp."""
    if dialect is _RSS:
        return _feeds.rfc822_date(text, "announcement date", problems)
    date = _feeds.iso_date(text, "<published>", problems)
    if date is None or date.month is None or date.day is None:
        return None
    return dt.date(date.year, date.month, date.day)


_NEW_STYLE = re.compile(r"(\d{2})(\d{2})\.")
_OLD_STYLE = re.compile(r"[^/]+/(\d{2})(\d{2})")


def _issued(arxiv: ArxivId, announced: str, listed: dt.date | None) -> PartialDate | None:
    """The month the id was given in, and the day too for the announcement that gave it."""
    match = _NEW_STYLE.match(arxiv.id) or _OLD_STYLE.match(arxiv.id)
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    # Old-style ids ran from 1991 to March 2007; new-style ones start in April 2007.
    year += 1900 if year >= 91 else 2000
    if not 1 <= month <= 12:
        return None
    if announced == "new" and listed is not None and (listed.year, listed.month) == (year, month):
        return PartialDate.from_date(listed)
    return PartialDate(year, month)
