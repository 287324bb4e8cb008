"""A loopback stand-in for Crossref's REST API, for tests and benchmarks.

It speaks Crossref's wire format as recorded in ``../shared/research-raw/crossref/``:
the ``{"status", "message-type", "message-version", "message"}`` envelope,
``/works`` (``query``, ``query.bibliographic`` / ``.title`` / ``.author``,
``filter`` with ``doi``, ``type``, ``from-pub-date``, ``until-pub-date``,
``rows``, ``offset``, ``select``) and ``/works/{doi}`` (a text/plain 404 when
unknown), validation failures as 400 JSON, and the pool headers
``x-rate-limit-limit``, ``x-rate-limit-interval``, ``x-concurrency-limit`` and
``x-api-pool``. A request is polite when its User-Agent holds ``mailto:`` or
its query a ``mailto`` parameter.

It counts every request and every limit violation: a request that arrives when
the sliding interval already holds ``rate`` arrivals, or when ``concurrency``
requests are in flight. A request is in flight from its arrival until its
answer starts to go out, or until its client hangs up, whether or not its
connection then carries more requests (``keep_alive=True``, as Crossref does;
by default every answer closes its connection). With
``enforce_limits=True`` violations are answered 429. A :class:`FaultPlan` adds
500/503 answers, 429s, time-outs, truncated or non-JSON bodies and dropped
connections, chosen per request in arrival order from a seed or a script.

Only loopback: the server binds 127.0.0.1 on a free port and runs in daemon
threads; :meth:`CrossrefStandin.close` stops it and wakes any waiting handler.
"""

from __future__ import annotations

import collections
import json
import random
import re
import select
import socket
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from loopback import LoopbackHandler, LoopbackServer

__all__ = [
    "FAULT_KINDS",
    "TRANSIENT_FAULT_KINDS",
    "CrossrefStandin",
    "FaultPlan",
    "RequestRecord",
    "StandinStats",
]

#: What a FaultPlan can do to a request.
#: 500 / 503: an HTML error page. 429: text body with Retry-After. 429-json: a JSON
#: body whose message is a string (habanero trips over it). 429-html: an HTML body,
#: no Retry-After. 429-burst: this and the next ``burst - 1`` requests get 429-html.
#: timeout: no answer until the client gives up. truncated: a 200 whose JSON is cut
#: in half. html-200: a 200 with an HTML page. reset: the connection closes unanswered.
#: These may pass on a retry; a FaultPlan draws from them unless told otherwise.
TRANSIENT_FAULT_KINDS: tuple[str, ...] = (
    "500",
    "503",
    "429",
    "429-json",
    "429-html",
    "429-burst",
    "timeout",
    "truncated",
    "html-200",
    "reset",
)
#: Every kind; "400" answers Crossref's validation-failure body, which no retry cures.
FAULT_KINDS: tuple[str, ...] = (*TRANSIENT_FAULT_KINDS, "400")

_VALID_SELECT = frozenset(
    """DOI ISBN ISSN URL abstract accepted alternative-id approved archive article-number
    assertion author chair clinical-trial-number container-title content-created
    content-domain contributor created degree deposited editor event funder group-title
    indexed is-referenced-by-count issn-type issue issued license link member original-title
    page posted prefix published published-online published-print publisher
    publisher-location reference references-count relation resource score
    short-container-title short-title standards-body subject subtitle title translator type
    update-policy update-to updated-by volume""".split()
)
_FIELD_QUERIES = frozenset({"query.bibliographic", "query.title", "query.author"})
_FILTERS = ("doi", "type", "from-pub-date", "until-pub-date")
_PARAMETERS = frozenset({"query", "filter", "rows", "offset", "select", "sort", "order", "mailto"})
_MAX_ROWS = 1000
_NOT_FOUND = b"Resource not found."
_HTML_429 = b"<html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>"  # noqa: E501
_HTML_ERROR = "<html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>"
_HTML_200 = b"<!DOCTYPE html><html><body><p>The service is under maintenance.</p></body></html>"


@dataclass(frozen=True)
class FaultPlan:
    """Which requests fail and how, decided in arrival order.

    The first ``len(script)`` requests get the scripted kind (None: no fault);
    after that each request fails with probability ``fraction``, its kind drawn
    from ``kinds``, both from a ``random.Random(seed)``.
    """

    fraction: float = 0.0
    kinds: tuple[str, ...] = TRANSIENT_FAULT_KINDS
    seed: int = 0
    script: tuple[str | None, ...] = ()
    #: How many consecutive requests a 429-burst covers.
    burst: int = 3
    #: The Retry-After (seconds) of "429" and "429-json" faults.
    retry_after_s: float = 1.0
    #: How long a "timeout" keeps a request unanswered if the client does not hang up.
    hang_s: float = 30.0

    def __post_init__(self) -> None:
        unknown = set(self.kinds) | {kind for kind in self.script if kind is not None}
        unknown -= set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must be within [0, 1], not {self.fraction}")


class _FaultChooser:
    """The per-server state of a FaultPlan: its random stream and any burst under way."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)
        self._burst_left = 0

    def next(self, index: int) -> str | None:
        plan = self.plan
        if index < len(plan.script):
            kind = plan.script[index]
        elif self._burst_left > 0:
            self._burst_left -= 1
            return "429-burst"
        elif plan.kinds and self._random.random() < plan.fraction:
            kind = self._random.choice(plan.kinds)
        else:
            kind = None
        if kind == "429-burst":
            self._burst_left = max(plan.burst - 1, 0)
        return kind


@dataclass(frozen=True)
class RequestRecord:
    """One request as the stand-in saw it."""

    arrival: float
    path: str
    query: Mapping[str, list[str]]
    user_agent: str
    polite: bool
    status: int
    fault: str | None
    violation: bool


@dataclass
class StandinStats:
    """Counts since the stand-in started (or since :meth:`CrossrefStandin.reset_stats`)."""

    requests: int = 0
    by_route: collections.Counter[str] = field(default_factory=collections.Counter)
    by_status: collections.Counter[int] = field(default_factory=collections.Counter)
    faults: collections.Counter[str] = field(default_factory=collections.Counter)
    sent_429: int = 0
    #: TCP connections accepted: fewer than requests when clients keep them alive.
    connections: int = 0
    #: Requests that arrived over the rate or the concurrency limit (each counted once).
    limit_violations: int = 0
    rate_violations: int = 0
    concurrency_violations: int = 0
    max_in_flight: int = 0
    log: list[RequestRecord] = field(default_factory=list)

    @property
    def arrivals(self) -> list[float]:
        return [record.arrival for record in self.log]

    def arrival_rate(self) -> float:
        """Requests per second between the first and the last arrival."""
        times = self.arrivals
        if len(times) < 2 or times[-1] == times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def max_in_window(self, interval_s: float) -> int:
        """The most arrivals any sliding window of ``interval_s`` held."""
        times = sorted(self.arrivals)
        most, start = 0, 0
        for end, arrival in enumerate(times):
            while arrival - times[start] >= interval_s:
                start += 1
            most = max(most, end - start + 1)
        return most


@dataclass
class _Active:
    """A request in flight, and the socket that tells whether its client is still there."""

    connection: socket.socket
    answered: bool = False

    def client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True


class _Answer(Exception):
    """Raised inside request handling to answer at once (a validation failure, a 404)."""

    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.content_type = content_type


class CrossrefStandin(LoopbackServer):
    """Serve ``corpus`` (Crossref work records) on 127.0.0.1 like api.crossref.org.

    ``rate_limit`` arrivals per ``interval_s`` and ``concurrency`` in flight are
    the polite pool's limits; ``public_rate_limit`` and ``public_concurrency``
    apply to requests without a mailto. ``latency_s`` delays every answer.
    ``keep_alive`` speaks HTTP/1.1 and keeps connections open between requests.
    """

    def __init__(
        self,
        corpus: Iterable[Mapping[str, Any]],
        *,
        rate_limit: int = 10,
        interval_s: float = 1.0,
        concurrency: int = 3,
        public_rate_limit: int = 5,
        public_concurrency: int = 1,
        latency_s: float = 0.0,
        enforce_limits: bool = False,
        faults: FaultPlan | None = None,
        keep_alive: bool = False,
    ) -> None:
        self.works = [dict(work) for work in corpus]
        self._by_doi = {str(work["DOI"]).lower(): work for work in self.works if "DOI" in work}
        self._search_index = [_search_tokens(work) for work in self.works]
        self.rate_limit = rate_limit
        self.interval_s = interval_s
        self.concurrency = concurrency
        self.public_rate_limit = public_rate_limit
        self.public_concurrency = public_concurrency
        self.latency_s = latency_s
        self.enforce_limits = enforce_limits
        self.keep_alive = keep_alive
        self.fault_plan = faults or FaultPlan()
        self._faults = _FaultChooser(self.fault_plan)
        self._lock = threading.Lock()
        self._stats = StandinStats()
        self._window: collections.deque[float] = collections.deque()
        self._active: list[_Active] = []
        super().__init__()

    # --- life cycle -----------------------------------------------------------------

    name = "crossref-standin"

    def handler(self) -> type[LoopbackHandler]:
        standin = self

        class Handler(_Handler):
            owner = standin
            protocol_version = "HTTP/1.1" if standin.keep_alive else "HTTP/1.0"

        return Handler

    @property
    def url(self) -> str:
        """The API address, as ``--crossref-url`` takes it."""
        return self.address

    @property
    def stats(self) -> StandinStats:
        """A snapshot of the counts so far."""
        with self._lock:
            current = self._stats
            return StandinStats(
                requests=current.requests,
                by_route=collections.Counter(current.by_route),
                by_status=collections.Counter(current.by_status),
                faults=collections.Counter(current.faults),
                sent_429=current.sent_429,
                connections=current.connections,
                limit_violations=current.limit_violations,
                rate_violations=current.rate_violations,
                concurrency_violations=current.concurrency_violations,
                max_in_flight=current.max_in_flight,
                log=list(current.log),
            )

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = StandinStats()
            self._window.clear()

    # --- request handling -----------------------------------------------------------

    def _connected(self, connection: socket.socket) -> None:
        super()._connected(connection)
        with self._lock:
            self._stats.connections += 1

    def _arrive(self, polite: bool, connection: socket.socket) -> tuple[_Active, bool, str | None]:
        """Count an arrival; whether it breaks a limit, and the fault it is to suffer."""
        rate = self.rate_limit if polite else self.public_rate_limit
        concurrency = self.concurrency if polite else self.public_concurrency
        with self._lock:
            now = time.monotonic()
            while self._window and now - self._window[0] >= self.interval_s:
                self._window.popleft()
            self._active = [a for a in self._active if not a.answered and not a.client_gone()]
            over_rate = len(self._window) >= rate
            over_concurrency = len(self._active) >= concurrency
            self._window.append(now)
            active = _Active(connection)
            self._active.append(active)
            stats = self._stats
            stats.requests += 1
            stats.max_in_flight = max(stats.max_in_flight, len(self._active))
            stats.rate_violations += over_rate
            stats.concurrency_violations += over_concurrency
            stats.limit_violations += over_rate or over_concurrency
            fault = self._faults.next(stats.requests - 1)
            return active, over_rate or over_concurrency, fault

    def _record(self, record: RequestRecord, route: str) -> None:
        with self._lock:
            stats = self._stats
            stats.log.append(record)
            stats.by_route[route] += 1
            stats.by_status[record.status] += 1
            stats.sent_429 += record.status == 429
            if record.fault is not None:
                stats.faults[record.fault] += 1

    def _wait(self, seconds: float, active: _Active) -> bool:
        """Wait up to ``seconds``; False as soon as the client hangs up or the server stops."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._stopping.is_set():
                return False
            try:
                readable, _, _ = select.select([active.connection], [], [], min(left, 0.05))
            except (OSError, ValueError):
                return False
            if readable and active.client_gone():
                return False
        return not self._stopping.is_set()

    def pool_headers(self, polite: bool) -> dict[str, str]:
        rate = self.rate_limit if polite else self.public_rate_limit
        concurrency = self.concurrency if polite else self.public_concurrency
        return {
            "x-api-pool": "polite" if polite else "public",
            "x-rate-limit-limit": str(rate),
            "x-rate-limit-interval": f"{self.interval_s:g}s",
            "x-concurrency-limit": str(concurrency),
        }

    def answer(self, path: str, query: Mapping[str, list[str]]) -> tuple[int, bytes, str]:
        """Status, body and content type for a request that suffers no fault."""
        try:
            route = _route(path)
            if route == "works":
                body = self._work_list(query)
            elif route == "work":
                body = self._work(unquote(path.split("/works/", 1)[1]), query)
            else:
                raise _Answer(404, _NOT_FOUND, "text/plain")
        except _Answer as answer:
            return answer.status, answer.body, answer.content_type
        return 200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"

    def _work(self, doi: str, query: Mapping[str, list[str]]) -> dict[str, Any]:
        if any(name.startswith("query") or name == "filter" for name in query):
            raise _validation_failure(
                "parameter-not-allowed",
                "query.*",
                "This route does not support field query parameters",
            )
        work = self._by_doi.get(doi.lower())
        if work is None:
            raise _Answer(404, _NOT_FOUND, "text/plain")
        return _envelope("work", work)

    def _work_list(self, query: Mapping[str, list[str]]) -> dict[str, Any]:
        for name in query:
            if name not in _PARAMETERS and name not in _FIELD_QUERIES:
                raise _validation_failure(
                    "parameter-not-allowed", name, f"This route does not support {name}"
                )
        rows = _integer(query, "rows", 20)
        offset = _integer(query, "offset", 0)
        selected = _selection(query)
        matches = list(range(len(self.works)))
        for name, values in _filters(query).items():
            matches = [i for i in matches if _passes(self.works[i], name, values)]
        terms = {
            name: _tokens(values[-1])
            for name, values in query.items()
            if name == "query" or name in _FIELD_QUERIES
        }
        scores = dict.fromkeys(matches, 1.0)
        if terms:
            scores = {}
            for i in matches:
                score = _relevance(self._search_index[i], terms)
                if score > 0:
                    scores[i] = score
            matches = sorted(scores, key=lambda i: (-scores[i], i))
        page = matches[offset : offset + rows]
        items = [_project({**self.works[i], "score": round(scores[i], 3)}, selected) for i in page]
        search_terms = query["query"][-1] if "query" in query else None
        return _envelope(
            "work-list",
            {
                "facets": {},
                "total-results": len(matches),
                "items": items,
                "items-per-page": rows,
                "query": {"start-index": offset, "search-terms": search_terms},
            },
        )


class _Handler(LoopbackHandler):
    owner: CrossrefStandin
    _recorded: bool
    _record_once: Callable[[int], None]
    server_version = "crossref-standin"
    error_content_type = "text/plain"
    # Headers and body go out in two writes; with Nagle's algorithm the body of
    # an answer on a kept-alive connection would wait ~40 ms for the client's
    # delayed ACK, a delay that Crossref's servers do not add.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        owner = self.owner
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        user_agent = self.headers.get("User-Agent", "")
        polite = "mailto:" in user_agent or "mailto" in query
        active, violation, fault = owner._arrive(polite, self.connection)
        arrival = time.monotonic()
        self._recorded = False

        def record(status: int) -> None:
            # Recorded before the answer goes out: a client that reads the stats
            # on receiving its answer finds its request there.
            if not self._recorded:
                self._recorded = True
                entry = RequestRecord(
                    arrival, url.path, query, user_agent, polite, status, fault, violation
                )
                owner._record(entry, _route(url.path))

        self._record_once = record
        try:
            self._serve(url.path, query, polite, active, violation, fault)
        finally:
            active.answered = True
            record(0)

    def _serve(
        self,
        path: str,
        query: Mapping[str, list[str]],
        polite: bool,
        active: _Active,
        violation: bool,
        fault: str | None,
    ) -> int:
        owner = self.owner
        headers = owner.pool_headers(polite)
        if violation and owner.enforce_limits:
            return self._send(active, 429, _HTML_429, "text/html", headers)
        if fault == "reset":
            active.answered = True
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return 0
        if fault == "timeout":
            if not owner._wait(owner.fault_plan.hang_s, active):
                return self._hang_up(active)
            return self._send(active, 504, b"Gateway Timeout", "text/plain", headers)
        if owner.latency_s > 0 and not owner._wait(owner.latency_s, active):
            return self._hang_up(active)
        plan = owner.fault_plan
        if fault == "429":
            retry = {"Retry-After": f"{plan.retry_after_s:g}"}
            return self._send(active, 429, b"Too Many Requests", "text/plain", headers | retry)
        if fault == "429-json":
            body = json.dumps(
                {"status": "failed", "message-type": "rate-limit", "message": "Too many requests"}
            ).encode()
            retry = {"Retry-After": f"{plan.retry_after_s:g}"}
            return self._send(active, 429, body, "application/json", headers | retry)
        if fault in ("429-html", "429-burst"):
            return self._send(active, 429, _HTML_429, "text/html", headers)
        if fault in ("500", "503"):
            title = "500 Internal Server Error" if fault == "500" else "503 Service Unavailable"
            body = _HTML_ERROR.format(title).encode()
            return self._send(active, int(fault), body, "text/html", headers)
        if fault == "400":
            failure = _validation_failure(
                "parameter-not-allowed",
                "query.*",
                "This route does not support field query parameters",
            )
            return self._send(active, 400, failure.body, "application/json;charset=utf-8", headers)
        if fault == "html-200":
            return self._send(active, 200, _HTML_200, "text/html", headers)
        status, body, content_type = owner.answer(path, query)
        if fault == "truncated" and status == 200:
            body = body[: max(len(body) // 2, 1)]
        if content_type == "application/json" and status >= 400:
            content_type = "application/json;charset=utf-8"
        return self._send(active, status, body, content_type, headers)

    def _hang_up(self, active: _Active) -> int:
        """End a request that its client gave up on (or that a stopping server drops)."""
        active.answered = True
        self.close_connection = True
        return 0

    def _send(
        self,
        active: _Active,
        status: int,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str],
    ) -> int:
        # The request leaves flight before its first byte goes out, so a client
        # that starts its next request on receiving this answer never overlaps it.
        active.answered = True
        self._record_once(status)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if not self.owner.keep_alive:
                self.send_header("Connection", "close")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True
        return status


# --- the query language ---------------------------------------------------------------


def _route(path: str) -> str:
    path = path.removeprefix("/v1")
    if path.rstrip("/") == "/works":
        return "works"
    if path.startswith("/works/") and not re.search(r"/(agency|transform)(/|$)", path):
        return "work"
    return "other"


def _envelope(message_type: str, message: Any) -> dict[str, Any]:
    return {
        "status": "ok",
        "message-type": message_type,
        "message-version": "1.0.0",
        "message": message,
    }


def _validation_failure(kind: str, value: str, message: str) -> _Answer:
    body = {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [{"type": kind, "value": value, "message": message}],
    }
    return _Answer(400, json.dumps(body).encode(), "application/json")


def _integer(query: Mapping[str, list[str]], name: str, default: int) -> int:
    if name not in query:
        return default
    text = query[name][-1]
    if not text.isdigit() or (name == "rows" and int(text) > _MAX_ROWS):
        raise _validation_failure(
            "integer-not-valid",
            text,
            f"Integer specified as {text} but must be a positive integer less than or equal "
            f"to {_MAX_ROWS}.",
        )
    return int(text)


def _selection(query: Mapping[str, list[str]]) -> list[str] | None:
    if "select" not in query:
        return None
    names = [name for name in query["select"][-1].split(",") if name]
    for name in names:
        if name not in _VALID_SELECT:
            raise _validation_failure(
                "select-not-valid", name, f"Select field {name} is not a valid select field"
            )
    return names


def _project(work: Mapping[str, Any], selected: Sequence[str] | None) -> dict[str, Any]:
    if selected is None:
        return dict(work)
    return {name: work[name] for name in selected if name in work}


def _filters(query: Mapping[str, list[str]]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = collections.defaultdict(list)
    for text in query.get("filter", []):
        for clause in filter(None, text.split(",")):
            name, colon, value = clause.partition(":")
            if not colon or name not in _FILTERS:
                raise _validation_failure(
                    "filter-not-available",
                    name,
                    f"Filter {name} specified but there is no such filter for this route. "
                    f"Valid filters for this route are: {', '.join(_FILTERS)}",
                )
            filters[name].append(value)
    return filters


def _passes(work: Mapping[str, Any], name: str, values: list[str]) -> bool:
    if name == "doi":
        return str(work.get("DOI", "")).lower() in {value.lower() for value in values}
    if name == "type":
        return work.get("type") in values
    published = _published(work)
    if published is None:
        return False
    bound = tuple(int(part) for part in values[-1].split("-"))
    return published >= bound if name == "from-pub-date" else published[: len(bound)] <= bound


def _published(work: Mapping[str, Any]) -> tuple[int, ...] | None:
    for name in ("published", "issued", "published-print", "published-online", "posted"):
        try:
            parts = work[name]["date-parts"][0]
        except (KeyError, IndexError, TypeError):
            continue
        if parts and parts[0] is not None:
            return tuple(int(part) for part in parts if part is not None)
    return None


# --- relevance ------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", text)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.findall(r"[a-z0-9]+", text)


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [entry for entry in value if isinstance(entry, str)]
    return [value] if isinstance(value, str) else []


@dataclass(frozen=True)
class _SearchTokens:
    title: frozenset[str]
    title_length: int
    authors: frozenset[str]
    other: frozenset[str]


def _search_tokens(work: Mapping[str, Any]) -> _SearchTokens:
    title = [
        t
        for text in _texts(work.get("title")) + _texts(work.get("subtitle"))
        for t in _tokens(text)
    ]
    authors: list[str] = []
    for author in work.get("author") or []:
        for part in ("given", "family", "name"):
            authors += _tokens(str(author.get(part, "")))
    other = [t for text in _texts(work.get("container-title")) for t in _tokens(text)]
    published = _published(work)
    if published:
        other.append(str(published[0]))
    return _SearchTokens(frozenset(title), len(title), frozenset(authors), frozenset(other))


def _relevance(index: _SearchTokens, terms: Mapping[str, list[str]]) -> float:
    """Token overlap: title words weigh most, a long title that matches little weighs less."""
    score = 0.0
    for name, tokens in terms.items():
        wanted = set(tokens)
        in_title = len(wanted & index.title) if name != "query.author" else 0
        in_authors = len(wanted & index.authors) if name != "query.title" else 0
        in_other = len(wanted & index.other) if name in ("query", "query.bibliographic") else 0
        score += 2.0 * in_title + in_authors + 0.5 * in_other
    if score == 0:
        return 0.0
    unmatched = max(index.title_length - sum(len(set(t)) for t in terms.values()), 0)
    return score / (1.0 + 0.05 * unmatched)
