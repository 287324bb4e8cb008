"""Reader for the arXiv API's Atom feed (``export.arxiv.org/api/query``).

Each ``<entry>`` is one paper::

    <entry>
      <id>http://arxiv.org/abs/2401.01234v2</id>       the id, with the version shown
      <published>2024-01-02T18:59:59Z</published>      when version 1 came out: issued
      <updated>2024-03-05T10:00:00Z</updated>          when this version came out
      <title>...</title> <summary>...</summary>        title and abstract
      <author><name>Jan van der Berg</name>            authors, in order
        <arxiv:affiliation>...</arxiv:affiliation></author>
      <arxiv:doi>10.1000/xyz</arxiv:doi>               the published version's DOI
      <arxiv:journal_ref>J. Ex. 5 (2024) 1-9</arxiv:journal_ref>
      <arxiv:comment>12 pages, 3 figures</arxiv:comment>
      <link href="http://arxiv.org/abs/2401.01234v2" rel="alternate"/>
      <link title="pdf" href="http://arxiv.org/pdf/2401.01234v2" rel="related"/>
      <arxiv:primary_category term="cs.CL"/>
      <category term="cs.CL"/> <category term="cs.LG"/>
    </entry>

What becomes of it: a preprint with the id (and version) from ``<id>``; title
and summary cleaned as digest text (arXiv writes TeX: ``$\\alpha$`` stays
math, ``\\'e`` becomes é); names split by :func:`paperbib.names.parse_name`,
affiliations dropped, as the model has no place for them; ``published`` as
the issued date; the primary category as ``arxiv_category`` and every
category, the primary first, as keywords, since they are the subject terms
arXiv gives the paper; the DOI arXiv knows; the journal reference, free text
as authors type it, as the container title (enrichment through the DOI gives
the structured venue); and the links, typed: the abstract page, the PDF and
the DOI page. ``updated`` and the comment have no field in the model and are
not kept.

The API reports a bad query as an entry whose id is
``http://arxiv.org/api/errors#...``; that becomes a problem carrying arXiv's
message, not a paper. An entry without a usable id is a problem; a bad value
in another field is a problem too, and the paper is kept without that value.
A feed cut off in the middle keeps every entry completed before the cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from paperbib.model import ArxivId, Kind, Link, LinkKind, Paper, Problem
from paperbib.plugins import ReadContext, Reader
from paperbib.readers import _feeds
from paperbib.readers._xml import ATOM, Document, parse
from paperbib.text import clean, link_kind

__all__ = ["ArxivAtomReader", "error_message", "read_entry"]

_ARXIV = "{http://arxiv.org/schemas/atom}"
_ERROR_ID = re.compile(r"https?://(?:export\.)?arxiv\.org/api/errors\b")
_SNIFF_WINDOW = 4096
_API_FEED = re.compile(r"<feed\b[^>]*http://www\.w3\.org/2005/Atom.*?arxiv\.org/api/", re.S)


class ArxivAtomReader(Reader):
    """Reads an arXiv API search result: an Atom feed of papers."""

    name = "arxiv-atom"
    description = "an arXiv API query result (Atom XML from export.arxiv.org/api/query)"
    suffixes = (".atom",)

    def sniff(self, text: str) -> bool:
        return _API_FEED.search(text[:_SNIFF_WINDOW]) is not None

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        document = parse(text, context.source)
        root = document.root
        if root is None or root.tag != f"{ATOM}feed":
            yield _feeds.not_a_feed(document, context, "an Atom <feed>")
            return
        broken_entry = False
        for entry in root.iterfind(f"{ATOM}entry"):
            if not document.complete(entry):
                broken_entry = True
                yield _feeds.cut_off(document, entry, context)
                continue
            yield from read_entry(entry, document, context)
        if document.broken is not None and not broken_entry:
            yield _feeds.broken(document, context)


def error_message(entry: Element) -> str | None:
    """arXiv's message when the entry is the API's report of a bad request, else None."""
    identifier = (entry.findtext(f"{ATOM}id") or "").strip()
    if not _ERROR_ID.match(identifier):
        return None
    return clean(entry.findtext(f"{ATOM}summary") or "") or identifier


def read_entry(
    entry: Element, document: Document, context: ReadContext
) -> Iterator[Paper | Problem]:
    """The paper one complete ``<entry>`` describes, and the problems met reading it.

    The enrichment's arXiv source reads the API's answers through this too.
    """
    line = document.line(entry)
    identifier = (entry.findtext(f"{ATOM}id") or "").strip()
    message = error_message(entry)
    if message is not None:
        yield Problem(context.source, line, f"arXiv answered with an error: {message}")
        return
    if not identifier:
        yield Problem(context.source, line, "this entry has no <id>, so no arXiv id; skipped")
        return
    try:
        arxiv = ArxivId.parse(identifier)
    except ValueError:
        yield Problem(
            context.source,
            line,
            f"this entry's <id> {identifier!r} is not an arXiv abstract URL; skipped",
        )
        return
    links = _links(entry)
    if arxiv.version is None:
        arxiv = _version_from_links(arxiv, links)

    problems: list[str] = []
    published = entry.findtext(f"{ATOM}published")
    issued = _feeds.iso_date(published, "<published>", problems)
    primary_element = entry.find(f"{_ARXIV}primary_category")
    primary = primary_element.get("term") if primary_element is not None else None
    categories = [c.get("term", "") for c in entry.iterfind(f"{ATOM}category")]
    paper = Paper.from_source(
        "arxiv-atom",
        f"{context.source}:{line}",
        title=clean(entry.findtext(f"{ATOM}title") or ""),
        abstract=clean(entry.findtext(f"{ATOM}summary") or ""),
        authors=_feeds.authors(
            name
            for author in entry.iterfind(f"{ATOM}author")
            if (name := author.findtext(f"{ATOM}name"))
        ),
        issued=issued,
        doi=_feeds.doi(entry.findtext(f"{_ARXIV}doi"), problems),
        arxiv=arxiv,
        arxiv_category=primary,
        container_title=clean(entry.findtext(f"{_ARXIV}journal_ref") or ""),
        kind=Kind.PREPRINT,
        links=links,
        keywords=_feeds.categories(primary, categories),
    )
    for problem in problems:
        yield Problem(context.source, line, f"{arxiv}: {problem}")
    yield paper


def _links(entry: Element) -> list[Link]:
    """The entry's links, typed: the abstract page first, then the PDF, then the rest.

    The first paper page is the one exporters cite; the API lists the DOI's page
    (the published version) before arXiv's own page, which this entry is about.
    """
    links: dict[str, tuple[int, Link]] = {}
    for element in entry.iterfind(f"{ATOM}link"):
        url = (element.get("href") or "").strip()
        if not _feeds.is_url(url) or url in links:
            continue
        if element.get("rel") == "alternate":
            links[url] = (0, Link(url, LinkKind.PAPER_PAGE))
        elif element.get("title") == "pdf" or element.get("type") == "application/pdf":
            links[url] = (1, Link(url, LinkKind.PDF))
        else:
            links[url] = (2, Link(url, link_kind(url)))
    return [link for _, link in sorted(links.values(), key=lambda pair: pair[0])]


def _version_from_links(arxiv: ArxivId, links: list[Link]) -> ArxivId:
    """The id with the version the abstract link shows, when ``<id>`` left it out."""
    for link in links:
        try:
            linked = ArxivId.parse(link.url)
        except ValueError:
            continue
        if linked.id == arxiv.id and linked.version is not None:
            return linked
    return arxiv
