"""The typed model every reader produces and every exporter consumes.

All classes are frozen: enrichment and merging make changed copies with
``attrs.evolve`` and record in ``Paper.provenance`` where each field came from.
Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs
from attrs import field, frozen

__all__ = [
    "ArxivId",
    "Author",
    "Digest",
    "Kind",
    "Link",
    "LinkKind",
    "Paper",
    "PartialDate",
    "Problem",
    "Provenance",
    "normalise_doi",
]


class Kind(enum.Enum):
    """What sort of publication a paper is; exporters map it to entry types."""

    PREPRINT = "preprint"
    JOURNAL_ARTICLE = "journal-article"
    CONFERENCE_PAPER = "conference-paper"
    BOOK = "book"
    BOOK_CHAPTER = "book-chapter"
    THESIS = "thesis"
    REPORT = "report"
    DATASET = "dataset"
    SOFTWARE = "software"
    OTHER = "other"


class LinkKind(enum.Enum):
    """What a link points at."""

    CODE = "code"
    PROJECT = "project"
    PAPER_PAGE = "paper-page"
    PDF = "pdf"
    OTHER = "other"


def _unknown_first(part: int | None) -> int:
    return 0 if part is None else part


@frozen(order=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Ordering compares year, then month, then day, an unknown part sorting first.
    """

    year: int = field(validator=attrs.validators.instance_of(int))
    month: int | None = field(default=None, order=_unknown_first)
    day: int | None = field(default=None, order=_unknown_first)

    def __attrs_post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a date with a day needs a month")
        # date() raises on an impossible day, month or year.
        dt.date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def from_date(cls, date: dt.date) -> PartialDate:
        return cls(date.year, date.month, date.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        match = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", text)
        if match is None:
            raise ValueError(f"not a YYYY, YYYY-MM or YYYY-MM-DD date: {text!r}")
        year, month, day = match.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    @property
    def parts(self) -> tuple[int, ...]:
        """The known parts, as CSL's ``date-parts`` wants them."""
        return tuple(p for p in (self.year, self.month, self.day) if p is not None)

    def __str__(self) -> str:
        return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(self.parts))


# Crossref's own advice: this pattern covers nearly every DOI ever registered, and
# everything after the prefix is kept as given (DOIs are case-insensitive ASCII).
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.I)


def normalise_doi(value: str) -> str:
    """Lower-case a DOI and strip any ``doi:`` or resolver prefix.

    >>> normalise_doi("https://doi.org/10.1000/ABC")
    '10.1000/abc'
    """
    doi = _DOI_PREFIX.sub("", value.strip()).lower()
    if not _DOI.fullmatch(doi):
        raise ValueError(f"not a DOI: {value!r}")
    return doi


def _optional_doi(value: str | None) -> str | None:
    return None if value is None else normalise_doi(value)


_NEW_ARXIV = re.compile(r"(\d{4}\.\d{4,5})(?:v(\d+))?")
_OLD_ARXIV = re.compile(r"([a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?", re.I)
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.I
)


@frozen
class ArxivId:
    """An arXiv identifier, new (``2401.01234``) or old (``hep-th/9901001``) style.

    The version is kept apart so that two versions of a paper share one ``id``.
    """

    id: str
    version: int | None = None

    @classmethod
    def parse(cls, text: str) -> ArxivId:
        """Read an id with or without ``arXiv:``, an abs/pdf URL, or a version."""
        bare = _ARXIV_PREFIX.sub("", text.strip()).removesuffix(".pdf")
        for pattern in (_NEW_ARXIV, _OLD_ARXIV):
            match = pattern.fullmatch(bare)
            if match:
                ident, version = match.groups()
                if pattern is _OLD_ARXIV:
                    archive, number = ident.split("/")
                    # Archives are lower case; the subject class after the dot is upper.
                    name, _, subject = archive.partition(".")
                    ident = f"{name.lower()}{'.' + subject.upper() if subject else ''}/{number}"
                return cls(ident, int(version) if version else None)
        raise ValueError(f"not an arXiv id: {text!r}")

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def _optional_arxiv(value: ArxivId | str | None) -> ArxivId | None:
    if value is None or isinstance(value, ArxivId):
        return value
    return ArxivId.parse(value)


_ORCID = re.compile(r"(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.I)


def _optional_orcid(value: str | None) -> str | None:
    if value is None:
        return None
    match = _ORCID.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not an ORCID iD: {value!r}")
    return match.group(1).upper()


def _non_empty(value: str | None) -> str | None:
    """Blank strings carry no information: store them as unknown."""
    if value is None:
        return None
    value = value.strip()
    return value or None


@frozen
class Author:
    """A person (``family`` with optional parts) or an organisation (``literal``)."""

    family: str | None = field(default=None, converter=_non_empty)
    given: str | None = field(default=None, converter=_non_empty)
    particle: str | None = field(default=None, converter=_non_empty)
    suffix: str | None = field(default=None, converter=_non_empty)
    literal: str | None = field(default=None, converter=_non_empty)
    orcid: str | None = field(default=None, converter=_optional_orcid)

    def __attrs_post_init__(self) -> None:
        if (self.family is None) == (self.literal is None):
            raise ValueError("an author has either a family name or a literal name")

    @property
    def display_name(self) -> str:
        """The name as a reader would write it: ``Jan van der Berg Jr.``."""
        if self.literal is not None:
            return self.literal
        return " ".join(p for p in (self.given, self.particle, self.family, self.suffix) if p)


@frozen
class Link:
    """A typed URL: code, project page, paper page, PDF or other."""

    url: str = field(validator=attrs.validators.matches_re(r"https?://\S+"))
    kind: LinkKind = LinkKind.OTHER


@frozen
class Provenance:
    """Where a field's value came from: a source name and a location in it."""

    source: str
    location: str | None = None
    score: float | None = None


@frozen
class Problem:
    """A record that could not be read or used, with where it stood."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


def _authors(value: Iterable[Author]) -> tuple[Author, ...]:
    return tuple(value)


def _links(value: Iterable[Link]) -> tuple[Link, ...]:
    return tuple(value)


def _keywords(value: Iterable[str]) -> tuple[str, ...]:
    if value == ():  # most papers have none; a generator for nothing costs a microsecond
        return ()
    return tuple(k.strip() for k in value if k.strip())


# Read-only and empty, so every paper without credits can share it.
_NO_PROVENANCE: Mapping[str, Provenance] = MappingProxyType({})


def _provenance(value: Mapping[str, Provenance]) -> Mapping[str, Provenance]:
    if value is _NO_PROVENANCE:
        return value
    return MappingProxyType(dict(value))


def _non_negative(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} cannot be negative: {value}")


@frozen
class Paper:
    """One paper, with everything a digest or a registry said about it.

    ``authors`` holds the names that are known; ``author_count`` the total when a
    digest gives only a count ("5 authors") or names only some of them. Exporters
    write ``and others`` when the count exceeds the names, and never invent names.
    ``provenance`` maps a field name to where its value came from; it does not
    take part in equality, so two papers that say the same thing are equal.
    """

    title: str | None = field(default=None, converter=_non_empty)
    abstract: str | None = field(default=None, converter=_non_empty)
    authors: tuple[Author, ...] = field(default=(), converter=_authors)
    author_count: int | None = field(default=None, validator=_non_negative)
    issued: PartialDate | None = None
    listed: dt.date | None = None
    doi: str | None = field(default=None, converter=_optional_doi)
    arxiv: ArxivId | None = field(default=None, converter=_optional_arxiv)
    arxiv_category: str | None = field(default=None, converter=_non_empty)
    container_title: str | None = field(default=None, converter=_non_empty)
    volume: str | None = field(default=None, converter=_non_empty)
    issue: str | None = field(default=None, converter=_non_empty)
    pages: str | None = field(default=None, converter=_non_empty)
    publisher: str | None = field(default=None, converter=_non_empty)
    kind: Kind = Kind.OTHER
    links: tuple[Link, ...] = field(default=(), converter=_links)
    upvotes: int | None = field(default=None, validator=_non_negative)
    keywords: tuple[str, ...] = field(default=(), converter=_keywords)
    citation_key: str | None = field(default=None, converter=_non_empty)
    provenance: Mapping[str, Provenance] = field(
        default=_NO_PROVENANCE, converter=_provenance, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if self.author_count is not None and self.author_count < len(self.authors):
            raise ValueError(
                f"author_count {self.author_count} is below the {len(self.authors)} names given"
            )

    @classmethod
    def from_source(cls, source: str, location: str | None, /, **fields: Any) -> Paper:
        """A new paper of ``fields``, every one that holds a value credited to ``source``.

        What readers make: the same paper as ``Paper(**fields).with_provenance(source,
        location)``, without the copy, which cost a reader more than its parsing.
        """
        paper = cls(**fields)
        where = Provenance(source, location)  # frozen, so one instance serves every field
        credited = {
            name: where
            for name in _CREDITED_FIELDS
            if name in fields and getattr(paper, name) not in (None, ())
        }
        credited.update(paper.provenance)
        # Nobody else holds the paper yet: setting a field now is still building it.
        object.__setattr__(paper, "provenance", MappingProxyType(credited))
        return paper

    @property
    def authors_incomplete(self) -> bool:
        """True when more authors exist than are named."""
        return self.author_count is not None and self.author_count > len(self.authors)

    @property
    def year(self) -> int | None:
        return None if self.issued is None else self.issued.year

    def link(self, kind: LinkKind) -> Link | None:
        """The first link of a kind, if any."""
        return next((link for link in self.links if link.kind is kind), None)

    def with_provenance(self, source: str, location: str | None = None) -> Paper:
        """A copy in which every field that holds a value is credited to ``source``."""
        where = Provenance(source, location)  # frozen, so one instance serves every field
        known = {
            name: where
            for name in _FIELD_NAMES
            if name in _CREDITED_FIELDS and getattr(self, name) not in (None, ())
        }
        return self._checked_copy(provenance=MappingProxyType({**known, **self.provenance}))

    def with_citation_key(self, key: str) -> Paper:
        """A copy cited as ``key``."""
        if not key.strip():
            raise ValueError("a citation key cannot be blank")
        return self._checked_copy(citation_key=key.strip())

    def _checked_copy(self, **changes: Any) -> Paper:
        """A copy with ``changes``, which the caller has already put in their stored form.

        Every other value is already checked, so this skips the converters and
        validators that ``attrs.evolve`` would run again: every reader credits
        and every export keys each paper, and evolve cost more than the reading.
        """
        copy = object.__new__(Paper)
        for name in _FIELD_NAMES:
            object.__setattr__(
                copy, name, changes[name] if name in changes else getattr(self, name)
            )
        return copy


_FIELD_NAMES = tuple(a.name for a in attrs.fields(Paper))
_CREDITED_FIELDS = tuple(name for name in _FIELD_NAMES if name not in ("provenance", "kind"))


def _papers(value: Iterable[Paper]) -> tuple[Paper, ...]:
    return tuple(value)


def _problems(value: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(value)


@frozen
class Digest:
    """The papers read from an input, in input order, and the problems met on the way.

    It behaves as the sequence of its papers, so ``for paper in paperbib.load(path)``
    works; look at ``problems`` to learn what could not be read.
    """

    papers: tuple[Paper, ...] = field(default=(), converter=_papers)
    problems: tuple[Problem, ...] = field(default=(), converter=_problems)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers)

    def __len__(self) -> int:
        return len(self.papers)

    def __getitem__(self, index: int) -> Paper:
        return self.papers[index]
