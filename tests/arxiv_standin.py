"""A loopback stand-in for the arXiv API (``/api/query``), for tests and benchmarks.

It answers in the Atom format recorded in ``../shared/research-raw/arxiv/``: a
``<feed>`` with ``opensearch:totalResults``, ``startIndex`` and
``itemsPerPage``, one ``<entry>`` per paper (id with its version, published and
updated dates, title and summary wrapped as arXiv wraps them, authors,
``arxiv:doi`` with its DOI link, comment, journal reference, abstract and PDF
links, primary category and categories), served as ``application/atom+xml``.

Parameters are the API's: ``search_query`` (``ti:``, ``au:``, ``abs:``,
``co:``, ``jr:``, ``cat:``, ``id:``, ``all:``; words or ``"phrases"``; ``AND``,
``OR``, ``ANDNOT`` and parentheses), ``id_list`` (comma-separated, with or
without versions; unknown ids are left out), ``start`` and ``max_results``
(10 unless given, as on arXiv), ``sortBy`` and ``sortOrder``. Given both, the
ids are filtered by the query. A malformed id, start, max_results or query is
answered as arXiv answers it: HTTP 400 with an error feed, one entry whose id is
``http://arxiv.org/api/errors#...``.

Every request is recorded with the time since the previous one; a request that
arrives sooner than ``interval_s`` (3 s, arXiv's rule) after the previous one,
or while another is in flight, is flagged. ``latency_s`` slows every answer;
``faults`` scripts what happens to the requests in arrival order: ``"503"``
(with ``Retry-After`` when ``retry_after_s`` is set), ``"500"``, ``"slow"``
(``slow_s`` more), ``"timeout"`` (no answer until the client hangs up),
``"truncated"`` (the feed cut in half), ``"reset"`` (the connection closed
unanswered), None for a normal answer.
"""

from __future__ import annotations

import datetime as dt
import re
import select
import socket
import textwrap
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape, quoteattr

from loopback import LoopbackHandler, LoopbackServer

__all__ = ["ARXIV_RULE_S", "FAULTS", "ArxivRequest", "ArxivStandin", "ArxivStats"]

#: arXiv's rule: no more than one request every three seconds.
ARXIV_RULE_S = 3.0
FAULTS = ("503", "500", "slow", "timeout", "truncated", "reset")

_NEW_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
_OLD_ID = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
_VERSION = re.compile(r"v(\d+)$")
_MAX_RESULTS = 30000
_FIELDS = {
    "ti": ("title",),
    "au": ("authors",),
    "abs": ("summary",),
    "co": ("comment",),
    "jr": ("journal_ref",),
    "cat": ("categories",),
    "id": ("id",),
    "all": ("title", "authors", "summary", "comment", "journal_ref", "categories", "id"),
}
_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
_ATOM = "http://www.w3.org/2005/Atom"
_OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
_ARXIV = "http://arxiv.org/schemas/atom"
_SCHEME = 'scheme="http://arxiv.org/schemas/atom"'


@dataclass(frozen=True)
class ArxivRequest:
    """One request as the stand-in saw it."""

    arrival: float
    #: Seconds since the previous request arrived; None for the first.
    gap: float | None
    path: str
    query: Mapping[str, list[str]]
    user_agent: str
    status: int
    fault: str | None
    #: Arrived sooner than the interval after the previous request.
    early: bool
    #: Arrived while another request was still being answered.
    overlapping: bool

    @property
    def ids(self) -> list[str]:
        """The ids the request asked for through ``id_list``."""
        return [i for text in self.query.get("id_list", []) for i in text.split(",") if i]


@dataclass
class ArxivStats:
    """What the stand-in saw since it started (or since :meth:`ArxivStandin.reset_stats`)."""

    log: list[ArxivRequest] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.log)

    @property
    def early(self) -> list[ArxivRequest]:
        """Requests that broke the interval rule."""
        return [request for request in self.log if request.early]

    @property
    def overlapping(self) -> list[ArxivRequest]:
        return [request for request in self.log if request.overlapping]

    @property
    def min_gap(self) -> float | None:
        gaps = [request.gap for request in self.log if request.gap is not None]
        return min(gaps) if gaps else None


@dataclass(frozen=True)
class _Record:
    """One paper of the corpus, with its tokens for searching."""

    data: Mapping[str, Any]
    tokens: Mapping[str, tuple[str, ...]]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def versions(self) -> Sequence[str]:
        return list(self.data["versions"])


class _BadRequest(Exception):
    """Answered as arXiv answers a bad request: 400 and an error feed."""

    def __init__(self, slug: str, message: str) -> None:
        super().__init__(message)
        self.slug = slug
        self.message = message


class ArxivStandin(LoopbackServer):
    """Serve ``records`` on 127.0.0.1 like export.arxiv.org's ``/api/query``.

    A record is a mapping with ``id`` (no version), ``versions`` (the date of
    each version, v1 first, ISO 8601), ``title``, ``summary``, ``authors``
    (names), ``primary_category``, ``categories``, and optionally ``comment``,
    ``journal_ref`` and ``doi``.
    """

    def __init__(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        interval_s: float = ARXIV_RULE_S,
        latency_s: float = 0.0,
        faults: Sequence[str | None] = (),
        slow_s: float = 2.0,
        retry_after_s: float | None = None,
    ) -> None:
        unknown = {fault for fault in faults if fault is not None} - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {FAULTS}")
        self.records = [_Record(record, _record_tokens(record)) for record in records]
        self._by_id = {record.id: record for record in self.records}
        self.interval_s = interval_s
        self.latency_s = latency_s
        self.faults = tuple(faults)
        self.slow_s = slow_s
        self.retry_after_s = retry_after_s
        self._lock = threading.Lock()
        self._stats = ArxivStats()
        self._arrivals = 0
        self._last_arrival: float | None = None
        self._in_flight = 0
        super().__init__()

    # --- life cycle -----------------------------------------------------------------

    name = "arxiv-standin"

    def handler(self) -> type[LoopbackHandler]:
        standin = self

        class Handler(_Handler):
            owner = standin

        return Handler

    @property
    def url(self) -> str:
        """The API address, as ``--arxiv-url`` takes it."""
        return f"{self.address}/api/query"

    @property
    def stats(self) -> ArxivStats:
        """A snapshot of the log so far."""
        with self._lock:
            return ArxivStats(list(self._stats.log))

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = ArxivStats()
            self._last_arrival = None

    # --- request handling -----------------------------------------------------------

    def _arrive(self) -> tuple[float, float | None, bool, bool, str | None]:
        with self._lock:
            now = time.monotonic()
            gap = None if self._last_arrival is None else now - self._last_arrival
            self._last_arrival = now
            overlapping = self._in_flight > 0
            self._in_flight += 1
            index = self._arrivals
            self._arrivals += 1
            fault = self.faults[index] if index < len(self.faults) else None
            early = gap is not None and gap < self.interval_s
            return now, gap, early, overlapping, fault

    def _leave(self, request: ArxivRequest) -> None:
        with self._lock:
            self._in_flight -= 1
            self._stats.log.append(request)

    def _wait(self, seconds: float, connection: socket.socket) -> bool:
        """Wait up to ``seconds``; False as soon as the client hangs up or the server stops."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._stopping.is_set():
                return False
            try:
                readable, _, _ = select.select([connection], [], [], min(left, 0.05))
                if readable and connection.recv(1, socket.MSG_PEEK) == b"":
                    return False
            except (OSError, ValueError):
                return False
        return not self._stopping.is_set()

    def answer(self, path: str, query: Mapping[str, list[str]]) -> tuple[int, str]:
        """Status and Atom body for a request that suffers no fault."""
        if path.rstrip("/") != "/api/query":
            return 404, _error_feed(query, "not_found", f"no such path {path}")
        try:
            return 200, self._results(query)
        except _BadRequest as bad:
            return 400, _error_feed(query, bad.slug, bad.message)

    def _results(self, query: Mapping[str, list[str]]) -> str:
        start = _integer(query, "start", 0)
        max_results = _integer(query, "max_results", 10)
        if max_results > _MAX_RESULTS:
            raise _BadRequest(
                "max_results_too_large", f"max_results must be less than {_MAX_RESULTS}"
            )
        ids = [i.strip() for text in query.get("id_list", []) for i in text.split(",")]
        ids = [i for i in ids if i]
        for ident in ids:
            if not (_NEW_ID.fullmatch(ident) or _OLD_ID.fullmatch(ident)):
                raise _BadRequest(
                    f"incorrect_id_format_for_{ident}", f"incorrect id format for {ident}"
                )
        search = query.get("search_query", [""])[-1].strip()
        condition = _parse_query(search) if search else None
        found: list[tuple[_Record, int | None, float]] = []
        if ids:
            for ident in ids:
                version_match = _VERSION.search(ident)
                bare = _VERSION.sub("", ident)
                record = self._by_id.get(bare)
                if record is None:
                    continue
                version = int(version_match.group(1)) if version_match else None
                if version is not None and version > len(record.versions):
                    continue
                score = 1.0 if condition is None else condition(record)
                if score > 0:
                    found.append((record, version, score))
        elif condition is not None:
            for record in self.records:
                score = condition(record)
                if score > 0:
                    found.append((record, None, score))
            found.sort(key=lambda hit: -hit[2])
        found = _sorted(found, query)
        page = found[start : start + max_results]
        return _feed(query, len(found), start, len(page), [_entry(r, v) for r, v, _ in page])


def _sorted(
    found: list[tuple[_Record, int | None, float]], query: Mapping[str, list[str]]
) -> list[tuple[_Record, int | None, float]]:
    sort_by = query.get("sortBy", ["relevance"])[-1]
    descending = query.get("sortOrder", ["descending"])[-1] != "ascending"
    if sort_by == "submittedDate":
        return sorted(found, key=lambda hit: hit[0].versions[0], reverse=descending)
    if sort_by == "lastUpdatedDate":
        return sorted(found, key=lambda hit: hit[0].versions[-1], reverse=descending)
    return found


class _Handler(LoopbackHandler):
    owner: ArxivStandin
    _left: bool
    _leave: Callable[[int], None]
    server_version = "arxiv-standin"

    def do_GET(self) -> None:
        owner = self.owner
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        arrival, gap, early, overlapping, fault = owner._arrive()
        self._left = False

        def leave(status: int) -> None:
            # Logged before the answer goes out: a client that reads the stats
            # on receiving its answer finds its request there.
            if not self._left:
                self._left = True
                user_agent = self.headers.get("User-Agent", "")
                request = ArxivRequest(
                    arrival, gap, url.path, query, user_agent, status, fault, early, overlapping
                )
                owner._leave(request)

        self._leave = leave
        try:
            self._serve(url.path, query, fault)
        finally:
            leave(0)

    def _serve(self, path: str, query: Mapping[str, list[str]], fault: str | None) -> int:
        owner = self.owner
        if fault == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return 0
        if fault == "timeout":
            owner._wait(3600, self.connection)
            return 0
        delay = owner.latency_s + (owner.slow_s if fault == "slow" else 0.0)
        if delay > 0 and not owner._wait(delay, self.connection):
            return 0
        if fault in ("500", "503"):
            headers = {}
            if fault == "503" and owner.retry_after_s is not None:
                headers["Retry-After"] = f"{owner.retry_after_s:g}"
            title = "Service Unavailable" if fault == "503" else "Internal Server Error"
            page = f"<html><body><h1>{fault} {title}</h1></body></html>"
            return self._send(int(fault), page.encode(), "text/html", headers)
        status, text = owner.answer(path, query)
        body = text.encode("utf-8")
        if fault == "truncated":
            body = body[: len(body) // 2]
        return self._send(status, body, _CONTENT_TYPE, {})

    def _send(self, status: int, body: bytes, content_type: str, headers: Mapping[str, str]) -> int:
        self._leave(status)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True
        return status


# --- the Atom answer ------------------------------------------------------------------


def _query_text(query: Mapping[str, list[str]]) -> str:
    """The query as arXiv echoes it in the feed's self link and title: every parameter."""
    defaults = {"search_query": "", "id_list": "", "start": "0", "max_results": "10"}
    pairs = [(name, query.get(name, [default])[-1]) for name, default in defaults.items()]
    return urlencode(pairs, safe=":,\"'")


def _feed(
    query: Mapping[str, list[str]], total: int, start: int, count: int, entries: list[str]
) -> str:
    echoed = _query_text(query)
    head = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="{_ATOM}" xmlns:opensearch="{_OPENSEARCH}" xmlns:arxiv="{_ARXIV}">
  <link href={quoteattr("http://arxiv.org/api/query?" + echoed)} rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: {escape(echoed)}</title>
  <id>http://arxiv.org/api/{zlib.crc32(echoed.encode()):010d}</id>
  <updated>{_today()}</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
  <opensearch:itemsPerPage>{count}</opensearch:itemsPerPage>
"""  # noqa: E501
    return head + "".join(entries) + "</feed>\n"


def _error_feed(query: Mapping[str, list[str]], slug: str, message: str) -> str:
    """arXiv's answer to a bad request: one entry whose id names the error."""
    link = quoteattr(f"http://arxiv.org/api/errors#{slug}")
    entry = f"""  <entry>
    <id>http://arxiv.org/api/errors#{escape(slug)}</id>
    <title>Error</title>
    <summary>{escape(message)}</summary>
    <updated>{_today()}</updated>
    <link href={link} rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
"""
    return _feed(query, 1, 0, 1, [entry])


def _today() -> str:
    return dt.date.today().isoformat() + "T00:00:00-05:00"


def _wrapped(text: str, indent: str) -> str:
    """Text broken at about 80 columns, as arXiv breaks titles and summaries."""
    return textwrap.fill(
        " ".join(text.split()), 80, subsequent_indent=indent, break_on_hyphens=False
    )


def _entry(record: _Record, version: int | None) -> str:
    data = record.data
    versions = record.versions
    number = version or len(versions)
    ident = f"{record.id}v{number}"
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{ident}</id>",
        f"    <updated>{versions[number - 1]}</updated>",
        f"    <published>{versions[0]}</published>",
        f"    <title>{escape(_wrapped(data['title'], '  '))}</title>",
        f"    <summary>  {escape(_wrapped(data['summary'], ''))}\n</summary>",
    ]
    for name in data["authors"]:
        lines += ["    <author>", f"      <name>{escape(name)}</name>", "    </author>"]
    if data.get("doi"):
        doi = escape(data["doi"])
        lines.append(f"    <arxiv:doi>{doi}</arxiv:doi>")
        href = quoteattr(f"http://dx.doi.org/{data['doi']}")
        lines.append(f'    <link title="doi" href={href} rel="related"/>')
    if data.get("comment"):
        lines.append(f"    <arxiv:comment>{escape(data['comment'])}</arxiv:comment>")
    if data.get("journal_ref"):
        lines.append(f"    <arxiv:journal_ref>{escape(data['journal_ref'])}</arxiv:journal_ref>")
    lines += [
        f'    <link href="http://arxiv.org/abs/{ident}" rel="alternate" type="text/html"/>',
        f'    <link title="pdf" href="http://arxiv.org/pdf/{ident}" rel="related"'
        ' type="application/pdf"/>',
        f'    <arxiv:primary_category term="{data["primary_category"]}" {_SCHEME}/>',
    ]
    for category in data["categories"]:
        lines.append(f'    <category term="{category}" {_SCHEME}/>')
    lines.append("  </entry>\n")
    return "\n".join(lines)


# --- the query language ---------------------------------------------------------------


def _integer(query: Mapping[str, list[str]], name: str, default: int) -> int:
    if name not in query:
        return default
    text = query[name][-1].strip()
    try:
        value = int(text)
    except ValueError:
        raise _BadRequest(f"{name}_not_an_integer", f"{name} must be an integer") from None
    if value < 0:
        raise _BadRequest(f"{name}_negative", f"{name} must be non-negative")
    return value


def _tokens(text: str) -> tuple[str, ...]:
    """Words as a search engine indexes them: case and accents folded, split at non-letters."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return tuple(re.findall(r"[^\W_]+", folded))


def _record_tokens(record: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {
        "title": _tokens(record["title"]),
        "authors": _tokens(" ".join(record["authors"])),
        "summary": _tokens(record["summary"]),
        "comment": _tokens(record.get("comment") or ""),
        "journal_ref": _tokens(record.get("journal_ref") or ""),
        "categories": tuple(c.casefold() for c in record["categories"]),
        "id": _tokens(record["id"]),
    }


Condition = Any  # Callable[[_Record], float]: 0 for no match, else a relevance
_QUERY_TOKEN = re.compile(r'\s*(\(|\)|ANDNOT\b|AND\b|OR\b|(?:(\w+):)?(?:"([^"]*)"|([^\s()"]+)))')


def _parse_query(text: str) -> Condition:
    tokens: list[tuple[str, str | None, str | None]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _QUERY_TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _BadRequest("malformed_query", f"malformed query near {text[position:]!r}")
        whole, prefix, phrase, word = match.group(1), match.group(2), match.group(3), match.group(4)
        if whole in ("(", ")", "AND", "OR", "ANDNOT"):
            tokens.append((whole, None, None))
        else:
            if (prefix or "all") not in _FIELDS:
                raise _BadRequest("malformed_query", f"unknown field {prefix!r}")
            tokens.append(("TERM", prefix or "all", phrase if phrase is not None else word))
        position = match.end()
    parser = _QueryParser(tokens)
    condition = parser.disjunction()
    if parser.position != len(tokens):
        raise _BadRequest("malformed_query", "malformed query: unbalanced parentheses")
    return condition


class _QueryParser:
    """OR binds loosest, then AND / ANDNOT; parentheses group."""

    def __init__(self, tokens: list[tuple[str, str | None, str | None]]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def disjunction(self) -> Condition:
        terms = [self.conjunction()]
        while self._peek() == "OR":
            self.position += 1
            terms.append(self.conjunction())
        return lambda record: sum(term(record) for term in terms)

    def conjunction(self) -> Condition:
        condition = self.unary()
        while self._peek() in ("AND", "ANDNOT"):
            negate = self._peek() == "ANDNOT"
            self.position += 1
            other = self.unary()
            condition = _combine(condition, other, negate)
        return condition

    def unary(self) -> Condition:
        if self._peek() == "(":
            self.position += 1
            condition = self.disjunction()
            if self._peek() != ")":
                raise _BadRequest("malformed_query", "malformed query: unbalanced parentheses")
            self.position += 1
            return condition
        if self._peek() != "TERM":
            raise _BadRequest("malformed_query", "malformed query: a term is missing")
        _, prefix, value = self.tokens[self.position]
        self.position += 1
        return _term(prefix or "all", value or "")


def _combine(left: Condition, right: Condition, negate: bool) -> Condition:
    def both(record: _Record) -> float:
        a, b = left(record), right(record)
        if negate:
            return a if a > 0 and b == 0 else 0.0
        return a + b if a > 0 and b > 0 else 0.0

    return both


def _term(prefix: str, value: str) -> Condition:
    wanted = _tokens(value)
    fields = _FIELDS[prefix]

    def matches(record: _Record) -> float:
        if not wanted:
            return 0.0
        for name in fields:
            if _contains(record.tokens[name], wanted):
                # Longer phrases say more; a match in a short title more than in a long one.
                return len(wanted) / (1 + 0.02 * len(record.tokens[name]))
        return 0.0

    return matches


def _contains(haystack: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether the words of ``phrase`` occur in ``haystack`` one after another."""
    size = len(phrase)
    return any(haystack[i : i + size] == phrase for i in range(len(haystack) - size + 1))
