"""arXiv as a source of metadata: the API's Atom answers, read by the arXiv feed reader.

Most papers in a Daily Papers digest are arXiv preprints, which Crossref does
not hold. arXiv's API (``export.arxiv.org/api/query``) answers two kinds of
request that enrichment needs:

- ``id_list``: papers that carry an arXiv id are looked up by it, up to
  :data:`MAX_IDS_PER_REQUEST` ids in one request;
- ``search_query``: papers without one are searched by title, as the phrase
  ``ti:"..."`` of the title's plain words (:func:`title_phrase`); the titles of
  up to :data:`MAX_TITLES_PER_REQUEST` papers share one request, joined by
  ``OR``, and each paper is then matched against the records whose titles
  resemble its own by the same rules as Crossref's records
  (:func:`paperbib.enrich.matching.judge`).

arXiv asks for one request at a time with a three-second pause between
requests. The pause here runs from the end of one answer to the start of the
next request, so that no request can reach arXiv sooner than the pause after
the previous one, however the network delays either; and it is kept by one
:class:`~paperbib.enrich.pacing.Pacer` per address for the whole process,
whatever other sources or other runs do. Fewer, larger requests are what that
rule rewards, hence the batching. A shorter pause is accepted only for another
address (a mirror, a test stand-in): :func:`check_interval`.

The answers are read by :func:`paperbib.readers.arxiv_atom.read_entry`, the
reader of saved API feeds, so a record means the same whether it was saved to
a file or fetched. The cache keeps each paper's share of an answer (the XML of
its entries) under its own key, so that a rerun batches whatever is left
differently and still asks nothing twice.

The ``arxiv`` package on PyPI was not used: its client can be pointed at
another address only by overriding a class attribute, it needs requests and
lxml, parses with lxml rather than defusedxml, and keeps its own delay and
retries per client instance, outside the cache and the shared pacing.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote_plus, urlencode, urlsplit

from attrs import frozen

from paperbib._version import __version__
from paperbib.enrich.cache import ResponseCache, request_key
from paperbib.enrich.crossref import parse_retry_after
from paperbib.enrich.matching import (
    DOI_TITLE_FLOOR,
    Candidate,
    Outcome,
    Verdict,
    decide_records,
    title_similarity,
)
from paperbib.enrich.pacing import Pacer, RetryPolicy, call_with_retries
from paperbib.enrich.sources import LookupContext, Source, SourceOptions
from paperbib.errors import EnrichError, InputError, SourceError
from paperbib.model import ArxivId, Paper
from paperbib.text import normalise_title

if TYPE_CHECKING:
    from urllib.error import HTTPError

__all__ = [
    "DEFAULT_INTERVAL",
    "DEFAULT_URL",
    "INTERVAL_ENV",
    "MAX_IDS_PER_REQUEST",
    "MAX_TITLES_PER_REQUEST",
    "RESULTS_PER_TITLE",
    "TTL",
    "URL_ENV",
    "ArxivQueryError",
    "ArxivSource",
    "Entry",
    "arxiv_id_from_doi",
    "check_interval",
    "choose",
    "confirm",
    "datacite_doi",
    "id_batches",
    "lookup",
    "read_answer",
    "title_batches",
    "title_phrase",
]

SOURCE = "arxiv"
DEFAULT_URL = "https://export.arxiv.org/api/query"
#: arXiv's terms of use: one request at a time, three seconds between requests.
DEFAULT_INTERVAL = 3.0
#: The environment variables the address and the pause come from when not given.
URL_ENV = "PAPERBIB_ARXIV_URL"
INTERVAL_ENV = "PAPERBIB_ARXIV_INTERVAL"
#: How long an arXiv answer is trusted. Shorter than Crossref's month: a record
#: gains its journal reference and DOI when the paper is published, and a
#: week lets a rerun see them soon while keeping reruns of one digest free.
TTL = dt.timedelta(days=7)
USER_AGENT = f"paperbib/{__version__}"

# Two hundred ids make a request line of about 2.6 kB (new-style ids and
# URL-quoted commas): twice the 100 of arXiv's own examples, and far inside
# the 8 kB proxies accept. With the three-second pause and arXiv's answer
# time, that is some 60 ids a second where one id per request gives a third of one.
MAX_IDS_PER_REQUEST = 200
# Twenty title phrases keep a query near 2 kB; more would make one slow
# search of arXiv's index, where the pause, not the search, is the cost.
MAX_TITLES_PER_REQUEST = 20
_MAX_QUERY_CHARS = 4000
#: Records asked per title in a shared search: the paper, a second version of
#: it under another id, or a same-title rival are near the top when present.
RESULTS_PER_TITLE = 5
# A phrase of fewer plain words ("technical report") matches too many
# records to find one paper among the first few.
MIN_PHRASE_WORDS = 3
# Records of a shared search whose titles resemble a paper's less than this are
# other papers' results, not candidates for it (a changed subtitle scores
# above it, a different paper on the same topic below).
CANDIDATE_TITLE_FLOOR = 0.5

_ARXIV_DOMAIN = "arxiv.org"
_ERROR_ID_FORMAT = re.compile(r"incorrect id format for (\S+)")
# Words a search engine indexes as the model's normalised words: letters,
# with inner hyphens. Others (digits, math, apostrophes) it may split its own way.
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_EDGE_PUNCTUATION = '.,:;!?()[]{}"\u201c\u201d\u2018\u2019'


def datacite_doi(arxiv: ArxivId) -> str:
    """The DOI arXiv registers with DataCite for every paper: ``10.48550/arxiv.ID``."""
    return f"{_DATACITE_PREFIX}{arxiv.id}".lower()


_DATACITE_PREFIX = "10.48550/arxiv."


def arxiv_id_from_doi(doi: str) -> ArxivId | None:
    """The arXiv id a DataCite arXiv DOI (``10.48550/arXiv.ID``) names, else None."""
    if not doi.lower().startswith(_DATACITE_PREFIX):
        return None
    try:
        return ArxivId.parse(doi[len(_DATACITE_PREFIX) :])
    except ValueError:
        return None


def is_arxiv_host(url: str) -> bool:
    """Whether ``url`` is arXiv's own (arxiv.org or one of its hosts)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host == _ARXIV_DOMAIN or host.endswith("." + _ARXIV_DOMAIN)


def check_interval(url: str, interval: float) -> None:
    """Refuse a pause arXiv's rule forbids: under three seconds at arXiv's own address."""
    if not (interval >= 0 and math.isfinite(interval)):
        raise EnrichError(f"the pause between arXiv requests must be 0 s or more, not {interval}")
    if interval < DEFAULT_INTERVAL and is_arxiv_host(url):
        raise EnrichError(
            f"arXiv asks for {DEFAULT_INTERVAL:g} seconds between requests to its API; "
            f"a pause of {interval:g} s is accepted only for another address "
            f"(a mirror or a test stand-in), not {urlsplit(url).hostname}"
        )


class ArxivQueryError(SourceError):
    """arXiv refused a request as malformed (HTTP 400 and an error feed).

    ``rejected_id`` is the id arXiv named as malformed, when it named one.
    """

    def __init__(self, message: str, *, status: int | None, rejected_id: str | None) -> None:
        super().__init__(SOURCE, message, transient=False, status=status)
        self.rejected_id = rejected_id


@frozen
class Entry:
    """One record of an answer: the paper the reader makes of it, and its XML for the cache."""

    paper: Paper
    xml: str


_PACERS: dict[tuple[str, float], Pacer] = {}
_PACERS_LOCK = threading.Lock()


def _pacer_for(url: str, interval: float) -> Pacer:
    """The one pacer of an address: runs one after another in a process share it."""
    with _PACERS_LOCK:
        key = (url, interval)
        if key not in _PACERS:
            _PACERS[key] = Pacer(1.0 / interval if interval > 0 else math.inf, 1)
        return _PACERS[key]


class ArxivSource(Source):
    """arXiv's API (or a mirror, a stand-in at ``base_url``), one request per call.

    ``interval`` is the pause between requests; below three seconds it is
    refused for arXiv's own address (:class:`~paperbib.errors.EnrichError`).
    """

    name: ClassVar[str] = SOURCE
    description: ClassVar[str] = "arXiv's API: preprints by id or title, with their authors"

    @classmethod
    def configure(cls, options: SourceOptions) -> ArxivSource:
        """The address and pause from the options, else ``$PAPERBIB_ARXIV_URL`` and
        ``$PAPERBIB_ARXIV_INTERVAL``, else arXiv's own and three seconds."""
        url = options.arxiv_url or os.environ.get(URL_ENV) or DEFAULT_URL
        interval = options.arxiv_interval
        if interval is None and os.environ.get(INTERVAL_ENV):
            try:
                interval = float(os.environ[INTERVAL_ENV])
            except ValueError:
                raise EnrichError(
                    f"{INTERVAL_ENV}={os.environ[INTERVAL_ENV]!r} is not a number of seconds"
                ) from None
        return cls(base_url=url, interval=DEFAULT_INTERVAL if interval is None else interval)

    def lookup(self, papers: Sequence[Paper], context: LookupContext) -> list[Outcome]:
        """Each paper looked up by its arXiv id, or by its title when it has none."""
        return lookup(
            papers, self, cache=context.cache, refresh=context.refresh, retry=context.retry
        )

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_URL,
        interval: float = DEFAULT_INTERVAL,
        timeout: float = 30.0,
    ) -> None:
        check_interval(base_url, interval)
        self.base_url = base_url
        self.interval = interval
        self.timeout = timeout
        self.concurrency = 1
        self.pacer = _pacer_for(base_url, interval)

    def paced(self, call: Callable[[], list[Entry]], retry: RetryPolicy) -> list[Entry]:
        """Run ``call`` when the pause allows, retrying transient failures; pause after it."""

        def then_pause() -> list[Entry]:
            try:
                return call()
            finally:
                self.pacer.back_off(self.interval)

        return call_with_retries(then_pause, self.pacer, retry)

    def fetch_ids(self, ids: Sequence[ArxivId]) -> list[Entry]:
        """The records of ``ids`` (latest versions) in ONE request; unknown ids are left out."""
        wanted = list(dict.fromkeys(arxiv.id for arxiv in ids))
        if not wanted:
            return []
        if len(wanted) > MAX_IDS_PER_REQUEST:
            raise ValueError(f"at most {MAX_IDS_PER_REQUEST} ids per request, not {len(wanted)}")
        params = {"id_list": ",".join(wanted), "max_results": str(len(wanted))}
        return self._get(params, f"looking up {len(wanted)} arXiv id(s)")

    def search_titles(self, phrases: Sequence[str]) -> list[Entry]:
        """Records whose titles hold any of ``phrases``, in ONE request, best first."""
        wanted = list(dict.fromkeys(phrases))
        if not wanted:
            return []
        query = " OR ".join(f'ti:"{phrase}"' for phrase in wanted)
        params = {
            "search_query": query,
            "max_results": str(RESULTS_PER_TITLE * len(wanted)),
        }
        return self._get(params, f"searching arXiv for {len(wanted)} title(s)")

    def _get(self, params: Mapping[str, str], what: str) -> list[Entry]:
        import http.client
        import urllib.error
        import urllib.request

        url = f"{self.base_url}?{urlencode({'start': '0', **params})}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body: bytes = response.read()
                charset = response.headers.get_content_charset() or "utf-8"
        except urllib.error.HTTPError as error:
            raise _status_error(error, what) from error
        except (OSError, http.client.HTTPException) as error:
            # URLError, refused or reset connections and time-outs are OSErrors;
            # a connection closed mid-answer is an HTTPException.
            reason = getattr(error, "reason", None) or error
            raise SourceError(SOURCE, f"{what}: network error: {reason}", transient=True) from error
        try:
            text = body.decode(charset)
        except (LookupError, UnicodeDecodeError) as error:
            raise SourceError(
                SOURCE, f"{what}: the answer is not {charset} text", transient=True
            ) from error
        return read_answer(text, what)


def _status_error(error: HTTPError, what: str) -> SourceError:
    """The SourceError for an HTTP error status; a 4xx error feed says what was malformed."""
    status = error.code
    try:
        body = error.read().decode("utf-8", errors="replace")
    except (OSError, ValueError):
        body = ""
    if 400 <= status < 500 and status not in _TRANSIENT_STATUSES:
        try:
            read_answer(body, what)
        except ArxivQueryError as refused:
            return ArxivQueryError(str(refused), status=status, rejected_id=refused.rejected_id)
        except SourceError:
            pass
    return SourceError(
        SOURCE,
        f"{what}: HTTP {status} {error.reason}".rstrip(),
        transient=status in _TRANSIENT_STATUSES or status >= 500,
        status=status,
        retry_after=parse_retry_after(error.headers.get("Retry-After") if error.headers else None),
    )


# Statuses after which the same request may succeed later.
_TRANSIENT_STATUSES = frozenset({408, 425, 429})


def read_answer(text: str, what: str) -> list[Entry]:
    """The records of an API answer; an error feed or a broken one raises :class:`SourceError`."""
    from xml.etree.ElementTree import tostring

    from paperbib.plugins import ReadContext
    from paperbib.readers._xml import ATOM, parse
    from paperbib.readers.arxiv_atom import error_message, read_entry

    try:
        document = parse(text, "arXiv's answer")
    except InputError as error:
        raise SourceError(SOURCE, f"{what}: {error.message}", transient=False) from error
    root = document.root
    if root is None or root.tag != f"{ATOM}feed":
        raise SourceError(SOURCE, f"{what}: the answer is not an Atom feed", transient=True)
    if document.broken is not None:
        line, reason = document.broken
        raise SourceError(
            SOURCE, f"{what}: the answer breaks off at line {line} ({reason})", transient=True
        )
    context = ReadContext(source=f"arXiv ({what})")
    entries: list[Entry] = []
    for element in root.iterfind(f"{ATOM}entry"):
        message = error_message(element)
        if message is not None:
            rejected = _ERROR_ID_FORMAT.search(message)
            raise ArxivQueryError(
                f"{what}: arXiv refused the request: {message}",
                status=None,
                rejected_id=rejected.group(1) if rejected else None,
            )
        for item in read_entry(element, document, context):
            if isinstance(item, Paper) and item.arxiv is not None and item.title:
                entries.append(Entry(item, tostring(element, encoding="unicode")))
    return entries


def _feed(entries: Iterable[Entry]) -> str:
    """A feed of entries as the cache keeps them: arXiv's own XML for each."""
    body = "".join(entry.xml for entry in entries)
    return f'<feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'


def title_phrase(title: str) -> str | None:
    """What a title is searched by: its longest run of plain words, normalised.

    Words with digits, math, apostrophes or symbols (``GPT-4``, ``Re$^3$Dial``,
    ``Pretrainer's``, ``&``) are left out, and break the run, because arXiv's
    index may split them differently from us and a phrase must match word for
    word. None when fewer than :data:`MIN_PHRASE_WORDS` words are left.
    """
    runs: list[list[str]] = [[]]
    for raw in title.split():
        word = raw.strip(_EDGE_PUNCTUATION)
        if _PLAIN_WORD.fullmatch(word):
            runs[-1].extend(normalise_title(word).split())
        elif runs[-1]:
            runs.append([])
    longest = max(runs, key=len)
    return " ".join(longest) if len(longest) >= MIN_PHRASE_WORDS else None


def id_batches(ids: Iterable[ArxivId]) -> list[list[ArxivId]]:
    """Ids (one per paper, versions dropped) in lists that :meth:`ArxivSource.fetch_ids` takes."""
    unique = list({arxiv.id: ArxivId(arxiv.id) for arxiv in ids}.values())
    return [
        unique[start : start + MAX_IDS_PER_REQUEST]
        for start in range(0, len(unique), MAX_IDS_PER_REQUEST)
    ]


def title_batches(phrases: Iterable[str]) -> list[list[str]]:
    """Phrases in lists that share one search, within the count and the URL budget."""
    batches: list[list[str]] = []
    size = 0
    for phrase in dict.fromkeys(phrases):
        cost = len(quote_plus(f' OR ti:"{phrase}"'))
        if (
            not batches
            or len(batches[-1]) == MAX_TITLES_PER_REQUEST
            or size + cost > _MAX_QUERY_CHARS
        ):
            batches.append([])
            size = 0
        batches[-1].append(phrase)
        size += cost
    return batches


# --- deciding -----------------------------------------------------------------------


def _candidate(record: Paper, score: float, rejected: str | None = None) -> Candidate:
    return Candidate(record.doi, record.title, score, rejected, str(record.arxiv))


def confirm(paper: Paper, record: Paper | None) -> Outcome:
    """The outcome of looking a paper up by its arXiv id (``record`` None: arXiv knows none).

    The id identifies the record; only a title that plainly differs from the
    digest's (a mistyped id) keeps it from being used.
    """
    if record is None:
        return Outcome(Verdict.NOT_FOUND, message=f"arXiv knows no paper {paper.arxiv}")
    score = 1.0
    if paper.title and record.title:
        score = round(title_similarity(paper.title, record.title), 3)
    if score < DOI_TITLE_FLOOR:
        rejected = _candidate(record, score, "its title differs from the digest's")
        return Outcome(Verdict.NOT_FOUND, score, candidates=(rejected,))
    return Outcome(Verdict.MATCHED, score, record.doi, (_candidate(record, score),), record=record)


def _arxiv_id(record: Paper) -> str | None:
    return None if record.arxiv is None else record.arxiv.id


def choose(paper: Paper, records: Iterable[Paper]) -> Outcome:
    """Choose the record among search results that is ``paper``, or abstain.

    Crossref's rules (:func:`~paperbib.enrich.matching.decide_records`), with
    records told apart by their arXiv ids.
    """
    return decide_records(paper, records, identity=_arxiv_id)


# --- a run --------------------------------------------------------------------------

#: Called with the indexes of papers just decided and their outcome.
Decided = Callable[[Sequence[int], Outcome], None]


def lookup(
    papers: Sequence[Paper],
    source: ArxivSource,
    *,
    cache: ResponseCache | None = None,
    refresh: bool = False,
    retry: RetryPolicy | None = None,
    decided: Decided | None = None,
) -> list[Outcome]:
    """Look every paper up on arXiv: by id when it has one, else by title; one outcome each.

    Network failures do not raise: the papers concerned are ``failed``.
    """
    return _Lookup(papers, source, cache, refresh, retry or RetryPolicy(), decided).run()


class _Lookup:
    """One arXiv run: the requests it needs, their answers, and the outcomes."""

    def __init__(
        self,
        papers: Sequence[Paper],
        source: ArxivSource,
        cache: ResponseCache | None,
        refresh: bool,
        retry: RetryPolicy,
        decided: Decided | None,
    ) -> None:
        self.papers = papers
        self.source = source
        self.cache = cache
        self.refresh = refresh
        self.retry = retry
        self.decided = decided
        self.outcomes: list[Outcome | None] = [None] * len(papers)

    def run(self) -> list[Outcome]:
        by_id: dict[str, list[int]] = {}
        by_title: dict[str, list[int]] = {}
        for index, paper in enumerate(self.papers):
            if paper.arxiv is not None:
                by_id.setdefault(paper.arxiv.id, []).append(index)
            elif paper.title and title_phrase(paper.title):
                by_title.setdefault(normalise_title(paper.title), []).append(index)
            else:
                reason = "a title too short to search arXiv by" if paper.title else "no title"
                self._decide(
                    [index], Outcome(Verdict.NOT_FOUND, message=f"no arXiv id and {reason}")
                )
        missing_ids = [i for i in by_id if not self._ids_from_cache(i, by_id[i])]
        missing_titles = [t for t in by_title if not self._title_from_cache(t, by_title[t])]
        for batch in id_batches(ArxivId(ident) for ident in missing_ids):
            self._fetch_ids(batch, by_id)
        phrases: dict[str, list[str]] = {}
        for title in missing_titles:
            phrase = title_phrase(self.papers[by_title[title][0]].title or "")
            phrases.setdefault(phrase or "", []).append(title)
        for shared in title_batches(phrases):
            titles = [title for phrase in shared for title in phrases[phrase]]
            self._search(shared, titles, by_title)
        return [outcome for outcome in self.outcomes if outcome is not None]

    # -- cache ---------------------------------------------------------------------

    def _id_key(self, ident: str) -> str:
        return request_key("arxiv.id", {"url": self.source.base_url, "id": ident})

    def _title_key(self, title: str) -> str:
        return request_key(
            "arxiv.title",
            {"url": self.source.base_url, "title": title, "rows": RESULTS_PER_TITLE},
        )

    def _cached(self, key: str) -> list[Entry] | None:
        if self.cache is None or self.refresh:
            return None
        body = self.cache.get(key, ttl=TTL)
        return None if body is None else read_answer(body, "reading the cache")

    def _store(self, key: str, entries: Iterable[Entry]) -> None:
        if self.cache is not None:
            self.cache.put(key, _feed(entries))

    def _ids_from_cache(self, ident: str, indexes: list[int]) -> bool:
        entries = self._cached(self._id_key(ident))
        if entries is not None:
            self._decide_by_id(indexes, entries)
        return entries is not None

    def _title_from_cache(self, title: str, indexes: list[int]) -> bool:
        entries = self._cached(self._title_key(title))
        if entries is not None:
            self._decide_by_search(indexes, entries)
        return entries is not None

    # -- requests ------------------------------------------------------------------

    def _fetch_ids(self, batch: list[ArxivId], by_id: dict[str, list[int]]) -> None:
        while batch:
            try:
                entries = self.source.paced(partial(self.source.fetch_ids, batch), self.retry)
            except ArxivQueryError as refused:
                rejected = [a for a in batch if a.id == refused.rejected_id]
                if not rejected:
                    self._fail([i for a in batch for i in by_id[a.id]], refused)
                    return
                # arXiv names one malformed id and answers nothing else: ask again without it.
                outcome = Outcome(Verdict.NOT_FOUND, message=str(refused))
                self._decide(by_id[rejected[0].id], outcome)
                batch = [a for a in batch if a.id != refused.rejected_id]
                continue
            except SourceError as error:
                self._fail([i for a in batch for i in by_id[a.id]], error)
                return
            found = {entry.paper.arxiv.id: entry for entry in entries if entry.paper.arxiv}
            for arxiv in batch:
                entry = found.get(arxiv.id)
                answer = [] if entry is None else [entry]
                self._store(self._id_key(arxiv.id), answer)
                self._decide_by_id(by_id[arxiv.id], answer)
            return

    def _search(
        self, phrases: list[str], titles: list[str], by_title: dict[str, list[int]]
    ) -> None:
        try:
            entries = self.source.paced(lambda: self.source.search_titles(phrases), self.retry)
        except SourceError as error:
            self._fail([i for title in titles for i in by_title[title]], error)
            return
        for title in titles:
            indexes = by_title[title]
            reference = self.papers[indexes[0]].title or title
            alike = [
                entry
                for entry in entries
                if title_similarity(reference, entry.paper.title or "") >= CANDIDATE_TITLE_FLOOR
            ]
            self._store(self._title_key(title), alike)
            self._decide_by_search(indexes, alike)

    # -- outcomes ------------------------------------------------------------------

    def _decide_by_id(self, indexes: list[int], entries: list[Entry]) -> None:
        record = entries[0].paper if entries else None
        for index in indexes:
            self._decide([index], confirm(self.papers[index], record))

    def _decide_by_search(self, indexes: list[int], entries: list[Entry]) -> None:
        records = [entry.paper for entry in entries]
        for index in indexes:
            self._decide([index], choose(self.papers[index], records))

    def _fail(self, indexes: list[int], error: SourceError) -> None:
        self._decide(indexes, Outcome(Verdict.FAILED, message=str(error)))

    def _decide(self, indexes: Sequence[int], outcome: Outcome) -> None:
        for index in indexes:
            self.outcomes[index] = outcome
        if self.decided is not None:
            self.decided(indexes, outcome)
