"""Crossref as a source of metadata: requests through habanero, answers mapped into the model.

This is the only module that imports habanero (and its HTTP library httpx2), and
it does so inside the functions that need them so that the CLI starts fast.
Every failure of a request becomes one :class:`~paperbib.errors.SourceError`
that says whether asking again may help.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import http.cookiejar
import importlib
import json
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from attrs import frozen

from paperbib._version import __version__
from paperbib.enrich.pacing import Pacer
from paperbib.enrich.sources import LookupContext, Source, SourceOptions
from paperbib.errors import SourceError
from paperbib.model import ArxivId, Author, Kind, Paper, PartialDate, Provenance, normalise_doi

if TYPE_CHECKING:
    from paperbib.enrich.matching import Outcome

__all__ = [
    "DEFAULT_URL",
    "MAX_DOIS_PER_REQUEST",
    "NON_PAPER_TYPES",
    "PAPER_FIELDS",
    "POLITE_LIMITS",
    "PUBLIC_LIMITS",
    "RATE_MARGIN",
    "USER_AGENT",
    "CrossrefSource",
    "PoolLimits",
    "doi_batches",
    "is_notice",
    "markup_to_text",
    "work_to_paper",
]

DEFAULT_URL = "https://api.crossref.org"
SOURCE = "crossref"
#: Our part of the User-Agent, as Crossref's etiquette asks: the tool's name and version
#: (habanero adds the mailto that lets Crossref reach the user).
USER_AGENT = f"paperbib/{__version__}"

#: The fields of a work that :func:`work_to_paper` and matching read; sent as ``select``.
PAPER_FIELDS: tuple[str, ...] = (
    "DOI",
    "type",
    "title",
    "subtitle",
    "author",
    "container-title",
    "issued",
    "published",
    "published-print",
    "published-online",
    "posted",
    "volume",
    "issue",
    "page",
    "publisher",
    "abstract",
    "relation",
    "update-to",
    "score",
)

# Fifty DOIs keep the request line near 2.5 kB for typical DOIs, well inside
# the 8 kB that common proxies accept, and one answer stays a few hundred kB.
MAX_DOIS_PER_REQUEST = 50
# Long DOIs (SICI-style) can make fifty too long a URL: a batch also stops here.
_MAX_FILTER_CHARS = 4000


@frozen
class PoolLimits:
    """What one of Crossref's pools allows: arrivals per second and requests in flight."""

    rate: float
    concurrency: int


# Crossref's limits since December 2025 (the x-rate-limit-* and
# x-concurrency-limit headers of its answers say the same).
PUBLIC_LIMITS = PoolLimits(rate=5.0, concurrency=1)
POLITE_LIMITS = PoolLimits(rate=10.0, concurrency=3)

# Crossref counts arrivals in a sliding one-second window, but a client can only
# time its starts and its answers. A busy machine or network holds a single
# request back by a few hundred milliseconds (150-290 ms on the two-core
# development machine; more on a loaded CI runner, where spacing starts at 0.8
# of the rate let 11 arrivals into one second), so spacing alone cannot keep the
# count. The pacer's window does (``Pacer(limit=...)``): it counts a request from
# its start until its answer. The margin keeps the window from binding while
# answers are quick: ten starts spaced at 0.8 of the rate span 1.25 s, so a
# start waits for the window only behind an answer slower than 250 ms. The
# in-flight limit needs no margin: a request cannot reach the server before the
# previous answer left it.
RATE_MARGIN = 0.8


class CrossrefSource(Source):
    """Crossref's REST API (or a mirror, a proxy, a stand-in at ``base_url``).

    ``rate`` and ``concurrency`` are the limits of the pool this source is in,
    with the safety margin applied; :meth:`pacer` makes the
    :class:`~paperbib.enrich.pacing.Pacer` that keeps them, to be shared by every
    thread using the source.
    """

    name: ClassVar[str] = SOURCE
    description: ClassVar[str] = "Crossref's REST API: published works by DOI or by search"

    @classmethod
    def configure(cls, options: SourceOptions) -> CrossrefSource:
        return cls(base_url=options.crossref_url or DEFAULT_URL, mailto=options.mailto)

    def lookup(self, papers: Sequence[Paper], context: LookupContext) -> list[Outcome]:
        """Each paper looked up by its DOI, else searched by its title and known names."""
        # The enrichment run drives Crossref's batches, threads and pacing.
        from paperbib.enrich.enricher import enrich

        result = enrich(
            papers,
            sources=[SOURCE],
            preprints="keep",
            source=self,
            cache=context.cache,
            refresh=context.refresh,
            retry=context.retry,
        )
        return list(result.outcomes)

    def __init__(
        self, *, base_url: str = DEFAULT_URL, mailto: str | None = None, timeout: float = 20.0
    ) -> None:
        from habanero import Crossref

        self.base_url = base_url.rstrip("/")
        self.mailto = mailto
        self.timeout = timeout
        self.polite = mailto is not None
        limits = POLITE_LIMITS if self.polite else PUBLIC_LIMITS
        self.rate = limits.rate * RATE_MARGIN
        self.concurrency = limits.concurrency
        # habanero puts "(mailto:...)" into the User-Agent itself, before ours.
        self._crossref = Crossref(
            base_url=self.base_url, mailto=mailto, ua_string=USER_AGENT, timeout=timeout
        )
        #: Whether this source's requests reuse a long-lived HTTP client per thread
        #: (False: habanero's own client per request, slower but the same answers).
        self._pooled, self.reuses_connections = _pool_habanero_connections()

    def pacer(self) -> Pacer:
        """A pacer for this source's pool, to share among every thread that uses it."""
        limits = POLITE_LIMITS if self.polite else PUBLIC_LIMITS
        return Pacer(self.rate, self.concurrency, limit=int(limits.rate))

    def fetch_dois(self, dois: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Look up ``dois`` in ONE request; the works found, keyed by normalised DOI.

        DOIs that Crossref does not know are missing from the result. At most
        :data:`MAX_DOIS_PER_REQUEST`; a DOI with a comma must come alone, as the
        filter syntax cannot carry it (:func:`doi_batches` does both).
        """
        wanted = list(dict.fromkeys(normalise_doi(doi) for doi in dois))
        if not wanted:
            return {}
        if len(wanted) > MAX_DOIS_PER_REQUEST:
            raise ValueError(f"at most {MAX_DOIS_PER_REQUEST} DOIs per request, not {len(wanted)}")
        if len(wanted) > 1 and any("," in doi for doi in wanted):
            raise ValueError("a DOI with a comma cannot share a doi: filter; look it up alone")
        if "," in wanted[0]:
            return self._fetch_one(wanted[0])
        body = self._request(
            f"looking up {len(wanted)} DOI(s)",
            lambda crossref: crossref.works(
                filter={"doi": wanted}, limit=len(wanted), select=list(PAPER_FIELDS)
            ),
        )
        found: dict[str, dict[str, Any]] = {}
        for item in _items(body):
            doi = _item_doi(item)
            if doi in wanted:
                found[doi] = item
        return found

    def search(self, query: str, *, rows: int = 5) -> list[dict[str, Any]]:
        """The best ``rows`` works for a bibliographic query (title, authors), in ONE request."""
        if not query.strip():
            raise ValueError("an empty query finds nothing")
        if not 1 <= rows <= 1000:
            raise ValueError(f"rows must be between 1 and 1000, not {rows}")
        body = self._request(
            f"searching for {query[:60]!r}",
            lambda crossref: crossref.works(
                query_bibliographic=query, limit=rows, select=list(PAPER_FIELDS)
            ),
        )
        return _items(body)

    def _fetch_one(self, doi: str) -> dict[str, dict[str, Any]]:
        try:
            body = self._request(
                f"looking up {doi}",
                # Quoted whole, "/" included: "#", "?" or "../" in a DOI must not
                # change the meaning of the URL.
                lambda crossref: crossref.works(ids=[quote(doi, safe="")]),
            )
        except SourceError as error:
            if error.status == 404:
                return {}
            raise
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, dict):
            raise SourceError(SOURCE, f"looking up {doi}: the answer holds no work", transient=True)
        # An alias DOI answers with its primary work: not found, as in the filter route.
        return {doi: message} if _item_doi(message) == doi else {}

    def _request(self, what: str, call: Callable[[Any], Any]) -> Any:
        try:
            with self._pooled.pooling():
                return call(self._crossref)
        except Exception as error:
            failure = _classify(error)
            if failure is None:
                raise
            raise SourceError(
                SOURCE,
                f"{what}: {failure.message}",
                transient=failure.transient,
                status=failure.status,
                retry_after=failure.retry_after,
            ) from error


# habanero (2.9) sends each request through the module-level httpx2.get(),
# which builds an httpx2.Client for that one call. Building it loads the CA
# bundle into a new SSL context, 60-85 ms of CPU with the GIL held, so threads
# queue for it, and all of it happens inside our pacer's in-flight slot: three
# slots of 0.5 s answers gave 5.1 requests/s where 6 are allowed, and the time
# between a start and its arrival at the server varied by hundreds of
# milliseconds. Each call also opened a new connection, where Crossref would
# rather see one kept alive. habanero takes no client from its caller, so the name
# httpx2 in its two request modules is pointed at a _PooledHttpx: during our
# own requests its get() goes through a long-lived client of the calling
# thread; any other use, and every other name (HTTPStatusError, HTTPError, ...),
# is httpx2's own, so habanero's error handling is unchanged. If habanero's
# modules do not look as expected, they are left alone: slower, still correct.
_HABANERO_REQUEST_MODULES = ("habanero.request", "habanero.request_class")
# What habanero passes to get(), and what means the same to Client.get().
_CLIENT_GET_OPTIONS = frozenset({"params", "headers", "timeout"})
_pooling_lock = threading.Lock()
_pooled_httpx: _PooledHttpx | None = None


class _ThreadClient:
    """One thread's HTTP client, closed when the thread's locals go with the thread."""

    def __init__(self, httpx2: ModuleType) -> None:
        # A client per call never sent a cookie back; a long-lived one refuses
        # them, so that requests stay independent of one another.
        jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self.client = httpx2.Client(cookies=jar)
        weakref.finalize(self, self.client.close)


class _PooledHttpx:
    """Stands for the httpx2 module inside habanero's request modules."""

    def __init__(self, httpx2: ModuleType) -> None:
        self._httpx2 = httpx2
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._httpx2, name)

    @contextmanager
    def pooling(self) -> Iterator[None]:
        """Within the block, this thread's habanero requests use its long-lived client."""
        outer = getattr(self._local, "pooling", False)
        self._local.pooling = True
        try:
            yield
        finally:
            self._local.pooling = outer

    def get(self, url: Any, **options: Any) -> Any:
        local = self._local
        if not getattr(local, "pooling", False) or not options.keys() <= _CLIENT_GET_OPTIONS:
            return self._httpx2.get(url, **options)
        own = getattr(local, "client", None)
        if own is None:
            own = local.client = _ThreadClient(self._httpx2)
        return own.client.get(url, **options)


def _pool_habanero_connections() -> tuple[_PooledHttpx, bool]:
    """Put the :class:`_PooledHttpx` into habanero's request modules, once; whether both have it."""
    global _pooled_httpx
    import httpx2

    with _pooling_lock:
        if _pooled_httpx is None:
            _pooled_httpx = _PooledHttpx(httpx2)
        stand_in = _pooled_httpx
        pooled = True
        for name in _HABANERO_REQUEST_MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:
                pooled = False
                continue
            current = getattr(module, "httpx2", None)
            if current is httpx2:
                vars(module)["httpx2"] = stand_in
            elif current is not stand_in:
                pooled = False
        return stand_in, pooled


def doi_batches(dois: Iterable[str]) -> list[list[str]]:
    """Split ``dois`` (normalised, duplicates dropped) into lists that ``fetch_dois`` takes."""
    batches: list[list[str]] = []
    batch: list[str] = []
    size = 0
    for doi in dict.fromkeys(normalise_doi(doi) for doi in dois):
        if "," in doi:
            batches.append([doi])
            continue
        cost = len(quote(f"doi:{doi},", safe=""))
        if batch and (len(batch) == MAX_DOIS_PER_REQUEST or size + cost > _MAX_FILTER_CHARS):
            batches.append(batch)
            batch, size = [], 0
        batch.append(doi)
        size += cost
    if batch:
        batches.append(batch)
    return batches


@frozen
class _Failure:
    """What went wrong with a request, in the terms :class:`SourceError` needs."""

    message: str
    transient: bool
    status: int | None = None
    retry_after: float | None = None


# Statuses after which the same request may succeed later.
_TRANSIENT_STATUSES = frozenset({408, 425, 429})


def _classify(error: BaseException) -> _Failure | None:
    """Say what a habanero / httpx2 exception means, or None if it is not a request failure.

    habanero raises RequestError, RuntimeError wrapping an httpx2 error, the
    httpx2 error itself, or a TypeError / KeyError when an error body is not the
    JSON it expects; the HTTP answer, when there was one, is found on the
    exception's chain.
    """
    import httpx2
    from habanero.exceptions import RequestError

    response = _response_on_chain(error, httpx2.HTTPStatusError)
    if response is not None:
        # A RequestError carries Crossref's own explanation from a JSON error body.
        detail = str(error.error) if isinstance(error, RequestError) else response.reason_phrase
        return _status_failure(response.status_code, detail, response.headers)
    transport = _on_chain(error, httpx2.HTTPError)
    if isinstance(transport, httpx2.TimeoutException):
        return _Failure(f"timed out ({type(transport).__name__})", transient=True)
    if isinstance(transport, httpx2.HTTPError):
        return _Failure(f"network error: {transport}", transient=True)
    if isinstance(error, RequestError):
        status = int(error.status_code)
        if status < 400:
            # habanero's check_json: a success whose body is not JSON (a proxy page).
            return _Failure(
                f"HTTP {status} with a body that is not JSON: {str(error.error)[:80]!r}",
                transient=True,
                status=status,
            )
        return _Failure(f"HTTP {status}: {error.error}", transient=status >= 500, status=status)
    if isinstance(error, RuntimeError):
        # habanero's own word for an HTTP request that went wrong in some other way.
        return _Failure(str(error), transient=True)
    if isinstance(error, json.JSONDecodeError | UnicodeDecodeError):
        return _Failure(f"the answer is not valid JSON: {error}", transient=True)
    if isinstance(error, KeyError | TypeError | IndexError | AttributeError):
        return _Failure(f"the answer is not Crossref's JSON envelope ({error!r})", transient=True)
    return None


def _on_chain(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _response_on_chain(error: BaseException, kind: type[BaseException]) -> Any:
    found = _on_chain(error, kind)
    return None if found is None else found.response  # type: ignore[attr-defined]


def _status_failure(status: int, detail: str, headers: Mapping[str, str]) -> _Failure:
    transient = status in _TRANSIENT_STATUSES or status >= 500
    return _Failure(
        f"HTTP {status} {detail}".rstrip(),
        transient=transient,
        status=status,
        retry_after=parse_retry_after(headers.get("retry-after")),
    )


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - (now or dt.datetime.now(dt.UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(seconds, 0.0)


def _items(body: Any) -> list[dict[str, Any]]:
    message = body.get("message") if isinstance(body, dict) else None
    items = message.get("items") if isinstance(message, dict) else None
    if not isinstance(items, list):
        raise SourceError(SOURCE, "the answer holds no list of works", transient=True)
    return [item for item in items if isinstance(item, dict)]


def _item_doi(item: Mapping[str, Any]) -> str | None:
    value = item.get("DOI")
    if not isinstance(value, str):
        return None
    try:
        return normalise_doi(value)
    except ValueError:
        return None


# --- mapping a work into the model -------------------------------------------------

_KINDS: dict[str, Kind] = {
    "journal-article": Kind.JOURNAL_ARTICLE,
    "proceedings-article": Kind.CONFERENCE_PAPER,
    "posted-content": Kind.PREPRINT,
    "book-chapter": Kind.BOOK_CHAPTER,
    "book-section": Kind.BOOK_CHAPTER,
    "book-part": Kind.BOOK_CHAPTER,
    "reference-entry": Kind.BOOK_CHAPTER,
    "book": Kind.BOOK,
    "monograph": Kind.BOOK,
    "edited-book": Kind.BOOK,
    "reference-book": Kind.BOOK,
    "dissertation": Kind.THESIS,
    "report": Kind.REPORT,
    "report-component": Kind.REPORT,
}

# Records that describe something around a paper, never the paper itself:
# reviews of it, parts of it, the journal or proceedings that hold it, money
# for it. Datasets are here too: a data deposit often carries its paper's
# title, and taking it for the paper would be a wrong match.
NON_PAPER_TYPES = frozenset(
    {
        "peer-review",
        "component",
        "grant",
        "journal",
        "journal-issue",
        "journal-volume",
        "proceedings",
        "proceedings-series",
        "book-series",
        "book-set",
        "report-series",
        "standard-series",
        "database",
        "dataset",
    }
)

# update-to types that make a record a notice about another work. A new
# version or edition is a work in its own right.
_NOTICE_UPDATES = frozenset(
    {
        "addendum",
        "clarification",
        "correction",
        "corrigendum",
        "erratum",
        "expression_of_concern",
        "partial_retraction",
        "removal",
        "retraction",
        "withdrawal",
    }
)

_PART_OF_BOOK = frozenset(
    {"book-chapter", "book-section", "book-part", "reference-entry", "proceedings-article"}
)

_DATE_FIELDS = ("issued", "published", "published-print", "published-online", "posted")


def is_notice(item: Mapping[str, Any]) -> bool:
    """Whether the work corrects, retracts or otherwise updates another work."""
    updates = item.get("update-to")
    if not isinstance(updates, list):
        return False
    return any(
        isinstance(update, dict) and str(update.get("type", "")).lower() in _NOTICE_UPDATES
        for update in updates
    )


def work_to_paper(item: Mapping[str, Any]) -> Paper | None:
    """Map a Crossref work into a :class:`Paper`; None for records that are never a paper.

    Every field set is credited to ``Provenance("crossref", doi)``. Values that
    do not fit the model (an ORCID that is no ORCID, an impossible date) are
    left out rather than failing the whole record.
    """
    work_type = str(item.get("type") or "").lower()
    if work_type in NON_PAPER_TYPES or is_notice(item):
        return None
    doi = _item_doi(item)
    authors = _authors(item.get("author"))
    paper = Paper(
        title=_title(item),
        abstract=jats_to_text(item["abstract"]) if isinstance(item.get("abstract"), str) else None,
        authors=authors or (),
        author_count=None if authors is None else len(authors),
        issued=_issued(item),
        doi=doi,
        arxiv=_preprint_arxiv_id(item),
        container_title=_container_title(item.get("container-title"), work_type),
        volume=_plain(item.get("volume")),
        issue=_plain(item.get("issue")),
        pages=_plain(item.get("page")),
        publisher=_plain(item.get("publisher")),
        kind=_KINDS.get(work_type, Kind.OTHER),
        provenance={"kind": Provenance(SOURCE, doi)} if work_type in _KINDS else {},
    )
    return paper.with_provenance(SOURCE, doi)


def _title(item: Mapping[str, Any]) -> str | None:
    title = _first_text(item.get("title"))
    subtitle = _first_text(item.get("subtitle"))
    if title is None or subtitle is None or subtitle.casefold() in title.casefold():
        return title
    separator = " " if title.endswith((":", "?", "!", ".")) else ": "
    return f"{title}{separator}{subtitle}"


def _container_title(value: Any, work_type: str) -> str | None:
    # Chapters and proceedings papers list the series first ("Lecture Notes in
    # Computer Science") and the book or proceedings they appear in last.
    if work_type in _PART_OF_BOOK and isinstance(value, list):
        return _first_text(list(reversed(value)))
    return _first_text(value)


def _first_text(value: Any) -> str | None:
    """The first non-blank string of a Crossref text array, markup removed."""
    values = value if isinstance(value, list) else [value]
    for entry in values:
        if isinstance(entry, str):
            text = markup_to_text(entry)
            if text:
                return text
    return None


def _plain(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return markup_to_text(value) or None
    return None


def _authors(value: Any) -> list[Author] | None:
    """The authors in order; None when the record lists none (unknown, not zero)."""
    if not isinstance(value, list) or not value:
        return None
    authors: list[Author] = []
    for entry in value:
        if isinstance(entry, dict):
            author = _author(entry)
            if author is not None:
                authors.append(author)
    return authors or None


def _author(entry: Mapping[str, Any]) -> Author | None:
    family = _plain(entry.get("family"))
    given = _plain(entry.get("given"))
    literal = _plain(entry.get("name"))
    orcid = _orcid(entry.get("ORCID"))
    if family is None:
        # An organisation ("name"), or a person known by one name only.
        literal = literal or given
        return None if literal is None else Author(literal=literal, orcid=orcid)
    return Author(family=family, given=given, suffix=_plain(entry.get("suffix")), orcid=orcid)


def _orcid(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        # The model's own check decides what counts as an ORCID iD.
        return Author(literal="-", orcid=value).orcid
    except ValueError:
        return None


def _issued(item: Mapping[str, Any]) -> PartialDate | None:
    for name in _DATE_FIELDS:
        date = _date(item.get(name))
        if date is not None:
            return date
    return None


def _date(value: Any) -> PartialDate | None:
    """A Crossref date ({"date-parts": [[y, m, d]]}); None for [[null]] and nonsense."""
    try:
        parts = value["date-parts"][0]
    except (KeyError, IndexError, TypeError):
        return None
    numbers: list[int] = []
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, bool) or not isinstance(part, int | str):
            break
        try:
            numbers.append(int(part))
        except ValueError:
            break
    # Drop the day, then the month, until what is left is a real date.
    while numbers:
        try:
            return PartialDate(*numbers[:3])
        except (ValueError, TypeError):
            numbers = numbers[: min(len(numbers), 3) - 1]
    return None


def _preprint_arxiv_id(item: Mapping[str, Any]) -> ArxivId | None:
    """The arXiv id of the work's preprint, when the record names one."""
    relation = item.get("relation")
    preprints = relation.get("has-preprint") if isinstance(relation, dict) else None
    for entry in preprints if isinstance(preprints, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        ident = entry["id"]
        kind = str(entry.get("id-type", "")).lower()
        if kind == "doi" and ident.lower().startswith("10.48550/arxiv."):
            ident = ident[len("10.48550/arxiv.") :]
        elif kind != "arxiv":
            continue
        try:
            return ArxivId.parse(ident)
        except ValueError:
            continue
    return None


# --- markup --------------------------------------------------------------------------

_TAG = re.compile(r"<[^<>]*>")
_SCRIPT = re.compile(
    r"<(?:[\w-]+:)?(sub|sup)\b[^<>]*>\s*([^<>]*?)\s*</(?:[\w-]+:)?\1\s*>", re.IGNORECASE
)
# Sub- and superscripts that can become TeX math safely: letters, digits, signs.
_MINUS = "\u2212"
_SIMPLE_SCRIPT = re.compile(r"[A-Za-z0-9+\-.,*'\u2212\u2032]{1,12}")
# Deposits are often pretty-printed XML: a line break plus indentation next to a
# tag is layout, not a space, when it touches a slash or bracket.
_LAYOUT_BEFORE = re.compile(r"\s*\n\s*(?=(?:<[^<>]*>)*[/)\],.;:!?])")
_LAYOUT_AFTER = re.compile(r"(?<=[/(\[])((?:<[^<>]*>)*)\s*\n\s*")
_SPACE = re.compile(r"\s+")


def markup_to_text(value: str) -> str:
    """Inline HTML/JATS/MathML to the model's plain text; sub/superscripts become ``$_{2}$``."""
    text = _LAYOUT_BEFORE.sub("", value)
    text = _LAYOUT_AFTER.sub(r"\1", text)
    text = _SCRIPT.sub(_script_to_math, text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return _SPACE.sub(" ", text).strip()


def _script_to_math(match: re.Match[str]) -> str:
    kind, content = match.group(1).lower(), html.unescape(match.group(2))
    if not _SIMPLE_SCRIPT.fullmatch(content):
        return content
    marker = "_" if kind == "sub" else "^"
    return f"${marker}{{{content.replace(_MINUS, '-')}}}$"


_PARAGRAPH_END = re.compile(r"</(?:[\w-]+:)?(?:p|sec|list-item|title)\s*>", re.IGNORECASE)
_SECTION_TITLE = re.compile(
    r"<(?:[\w-]+:)?title\b[^<>]*>(.*?)</(?:[\w-]+:)?title\s*>", re.IGNORECASE | re.DOTALL
)
_ABSTRACT_HEADING = re.compile(r"(?:abstract|summary)[.:]?", re.IGNORECASE)


def jats_to_text(value: str) -> str | None:
    """A JATS abstract as one paragraph of plain text: section titles lead their text."""

    def title(match: re.Match[str]) -> str:
        heading = markup_to_text(match.group(1))
        if not heading or _ABSTRACT_HEADING.fullmatch(heading):
            return " "
        return f" {heading}{'' if heading.endswith((':', '.', '?')) else ':'} "

    text = _SECTION_TITLE.sub(title, value)
    text = _PARAGRAPH_END.sub(" ", text)
    return markup_to_text(text) or None
