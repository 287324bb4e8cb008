r"""Reader for BibTeX and biblatex files (``.bib``).

bibtexparser 2 cuts the file into blocks (entries, ``@string`` macros,
comments) and knows where each starts; everything else is done here, so that
the values arrive as they are written:

* ``@string`` macros and ``#`` concatenations are resolved, with the month
  macros ``jan`` … ``dec`` that BibTeX predefines. bibtexparser's own
  middleware resolves only a value that is one macro, not ``acl # " 2020"``.
* Text is decoded by :mod:`paperbib.readers._latex` into the model's
  convention: LaTeX escapes and accents to Unicode, case-protecting braces
  dropped, ``$...$`` math kept as written, unknown commands kept as the
  literal text they were. bibtexparser's ``LatexDecodingMiddleware`` is not
  used: it runs pylatexenc, which deletes unknown commands (``\eg``) and
  flattens math (``$^3$`` to ``^3``).
* Names are split with pybtex's reading of BibTeX names (``von Last, Jr,
  First``, braces and all) before they are decoded, so a braced comma stays
  inside its name. A name that is one braced group, ``{Acme, Inc.}``, is an
  organisation.

Fields and the model:

* the entry type gives the kind: ``article`` a journal article,
  ``inproceedings`` a conference paper, ``incollection``/``inbook`` a chapter,
  ``book``, ``phdthesis``/``mastersthesis``/``thesis``, ``techreport``/
  ``report``, ``dataset``, ``software``, ``unpublished`` a preprint. ``misc``
  and anything else is "other", except that an entry with an arXiv ``eprint``
  is a preprint, and so is Google Scholar's ``@article`` with ``journal =
  {arXiv preprint arXiv:ID}``;
* ``journal``/``journaltitle``/``booktitle`` (and ``series`` of a book,
  ``howpublished`` of a ``misc``) are the container title; ``school`` and
  ``institution`` the publisher; ``number`` the issue; ``pages`` with any dash
  between two pages written ``12-34``;
* ``year`` and ``month`` (a macro, a name or a number), or biblatex's
  ``date``, the issued date;
* ``eprint`` with ``archivePrefix``/``eprinttype`` arXiv the arXiv id, and
  ``primaryClass``/``eprintclass`` its category; ``doi``; ``url`` (and a
  ``howpublished = {\url{...}}``) a link to the paper's page (or its PDF);
  the arXiv abstract page is not kept as a link, as the id gives it;
* ``keywords`` split at commas; the citation key kept as the entry's key;
* ``note`` only where it is the author count paperbib writes (``5 authors
  (2 named)``); other notes, ``editor``, ``isbn`` and the like have no field
  in the model.

``and others`` at the end of an author list says that more authors exist
but not how many. The model can say "N authors, M named" but not "more than
M": setting ``author_count`` to M + 1 would make every exporter print an
invented count ("3 authors (2 named)"), and the project never invents data.
So the named authors are kept and the count stays unknown, unless the entry's
``note`` gives it, as paperbib's own output does.

A block bibtexparser cannot parse (an unbalanced brace, a duplicate key)
becomes a problem at its line and the blocks after it are read. An entry with
a bad value (a year that is no year, a DOI that is no DOI, an undefined macro)
is kept without that value, and the problem is reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen

from paperbib.model import ArxivId, Author, Kind, Link, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext, Reader
from paperbib.readers._latex import decode, decode_url
from paperbib.readers._links import is_arxiv_page, page_link

__all__ = ["BibtexReader"]

_KINDS = {
    "article": Kind.JOURNAL_ARTICLE,
    "inproceedings": Kind.CONFERENCE_PAPER,
    "conference": Kind.CONFERENCE_PAPER,
    "incollection": Kind.BOOK_CHAPTER,
    "inbook": Kind.BOOK_CHAPTER,
    "book": Kind.BOOK,
    "mvbook": Kind.BOOK,
    "phdthesis": Kind.THESIS,
    "mastersthesis": Kind.THESIS,
    "thesis": Kind.THESIS,
    "techreport": Kind.REPORT,
    "report": Kind.REPORT,
    "dataset": Kind.DATASET,
    "software": Kind.SOFTWARE,
    "unpublished": Kind.PREPRINT,
}
_MONTH_NAMES = ("january february march april may june july august september october "
                "november december").split()  # fmt: skip
# BibTeX predefines a macro for each month; @string can redefine them.
_MONTH_MACROS = {name[:3]: name.capitalize() for name in _MONTH_NAMES}
_MONTHS = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}

_MACRO = re.compile(r"[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*")
_NUMBER = re.compile(r"\d+")
_YEAR = re.compile(r"(\d{4})[a-z]?")
_DATE = re.compile(r"(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?:[T/].*)?")
_RANGE_DASH = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")
_PAGE_RANGE = re.compile(r"([^\s\-\u2010-\u2015\u2212]+)\s*[-\u2010-\u2015\u2212]+\s*([^\s\-]+)")
_SCHOLAR_ARXIV = re.compile(r"arxiv preprint arxiv:\s*(\S+)", re.I)
_AUTHOR_COUNT = re.compile(r"(\d+) authors?(?: \((\d+) named\))?")
# BibTeX's white space; a no-break space written as UTF-8 is part of a name.
_ASCII_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_AND = re.compile(r" and ")
_URL_COMMAND = re.compile(r"\s*\\url\s*\{([^{}]*)\}\s*")
_SNIFF_WINDOW = 16_384
# An entry's head, ``@article{key,``, or a macro's, ``@string{name =``, at a line's start.
_ENTRY_START = re.compile(r"^[ \t]*@\s*[A-Za-z]+\s*[{(]\s*[^\s,{}()=\"#%']*\s*,", re.M)
_STRING_START = re.compile(r"^[ \t]*@\s*string\s*[{(]\s*[A-Za-z][^\s=]*\s*=", re.I | re.M)


class _BadValue(ValueError):
    """A field value that cannot be used; the message says what to do."""


class BibtexReader(Reader):
    """Reads a BibTeX or biblatex file into papers, keeping each entry's key."""

    name = "bibtex"
    description = "BibTeX / biblatex (.bib), with @string macros, LaTeX decoded to Unicode"
    suffixes = (".bib", ".bibtex")

    def sniff(self, text: str) -> bool:
        head = text[:_SNIFF_WINDOW]
        return bool(_ENTRY_START.search(head) or _STRING_START.search(head))

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        from bibtexparser import model
        from bibtexparser.entrypoint import parse_string

        _quiet_bibtexparser()
        library = parse_string(text, parse_stack=[])
        macros: dict[str, str] = dict(_MONTH_MACROS)
        for block in library.blocks:
            line = (block.start_line or 0) + 1
            if isinstance(block, model.String):
                try:
                    macros[block.key.lower()] = _evaluate(block.value, macros)
                except _BadValue as error:
                    yield Problem(context.source, line, f"@string {block.key}: {error}")
            elif isinstance(block, model.DuplicateFieldKeyBlock):
                entry = block.ignore_error_block
                assert isinstance(entry, model.Entry)  # what bibtexparser puts there
                fields = ", ".join(sorted(block.duplicate_keys))
                yield Problem(
                    context.source,
                    line,
                    f"entry {entry.key!r} has the field(s) {fields} twice; "
                    "the first of each is used, as BibTeX does",
                )
                yield from _entry(entry, macros, context)
            elif isinstance(block, model.DuplicateBlockKeyBlock):
                previous = (block.previous_block.start_line or 0) + 1
                yield Problem(
                    context.source,
                    line,
                    f"a second entry with the key {block.key!r} (the first is on line "
                    f"{previous}); it was not read: give it a key of its own",
                )
            elif isinstance(block, model.ParsingFailedBlock):
                yield Problem(context.source, line, _failure(block.error))
            elif isinstance(block, model.Entry):
                yield from _entry(block, macros, context)


@functools.cache
def _quiet_bibtexparser() -> None:
    """Keep bibtexparser's log of broken blocks off stderr: they are reported as problems.

    An application that sets up logging still receives the records.
    """
    import logging  # here, not at the top: it would cost every CLI start that sniffs

    logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


def _failure(error: Exception) -> str:
    reason = getattr(error, "abort_reason", None) or str(error)
    return (
        f"this entry cannot be read ({reason.strip()}); check its braces and quotes: "
        "it was skipped, and the entries after it were read"
    )


# --- Values --------------------------------------------------------------------------


def _split_concatenation(value: str) -> list[str]:
    """The parts of ``a # "b" # {c}``, cut at the ``#`` outside braces and quotes."""
    if "#" not in value:
        return [value.strip()]
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    escaped = False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    return parts


def _evaluate(value: str, macros: Mapping[str, str]) -> str:
    """A raw field value with its delimiters removed and its macros resolved."""
    out = []
    for part in _split_concatenation(value):
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        elif _NUMBER.fullmatch(part):
            out.append(part)
        elif _MACRO.fullmatch(part):
            if part.lower() not in macros:
                raise _BadValue(f"the macro {part!r} is not defined; define it with @string")
            out.append(macros[part.lower()])
        else:
            raise _BadValue(f"{part!r} is not a braced value, a quoted value, a number or a macro")
    return "".join(out)


# --- Entries -------------------------------------------------------------------------


class _Fields:
    """An entry's fields by lower-case name, evaluated on demand; bad values noted."""

    def __init__(self, entry: Any, macros: Mapping[str, str]) -> None:
        self.raw: dict[str, tuple[str, int]] = {}
        for field in entry.fields:
            self.raw.setdefault(field.key.lower(), (field.value, (field.start_line or 0) + 1))
        self.macros = macros
        self.problems: list[tuple[int, str]] = []

    def get(self, *names: str) -> str | None:
        """The first of the named fields that is present, evaluated, not yet decoded."""
        for name in names:
            if name in self.raw:
                value, line = self.raw[name]
                try:
                    evaluated = _evaluate(value, self.macros)
                except _BadValue as error:
                    self.problems.append((line, f"{name}: {error}; the field is left out"))
                    return None
                return evaluated if evaluated.strip() else None
        return None

    def text(self, *names: str, title: bool = False) -> str | None:
        value = self.get(*names)
        return None if value is None else decode(value, title=title) or None

    def bad(self, name: str, message: str) -> None:
        line = self.raw[name][1] if name in self.raw else 0
        self.problems.append((line, f"{name}: {message}; the field is left out"))


def _entry(
    entry: Any, macros: Mapping[str, str], context: ReadContext
) -> Iterator[Paper | Problem]:
    fields = _Fields(entry, macros)
    entry_type = entry.entry_type.lower()
    kind = _KINDS.get(entry_type, Kind.OTHER)
    arxiv = _arxiv(fields)
    container = fields.text("journal", "journaltitle", "booktitle")
    scholar = _SCHOLAR_ARXIV.fullmatch(container or "") if entry_type == "article" else None
    if arxiv is None and scholar is not None:
        arxiv = _parse_arxiv(fields, "journal", scholar[1])
        container = None
    if arxiv is not None and (kind is Kind.OTHER or scholar is not None):
        kind = Kind.PREPRINT
    if container is None and entry_type == "book":
        container = fields.text("series")
    howpublished = fields.get("howpublished")
    if container is None and howpublished and not _URL_COMMAND.fullmatch(howpublished):
        container = fields.text("howpublished")
    authors, others = _authors(fields)
    line = (entry.start_line or 0) + 1
    paper = Paper.from_source(
        "bibtex",
        f"{context.source}:{line}",
        title=fields.text("title", title=True),
        abstract=fields.text("abstract"),
        authors=authors,
        author_count=_author_count(fields, len(authors), others),
        issued=_issued(fields),
        doi=_doi(fields),
        arxiv=arxiv,
        arxiv_category=fields.text("primaryclass", "eprintclass"),
        container_title=container,
        volume=fields.text("volume"),
        issue=fields.text("number", "issue"),
        pages=_pages(fields.text("pages")),
        publisher=fields.text("publisher", "school", "institution"),
        kind=kind,
        links=_links(fields, arxiv),
        keywords=_keywords(fields.text("keywords")),
        citation_key=entry.key,
    )
    for field_line, message in fields.problems:
        yield Problem(context.source, field_line or line, f"entry {entry.key!r}: {message}")
    yield paper


def _parse_arxiv(fields: _Fields, name: str, value: str) -> ArxivId | None:
    try:
        return ArxivId.parse(value)
    except ValueError:
        fields.bad(name, f"{value!r} is not an arXiv id such as 2401.01234 or hep-th/9901001")
        return None


def _arxiv(fields: _Fields) -> ArxivId | None:
    prefix = (fields.text("archiveprefix", "eprinttype") or "").lower()
    eprint = fields.get("eprint")
    if eprint is None or prefix not in ("arxiv", ""):
        return None
    eprint = decode_url(eprint)
    if not prefix:
        # Without a prefix only a value that is unmistakably an arXiv id counts.
        try:
            return ArxivId.parse(eprint)
        except ValueError:
            return None
    return _parse_arxiv(fields, "eprint", eprint)


def _links(fields: _Fields, arxiv: ArxivId | None) -> list[Link]:
    """The paper's page from ``url`` and ``howpublished = {\\url{...}}``, arXiv's left out."""
    urls = []
    if url := fields.get("url"):
        urls.append(("url", decode_url(url)))
    if (howpublished := fields.get("howpublished")) and (
        match := _URL_COMMAND.fullmatch(howpublished)
    ):
        urls.append(("howpublished", decode_url(match[1])))
    links: dict[str, Link] = {}
    for name, url in urls:
        if url in links or is_arxiv_page(url, arxiv):
            continue
        if (link := page_link(url)) is None:
            fields.bad(name, f"{url!r} is not an http(s) URL")
        else:
            links[url] = link
    return list(links.values())


def _authors(fields: _Fields) -> tuple[list[Author], bool]:
    """The named authors, and whether the list ended with ``and others``."""
    from pybtex.bibtex.utils import split_name_list

    value = fields.get("author")
    if value is None:
        return [], False
    value = _ASCII_WHITESPACE.sub(" ", value).strip()
    # Without braces every " and " separates names; pybtex is needed only to skip braced ones.
    names = _AND.split(value) if "{" not in value else split_name_list(value)
    others = bool(names) and names[-1].lower() == "others"
    if others:
        names = names[:-1]
    authors = []
    for name in names:
        author = _author(name)
        if author is None:
            fields.bad("author", f"{name!r} is not a name BibTeX can read")
            return [], False
        authors.append(author)
    return authors, others


@functools.lru_cache(maxsize=65_536)
def _author(name: str) -> Author | None:
    """The author a BibTeX name stands for; cached, as a library names people often."""
    from pybtex.database import Person
    from pybtex.exceptions import PybtexError

    name = name.strip()
    if _is_one_group(name):
        decoded = decode(name)
        if not decoded:
            return None
        # A group starting with a command is BibTeX's "special character": the
        # exporter writes a one-letter family name so ({\\'A}), and, braced
        # whole, a name that starts with a special ({\\symbol{36}x}). Any other
        # group is an organisation's name.
        if name.startswith("{\\") and len(decoded) == 1 and decoded.isalpha():
            return Author(family=decoded)
        return Author(literal=decoded)
    parts = split_plain_name(name)
    if parts is None:
        try:
            person = Person(name)
        except PybtexError:
            return None
        parts = NameParts(
            decode(" ".join(person.first_names + person.middle_names)),
            decode(" ".join(person.prelast_names)),
            decode(" ".join(person.last_names)),
            decode(" ".join(person.lineage_names)),
        )
    if not parts.last:
        return None
    return Author(family=parts.last, given=parts.first, particle=parts.von, suffix=parts.jr)


@frozen
class NameParts:
    """A BibTeX name's four parts, decoded."""

    first: str
    von: str
    last: str
    jr: str


# Names that BibTeX's rules split without pybtex, which takes some 15 µs a name:
# words of letters, with accents written as special characters ({\\"u}, and
# {\\ss} inside a word). pybtex takes the case of {\\ss} or {\\o} starting a word
# from the command, not from the letter, so those are left to it.
_SPECIAL_CHARACTER = re.compile(r"\{\\(?:[`'^\"~=.][A-Za-z]|[A-Za-z]+)\}")
_COMMAND_WORD_START = re.compile(r"(?:^|[ ,])\{\\[A-Za-z]")
_WORD = r"[^\W\d_][\w.'-]*"
_PLAIN_NAME = re.compile(rf"{_WORD}(?:,? +{_WORD})*,?")


def split_plain_name(name: str) -> NameParts | None:
    """BibTeX's split of a name of plain words, as pybtex makes it; None for any other name.

    ``First von Last``, ``von Last, First`` or ``von Last, Jr, First``: the
    particle runs to the last lower-case word before the family name.
    """
    if "{" in name or "\\" in name:
        outside = _SPECIAL_CHARACTER.sub("", name)
        if any(char in outside for char in "{}\\") or _COMMAND_WORD_START.search(name):
            return None
        name = decode(name)
    if _PLAIN_NAME.fullmatch(name) is None or name.count(",") > 2:
        return None
    pieces = [piece.split(" ") for piece in name.split(",")]
    pieces = [[word for word in piece if word] for piece in pieces]
    if len(pieces) == 1:
        words = pieces[0]
        lower = [i for i, word in enumerate(words[:-1]) if word[0].islower()]
        if not lower:
            return NameParts(" ".join(words[:-1]), "", words[-1], "")
        start, end = lower[0], lower[-1] + 1
        first, von, last = words[:start], words[start:end], words[end:]
        return NameParts(" ".join(first), " ".join(von), " ".join(last), "")
    head, *rest = pieces
    if not head:
        return None
    lower = [i for i, word in enumerate(head[:-1]) if word[0].islower()]
    end = lower[-1] + 1 if lower else 0
    jr = " ".join(rest[0]) if len(rest) == 2 else ""
    return NameParts(" ".join(rest[-1]), " ".join(head[:end]), " ".join(head[end:]), jr)


def _is_one_group(name: str) -> bool:
    """Whether ``name`` is a single braced group, such as ``{Acme, Inc.}``."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and index != len(name) - 1:
                return False
    return True


def _author_count(fields: _Fields, named: int, others: bool) -> int | None:
    """The count paperbib's note gives when not every author is named; else unknown."""
    note = fields.text("note")
    match = _AUTHOR_COUNT.fullmatch(note) if note else None
    if match is None:
        return None
    count = int(match[1])
    stated_named = int(match[2]) if match[2] else 0
    # Any other note is the user's own, and says nothing about the authors.
    fits = count > named and stated_named == named and others == bool(named)
    return count if fits else None


def _issued(fields: _Fields) -> PartialDate | None:
    if date := fields.text("date"):
        match = _DATE.fullmatch(date)
        try:
            if match is None:
                raise ValueError(date)
            return PartialDate.parse(match[1])
        except ValueError:
            fields.bad("date", f"{date!r} is not a date such as 2024, 2024-05 or 2024-05-31")
            return None
    year_text = fields.text("year")
    if year_text is None:
        return None
    year_match = _YEAR.fullmatch(year_text)
    if year_match is None:
        fields.bad("year", f"{year_text!r} is not a year")
        return None
    month = _month(fields)
    try:
        return PartialDate(int(year_match[1]), month)
    except ValueError:
        fields.bad("year", f"{year_text!r} is not a year of the calendar")
        return None


def _month(fields: _Fields) -> int | None:
    text = fields.text("month")
    if text is None:
        return None
    month = int(text) if text.isdigit() else _MONTHS.get(text[:3].lower())
    if month is None or not 1 <= month <= 12:
        fields.bad("month", f"{text!r} is not a month")
        return None
    return month


def _doi(fields: _Fields) -> str | None:
    from paperbib.model import normalise_doi

    value = fields.get("doi")
    if value is None:
        return None
    try:
        return normalise_doi(decode_url(value))
    except ValueError:
        fields.bad("doi", f"{value!r} is not a DOI such as 10.1000/xyz")
        return None


def _pages(value: str | None) -> str | None:
    if value is None:
        return None
    match = _PAGE_RANGE.fullmatch(value)
    return f"{match[1]}-{match[2]}" if match else value


def _keywords(value: str | None) -> Sequence[str]:
    return [] if value is None else value.split(",")
