"""Reader for CSL-JSON: Zotero's and pandoc's exports, and paperbib's own output.

A file is an array of items (a single item object is read too). Each item
becomes a paper:

* ``type`` gives the kind, the inverse of the exporter's table: ``article``
  (CSL's type for preprints and working papers, and Zotero's for its
  preprints) a preprint, ``article-journal`` (and magazine and newspaper
  articles) a journal article, ``paper-conference``, ``chapter`` (and
  encyclopedia and dictionary entries), ``book``, ``thesis``, ``report``,
  ``dataset``, ``software``; ``manuscript`` a preprint; anything else
  "other";
* names: ``family``, ``given``, ``non-dropping-particle`` and
  ``dropping-particle`` (one particle in the model), ``suffix``, ``literal``;
* ``issued`` from ``date-parts``, or from ``raw`` or ``literal`` when it is a
  date (or holds exactly one year);
* ``citation-key`` is the citation key, else ``id`` when it is a string that
  is no URL (Zotero's numeric and URI ids identify its database records);
* an arXiv id from ``custom.arxiv``, else ``number: "arXiv:ID"`` (then a
  ``publisher: "arXiv"`` names the repository, not a publisher, and is not
  kept), else a DOI under arXiv's prefix 10.48550;
* ``URL`` a link to the paper's page (its PDF when it plainly is one), unless
  it is the arXiv abstract page that the id gives or a link already listed;
* ``keyword`` split at commas; ``note`` only where it is the author count
  paperbib writes, as other notes have no field in the model;
* ``custom`` holds what paperbib's exporter keeps beyond CSL's variables:
  ``arxiv``, ``arxiv-category``, ``author-count``, ``listed``, ``upvotes``
  and ``links`` (typed).

Text is taken as written: CSL-JSON is plain text, not LaTeX, and
citeproc's few HTML-like tags (``<i>``) are kept as they are, as the CSL-JSON
exporter writes them back.

The array is decoded one item at a time, so a truncated file still gives the
complete items before the cut, and problems cite the line an item starts on.
An item that is no object, or has no usable name in its author list, is a
problem; a bad value in another field is a problem too, and the paper is kept
without that value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from paperbib.model import (
    ArxivId,
    Author,
    Kind,
    Link,
    LinkKind,
    Paper,
    PartialDate,
    Problem,
    normalise_doi,
)
from paperbib.plugins import ReadContext, Reader
from paperbib.readers._json import first_value, json_values
from paperbib.readers._links import is_arxiv_page, page_link

__all__ = ["CslJsonReader"]

_KINDS = {
    "article": Kind.PREPRINT,
    "manuscript": Kind.PREPRINT,
    "article-journal": Kind.JOURNAL_ARTICLE,
    "article-magazine": Kind.JOURNAL_ARTICLE,
    "article-newspaper": Kind.JOURNAL_ARTICLE,
    "paper-conference": Kind.CONFERENCE_PAPER,
    "book": Kind.BOOK,
    "chapter": Kind.BOOK_CHAPTER,
    "entry-encyclopedia": Kind.BOOK_CHAPTER,
    "entry-dictionary": Kind.BOOK_CHAPTER,
    "thesis": Kind.THESIS,
    "report": Kind.REPORT,
    "dataset": Kind.DATASET,
    "software": Kind.SOFTWARE,
}
# Every type of CSL 1.0.2, to tell a CSL item from other JSON.
_CSL_TYPES = frozenset(_KINDS) | frozenset(
    """bill broadcast classic collection document event figure graphic hearing interview
    legal_case legislation map motion_picture musical_score pamphlet patent performance
    periodical personal_communication post post-weblog regulation review review-book
    song speech standard treaty webpage""".split()
)
_ARXIV_NUMBER = re.compile(r"arxiv:\s*(\S+)", re.I)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)", re.I)
_AUTHOR_COUNT = re.compile(r"(\d+) authors?(?: \((\d+) named\))?")
_YEAR = re.compile(r"\b(\d{4})\b")
_SNIFF_WINDOW = 65_536


_TYPE_NAMES = {str: "text", int: "a whole number", dict: "a JSON object", list: "a JSON list"}


class _BadValue(ValueError):
    """A field value that cannot be used; the message says what it should be."""


class CslJsonReader(Reader):
    """Reads a CSL-JSON array, as Zotero, pandoc and paperbib write it."""

    name = "csljson"
    description = "CSL-JSON (.json) from Zotero, pandoc or paperbib"
    suffixes = (".json",)

    def sniff(self, text: str) -> bool:
        """Whether the first item is an object with an ``id`` and a CSL ``type``.

        Hugging Face's paper JSON has an ``id`` too, but no ``type``; its items
        have a ``paper`` object or ``summary`` and ``upvotes``.
        """
        first = first_value(text[:_SNIFF_WINDOW])
        return (
            isinstance(first, dict)
            and first.get("type") in _CSL_TYPES
            and "id" in first
            and "paper" not in first
            and "upvotes" not in first
        )

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        for found in json_values(text, context):
            if isinstance(found, Problem):
                yield found
            else:
                yield from _item(found.value, found.line, context)


def _item(value: Any, line: int, context: ReadContext) -> Iterator[Paper | Problem]:
    if not isinstance(value, dict):
        yield Problem(
            context.source, line, f"this item is a JSON {type(value).__name__}, not an object"
        )
        return
    try:
        authors = _names(value.get("author"))
    except _BadValue as error:
        yield Problem(context.source, line, f"{_label(value)}: author: {error}; not read")
        return
    problems: list[str] = []
    custom = _get(value, "custom", dict, problems) or {}
    arxiv = _arxiv(value, custom, problems)
    links = _custom_links(custom, problems)
    url = _get(value, "URL", str, problems)
    if url and url not in {link.url for link in links} and not is_arxiv_page(url, arxiv):
        link = page_link(url)
        if link is None:
            problems.append(f"URL: {url!r} is not an http(s) URL")
        else:
            links.insert(0, link)
    publisher = _text(value, "publisher", problems)
    if (
        publisher == "arXiv"
        and arxiv is not None
        and _ARXIV_NUMBER.fullmatch(_text(value, "number", []) or "")
    ):
        publisher = None
    paper = Paper.from_source(
        "csljson",
        f"{context.source}:{line}",
        title=_text(value, "title", problems),
        abstract=_text(value, "abstract", problems),
        authors=authors,
        author_count=_author_count(value, custom, len(authors), problems),
        issued=_issued(value.get("issued"), problems),
        listed=_listed(custom, problems),
        doi=_doi(value, problems),
        arxiv=arxiv,
        arxiv_category=_get(custom, "arxiv-category", str, problems),
        container_title=_text(value, "container-title", problems),
        volume=_text(value, "volume", problems),
        issue=_text(value, "issue", problems),
        pages=_text(value, "page", problems),
        publisher=publisher,
        kind=_KINDS.get(_text(value, "type", problems) or "", Kind.OTHER),
        links=links,
        upvotes=_upvotes(custom, problems),
        keywords=(_text(value, "keyword", problems) or "").split(","),
        citation_key=_citation_key(value),
    )
    label = _label(value)
    for problem in problems:
        yield Problem(context.source, line, f"{label}: {problem}; the value is left out")
    yield paper


def _label(item: Mapping[str, Any]) -> str:
    key = item.get("citation-key") or item.get("id")
    return f"item {key!r}" if key is not None else "this item"


def _get(item: Mapping[str, Any], key: str, kind: type, problems: list[str]) -> Any:
    """``item[key]`` if it is a ``kind``; None if absent, and a problem if of another type."""
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    problems.append(f"{key}: {value!r} is not {_TYPE_NAMES[kind]}")
    return None


def _text(item: Mapping[str, Any], key: str, problems: list[str]) -> str | None:
    """A text variable; CSL processors accept numbers for the number variables."""
    value = item.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    result: str | None = _get(item, key, str, problems)
    return result


def _names(value: Any) -> list[Author]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _BadValue(f"{value!r} is not a list of names")
    authors = []
    for number, name in enumerate(value, start=1):
        if not isinstance(name, dict):
            raise _BadValue(f"name {number} ({name!r}) is not an object")
        parts = {
            key: text.strip() if isinstance(text := name.get(key), str) else None
            for key in ("family", "given", "suffix", "literal")
        }
        particles = [
            name[key].strip()
            for key in ("dropping-particle", "non-dropping-particle")
            if isinstance(name.get(key), str) and name[key].strip()
        ]
        if not parts["family"] and not parts["literal"]:
            # A lone given name (a mononym) is the whole name.
            if not parts["given"]:
                raise _BadValue(f"name {number} ({name!r}) has no family or literal name")
            parts = {"literal": parts["given"]}
        elif parts["family"] and parts["literal"]:
            parts["literal"] = None
        authors.append(Author(particle=" ".join(particles) or None, **parts))
    return authors


def _issued(value: Any, problems: list[str]) -> PartialDate | None:
    if value is None:
        return None
    try:
        if not isinstance(value, dict):
            raise _BadValue("it is not a date object")
        parts = value.get("date-parts")
        if parts is not None:
            return _date_parts(parts)
        for key in ("raw", "literal"):
            if isinstance(value.get(key), str):
                return _free_date(value[key])
        raise _BadValue("it has no date-parts, raw or literal date")
    except (_BadValue, ValueError) as error:
        problems.append(f"issued: {json.dumps(value, ensure_ascii=False)} ({error})")
        return None


def _date_parts(parts: Any) -> PartialDate | None:
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]):
        raise _BadValue("date-parts is not a list holding a list of numbers")
    numbers = [int(part) for part in parts[0][:3] if str(part).strip()]
    return PartialDate(*numbers)


def _free_date(text: str) -> PartialDate:
    try:
        return PartialDate.parse(text)
    except ValueError:
        years = _YEAR.findall(text)
        if len(set(years)) != 1:
            raise _BadValue("not a date such as 2024-05-31, nor one year") from None
        return PartialDate(int(years[0]))


def _listed(custom: Mapping[str, Any], problems: list[str]) -> dt.date | None:
    text = _get(custom, "listed", str, problems)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(f"custom.listed: {text!r} is not a date such as 2024-05-31")
        return None


def _upvotes(custom: Mapping[str, Any], problems: list[str]) -> int | None:
    upvotes: int | None = _get(custom, "upvotes", int, problems)
    if upvotes is not None and upvotes < 0:
        problems.append(f"custom.upvotes: {upvotes} is negative")
        return None
    return upvotes


def _author_count(
    item: Mapping[str, Any], custom: Mapping[str, Any], named: int, problems: list[str]
) -> int | None:
    """The total from ``custom["author-count"]``, or from the note paperbib writes."""
    count: int | None = _get(custom, "author-count", int, problems)
    if count is None:
        note = item.get("note")
        match = _AUTHOR_COUNT.fullmatch(note.strip()) if isinstance(note, str) else None
        # Any other note is the user's own, and says nothing about the authors.
        if match is None or int(match[2] or 0) != named:
            return None
        count = int(match[1])
    if count <= named:
        problems.append(f"the author count {count} is not above the {named} names given")
        return None
    return count


def _arxiv(
    item: Mapping[str, Any], custom: Mapping[str, Any], problems: list[str]
) -> ArxivId | None:
    candidates = [("custom.arxiv", _get(custom, "arxiv", str, problems))]
    number = _text(item, "number", [])
    if number and (match := _ARXIV_NUMBER.fullmatch(number.strip())):
        candidates.append(("number", match[1]))
    doi = item.get("DOI")
    if isinstance(doi, str) and (match := _ARXIV_DOI.fullmatch(doi.strip())):
        candidates.append(("DOI", match[1]))
    for key, candidate in candidates:
        if candidate is None:
            continue
        try:
            return ArxivId.parse(candidate)
        except ValueError:
            problems.append(f"{key}: {candidate!r} is not an arXiv id")
    return None


def _doi(item: Mapping[str, Any], problems: list[str]) -> str | None:
    value = _get(item, "DOI", str, problems)
    if value is None or not value.strip():
        return None
    try:
        return normalise_doi(value)
    except ValueError:
        problems.append(f"DOI: {value!r} is not a DOI such as 10.1000/xyz")
        return None


def _custom_links(custom: Mapping[str, Any], problems: list[str]) -> list[Link]:
    value = _get(custom, "links", list, problems) or []
    links = []
    for entry in value:
        try:
            links.append(Link(entry["url"], LinkKind(entry.get("kind", "other"))))
        except (TypeError, KeyError, ValueError):
            problems.append(f"custom.links: {entry!r} is not a link with a url and a kind")
    return links


def _citation_key(item: Mapping[str, Any]) -> str | None:
    key = item.get("citation-key")
    if isinstance(key, str) and key.strip():
        return key.strip()
    identifier = item.get("id")
    if isinstance(identifier, str) and "://" not in identifier and identifier.strip():
        return identifier.strip()
    return None
