"""BibTeX that classic ``bibtex`` (plain, abbrv, alpha) and biblatex + biber both accept.

Choices worth knowing:

- Entry types from the paper's kind: ``@article`` (``journal``),
  ``@inproceedings`` and ``@incollection`` (``booktitle``), ``@book``,
  ``@phdthesis`` (the publisher as ``school``), ``@techreport``
  (``institution``), and ``@misc`` for preprints and everything else.
- A preprint with an arXiv id gets ``eprint``, ``archivePrefix``,
  ``primaryClass`` (natbib and arXiv's own spelling) and ``eprinttype``,
  ``eprintclass`` (biblatex's), and ``howpublished = {\\url{...}}`` so that the
  classic styles, which ignore ``url`` and ``eprint``, still print where to
  find it. Documents using the classic styles therefore need the ``url`` or
  ``hyperref`` package, as they do for most BibTeX from arXiv or publishers.
- ``url`` is the paper's landing page (its own page, else arXiv, else its
  PDF), the same URL the CSL-JSON and RIS exporters put first.
- Text is written by :mod:`paperbib.exporters.latex`: specials escaped, math
  kept only when harmless, accents as TeX commands unless ``unicode`` is set.
  Titles brace-protect acronyms, CamelCase words and math per word; the venue
  (``journal``, ``booktitle``) is left as it is, as no classic style changes
  its case and bracing it would only clutter it.
- Names are written ``von Last, Jr, First``; organisations are braced whole.
  When only some authors are named the list ends with ``and others``; when
  none are, there is no ``author`` field, and ``note`` gives the count, since
  a made-up name would be cited as a real one. Such an entry gets the first
  word of its title, in ASCII letters and digits, as ``key``, which the
  classic styles sort and label by when the author is missing (alpha:
  ``[SAM25]``, natbib: ``SAMGPT (2025)``).
- A pinned citation key keeps only the characters ``\\cite`` and both BibTeX
  programs accept (letters, digits, ``_:./+-``). Keys are unique regardless
  of case, as classic ``bibtex`` needs: papers whose pinned keys would be
  the same get fresh keys, like papers without one.
- Entries are separated by a blank line, in input order; the output is the
  same for the same papers.

A document citing this output with pdfLaTeX needs ``\\usepackage[T1]{fontenc}``
(for letters such as ``{\\DJ}``), ``amssymb`` if a title has ``\\mathbb`` math,
and ``url`` or ``hyperref`` with the classic styles. CJK and emoji stay UTF-8
and need a Unicode engine or CJK packages, in either mode.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

import attrs

from paperbib.exporters._shared import arxiv_abs_url, author_count_note, landing_url
from paperbib.exporters.latex import safe_url, text, title
from paperbib.keys import assign_keys
from paperbib.model import Author, Kind, Paper
from paperbib.plugins import Exporter, ExportOptions

__all__ = ["BibtexExporter"]

_ENTRY_TYPES = {
    Kind.JOURNAL_ARTICLE: "article",
    Kind.CONFERENCE_PAPER: "inproceedings",
    Kind.BOOK: "book",
    Kind.BOOK_CHAPTER: "incollection",
    Kind.THESIS: "phdthesis",
    Kind.REPORT: "techreport",
}
# Where each entry type keeps the container title and the publisher.
_VENUE_FIELDS = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "book": "series",
    "misc": "howpublished",
}
_PUBLISHER_FIELDS = {"phdthesis": "school", "techreport": "institution"}
_MONTHS = "- jan feb mar apr may jun jul aug sep oct nov dec".split()

_RANGE_DASH = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")
# What a citation key may hold: \cite, \bibitem, bibtex and biber all take these.
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:./+\-]")
# A name part holding these would be split by BibTeX's name parser.
_NAME_SEPARATOR = re.compile(r",|(?:^|\s)and(?:\s|$)|^others$", re.I)


# The first word of a title after an article, and math spans.
_LEAD_WORD = re.compile(r"(?:(?:a|an|the)\s+(?=\S))?(\S+)", re.I)
_MATH = re.compile(r"\$[^$]*\$")
_MAX_KEY_WORD = 40


def _sort_key(title: str) -> str | None:
    """The first word of the title in ASCII letters and digits: ``SAMGPT``, ``ReDial``.

    alpha cuts the first three characters off it for a label, without regard
    for math or commands, so the word keeps nothing else.
    """
    match = _LEAD_WORD.match(title.strip())
    word = _MATH.sub("", match.group(1) if match else title)
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in folded if c.isalnum())[:_MAX_KEY_WORD] or None


# biber makes a name's initial from the first character left after it drops
# leading braces and letter commands (with their argument): a name starting
# with {\textbackslash} or \& would leave "}" or "\" there and break the .bbl.
# Leading specials are therefore written as commands with an argument (or as
# \symbol{n}, for those without a letter command biber leaves alone), inside
# braces, which classic bibtex reads as one character whole.
_LEADING_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "_": r"\textunderscore{}",
    "&": r"\symbol{38}",
    "%": r"\symbol{37}",
    "$": r"\symbol{36}",
    "#": r"\symbol{35}",
}
_LEADING = "".join(_LEADING_SPECIALS)


def _name_part(value: str, unicode: bool, whole: bool = False) -> str:
    """One part of a name in LaTeX, braced when BibTeX or biber would misread it."""
    rest = value.lstrip(_LEADING)
    lead = value[: len(value) - len(rest)]
    tex = "".join([_LEADING_SPECIALS[c] for c in lead]) + text(rest, unicode=unicode)
    if whole or lead or _NAME_SEPARATOR.search(value):
        return "{" + tex + "}"
    return tex


def _name(author: Author, unicode: bool) -> str:
    """``von Last, Jr, First`` for a person, ``{Name}`` for an organisation, "" for nothing."""
    if author.literal is not None:
        literal = _name_part(author.literal, unicode, whole=True)
        return literal if literal != "{}" else ""
    assert author.family is not None  # the model's invariant: a family name or a literal
    last = _name_part(author.family, unicode)
    if not last.strip("{} "):
        return ""
    if author.particle:
        last = f"{_name_part(author.particle, unicode)} {last}"
    given = _name_part(author.given, unicode) if author.given else ""
    if author.suffix:
        return f"{last}, {_name_part(author.suffix, unicode)}, {given}"
    return f"{last}, {given}" if given else last


# Names recur from paper to paper, so each one's BibTeX is kept, keyed by its
# parts (hashing a tuple of strings is cheaper than hashing an Author).
_NameParts = tuple[str | None, str | None, str | None, str | None, str | None]
_names: tuple[dict[_NameParts, str], dict[_NameParts, str]] = ({}, {})
_MAX_CACHED_NAMES = 50_000


def _authors(paper: Paper, unicode: bool) -> str | None:
    if not paper.authors:
        return None
    cache = _names[unicode]
    names = []
    for author in paper.authors:
        parts = (author.family, author.given, author.particle, author.suffix, author.literal)
        name = cache.get(parts)
        if name is None:
            if len(cache) >= _MAX_CACHED_NAMES:
                cache.clear()
            name = cache[parts] = _name(author, unicode)
        if name:
            names.append(name)
    # A name with nothing printable left (only control characters) stands for
    # someone whose name is unknown, like an author known only by a count.
    if names and (paper.authors_incomplete or len(names) < len(paper.authors)):
        names.append("others")
    return " and ".join(names) or None


def _written_key(key: str) -> str:
    """A pinned key without what would end ``\\cite{...}`` or the entry."""
    return key if key.isascii() and key.isalnum() else _KEY_UNSAFE.sub("", key)


def _with_unique_keys(papers: Sequence[Paper]) -> list[Paper]:
    """The papers, each with a key that it alone has in the eyes of BibTeX.

    BibTeX compares keys case-insensitively. A pinned key is kept, reduced to
    what a key may hold, unless another paper's comes out the same; then, as
    for a paper without one, the paper gets a fresh key.
    """
    written = [_written_key(paper.citation_key or "") for paper in papers]
    counts = Counter(key.casefold() for key in written if key)
    kept = [key if key and counts[key.casefold()] == 1 else None for key in written]
    papers = [
        paper if paper.citation_key == key else attrs.evolve(paper, citation_key=key)
        for paper, key in zip(papers, kept, strict=True)
    ]
    return assign_keys(papers)


def _pages(pages: str) -> str:
    """Page ranges with BibTeX's en dash, ``--``."""
    if pages.isascii() and "--" not in pages:
        return pages.replace("-", "--")
    return _RANGE_DASH.sub("--", pages)


# Looking a member up on an enum class costs more than writing most fields.
_PREPRINT = Kind.PREPRINT


def _entry(paper: Paper, unicode: bool) -> str:
    kind = paper.kind
    entry_type = "misc" if kind is _PREPRINT else _ENTRY_TYPES.get(kind, "misc")
    lines = [f"@{entry_type}{{{paper.citation_key}"]
    add = lines.append

    authors = _authors(paper, unicode)
    if authors:
        add(f"  author = {{{authors}}}")
    if paper.title:
        add(f"  title = {{{title(paper.title, unicode)}}}")
        sort_key = None if authors else _sort_key(paper.title)
        if sort_key:
            add(f"  key = {{{sort_key}}}")
    arxiv = paper.arxiv
    abs_url = arxiv_url = eprint = ""
    if arxiv is not None:
        arxiv_id = arxiv.id
        abs_url = arxiv_abs_url(arxiv)
        if arxiv_id.isascii() and arxiv_id.replace(".", "").isalnum():
            # A new-style id (2401.01234) needs neither escaping nor encoding.
            eprint, arxiv_url = arxiv_id, abs_url
        else:
            eprint, arxiv_url = text(arxiv_id), safe_url(abs_url)
        if kind is _PREPRINT:
            add(f"  howpublished = {{\\url{{{arxiv_url}}}}}")
    if paper.container_title and (arxiv is None or kind is not _PREPRINT):
        venue_field = _VENUE_FIELDS.get(entry_type)
        if venue_field:
            add(f"  {venue_field} = {{{text(paper.container_title, unicode)}}}")
    if paper.volume:
        add(f"  volume = {{{text(paper.volume, unicode)}}}")
    if paper.issue:
        add(f"  number = {{{text(paper.issue, unicode)}}}")
    if paper.pages:
        add(f"  pages = {{{text(_pages(paper.pages), unicode)}}}")
    if paper.publisher:
        field = _PUBLISHER_FIELDS.get(entry_type, "publisher")
        add(f"  {field} = {{{text(paper.publisher, unicode)}}}")
    issued = paper.issued
    if issued is not None:
        add(f"  year = {{{issued.year}}}")
        if issued.month is not None:
            # A bare month macro: each style prints it in its own form and language.
            add(f"  month = {_MONTHS[issued.month]}")
    if paper.doi:
        add(f"  doi = {{{safe_url(paper.doi, doi=True)}}}")
    if arxiv is not None:
        add(f"  eprint = {{{eprint}}}")
        add("  archivePrefix = {arXiv}")
        category = text(paper.arxiv_category) if paper.arxiv_category else None
        if category:
            add(f"  primaryClass = {{{category}}}")
        add("  eprinttype = {arxiv}")
        if category:
            add(f"  eprintclass = {{{category}}}")
    url = landing_url(paper)
    if url:
        add(f"  url = {{{arxiv_url if url == abs_url else safe_url(url)}}}")
    note = author_count_note(paper)
    if note:
        add(f"  note = {{{text(note)}}}")
    if paper.keywords:
        add(f"  keywords = {{{text(', '.join(paper.keywords), unicode)}}}")
    if paper.abstract:
        add(f"  abstract = {{{text(paper.abstract, unicode)}}}")
    return ",\n".join(lines) + "\n}\n"


class BibtexExporter(Exporter):
    """BibTeX for ``bibtex`` and biblatex + biber, every text field escaped."""

    name: ClassVar[str] = "bibtex"
    description: ClassVar[str] = "BibTeX (.bib) for bibtex and biblatex/biber"
    suffix: ClassVar[str] = ".bib"

    def export(self, papers: Sequence[Paper], options: ExportOptions) -> str:
        keys = {
            key.casefold()
            for paper in papers
            if (key := paper.citation_key) and key.isascii() and key.isalnum()
        }
        if len(keys) < len(papers):  # a key missing, not as it is written, or not unique
            papers = _with_unique_keys(papers)
        unicode = options.unicode
        return "\n".join(_entry(paper, unicode) for paper in papers)
