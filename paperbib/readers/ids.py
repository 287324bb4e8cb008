"""Reader for free text that names papers by identifier.

It finds, in a list (one per line, bullets and numbering allowed) or in prose:

* DOIs, bare (``10.1000/xyz``), after ``doi:``, or as doi.org links;
* arXiv ids after ``arXiv:``, new style (``2401.01234v2``) or old style
  (``hep-th/9901001``), and arxiv.org ``abs`` and ``pdf`` links;
* Hugging Face paper pages (``huggingface.co/papers/2401.01234``);
* bare arXiv ids without ``arXiv:``, only where they cannot be something else:
  a new-style id whose first four digits are a year and month arXiv had used by
  the day of reading (``2023.12345`` has no month 23, and the number must have
  the digits arXiv gave in that month), not inside a longer number or word; an
  old-style id only under a real archive name.

Each identifier becomes a paper holding only that identifier (and the link it
was given as, when it came as a URL), for enrichment to fill; the same paper
named twice, even as different versions, is one paper. arXiv's own DOIs
(``10.48550/arXiv.2401.01234``) give the arXiv id too.

Trailing punctuation is not part of an identifier: ``(10.1000/xyz).`` ends at
``xyz``, while ``10.1016/S0140-6736(20)30183-5`` keeps its balanced brackets.
Something written as an identifier that is none (``arXiv:2401.0x123``, a
doi.org link without a DOI, a line that is only ``2313.01234``) is a problem.
Lines of words without an identifier are headings or prose, and are passed over.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import unquote

from attrs import define, field

from paperbib.model import ArxivId, Kind, Link, Paper, Problem, normalise_doi
from paperbib.plugins import ReadContext, Reader
from paperbib.text import link_kind, trim_trailing_punctuation

__all__ = ["IdentifierReader"]

# Old-style arXiv archives, from arXiv's list; a bare old-style id needs one.
_ARCHIVES = """acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph
cmp-lg comp-gas cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph
mtrl-th nlin nucl-ex nucl-th patt-sol physics plasm-ph q-alg q-bio quant-ph solv-int
supr-con""".split()
_IDENTIFIER = re.compile(
    rf"""
    (?P<url>https?://[^\s<>"`{{}}|\\^]+)
    | \barXiv:\s*(?P<prefixed>\d[\w./-]*|[a-z-]+(?:\.[A-Z]{{2}})?/[\w./-]*)
    | (?P<doi>\b10\.\d{{4,9}}/[^\s<>"`{{}}|\\^]+)
    | (?<![\w./:-])(?P<new>\d{{4}}\.\d{{4,5}}(?:v\d+)?)(?![\w/-]|\.\d)
    | (?<![\w./:-])(?P<old>(?:{"|".join(_ARCHIVES)})(?:\.[A-Z]{{2}})?/\d{{7}}(?:v\d+)?)
      (?![\w/-]|\.\d)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(?P<doi>.+)", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>[^?#]+)(?:[?#].*)?", re.IGNORECASE
)
_HUB_URL = re.compile(
    r"https?://(?:www\.)?huggingface\.co/papers/(?P<id>[^?#/]+)(?:[/?#].*)?", re.IGNORECASE
)
# Publisher pages on the common platforms carry the DOI after ``/doi/``.
_PUBLISHER_DOI = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/)?(?P<doi>10\.\d{4,9}/.+)")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>.+)", re.IGNORECASE)
# A line that is one word with digits and dots or slashes, after any bullet,
# was meant as an identifier; a line of words is a heading or prose.
_BROKEN = re.compile(r"\s*(?:[-*•+]\s*)?(?=\S*\d)(?=\S*[./])\S+\s*")
_SNIFF_WINDOW = 16_384
_SNIFF_LINES = 200


class _Named(NamedTuple):
    """An identifier found in the text, and the link it was written as."""

    doi: str | None
    arxiv: ArxivId | None
    link: Link | None = None


@define
class _Paper:
    """What the text says of one paper: its identifiers, links and first line."""

    line: int
    doi: str | None
    arxiv: ArxivId | None
    links: list[Link] = field(factory=list)


class _NotAnIdentifier(ValueError):
    """Text written as an identifier that is none."""


class IdentifierReader(Reader):
    """Reads the DOIs, arXiv ids and paper links in a list or in prose."""

    name = "ids"
    description = "DOIs, arXiv ids and doi.org / arxiv.org / Hugging Face paper links in any text"

    def sniff(self, text: str) -> bool:
        head = text[:_SNIFF_WINDOW].lstrip("\ufeff \t\r\n")
        if head[:1] in ("{", "[", "@", "<"):  # JSON, BibTeX and XML name papers in fields
            return False
        lines = [line for line in head.splitlines() if line.strip()][:_SNIFF_LINES]
        today = dt.date.today()
        named = sum(1 for line in lines if any(_found(line, today)))
        return named > 0 and 2 * named >= len(lines)

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        papers: dict[str, _Paper] = {}
        for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
            named_here = list(_found(line, context.as_of))
            if not named_here and _BROKEN.fullmatch(line):
                yield Problem(
                    context.source,
                    number,
                    f"{line.strip()!r} looks like an identifier but is none: write a DOI, "
                    "an arXiv id or a doi.org, arxiv.org or huggingface.co/papers link",
                )
            for named in named_here:
                if isinstance(named, _NotAnIdentifier):
                    yield Problem(context.source, number, f"{named}; it was skipped")
                else:
                    _add(papers, named, number)
        for found in papers.values():
            paper = Paper.from_source(
                "ids",
                f"{context.source}:{found.line}",
                doi=found.doi,
                arxiv=found.arxiv,
                kind=Kind.PREPRINT if found.arxiv is not None else Kind.OTHER,
                links=found.links,
            )
            yield paper


def _add(papers: dict[str, _Paper], named: _Named, line: int) -> None:
    """Add an identifier to the papers, joining it with the paper it names again."""
    key = named.arxiv.id if named.arxiv is not None else str(named.doi)
    known = papers.setdefault(key, _Paper(line, named.doi, named.arxiv))
    known.doi = known.doi or named.doi
    if named.arxiv is not None and (
        known.arxiv is None or (named.arxiv.version or 0) > (known.arxiv.version or 0)
    ):
        known.arxiv = named.arxiv  # the highest version named
    if named.link is not None and named.link not in known.links:
        known.links.append(named.link)


def _found(line: str, as_of: dt.date) -> Iterator[_Named | _NotAnIdentifier]:
    """The identifiers on a line, and the would-be identifiers that are none."""
    for match in _IDENTIFIER.finditer(line):
        if match["url"] is not None:
            url = trim_trailing_punctuation(match["url"])
            try:
                named = _from_url(url)
            except ValueError:
                yield _NotAnIdentifier(f"the link {url} names no paper")
                continue
            if named is not None:
                yield named
        elif match["prefixed"] is not None:
            written = trim_trailing_punctuation(match["prefixed"])
            try:
                yield _Named(None, ArxivId.parse(written))
            except ValueError:
                yield _NotAnIdentifier(f"'arXiv:{written}' is not an arXiv id such as 2401.01234")
        elif match["doi"] is not None:
            written = trim_trailing_punctuation(match["doi"])
            try:
                yield _doi(written)
            except ValueError:
                yield _NotAnIdentifier(f"{written!r} is not a whole DOI")
        else:
            arxiv = ArxivId.parse(match["new"] or match["old"])
            if _plausible(arxiv, as_of):
                yield _Named(None, arxiv)


def _from_url(url: str) -> _Named | None:
    """The paper a link names; None for a link that is not about one."""
    link = Link(url, link_kind(url))
    if match := _DOI_URL.fullmatch(url):
        return _doi(unquote(match["doi"]), link)
    if match := _ARXIV_URL.fullmatch(url):
        return _Named(None, ArxivId.parse(match["id"]), link)
    if match := _HUB_URL.fullmatch(url):
        return _Named(None, ArxivId.parse(match["id"]), link)
    if match := _PUBLISHER_DOI.search(url):
        return _doi(unquote(match["doi"]), link)
    return None


def _doi(text: str, link: Link | None = None) -> _Named:
    doi = normalise_doi(text)
    arxiv = _ARXIV_DOI.fullmatch(doi)
    return _Named(doi, ArxivId.parse(arxiv["id"]) if arxiv else None, link)


def _plausible(arxiv: ArxivId, as_of: dt.date) -> bool:
    """Whether a bare id could be one arXiv gave by ``as_of``, by its year, month and digits."""
    if "/" in arxiv.id:
        digits = arxiv.id.partition("/")[2]
        year, month = int(digits[:2]), int(digits[2:4])
        # Old-style numbers ran from August 1991 to March 2007.
        return 1 <= month <= 12 and (year >= 91 or year <= 7)
    year, month = int(arxiv.id[:2]), int(arxiv.id[2:4])
    number = arxiv.id.partition(".")[2]
    # New-style numbers began in April 2007 with four digits, five from January 2015.
    return (
        1 <= month <= 12
        and (7, 4) <= (year, month) <= (as_of.year % 100, as_of.month)
        and len(number) == (4 if (year, month) < (15, 1) else 5)
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
