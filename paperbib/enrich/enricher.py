"""Filling the gaps in papers from arXiv, Crossref and other sources: look up, match, merge.

The sources that fit each paper run in this order:

1. **arXiv** (:mod:`paperbib.enrich.arxiv`), for preprints and papers without a
   DOI: by arXiv id, two hundred to a request, else by title in searches that
   twenty papers share, one request at a time with arXiv's pause between them.
2. **Crossref** (:mod:`paperbib.enrich.crossref`), for the DOIs papers carry
   (many to a request), for the papers arXiv did not match (searched by title
   and the family names the digest knows), and for the published versions of
   the preprints arXiv matched (:mod:`paperbib.enrich.versions`). Requests
   run on as many threads as Crossref's pool allows in flight, each started
   through one shared :class:`~paperbib.enrich.pacing.Pacer`.
3. Sources of other packages (:mod:`paperbib.enrich.sources`) that
   ``sources`` names, for the papers still unmatched.

arXiv runs first because its answers feed Crossref's: the authors and the DOI
arXiv records are what a published version is looked for by. ``preprints``
says what a found published version becomes: ``upgrade`` (the default) cites
the published version and keeps the arXiv id; ``keep`` cites the preprint;
``both`` cites the two, the preprint linking to the published DOI.

Which DOI a paper gets: the published version's when it is upgraded; else
the journal DOI arXiv records (unless ``keep``), as it leads a reader to the
version of record; else arXiv's own DataCite DOI, ``10.48550/arxiv.ID``.

Every answer is stored in the cache as soon as it arrives, so a run that stops
midway is resumed, not repeated. A paper whose requests still fail is
``failed``; the run goes on and every paper comes back, enriched or as it was.
"""

from __future__ import annotations

import enum
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, TextIO

import attrs
from attrs import field, frozen

from paperbib.enrich.arxiv import ArxivSource, arxiv_id_from_doi, datacite_doi, lookup
from paperbib.enrich.cache import ResponseCache, default_cache_path, request_key
from paperbib.enrich.crossref import PAPER_FIELDS, CrossrefSource, doi_batches
from paperbib.enrich.matching import (
    Outcome,
    Verdict,
    confirm,
    decide,
    family_key,
)
from paperbib.enrich.pacing import RetryPolicy, call_with_retries
from paperbib.enrich.sources import LookupContext, Source, SourceOptions, load_source
from paperbib.enrich.versions import (
    Evidence,
    Upgrade,
    is_preprint_of,
    through_doi,
    through_search,
)
from paperbib.enrich.versions import search_query as published_search_query
from paperbib.errors import EnrichError, SourceError
from paperbib.model import Author, Kind, Link, LinkKind, Paper, Provenance
from paperbib.text import normalise_title

__all__ = [
    "CROSSREF_URL_ENV",
    "DEFAULT_SOURCES",
    "MAILTO_ENV",
    "SEARCH_ROWS",
    "EnrichResult",
    "PreprintMode",
    "Progress",
    "Step",
    "enrich",
    "merge",
    "search_query",
    "write_report",
]

#: The environment variable ``mailto`` comes from when not given.
MAILTO_ENV = "PAPERBIB_MAILTO"
#: The environment variable naming the API address (a mirror, a proxy, a stand-in).
CROSSREF_URL_ENV = "PAPERBIB_CROSSREF_URL"
#: The sources ``enrich`` runs unless told otherwise: paperbib's own.
DEFAULT_SOURCES = ("arxiv", "crossref")
#: Results asked per search: the paper is near the top when it is there at all,
#: and a few more let a second version or a same-title rival show.
SEARCH_ROWS = 5
# Family names added to a search query: enough to separate same-title papers.
_QUERY_AUTHORS = 3

#: Called as ``progress(done, counts)`` each time papers are decided.
Progress = Callable[[int, Mapping[Verdict, int]], None]


class PreprintMode(enum.StrEnum):
    """What becomes of a preprint whose published version is found."""

    #: Cite the published version, keeping the preprint's arXiv id.
    UPGRADE = "upgrade"
    #: Cite the preprint as it is.
    KEEP = "keep"
    #: Cite both: the published version, then the preprint linking to it.
    BOTH = "both"


@frozen
class Step:
    """What one source concluded about one paper, and what it was asked for."""

    source: str
    outcome: Outcome
    #: ``lookup``, or ``published-version`` when a preprint's published version was sought.
    purpose: str = "lookup"


def _papers(value: Iterable[Paper]) -> tuple[Paper, ...]:
    return tuple(value)


def _outcomes(value: Iterable[Outcome]) -> tuple[Outcome, ...]:
    return tuple(value)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@frozen
class EnrichResult:
    """The papers, in input order and enriched where a record matched, and one outcome each.

    ``outcomes[i]`` says what became of ``papers[i]``: its verdict (matched,
    ambiguous, not_found, failed), the score, the chosen DOI and the candidates
    considered. ``sources[i]`` names the source whose record decided it,
    ``steps[i]`` lists what every source concluded, and ``upgrades[i]`` the
    published version a preprint was upgraded to, with the evidence.
    ``preprints[i]`` is the preprint kept beside its published version when
    both are cited; :attr:`bibliography` lists every paper to cite.
    """

    papers: tuple[Paper, ...] = field(converter=_papers)
    outcomes: tuple[Outcome, ...] = field(converter=_outcomes)
    sources: tuple[str | None, ...] = field(default=(), converter=_tuple)
    steps: tuple[tuple[Step, ...], ...] = field(default=(), converter=_tuple)
    upgrades: tuple[Upgrade | None, ...] = field(default=(), converter=_tuple)
    preprints: tuple[Paper | None, ...] = field(default=(), converter=_tuple)

    @property
    def counts(self) -> dict[Verdict, int]:
        """How many papers got each verdict, every verdict present."""
        counted = Counter(outcome.verdict for outcome in self.outcomes)
        return {verdict: counted[verdict] for verdict in Verdict}

    @property
    def upgraded(self) -> int:
        """How many preprints were upgraded to (``both``: cited with) their published version."""
        return sum(upgrade is not None for upgrade in self.upgrades)

    @property
    def bibliography(self) -> list[Paper]:
        """Every paper to cite, in order; a preprint kept beside its publication follows it."""
        cited: list[Paper] = []
        for index, paper in enumerate(self.papers):
            cited.append(paper)
            if index < len(self.preprints) and (preprint := self.preprints[index]) is not None:
                cited.append(preprint)
        return cited


def enrich(
    papers: Iterable[Paper],
    *,
    sources: Sequence[str] | None = None,
    preprints: PreprintMode | str = PreprintMode.UPGRADE,
    mailto: str | None = None,
    crossref_url: str | None = None,
    arxiv_url: str | None = None,
    arxiv_interval: float | None = None,
    cache: bool | str | os.PathLike[str] | ResponseCache | None = True,
    refresh: bool = False,
    overwrite: bool = False,
    progress: Progress | None = None,
    source: CrossrefSource | None = None,
    arxiv: ArxivSource | None = None,
    retry: RetryPolicy | None = None,
) -> EnrichResult:
    """Fill in what ``papers`` lack (authors, DOI, arXiv id, venue, pages, ...) from registries.

    ``sources`` names the sources to use (default :data:`DEFAULT_SOURCES`,
    arXiv and Crossref; others are installed plugins, see
    :mod:`paperbib.enrich.sources`); ``preprints`` is a :class:`PreprintMode`.
    ``mailto`` (default: ``$PAPERBIB_MAILTO``) puts the requests in Crossref's
    polite pool, twice as fast; ``crossref_url`` (default:
    ``$PAPERBIB_CROSSREF_URL`` or https://api.crossref.org) and ``arxiv_url``
    (default: ``$PAPERBIB_ARXIV_URL`` or https://export.arxiv.org/api/query)
    name other addresses for the same APIs, and ``arxiv_interval`` (default:
    ``$PAPERBIB_ARXIV_INTERVAL`` or 3) the pause between arXiv requests,
    which may be shorter only for an address that is not arXiv's. ``cache``
    is True for the file in the user cache folder, a path for another file,
    an open :class:`ResponseCache`, or None / False for none; ``refresh``
    ignores cached answers but stores the new ones. What a paper already says
    is kept unless ``overwrite``. ``progress`` is called as papers are
    decided. ``source``, ``arxiv`` and ``retry`` replace the Crossref source,
    the arXiv source and the retry policy built from the other arguments.

    Raises :class:`~paperbib.errors.EnrichError` when the cache cannot be used,
    a source is unknown or an option is refused; network failures never
    raise, they make the papers concerned ``failed``.
    """
    papers = list(papers)
    try:
        mode = PreprintMode(preprints)
    except ValueError:
        choices = ", ".join(m.value for m in PreprintMode)
        raise EnrichError(f"preprints must be one of {choices}, not {preprints!r}") from None
    names = _source_names(sources)
    options = SourceOptions(
        mailto=mailto or os.environ.get(MAILTO_ENV) or None,
        crossref_url=crossref_url or os.environ.get(CROSSREF_URL_ENV) or None,
        arxiv_url=arxiv_url,
        arxiv_interval=arxiv_interval,
    )
    arxiv_source = None
    if "arxiv" in names:
        arxiv_source = arxiv or ArxivSource.configure(options)
    crossref_source = None
    if "crossref" in names:
        crossref_source = source or CrossrefSource.configure(options)
    others = [load_source(name, options) for name in names if name not in DEFAULT_SOURCES]
    store = _open_cache(cache)
    try:
        context = LookupContext(store, refresh, retry or RetryPolicy())
        run = _Run(papers, mode, overwrite, context, progress)
        return run.run(arxiv_source, crossref_source, others)
    finally:
        if store is not None and store is not cache:
            store.close()


def _source_names(sources: Sequence[str] | None) -> list[str]:
    if sources is None:
        return list(DEFAULT_SOURCES)
    names = list(dict.fromkeys(name.strip() for name in sources if name.strip()))
    if not names:
        raise EnrichError("no source named; name one or more, such as arxiv,crossref")
    return names


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


def _crossref_doi(paper: Paper) -> str | None:
    """The DOI to ask Crossref about: not arXiv's own, which DataCite holds."""
    if paper.doi is None or arxiv_id_from_doi(paper.doi) is not None:
        return None
    return paper.doi


class _Run:
    """One enrichment run: every source's conclusions about every paper, then the merge."""

    def __init__(
        self,
        papers: Sequence[Paper],
        mode: PreprintMode,
        overwrite: bool,
        context: LookupContext,
        progress: Progress | None,
    ) -> None:
        self.papers = papers
        self.mode = mode
        self.overwrite = overwrite
        self.context = context
        self.progress = progress
        count = len(papers)
        self.steps: list[list[Step]] = [[] for _ in range(count)]
        #: The arXiv record matched, and its outcome.
        self.arxiv: list[Outcome | None] = [None] * count
        #: The record another source matched (Crossref's first), and the source.
        self.matched: list[tuple[str, Outcome] | None] = [None] * count
        self.upgrades: list[Upgrade | None] = [None] * count
        self.settled: list[Verdict | None] = [None] * count
        self.counts: Counter[Verdict] = Counter()
        self._later_sources = 0

    def run(
        self,
        arxiv: ArxivSource | None,
        crossref: CrossrefSource | None,
        others: Sequence[Source],
    ) -> EnrichResult:
        self._later_sources = (crossref is not None) + len(others)
        if arxiv is not None:
            self._run_arxiv(arxiv)
        self._later_sources -= crossref is not None
        if crossref is not None:
            _CrossrefStage(self, crossref).run()
        for other in others:
            self._later_sources -= 1
            self._run_other(other)
        for index in range(len(self.papers)):
            self._settle(index, final=True)
        return self._result()

    # -- sources -------------------------------------------------------------------

    def _run_arxiv(self, source: ArxivSource) -> None:
        views = [_with_arxiv_id_from_doi(paper) for paper in self.papers]
        wanted = [i for i, view in enumerate(views) if view.arxiv is not None or view.doi is None]

        def decided(positions: Sequence[int], outcome: Outcome) -> None:
            for position in positions:
                index = wanted[position]
                self.steps[index].append(Step(source.name, outcome))
                if outcome.verdict is Verdict.MATCHED:
                    self.arxiv[index] = outcome
                self._settle(index)

        lookup(
            [views[i] for i in wanted],
            source,
            cache=self.context.cache,
            refresh=self.context.refresh,
            retry=self.context.retry,
            decided=decided,
        )

    def _run_other(self, source: Source) -> None:
        wanted = [i for i in range(len(self.papers)) if self._best(i) is None]
        outcomes = source.lookup([self.papers[i] for i in wanted], self.context)
        for index, outcome in zip(wanted, outcomes, strict=True):
            self.steps[index].append(Step(source.name, outcome))
            if outcome.verdict is Verdict.MATCHED and outcome.record is not None:
                self.matched[index] = (source.name, outcome)
            self._settle(index)

    # -- progress ------------------------------------------------------------------

    def _best(self, index: int) -> str | None:
        """The source whose record the paper will be cited by, if any matched."""
        matched = self.matched[index]
        if matched is not None:
            return matched[0]
        return "arxiv" if self.arxiv[index] is not None else None

    def _settle(self, index: int, *, final: bool = False) -> None:
        """Count the paper once its verdict can no longer change."""
        if self.settled[index] is not None:
            return
        if self._best(index) is not None:
            verdict = Verdict.MATCHED
        elif final or not self._later_sources:
            verdict = _combined([step.outcome for step in self.steps[index]]).verdict
        else:
            return
        self.settled[index] = verdict
        self.counts[verdict] += 1
        if self.progress is not None:
            self.progress(self.counts.total(), dict(self.counts))

    # -- the merge -----------------------------------------------------------------

    def _as_preprint(self, index: int) -> Paper:
        """The paper as cited when the preprint is kept: completed by arXiv or Crossref."""
        if self.arxiv[index] is not None:
            return self.preprint(index)
        paper = self.papers[index]
        matched = self.matched[index]
        if matched is None:
            return paper
        name, outcome = matched
        assert outcome.record is not None
        provenance = Provenance(name, outcome.doi, outcome.score)
        return merge(paper, outcome.record, provenance, overwrite=self.overwrite)

    def preprint(self, index: int) -> Paper:
        """The paper as arXiv's record completes it: what its published version is sought by."""
        outcome = self.arxiv[index]
        assert outcome is not None
        return _with_arxiv(self.papers[index], outcome, overwrite=False, journal_doi=False)

    def _result(self) -> EnrichResult:
        papers, outcomes, deciders, preprints = [], [], [], []
        for index, paper in enumerate(self.papers):
            cited, kept, outcome, decider = self._cite(index, paper)
            papers.append(cited)
            preprints.append(kept)
            outcomes.append(outcome)
            deciders.append(decider)
        return EnrichResult(
            papers,
            outcomes,
            sources=deciders,
            steps=[tuple(steps) for steps in self.steps],
            upgrades=self.upgrades,
            preprints=preprints,
        )

    def _cite(self, index: int, paper: Paper) -> tuple[Paper, Paper | None, Outcome, str | None]:
        """The paper to cite, the preprint kept beside it, its outcome and deciding source."""
        overwrite = self.overwrite
        arxiv = self.arxiv[index]
        upgrade = self.upgrades[index]
        if upgrade is not None:
            provenance = Provenance("crossref", upgrade.doi, upgrade.score)
            # The preprint's own DOI (a preprint server's) is not the published version's.
            unpublished = attrs.evolve(paper, doi=None)
            record = upgrade.record
            if arxiv is not None:
                # arXiv's own record is the authority on the preprint's id and version.
                record = attrs.evolve(record, arxiv=None)
            published = merge(unpublished, record, provenance, overwrite=overwrite)
            if arxiv is not None:
                published = _with_arxiv(published, arxiv, overwrite=False, journal_doi=False)
            kept = None
            if self.mode is PreprintMode.BOTH:
                kept = _linked(self._as_preprint(index), upgrade.doi)
            step = next(s for s in self.steps[index] if s.outcome.doi == upgrade.doi)
            outcome = attrs.evolve(step.outcome, verdict=Verdict.MATCHED, record=upgrade.record)
            return published, kept, outcome, "crossref"
        matched = self.matched[index]
        if matched is not None:
            name, outcome = matched
            assert outcome.record is not None
            where = outcome.doi or _arxiv_location(outcome.record)
            provenance = Provenance(name, where, outcome.score)
            cited = merge(paper, outcome.record, provenance, overwrite=overwrite)
            if arxiv is not None:
                cited = _with_arxiv(cited, arxiv, overwrite=False, journal_doi=False)
            return cited, None, outcome, name
        if arxiv is not None:
            journal_doi = self.mode is not PreprintMode.KEEP
            cited = _with_arxiv(paper, arxiv, overwrite=overwrite, journal_doi=journal_doi)
            return cited, None, attrs.evolve(arxiv, doi=cited.doi), "arxiv"
        return paper, None, _combined([step.outcome for step in self.steps[index]]), None


def _combined(outcomes: Sequence[Outcome]) -> Outcome:
    """What the sources that matched nothing concluded together: failed, ambiguous, not found."""
    for verdict in (Verdict.FAILED, Verdict.AMBIGUOUS):
        for outcome in outcomes:
            if outcome.verdict is verdict:
                return outcome
    return outcomes[-1] if outcomes else Outcome(Verdict.NOT_FOUND, message="no source asked")


def _with_arxiv_id_from_doi(paper: Paper) -> Paper:
    """The paper with the arXiv id its DataCite DOI names, so that arXiv is asked by id."""
    if paper.arxiv is None and paper.doi is not None:
        arxiv = arxiv_id_from_doi(paper.doi)
        if arxiv is not None:
            return attrs.evolve(paper, arxiv=arxiv)
    return paper


def _arxiv_location(record: Paper) -> str | None:
    return None if record.arxiv is None else f"arXiv:{record.arxiv}"


def _with_arxiv(paper: Paper, outcome: Outcome, *, overwrite: bool, journal_doi: bool) -> Paper:
    """``paper`` with what arXiv's record says of the preprint.

    The journal reference and DOI arXiv records describe the published version:
    the DOI is taken only when ``journal_doi``, the reference never (a
    published record gives the venue in fields). A paper left without a DOI
    gets arXiv's DataCite DOI.
    """
    record = outcome.record
    assert record is not None
    assert record.arxiv is not None
    provenance = Provenance("arxiv", f"arXiv:{record.arxiv}", outcome.score)
    # The abstract page needs no link: exporters make it from the id.
    pdf = Link(f"https://arxiv.org/pdf/{record.arxiv.id}", LinkKind.PDF)
    preprint = attrs.evolve(
        record,
        doi=record.doi if journal_doi else None,
        container_title=None,
        links=[pdf],
    )
    merged = merge(paper, preprint, provenance, overwrite=overwrite)
    if merged.doi is None:
        credited = {**merged.provenance, "doi": provenance}
        merged = attrs.evolve(merged, doi=datacite_doi(record.arxiv), provenance=credited)
    return merged


def _linked(preprint: Paper, published_doi: str) -> Paper:
    """The preprint, with a link to its published version."""
    link = Link(f"https://doi.org/{published_doi}", LinkKind.OTHER)
    if link in preprint.links:
        return preprint
    return attrs.evolve(preprint, links=(*preprint.links, link))


Key = tuple[str, str]


class _CrossrefStage:
    """Crossref's part of a run: DOIs, searches, and the published versions of preprints."""

    def __init__(self, run: _Run, source: CrossrefSource) -> None:
        self.run_ = run
        self.requests = _CrossrefRequests(source, run.context)
        self.answers: dict[Key, Any] = {}
        self.waiting: dict[Key, list[Callable[[Any], None]]] = {}
        self.next_round: list[Key] = []

    def run(self) -> None:
        for index in range(len(self.run_.papers)):
            self._start(index)
        while self.next_round:
            keys, self.next_round = self.next_round, []
            self.requests.fetch(keys, self._answered)

    def _need(self, key: Key, then: Callable[[Any], None]) -> None:
        if key in self.answers:
            then(self.answers[key])
            return
        if key not in self.waiting:
            self.next_round.append(key)
        self.waiting.setdefault(key, []).append(then)

    def _answered(self, key: Key, answer: Any) -> None:
        self.answers[key] = answer
        for then in self.waiting.pop(key, []):
            then(answer)

    def _step(self, index: int, outcome: Outcome, purpose: str = "lookup") -> None:
        self.run_.steps[index].append(Step("crossref", outcome, purpose))

    def _done(self, index: int) -> None:
        self.run_._settle(index)

    # -- what each paper needs ---------------------------------------------------

    def _start(self, index: int) -> None:
        run = self.run_
        paper = run.papers[index]
        doi = _crossref_doi(paper)
        if doi is not None:
            self._need(("doi", doi), lambda work: self._on_doi(index, work))
        elif run.arxiv[index] is not None:
            if run.mode is not PreprintMode.KEEP:
                self._find_published(index)
        elif paper.title:
            query = search_query(paper)
            self._need(("search", query), lambda works: self._on_search(index, works))
        else:
            self._step(index, Outcome(Verdict.NOT_FOUND, message="no DOI or title"))
            self._done(index)

    def _on_doi(self, index: int, work: Any) -> None:
        if isinstance(work, SourceError):
            self._failed(index, work)
            return
        self._matched(index, confirm(self.run_.papers[index], work), work)

    def _on_search(self, index: int, works: Any) -> None:
        if isinstance(works, SourceError):
            self._failed(index, works)
            return
        outcome = decide(self.run_.papers[index], works)
        chosen = next((w for w in works if _work_doi(w) == outcome.doi), None)
        self._matched(index, outcome, chosen)

    def _matched(self, index: int, outcome: Outcome, work: Any) -> None:
        """Record a lookup's outcome; a matched preprint record may lead to its publication."""
        run = self.run_
        self._step(index, outcome)
        if outcome.verdict is not Verdict.MATCHED or outcome.record is None:
            self._done(index)
            return
        run.matched[index] = ("crossref", outcome)
        targets = is_preprint_of(work) if isinstance(work, dict) else []
        if run.mode is PreprintMode.KEEP or outcome.record.kind is not Kind.PREPRINT or not targets:
            self._done(index)
            return
        detail = f"Crossref's record of the preprint {outcome.doi} is-preprint-of {targets[0]}"
        self._need(
            ("doi", targets[0]),
            lambda published: self._on_published_doi(
                index, published, Evidence.CROSSREF_RELATION, detail, search_after=False
            ),
        )

    def _failed(self, index: int, error: SourceError, purpose: str = "lookup") -> None:
        self._step(index, Outcome(Verdict.FAILED, message=str(error)), purpose)
        self._done(index)

    # -- published versions ---------------------------------------------------------

    def _find_published(self, index: int) -> None:
        """Look for an arXiv-matched preprint's published version: by its DOI, else by search."""
        arxiv = self.run_.arxiv[index]
        assert arxiv is not None
        assert arxiv.record is not None
        doi = arxiv.record.doi
        if doi is None or arxiv_id_from_doi(doi) is not None:
            self._search_published(index)
            return
        detail = f"arXiv records the DOI {doi} for arXiv:{arxiv.record.arxiv}"
        self._need(
            ("doi", doi),
            lambda work: self._on_published_doi(
                index, work, Evidence.ARXIV_DOI, detail, search_after=True
            ),
        )

    def _on_published_doi(
        self, index: int, work: Any, evidence: Evidence, detail: str, *, search_after: bool
    ) -> None:
        purpose = "published-version"
        if isinstance(work, SourceError):
            self._failed(index, work, purpose)
            return
        run = self.run_
        preprint = run.preprint(index) if run.arxiv[index] is not None else run.papers[index]
        upgrade = through_doi(preprint, work, evidence, detail)
        if upgrade is not None:
            run.upgrades[index] = upgrade
            outcome = Outcome(Verdict.MATCHED, upgrade.score, upgrade.doi, record=upgrade.record)
            self._step(index, outcome, purpose)
            self._done(index)
            return
        reason = "no record" if work is None else "a record that is not its published version"
        missed = Outcome(Verdict.NOT_FOUND, message=f"{detail}, but Crossref has {reason}")
        self._step(index, missed, purpose)
        if search_after:
            self._search_published(index)
        else:
            self._done(index)

    def _search_published(self, index: int) -> None:
        preprint = self.run_.preprint(index)
        query = published_search_query(preprint)
        if query is None:
            self._done(index)
            return
        self._need(("search", query), lambda works: self._on_published_search(index, works))

    def _on_published_search(self, index: int, works: Any) -> None:
        purpose = "published-version"
        if isinstance(works, SourceError):
            self._failed(index, works, purpose)
            return
        outcome, upgrade = through_search(self.run_.preprint(index), works)
        self._step(index, outcome, purpose)
        if upgrade is not None:
            self.run_.upgrades[index] = upgrade
        self._done(index)


def _work_doi(work: Any) -> str | None:
    doi = work.get("DOI") if isinstance(work, dict) else None
    return doi.lower() if isinstance(doi, str) else None


class _CrossrefRequests:
    """Crossref requests for a set of DOIs and queries: cached, batched, paced, on threads.

    Each answer (a work or None for a DOI, a list of works for a query, or the
    :class:`SourceError` that ended its attempts) is handed to ``answered`` on
    the calling thread as it arrives, and stored in the cache at once.
    """

    def __init__(self, source: CrossrefSource, context: LookupContext) -> None:
        self.source = source
        self.store = context.cache
        self.refresh = context.refresh
        self.retry = context.retry
        self.pacer = source.pacer()
        # The select list is part of every key: records cached with fewer
        # fields than we now read are not reused.
        self._key_base = {"url": source.base_url, "select": ",".join(PAPER_FIELDS)}

    def fetch(self, keys: Iterable[Key], answered: Callable[[Key, Any], None]) -> None:
        dois = [value for kind, value in keys if kind == "doi"]
        queries = [value for kind, value in keys if kind == "search"]
        missing_dois = []
        for doi in dois:
            body = self._cached(self._doi_key(doi))
            if body is None:
                missing_dois.append(doi)
            else:
                answered(("doi", doi), json.loads(body))
        missing_queries = []
        for query in queries:
            body = self._cached(self._search_key(query))
            if body is None:
                missing_queries.append(query)
            else:
                answered(("search", query), json.loads(body))
        with ThreadPoolExecutor(self.source.concurrency, "paperbib-crossref") as pool:
            tasks: dict[Future[Any], Callable[[Future[Any]], None]] = {}
            try:
                for batch in doi_batches(missing_dois):
                    tasks[pool.submit(self._fetch_dois, batch)] = _on_dois(batch, answered)
                for query in missing_queries:
                    tasks[pool.submit(self._search, query)] = _on_search(query, answered)
                for task in as_completed(tasks):
                    tasks[task](task)
            finally:
                # Interrupted: do not start what is still queued.
                pool.shutdown(wait=False, cancel_futures=True)

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

    # -- on worker threads ---------------------------------------------------------

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


def _on_dois(
    batch: list[str], answered: Callable[[Key, Any], None]
) -> Callable[[Future[Any]], None]:
    def finish(task: Future[Any]) -> None:
        try:
            found = task.result()
        except SourceError as error:
            for doi in batch:
                answered(("doi", doi), error)
        else:
            for doi in batch:
                answered(("doi", doi), found.get(doi))

    return finish


def _on_search(query: str, answered: Callable[[Key, Any], None]) -> Callable[[Future[Any]], None]:
    def finish(task: Future[Any]) -> None:
        try:
            works = task.result()
        except SourceError as error:
            answered(("search", query), error)
        else:
            answered(("search", query), works)

    return finish


# Fields a record fills when the paper lacks them, and replaces on overwrite.
_BIBLIOGRAPHIC = ("doi", "container_title", "volume", "issue", "pages", "publisher", "issued")
# Fields a record only ever fills: the digest's own text and ids are never replaced.
_FILL_ONLY = ("title", "abstract", "arxiv", "arxiv_category")
# Kinds that say only that a paper is not (yet) known to be published.
_UNPUBLISHED = frozenset({Kind.PREPRINT, Kind.OTHER})


def merge(paper: Paper, record: Paper, provenance: Provenance, *, overwrite: bool = False) -> Paper:
    """``paper`` with what ``record`` adds, each filled field credited to ``provenance``.

    What the paper says is kept unless ``overwrite``; its title, abstract,
    arXiv id and category, links, upvotes and listing date are always kept,
    and the record's links are added after the paper's. A preprint matched to its
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
    known = {link.url for link in paper.links}
    added = tuple(link for link in record.links if link.url not in known)
    if added:
        changes["links"] = (*paper.links, *added)
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
    """Write one JSON line per paper: its outcome, score, chosen DOI and the candidates.

    Each line also names the source whose record decided the paper, its arXiv
    id, what every source concluded (``steps``), and the published version a
    preprint was upgraded to with the evidence (``upgrade``).
    """
    for index, (paper, outcome) in enumerate(zip(result.papers, result.outcomes, strict=True)):
        upgrade = result.upgrades[index] if index < len(result.upgrades) else None
        steps = result.steps[index] if index < len(result.steps) else ()
        line = {
            "index": index,
            "title": paper.title,
            "outcome": outcome.verdict.value,
            "score": outcome.score,
            "doi": outcome.doi,
            "arxiv": None if paper.arxiv is None else str(paper.arxiv),
            "source": result.sources[index] if index < len(result.sources) else None,
            "candidates": [attrs.asdict(candidate) for candidate in outcome.candidates],
            "message": outcome.message,
            "upgrade": None if upgrade is None else _upgrade_line(paper, upgrade, result, index),
            "steps": [_step_line(step) for step in steps],
        }
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")


def _upgrade_line(
    paper: Paper, upgrade: Upgrade, result: EnrichResult, index: int
) -> dict[str, Any]:
    kept = result.preprints[index] if index < len(result.preprints) else None
    return {
        "from": upgrade.preprint,
        "to": upgrade.doi,
        "evidence": upgrade.evidence.value,
        "score": upgrade.score,
        "detail": upgrade.detail,
        "preprint_kept": kept is not None,
    }


def _step_line(step: Step) -> dict[str, Any]:
    outcome = step.outcome
    return {
        "source": step.source,
        "purpose": step.purpose,
        "outcome": outcome.verdict.value,
        "score": outcome.score,
        "doi": outcome.doi,
        "arxiv": None
        if outcome.record is None or outcome.record.arxiv is None
        else str(outcome.record.arxiv),
        "candidates": [attrs.asdict(candidate) for candidate in outcome.candidates],
        "message": outcome.message,
    }
