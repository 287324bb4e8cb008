"""Reader for the Hugging Face Daily Papers JSON.

The Hub's API gives papers in a few shapes, all read here:

* the daily list (``/api/daily_papers``) and search results: an array of
  items, each with a nested ``paper`` object and item-level fields
  (``publishedAt``, ``title``, ``thumbnail``, ``numComments``, ``submittedBy``);
* one such item on its own;
* a flat paper object, as ``/api/papers/{id}`` returns it, or an array of them.

From the paper object: ``id`` (the arXiv id), ``title``, ``summary`` (the
abstract), ``authors`` (``[{"name": ...}]``), ``publishedAt`` (the arXiv date,
the issued date), ``upvotes``, ``githubRepo`` and ``projectPage``. The item's
``publishedAt`` is the day the paper was listed; a flat paper's listing day is
its ``submittedOnDailyAt``. Every paper gets its Hugging Face paper page.

``ai_summary`` and ``ai_keywords`` are written by Hugging Face's model, not by
the authors: the summary is never taken for the abstract, and the keywords are
not the paper's keywords (a bibliography's keywords become its reader's tags,
and machine-picked phrases would flood them). Authors marked ``hidden`` are
hidden from the Hub's page only; they are still authors of the paper and kept.

The array is decoded one item at a time, so a truncated download still gives
every complete item before the cut, and problems cite the line an item starts
on. An item without a title or with a malformed id is a problem; a bad value
in another field is a problem too, and the paper is kept without that value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate, Problem
from paperbib.names import parse_name
from paperbib.plugins import ReadContext, Reader
from paperbib.readers._json import json_values
from paperbib.text import clean, find_links

__all__ = ["DailyPapersJsonReader"]

_SNIFF_WINDOW = 16_384
# Keys only the Hub's paper JSON has (not "upvotes": CSL-JSON keeps ours in
# "custom"); a quote escaped inside a JSON string cannot start one.
_HUB_KEY = re.compile(
    r'(?<!\\)"(?:paper"\s*:\s*\{|(?:_id|submittedOnDailyAt|ai_summary|ai_keywords'
    r'|discussionId|githubRepo|numComments)"\s*:)'
)
_PAPER_PAGE = "https://huggingface.co/papers/"
_URL = re.compile(r"https?://\S+")


class DailyPapersJsonReader(Reader):
    """Reads the Daily Papers JSON of the Hugging Face Hub's API."""

    name = "hf-json"
    description = (
        "Hugging Face Daily Papers JSON: the daily list, one item, a paper or search results"
    )
    suffixes = (".json",)

    def sniff(self, text: str) -> bool:
        head = text[:_SNIFF_WINDOW].lstrip("\ufeff \t\r\n")
        return head[:1] in ("[", "{") and _HUB_KEY.search(head) is not None

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        for found in json_values(text, context):
            if isinstance(found, Problem):
                yield found
            else:
                yield from _records(found.value, found.number, found.line, context)


class _FieldError(ValueError):
    """A value of the wrong type or form, with what it should have been."""


def _records(
    value: Any, index: int | None, line: int, context: ReadContext
) -> Iterator[Paper | Problem]:
    """The paper an item or paper object holds, and the problems met on the way."""
    label = "the object" if index is None else f"item {index}"

    def problem(message: str) -> Problem:
        return Problem(context.source, line, f"{label}: {message}")

    if not isinstance(value, dict):
        yield problem(f"a {_json_type(value)} where a paper object should be; it was skipped")
        return
    nested = value.get("paper")
    item: Mapping[str, Any]
    if isinstance(nested, dict):
        paper, item = nested, value
    elif nested is None and ("id" in value or "title" in value):
        paper, item = value, {}
    else:
        yield problem(
            "neither a Daily Papers item (with a 'paper' object) "
            "nor a paper (with an 'id'); it was skipped"
        )
        return

    raw_id = paper.get("id")
    try:
        arxiv = ArxivId.parse(raw_id) if isinstance(raw_id, str) else None
    except ValueError:
        arxiv = None
    if arxiv is None:
        yield problem(
            f"'id' {raw_id!r} is not an arXiv id such as '2401.01234'; the paper was skipped"
        )
        return
    raw_title = paper.get("title") or item.get("title")
    title = clean(raw_title) if isinstance(raw_title, str) else ""
    if not title:
        yield problem(f"arXiv:{arxiv} has no 'title'; the paper was skipped")
        return
    label += f" ({_excerpt(title)!r})"

    raw_summary = paper.get("summary") or item.get("summary")
    abstract = clean(raw_summary) if isinstance(raw_summary, str) else None
    authors, author_count, unnamed = _authors(paper.get("authors"))
    if unnamed:
        yield problem(
            f"{unnamed} of its {author_count} author entries have no name; "
            "they are counted, not named"
        )
    fields: dict[str, Any] = {}
    # An item is listed when it was published to the list; a lone paper, when submitted to it.
    listed_from, listed_key = (
        (item, "publishedAt") if "publishedAt" in item else (paper, "submittedOnDailyAt")
    )
    for name, source, key, convert in (
        ("issued", paper, "publishedAt", _issued),
        ("listed", listed_from, listed_key, _date),
        ("upvotes", paper, "upvotes", _count),
    ):
        raw = source.get(key)
        if raw is None:
            continue
        try:
            fields[name] = convert(raw)
        except _FieldError as error:
            yield problem(f"'{key}' {raw!r} is not {error}; the paper is read without it")
    links = [Link(_PAPER_PAGE + arxiv.id, LinkKind.PAPER_PAGE)]
    for key, kind in (("githubRepo", LinkKind.CODE), ("projectPage", LinkKind.PROJECT)):
        url = paper.get(key)
        if url in (None, ""):
            continue
        if isinstance(url, str) and _URL.fullmatch(url.strip()):
            links.append(Link(url.strip(), kind))
        else:
            yield problem(f"'{key}' {url!r} is not a web address; the paper is read without it")
    if abstract:
        known = {link.url for link in links}
        links.extend(link for link in find_links(abstract) if link.url not in known)
    result = Paper.from_source(
        "hf-json",
        f"{context.source}:{line}",
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=author_count,
        arxiv=arxiv,
        kind=Kind.PREPRINT,
        links=links,
        **fields,
    )
    yield result


def _authors(value: Any) -> tuple[list[Author], int | None, int]:
    """The named authors, the count when some have no name (else None), and how many lack one."""
    if not isinstance(value, list):
        return [], None, 0
    named = []
    for entry in value:
        name = entry.get("name") if isinstance(entry, dict) else None
        author = parse_name(name) if isinstance(name, str) else None
        if author is not None:
            named.append(author)
    unnamed = len(value) - len(named)
    return named, len(value) if unnamed else None, unnamed


def _date(value: Any) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise _FieldError("an ISO date such as '2024-01-08T16:03:05.000Z'")


def _issued(value: Any) -> PartialDate:
    return PartialDate.from_date(_date(value))


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise _FieldError("a count of upvotes (a whole number, 0 or more)")


def _excerpt(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _json_type(value: Any) -> str:
    names = {list: "array", str: "string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "number")
