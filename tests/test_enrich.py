"""Enrichment end to end against the Crossref stand-in: match, merge, cache, faults, kills."""

from __future__ import annotations

import datetime as dt
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from crossref_corpus import synthetic_works
from crossref_standin import CrossrefStandin, FaultPlan
from standins import StartStandin
from synthetic_papers import labelled_set

import paperbib
from paperbib.enrich import EnrichResult, ResponseCache, Verdict, merge, write_report
from paperbib.enrich import enrich as enrich_from_sources
from paperbib.enrich.crossref import CrossrefSource
from paperbib.enrich.enricher import search_query
from paperbib.enrich.pacing import RetryPolicy
from paperbib.model import (
    Author,
    Kind,
    Link,
    LinkKind,
    Paper,
    PartialDate,
    Provenance,
)

MAILTO = "librarian@example.org"
TESTS = Path(__file__).parent


def enrich(papers: Sequence[Paper], **options: Any) -> EnrichResult:
    """Enrichment from Crossref alone: arXiv, the other source, has tests of its own."""
    return enrich_from_sources(papers, sources=("crossref",), **options)


def fast_source(server: CrossrefStandin, *, timeout: float = 5.0) -> CrossrefSource:
    """A polite source paced for the stand-in's scaled-up limits (40/s, 3 in flight)."""
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=timeout)
    # habanero's own cost per call keeps three threads near 20 requests/s, so
    # 0.8 of 40/s is never reached and arrival jitter cannot break the limit.
    source.rate = 0.8 * server.rate_limit
    return source


def scaled(
    start: StartStandin, corpus: Sequence[Mapping[str, Any]] | None = None, **options: Any
) -> CrossrefStandin:
    """A stand-in that enforces polite limits raised to 40 requests/s, 3 in flight."""
    return start(corpus, rate_limit=40, concurrency=3, enforce_limits=True, **options)


def preprint(title: str, year: int, month: int, authors: int, arxiv: str | None) -> Paper:
    """A paper as a Daily Papers digest lists it: title, our own abstract, count, date, links."""
    listed = dt.date(year, month, 15)
    return Paper(
        title=title,
        abstract=f"Our own summary of {title.lower()}.",
        author_count=authors,
        issued=PartialDate(year, month, 15),
        listed=listed,
        arxiv=arxiv,
        kind=Kind.PREPRINT,
        upvotes=12,
        links=[Link(f"https://huggingface.co/papers/{arxiv or 'x'}", LinkKind.PAPER_PAGE)],
    ).with_provenance("hf-page", "digest.txt:1")


# Real titles (facts) against the hand-written corpus, which holds the papers
# and decoys next to them: a peer review, a figure, a dataset, corrections, a
# book, a same-title paper of 1987, a duplicate record.
DIGEST = [
    preprint("Deep Residual Learning for Image Recognition", 2015, 12, 4, "1512.03385"),
    preprint(
        "U-Net: Convolutional Networks for Biomedical Image Segmentation", 2015, 5, 3, "1505.04597"
    ),
    preprint("Highly accurate protein structure prediction with AlphaFold", 2021, 7, 34, None),
    preprint("Array Programming with NumPy", 2020, 6, 26, "2006.10256"),
    preprint(
        "SciPy 1.0: Fundamental Algorithms for Scientific Computing in Python",
        *(2019, 7, 35, "1907.10121"),
    ),
    preprint("Attention Is All You Need", 2017, 6, 8, "1706.03762"),
    preprint("Identity Mappings in Deep Residual Networks", 2016, 3, 4, "1603.05027"),
]
EXPECTED = [
    (Verdict.MATCHED, "10.1109/cvpr.2016.90"),
    (Verdict.MATCHED, "10.1007/978-3-319-24574-4_28"),
    (Verdict.MATCHED, "10.1038/s41586-021-03819-2"),
    (Verdict.MATCHED, "10.1038/s41586-020-2649-2"),
    (Verdict.MATCHED, "10.1038/s41592-019-0686-2"),
    (Verdict.NOT_FOUND, None),
    (Verdict.AMBIGUOUS, None),
]


def test_real_titles_match_their_records_and_never_the_decoys(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """Each paper gets its own record's DOI; reviews, notices, books and old namesakes get none."""
    server = scaled(crossref_standin)
    result = enrich(DIGEST, source=fast_source(server), cache=tmp_path / "c.sqlite3")
    assert [(o.verdict, o.doi) for o in result.outcomes] == EXPECTED
    assert [p.doi for p in result.papers] == [doi for _, doi in EXPECTED]
    ambiguous = result.outcomes[-1]
    assert {c.doi for c in ambiguous.candidates if c.rejected is None} >= {
        "10.1007/978-3-319-46493-0_38",
        "10.5555/duplicate.identity-mappings",
    }


def test_a_matched_preprint_gains_the_record_and_keeps_the_digest(
    crossref_standin: StartStandin,
) -> None:
    """Authors, DOI, venue, pages and kind are filled; the digest's own fields all stay."""
    server = scaled(crossref_standin)
    (paper,) = enrich(DIGEST[:1], source=fast_source(server), cache=None).papers
    original = DIGEST[0]
    assert [a.family for a in paper.authors] == ["He", "Zhang", "Ren", "Sun"]
    assert paper.author_count == 4
    assert paper.doi == "10.1109/cvpr.2016.90"
    assert paper.kind is Kind.CONFERENCE_PAPER
    assert paper.container_title
    assert paper.pages
    assert paper.publisher
    assert paper.issued is not None
    assert paper.issued.year == 2016
    for kept in ("title", "abstract", "upvotes", "links", "listed", "arxiv"):
        assert getattr(paper, kept) == getattr(original, kept), kept
        assert paper.provenance[kept] == original.provenance[kept]
    crossref = paper.provenance["doi"]
    assert (crossref.source, crossref.location) == ("crossref", "10.1109/cvpr.2016.90")
    assert crossref.score is not None
    assert crossref.score >= 0.9
    assert paper.provenance["authors"] == paper.provenance["container_title"] == crossref


def test_the_enriched_paper_exports_as_the_published_version(
    crossref_standin: StartStandin, csl_schema_path: Path
) -> None:
    """Its CSL-JSON is schema-valid: a conference paper with the DOI, venue and four authors."""
    import jsonschema

    server = scaled(crossref_standin)
    result = enrich(DIGEST[:1], source=fast_source(server), cache=None)
    items = json.loads(paperbib.dumps(result.papers, "csljson"))
    schema = json.loads(csl_schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(items)
    (item,) = items
    assert item["type"] == "paper-conference"
    assert item["DOI"].lower() == "10.1109/cvpr.2016.90"
    assert item["container-title"]
    assert [a["family"] for a in item["author"]] == ["He", "Zhang", "Ren", "Sun"]
    assert item["issued"]["date-parts"][0][0] == 2016


RECORD = Paper(
    title="Sparse Routing at Scale",
    abstract="The record's abstract.",
    authors=[
        Author("Okafor", "Amara", orcid="0000-0002-1825-0097"),
        Author("Lindqvist", "Lars", orcid="0000-0001-5109-3700"),
        Author("Tanaka", "Yuki"),
    ],
    author_count=3,
    issued=PartialDate(2025, 3),
    doi="10.5555/sparse.1",
    container_title="Journal of Routing",
    volume="12",
    pages="1-20",
    publisher="Test accounts",
    kind=Kind.JOURNAL_ARTICLE,
)
CROSSREF = Provenance("crossref", "10.5555/sparse.1", 0.97)


def test_merge_fills_only_what_the_paper_lacks() -> None:
    """A value the digest gave is kept; the gaps are filled, each credited to Crossref."""
    paper = Paper(
        title="Sparse routing at scale",
        abstract="The digest's abstract.",
        author_count=3,
        volume="7",
        issued=PartialDate(2024, 11, 2),
        kind=Kind.PREPRINT,
    ).with_provenance("hf-page")
    merged = merge(paper, RECORD, CROSSREF)
    assert (merged.title, merged.abstract, merged.volume) == (
        paper.title,
        paper.abstract,
        "7",
    )
    assert merged.provenance["volume"].source == "hf-page"
    assert merged.authors == RECORD.authors
    assert (merged.doi, merged.container_title, merged.pages) == (
        "10.5555/sparse.1",
        "Journal of Routing",
        "1-20",
    )
    for filled in ("authors", "doi", "container_title", "pages", "publisher", "kind"):
        assert merged.provenance[filled] == CROSSREF, filled


def test_a_preprint_matched_to_its_publication_takes_its_kind_and_date() -> None:
    """The published version's kind and issued date replace the preprint's; the listing stays."""
    paper = Paper(
        title="Sparse routing at scale",
        issued=PartialDate(2024, 11, 2),
        listed=dt.date(2024, 11, 2),
        kind=Kind.PREPRINT,
    )
    merged = merge(paper, RECORD, CROSSREF)
    assert (merged.kind, merged.issued, merged.listed) == (
        Kind.JOURNAL_ARTICLE,
        PartialDate(2025, 3),
        dt.date(2024, 11, 2),
    )


def test_merge_overwrites_only_when_asked() -> None:
    """With overwrite the record's bibliographic fields win; the digest's title, abstract stay."""
    paper = Paper(
        title="Sparse routing at scale",
        abstract="The digest's abstract.",
        authors=[Author("Okafor")],
        volume="7",
        kind=Kind.REPORT,
    )
    kept = merge(paper, RECORD, CROSSREF)
    assert (kept.volume, kept.kind) == ("7", Kind.REPORT)
    overwritten = merge(paper, RECORD, CROSSREF, overwrite=True)
    assert (overwritten.volume, overwritten.kind) == ("12", Kind.JOURNAL_ARTICLE)
    assert overwritten.authors == RECORD.authors
    assert (overwritten.title, overwritten.abstract) == (paper.title, paper.abstract)
    assert overwritten.provenance["volume"] == CROSSREF


def test_named_authors_stay_gain_orcids_and_are_completed() -> None:
    """The digest's names are kept, get their ORCIDs, and the names it lacked are appended."""
    paper = Paper(title="Sparse routing at scale", authors=[Author("Okafor", "A.")], author_count=3)
    merged = merge(paper, RECORD, CROSSREF)
    assert merged.authors[0] == Author("Okafor", "A.", orcid="0000-0002-1825-0097")
    assert [a.family for a in merged.authors] == ["Okafor", "Lindqvist", "Tanaka"]
    assert not merged.authors_incomplete
    complete = Paper(title="x", authors=[Author("Tanaka", "Y."), Author("Okafor", "A.")])
    assert [a.family for a in merge(complete, RECORD, CROSSREF).authors] == ["Tanaka", "Okafor"]


def test_an_unmatched_paper_comes_back_unchanged(crossref_standin: StartStandin) -> None:
    """Not found or ambiguous papers are returned exactly as given."""
    server = scaled(crossref_standin)
    result = enrich(DIGEST[5:], source=fast_source(server), cache=None)
    assert result.papers == tuple(DIGEST[5:])
    assert [p.provenance for p in result.papers] == [p.provenance for p in DIGEST[5:]]


def test_doi_papers_are_looked_up_fifty_to_a_request(crossref_standin: StartStandin) -> None:
    """120 DOI papers cost three requests; known DOIs match and gain titles, an unknown one not."""
    corpus = synthetic_works(119, seed=4)
    server = scaled(crossref_standin, corpus)
    papers = [Paper(doi=work["DOI"]) for work in corpus] + [Paper(doi="10.5555/nowhere")]
    result = enrich(papers, source=fast_source(server), cache=None)
    assert server.stats.requests == 3
    assert all(o.verdict is Verdict.MATCHED for o in result.outcomes[:-1])
    assert all(p.title and p.authors for p in result.papers[:-1])
    assert result.outcomes[-1].verdict is Verdict.NOT_FOUND


def test_a_second_run_asks_nothing_and_a_refresh_asks_again(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """Cached answers are reused; refresh re-asks and stores; no cache asks every time."""
    server = scaled(crossref_standin)
    cache = tmp_path / "c.sqlite3"
    first = enrich(DIGEST, source=fast_source(server), cache=cache)
    asked = server.stats.requests
    assert asked == len(DIGEST)
    again = enrich(DIGEST, source=fast_source(server), cache=cache)
    assert server.stats.requests == asked
    assert again.outcomes == first.outcomes
    enrich(DIGEST, source=fast_source(server), cache=cache, refresh=True)
    assert server.stats.requests == 2 * asked
    enrich(DIGEST, source=fast_source(server), cache=None)
    enrich(DIGEST, source=fast_source(server), cache=False)
    assert server.stats.requests == 4 * asked
    with ResponseCache(cache) as stored:
        assert len(stored) == asked


def test_answers_older_than_the_ttl_are_asked_again(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """An answer past the cache's TTL is fetched anew."""
    server = scaled(crossref_standin)
    now = [1_700_000_000.0]
    with ResponseCache(
        tmp_path / "c.sqlite3", ttl=dt.timedelta(days=30), clock=lambda: now[0]
    ) as cache:
        enrich(DIGEST[:2], source=fast_source(server), cache=cache)
        now[0] += dt.timedelta(days=29).total_seconds()
        enrich(DIGEST[:2], source=fast_source(server), cache=cache)
        assert server.stats.requests == 2
        now[0] += dt.timedelta(days=2).total_seconds()
        enrich(DIGEST[:2], source=fast_source(server), cache=cache)
        assert server.stats.requests == 4


def test_mailto_and_address_come_from_the_environment(
    crossref_standin: StartStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PAPERBIB_MAILTO puts requests in the polite pool at PAPERBIB_CROSSREF_URL."""
    server = crossref_standin()
    monkeypatch.setenv("PAPERBIB_MAILTO", MAILTO)
    monkeypatch.setenv("PAPERBIB_CROSSREF_URL", server.url)
    result = enrich(DIGEST[:1], cache=None)
    assert result.outcomes[0].verdict is Verdict.MATCHED
    (record,) = server.stats.log
    assert record.polite
    assert MAILTO in record.user_agent


def test_progress_counts_every_paper(crossref_standin: StartStandin) -> None:
    """Progress reports grow to the number of papers, with counts by verdict that add up."""
    server = scaled(crossref_standin)
    reports: list[tuple[int, dict[Verdict, int]]] = []
    result = enrich(
        DIGEST,
        source=fast_source(server),
        cache=None,
        progress=lambda done, counts: reports.append((done, dict(counts))),
    )
    done = [d for d, _ in reports]
    assert done == sorted(done)
    assert done[-1] == len(DIGEST)
    assert all(sum(counts.values()) == d for d, counts in reports)
    assert reports[-1][1] == {v: n for v, n in result.counts.items() if n}


def test_the_report_has_one_json_line_per_paper(crossref_standin: StartStandin) -> None:
    """Each line names the outcome, score, DOI and the candidates with their scores."""
    server = scaled(crossref_standin)
    result = enrich(DIGEST, source=fast_source(server), cache=None)
    out = io.StringIO()
    write_report(result, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["outcome"], line["doi"]) for line in lines] == [
        (verdict.value, doi) for verdict, doi in EXPECTED
    ]
    assert lines[0]["title"] == DIGEST[0].title
    assert lines[0]["score"] >= 0.9
    ambiguous = lines[-1]["candidates"]
    assert {"doi", "title", "score", "rejected"} <= set(ambiguous[0])
    assert sum(c["rejected"] is None for c in ambiguous) >= 2


def run_with_faults(
    server: CrossrefStandin, papers: Sequence[Paper], cache: Path, attempts: int
) -> EnrichResult:
    source = fast_source(server, timeout=1.0)
    policy = RetryPolicy(attempts=attempts, base_delay=0.2, max_delay=2.0)
    return enrich(papers, source=source, cache=cache, retry=policy)


def test_a_run_with_one_request_in_five_failing_completes_and_resumes(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """20% faults: every paper returns, no limit is broken, and a rerun asks only for the failed."""
    corpus, queries = labelled_set(seed=5)
    searched = [q.paper for q in queries[:150]]
    looked_up = [Paper(doi=w["DOI"], title=w["title"][0]) for w in corpus[:50]]
    papers = searched + looked_up
    plan = FaultPlan(
        fraction=0.2,
        kinds=("500", "503", "429", "429-burst", "timeout", "truncated", "html-200"),
        seed=11,
        retry_after_s=0.2,
        hang_s=3.0,
    )
    server = scaled(crossref_standin, corpus, faults=plan)
    cache = tmp_path / "c.sqlite3"

    first = run_with_faults(server, papers, cache, attempts=2)
    stats = server.stats
    assert len(first.papers) == len(papers)
    assert stats.limit_violations == 0
    assert sum(stats.faults.values()) >= 0.15 * stats.requests
    failed = {i for i, o in enumerate(first.outcomes) if o.verdict is Verdict.FAILED}
    assert failed, "with two attempts some papers must have failed"
    assert all(first.papers[i] == papers[i] for i in failed)

    server.reset_stats()
    second = run_with_faults(server, papers, cache, attempts=6)
    log = server.stats.log
    asked_queries = {q for r in log for q in r.query.get("query.bibliographic", [])}
    asked_dois = {
        doi.lower()
        for r in log
        for clause in r.query.get("filter", [])
        for doi in clause.removeprefix("doi:").split(",doi:")
    }
    failed_searches = {search_query(searched[i]) for i in failed if i < len(searched)}
    failed_dois = {looked_up[i - len(searched)].doi for i in failed if i >= len(searched)}
    assert asked_queries == failed_searches
    assert asked_dois == failed_dois
    assert server.stats.limit_violations == 0
    assert not any(o.verdict is Verdict.FAILED for o in second.outcomes)
    for i, outcome in enumerate(first.outcomes):
        if i not in failed:
            assert second.outcomes[i] == outcome


KILLABLE_RUN = """
import sys
sys.path.insert(0, sys.argv[3])
from synthetic_papers import labelled_set
from paperbib.enrich import enrich
from paperbib.enrich.crossref import CrossrefSource
from paperbib.enrich.enricher import search_query
_, queries = labelled_set(seed=9)
source = CrossrefSource(base_url=sys.argv[1], mailto="librarian@example.org")
source.rate = 32.0
enrich([q.paper for q in queries[:120]], source=source, cache=sys.argv[2], sources=["crossref"])
"""


def test_a_run_killed_midway_leaves_a_cache_the_rerun_resumes_from(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """SIGKILL mid-run: the cache opens, and the rerun sends exactly the requests not yet stored."""
    corpus, queries = labelled_set(seed=9)
    papers = [q.paper for q in queries[:120]]
    server = scaled(crossref_standin, corpus, latency_s=0.02)
    cache = tmp_path / "c.sqlite3"
    run = subprocess.Popen([sys.executable, "-c", KILLABLE_RUN, server.url, str(cache), str(TESTS)])
    deadline = time.monotonic() + 30
    while server.stats.requests < 50 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL, "the run ended before it could be killed"

    with sqlite3.connect(cache) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with ResponseCache(cache) as stored:
        answered = len(stored)
    assert 0 < answered < len(papers)

    server.reset_stats()
    rerun = enrich(papers, source=fast_source(server), cache=cache)
    assert server.stats.requests == len(papers) - answered
    assert not any(o.verdict is Verdict.FAILED for o in rerun.outcomes)


def test_paperbib_enrich_is_callable_and_loads_no_network_code_until_called() -> None:
    """Importing paperbib and paperbib.enrich loads no HTTP, fuzzy or SQLite library; calls work."""
    probe = """
import sys, paperbib
heavy = ("habanero", "httpx2", "rapidfuzz", "sqlite3", "platformdirs")
assert not [m for m in heavy if m in sys.modules], "import paperbib"
enrich = paperbib.enrich
import paperbib.enrich.matching
assert not [m for m in heavy if m in sys.modules], "paperbib.enrich"
assert paperbib.enrich is enrich and paperbib.enrich.enrich is not enrich
result = paperbib.enrich([paperbib.Paper()], cache=None)
print(result.outcomes[0].verdict.value)
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "not_found"
