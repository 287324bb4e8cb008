"""How the bibliography readers turn a record's own URL into a link."""

from __future__ import annotations

import re

from paperbib.model import ArxivId, Link, LinkKind
from paperbib.text import link_kind

__all__ = ["is_arxiv_page", "page_link"]

_URL = re.compile(r"https?://\S+")


def page_link(url: str) -> Link | None:
    """The link a record's own URL (BibTeX ``url``, RIS's first ``UR``, CSL ``URL``) stands for.

    A record's URL is where the work itself is, so it is the paper's page,
    unless it plainly points at a PDF: typed from its host alone, an unknown
    site's page would be "other", and exporters never print "other" links.
    None when ``url`` is no http(s) URL.
    """
    url = url.strip()
    if _URL.fullmatch(url) is None:
        return None
    kind = LinkKind.PDF if link_kind(url) is LinkKind.PDF else LinkKind.PAPER_PAGE
    return Link(url, kind)


_ARXIV_PAGE = re.compile(r"https?://(?:www\.)?arxiv\.org/abs/([^?#]+?)/?", re.I)


def is_arxiv_page(url: str, arxiv: ArxivId | None) -> bool:
    """Whether ``url`` is the version-less arXiv abstract page of ``arxiv``, which the id gives."""
    if arxiv is None:
        return False
    match = _ARXIV_PAGE.fullmatch(url.strip())
    return match is not None and match[1] == arxiv.id
