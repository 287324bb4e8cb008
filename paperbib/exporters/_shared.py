"""What the CSL-JSON and RIS exporters write the same way: URLs and author counts."""

from __future__ import annotations

from paperbib.model import ArxivId, Kind, Link, LinkKind, Paper

__all__ = ["arxiv_abs_url", "author_count_note", "landing_url", "urls"]


def arxiv_abs_url(arxiv: ArxivId) -> str:
    """The arXiv abstract page, without a version so that it shows the latest one."""
    return f"https://arxiv.org/abs/{arxiv.id}"


def landing_url(paper: Paper) -> str | None:
    """The one URL a citation should print.

    The paper's own page comes first, then its arXiv abstract page, then its
    PDF; software is cited by its code. Other links (code of a paper, project
    pages) are not the paper itself.
    """
    links = paper.links
    if links:
        if paper.kind is _SOFTWARE and (code := _first_url(links, _CODE)):
            return code
        if page := _first_url(links, _PAPER_PAGE):
            return page
    if paper.arxiv is not None:
        return arxiv_abs_url(paper.arxiv)
    return _first_url(links, _PDF) if links else None


# Looking a member up on an enum class costs more than the rest of a lookup here.
_SOFTWARE = Kind.SOFTWARE
_CODE, _PAPER_PAGE, _PDF = LinkKind.CODE, LinkKind.PAPER_PAGE, LinkKind.PDF


def _first_url(links: tuple[Link, ...], kind: LinkKind) -> str | None:
    for link in links:
        if link.kind is kind:
            return link.url
    return None


def urls(paper: Paper) -> list[str]:
    """Every URL of the paper once, the landing URL first, then its links in order."""
    first = landing_url(paper)
    ordered = [first] if first else []
    ordered.extend(link.url for link in paper.links)
    return list(dict.fromkeys(ordered))


def author_count_note(paper: Paper) -> str | None:
    """``"5 authors"`` (or ``"5 authors (2 named)"``) when more authors exist than are named."""
    if not paper.authors_incomplete:
        return None
    count = paper.author_count
    noun = "author" if count == 1 else "authors"
    named = f" ({len(paper.authors)} named)" if paper.authors else ""
    return f"{count} {noun}{named}"
