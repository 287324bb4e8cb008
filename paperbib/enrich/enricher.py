"""Filling the gaps in papers from Crossref: look up, match, merge.

Papers that carry a DOI are looked up by it, many DOIs to a request; the others
are searched by title (and the family names the digest knows). Requests run on
as many threads as Crossref's pool allows in flight, each started through one
shared :class:`~paperbib.enrich.pacing.Pacer` and retried through
:func:`~paperbib.enrich.pacing.call_with_retries`. Every answer is stored in the
cache as soon as it arrives, so a run that stops midway is resumed, not
repeated. A paper whose requests still fail is ``failed``; the run goes on and
every paper comes back, enriched or as it was.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, TextIO

import attrs
from attrs import field, frozen

from paperbib.enrich.cache import ResponseCache, default_cache_path, request_key
from paperbib.enrich.crossref import (
    DEFAULT_URL,
    PAPER_FIELDS,
    CrossrefSource,
    doi_batches,
)
from paperbib.enrich.matching import (
    Outcome,
    Verdict,
    confirm,
    decide,
    family_key,
)
from paperbib.enrich.pacing import Pacer, RetryPolicy, call_with_retries
from paperbib.errors import SourceError
from paperbib.model import Author, Kind, Paper, Provenance
from paperbib.text import normalise_title

__all__ = [
    "CROSSREF_URL_ENV",
    "MAILTO_ENV",
    "SEARCH_ROWS",
    "EnrichResult",
    "Progress",
    "enrich",
    "merge",
    "search_query",
    "write_report",
]

#: The environment variable ``mailto`` comes from when not given.
MAILTO_ENV = "PAPERBIB_MAILTO"
#: The environment variable naming the API address (a mirror, a proxy, a stand-in).
CROSSREF_URL_ENV = "PAPERBIB_CROSSREF_URL"
#: Results asked per search: the paper is near the top when it is there at all,
#: and a few more let a second version or a same-title rival show.
SEARCH_ROWS = 5
# Family names added to a search query: enough to separate same-title papers.
_QUERY_AUTHORS = 3

#: Called as ``progress(done, counts)`` each time papers are decided.
Progress = Callable[[int, Mapping[Verdict, int]], None]


def _papers(value: Iterable[Paper]) -> tuple[Paper, ...]:
    return tuple(value)


def _outcomes(value: Iterable[Outcome]) -> tuple[Outcome, ...]:
    return tuple(value)


@frozen
class EnrichResult:
    """The papers, in input order and enriched where a record matched, and one outcome each.

    ``outcomes[i]`` says what became of ``papers[i]``: its verdict (matched,
    ambiguous, not_found, failed), the score, the chosen DOI and the candidates
    considered.
    """

    papers: tuple[Paper, ...] = field(converter=_papers)
    outcomes: tuple[Outcome, ...] = field(converter=_outcomes)

    @property
    def counts(self) -> dict[Verdict, int]:
        """How many papers got each verdict, every verdict present."""
        counted = Counter(outcome.verdict for outcome in self.outcomes)
        return {verdict: counted[verdict] for verdict in Verdict}


def enrich(
    papers: Iterable[Paper],
    *,
    mailto: str | None = None,
    crossref_url: str | None = None,
    cache: bool | str | os.PathLike[str] | ResponseCache | None = True,
    refresh: bool = False,
    overwrite: bool = False,
    progress: Progress | None = None,
    source: CrossrefSource | None = None,
    retry: RetryPolicy | None = None,
) -> EnrichResult:
    """Fill in what ``papers`` lack (authors, DOI, venue, pages, ...) from Crossref.

    ``mailto`` (default: ``$PAPERBIB_MAILTO``) puts the requests in Crossref's
    polite pool, twice as fast; ``crossref_url`` (default:
    ``$PAPERBIB_CROSSREF_URL`` or https://api.crossref.org) names another
    address for the same API. ``cache`` is True for the file in the user cache
    folder, a path for another file, an open :class:`ResponseCache`, or None /
    False for none; ``refresh`` ignores cached answers but stores the new ones.
    What a paper already says is kept unless ``overwrite``. ``progress`` is
    called as papers are decided. ``source`` and ``retry`` replace the Crossref
    source and retry policy built from the other arguments.

    Raises :class:`~paperbib.errors.EnrichError` when the cache cannot be used;
    network failures never raise, they make the papers concerned ``failed``.
    """
    papers = list(papers)
    if source is None:
        source = CrossrefSource(
            base_url=crossref_url or os.environ.get(CROSSREF_URL_ENV) or DEFAULT_URL,
            mailto=mailto or os.environ.get(MAILTO_ENV) or None,
        )
    store = _open_cache(cache)
    try:
        lookup = _Lookup(papers, source, store, refresh, retry or RetryPolicy(), progress)
        outcomes = lookup.run()
    finally:
        if store is not None and store is not cache:
            store.close()
    enriched = [
        paper
        if outcome.record is None
        else merge(
            paper,
            outcome.record,
            Provenance("crossref", outcome.doi, outcome.score),
            overwrite=overwrite,
        )
        for paper, outcome in zip(papers, outcomes, strict=True)
    ]
    return EnrichResult(enriched, outcomes)


def _open_cache(
    cache: bool | str | os.PathLike[str] | ResponseCache | None,
) -> ResponseCache | None:
    if isinstance(cache, ResponseCache):
        return cache
    if cache is None or cache is False:
        return None
    return ResponseCache(default_cache_path() if cache is True else cache)


def search_query(paper: Paper) -> str:
    """What a paper without a DOI is searched by: its title and a few family names."""
    families = [a.family for a in paper.authors if a.family][:_QUERY_AUTHORS]
    # Plain words: TeX math and markup only add noise tokens to a search.
    return " ".join([normalise_title(paper.title or ""), *families]).strip()


class _Lookup:
    """One enrichment run: the requests it needs, their answers, and the outcomes."""

    def __init__(
        self,
        papers: Sequence[Paper],
        source: CrossrefSource,
        store: ResponseCache | None,
        refresh: bool,
        retry: RetryPolicy,
        progress: Progress | None,
    ) -> None:
        self.papers = papers
        self.source = source
        self.store = store
        self.refresh = refresh
        self.retry = retry
        self.progress = progress
        self.pacer = Pacer(source.rate, source.concurrency)
        self.outcomes: list[Outcome | None] = [None] * len(papers)
        self.counts: Counter[Verdict] = Counter()
        # The select list is part of every key: records cached with fewer
        # fields than we now read are not reused.
        self._key_base = {"url": source.base_url, "select": ",".join(PAPER_FIELDS)}

    def run(self) -> list[Outcome]:
        by_doi: dict[str, list[int]] = {}
        by_query: dict[str, list[int]] = {}
        for index, paper in enumerate(self.papers):
            if paper.doi is not None:
                by_doi.setdefault(paper.doi, []).append(index)
            elif paper.title is not None:
                by_query.setdefault(search_query(paper), []).append(index)
            else:
                self._decide([index], Outcome(Verdict.NOT_FOUND, message="no DOI or title"))
        missing_dois = [doi for doi in by_doi if not self._answer_doi_from_cache(doi, by_doi[doi])]
        missing_queries = [
            q for q in by_query if not self._answer_search_from_cache(q, by_query[q])
        ]
        self._report_progress()
        with ThreadPoolExecutor(self.source.concurrency, "paperbib-crossref") as pool:
            tasks: dict[Future[Any], Callable[[Any], None]] = {}
            try:
                for batch in doi_batches(missing_dois):
                    tasks[pool.submit(self._fetch_dois, batch)] = self._on_dois(batch, by_doi)
                for query in missing_queries:
                    tasks[pool.submit(self._search, query)] = self._on_search(
                        query, by_query[query]
                    )
                for task in as_completed(tasks):
                    tasks[task](task)
            finally:
                # Interrupted: do not start what is still queued.
                pool.shutdown(wait=False, cancel_futures=True)
        return [outcome for outcome in self.outcomes if outcome is not None]

    # -- cache ---------------------------------------------------------------------

    def _doi_key(self, doi: str) -> str:
        return request_key("crossref.work", {**self._key_base, "doi": doi})

    def _search_key(self, query: str) -> str:
        return request_key(
            "crossref.search", {**self._key_base, "query": query, "rows": SEARCH_ROWS}
        )

    def _cached(self, key: str) -> str | None:
        if self.store is None or self.refresh:
            return None
        return self.store.get(key)

    def _store(self, key: str, answer: Any) -> None:
        if self.store is not None:
            self.store.put(key, json.dumps(answer, ensure_ascii=False))

    def _answer_doi_from_cache(self, doi: str, indexes: list[int]) -> bool:
        body = self._cached(self._doi_key(doi))
        if body is not None:
            self._decide_by_doi(indexes, json.loads(body))
        return body is not None

    def _answer_search_from_cache(self, query: str, indexes: list[int]) -> bool:
        body = self._cached(self._search_key(query))
        if body is not None:
            self._decide_by_search(indexes, json.loads(body))
        return body is not None

    # -- requests (on worker threads) ----------------------------------------------

    def _fetch_dois(self, batch: list[str]) -> dict[str, dict[str, Any]]:
        found = call_with_retries(lambda: self.source.fetch_dois(batch), self.pacer, self.retry)
        # Stored one DOI at a time, the unknown ones as null, so that a rerun can
        # batch whatever is left differently and still asks nothing twice.
        for doi in batch:
            self._store(self._doi_key(doi), found.get(doi))
        return found

    def _search(self, query: str) -> list[dict[str, Any]]:
        works = call_with_retries(
            lambda: self.source.search(query, rows=SEARCH_ROWS), self.pacer, self.retry
        )
        self._store(self._search_key(query), works)
        return works

    # -- outcomes (on the calling thread) ------------------------------------------

    def _on_dois(self, batch: list[str], by_doi: dict[str, list[int]]) -> Callable[[Any], None]:
        def finish(task: Future[dict[str, dict[str, Any]]]) -> None:
            try:
                found = task.result()
            except SourceError as error:
                for doi in batch:
                    self._decide(by_doi[doi], Outcome(Verdict.FAILED, message=str(error)))
            else:
                for doi in batch:
                    self._decide_by_doi(by_doi[doi], found.get(doi))
            self._report_progress()

        return finish

    def _on_search(self, query: str, indexes: list[int]) -> Callable[[Any], None]:
        def finish(task: Future[list[dict[str, Any]]]) -> None:
            try:
                works = task.result()
            except SourceError as error:
                self._decide(indexes, Outcome(Verdict.FAILED, message=str(error)))
            else:
                self._decide_by_search(indexes, works)
            self._report_progress()

        return finish

    def _decide_by_doi(self, indexes: list[int], work: dict[str, Any] | None) -> None:
        for index in indexes:
            self._decide([index], confirm(self.papers[index], work))

    def _decide_by_search(self, indexes: list[int], works: list[dict[str, Any]]) -> None:
        for index in indexes:
            self._decide([index], decide(self.papers[index], works))

    def _decide(self, indexes: list[int], outcome: Outcome) -> None:
        for index in indexes:
            self.outcomes[index] = outcome
            self.counts[outcome.verdict] += 1

    def _report_progress(self) -> None:
        if self.progress is not None:
            self.progress(self.counts.total(), dict(self.counts))


# Fields a record fills when the paper lacks them, and replaces on overwrite.
_BIBLIOGRAPHIC = ("doi", "container_title", "volume", "issue", "pages", "publisher", "issued")
# Fields a record only ever fills: the digest's own text and ids are never replaced.
_FILL_ONLY = ("title", "abstract", "arxiv")
# Kinds that say only that a paper is not (yet) known to be published.
_UNPUBLISHED = frozenset({Kind.PREPRINT, Kind.OTHER})


def merge(paper: Paper, record: Paper, provenance: Provenance, *, overwrite: bool = False) -> Paper:
    """``paper`` with what ``record`` adds, each filled field credited to ``provenance``.

    What the paper says is kept unless ``overwrite``; its title, abstract,
    links, upvotes and listing date are always kept. A preprint matched to its
    published version becomes that version: kind and issued date follow the
    record (the preprint's date stays in ``listed``). Authors are taken from
    the record when the paper names none; otherwise the paper's names stay,
    gain ORCIDs from the record, and are completed from it when the paper
    names only the first few.
    """
    changes: dict[str, Any] = {}
    for name in _BIBLIOGRAPHIC + _FILL_ONLY:
        ours, theirs = getattr(paper, name), getattr(record, name)
        replaceable = ours is None or (overwrite and name in _BIBLIOGRAPHIC)
        if theirs is not None and ours != theirs and replaceable:
            changes[name] = theirs
    new_kind = record.kind is not Kind.OTHER and paper.kind is not record.kind
    if new_kind and (overwrite or paper.kind in _UNPUBLISHED):
        changes["kind"] = record.kind
        if paper.kind is Kind.PREPRINT and record.issued is not None:
            changes["issued"] = record.issued
    authors = record.authors if overwrite and record.authors else _merged_authors(paper, record)
    if authors != paper.authors:
        changes["authors"] = authors
        count = max(paper.author_count or 0, len(authors))
        if count != paper.author_count:
            changes["author_count"] = count
    if not changes:
        return paper
    credited = {**paper.provenance, **dict.fromkeys(changes, provenance)}
    return attrs.evolve(paper, **changes, provenance=credited)


def _merged_authors(paper: Paper, record: Paper) -> tuple[Author, ...]:
    if not paper.authors:
        return record.authors
    theirs: dict[str, list[Author]] = {}
    for author in record.authors:
        theirs.setdefault(family_key(author), []).append(author)

    def with_orcid(author: Author) -> Author:
        same = theirs.get(family_key(author), [])
        # Only a family name that the record gives once says whose ORCID it is.
        if author.orcid is None and len(same) == 1 and same[0].orcid is not None:
            return attrs.evolve(author, orcid=same[0].orcid)
        return author

    merged = tuple(with_orcid(author) for author in paper.authors)
    named = len(paper.authors)
    first = [family_key(a) for a in record.authors[:named]]
    if paper.authors_incomplete and first == [family_key(a) for a in paper.authors]:
        merged += record.authors[named:]
    return merged


def write_report(result: EnrichResult, stream: TextIO) -> None:
    """Write one JSON line per paper: its outcome, score, chosen DOI and the candidates."""
    for index, (paper, outcome) in enumerate(zip(result.papers, result.outcomes, strict=True)):
        line = {
            "index": index,
            "title": paper.title,
            "outcome": outcome.verdict.value,
            "score": outcome.score,
            "doi": outcome.doi,
            "candidates": [attrs.asdict(candidate) for candidate in outcome.candidates],
            "message": outcome.message,
        }
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")
