"""The arXiv source against the loopback arXiv stand-in: batches, searches, pacing, failures."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from arxiv_corpus import synthetic_records
from standins import StartArxivStandin

from paperbib.enrich import ResponseCache, Verdict
from paperbib.enrich.arxiv import (
    MAX_IDS_PER_REQUEST,
    TTL,
    ArxivSource,
    datacite_doi,
    lookup,
    title_phrase,
)
from paperbib.enrich.pacing import RetryPolicy
from paperbib.errors import EnrichError
from paperbib.model import ArxivId, Kind, LinkKind, Paper, PartialDate

INTERVAL = 0.2
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.05, max_delay=1.0)


def source_for(url: str, *, timeout: float = 5.0) -> ArxivSource:
    """A source for a stand-in whose 3-second rule is scaled down to INTERVAL."""
    return ArxivSource(base_url=url, interval=INTERVAL, timeout=timeout)


def test_an_id_lookup_gives_the_record_arxiv_holds(arxiv_standin: StartArxivStandin) -> None:
    """Authors in order, latest version, primary category, v1 date, DOI, abs and PDF links."""
    server = arxiv_standin(interval_s=INTERVAL)
    paper = Paper(arxiv="2007.15779", author_count=9, kind=Kind.PREPRINT)
    (outcome,) = lookup([paper], source_for(server.url))
    assert outcome.verdict is Verdict.MATCHED
    record = outcome.record
    assert record is not None
    assert [a.family for a in record.authors][:3] == ["Gu", "Tinn", "Cheng"]
    assert len(record.authors) == 9
    assert record.arxiv == ArxivId("2007.15779", 3)
    assert record.arxiv_category == "cs.CL"
    assert record.issued == PartialDate(2020, 7, 31)
    assert record.doi == "10.1145/3458754"
    kinds = {link.kind for link in record.links}
    assert {LinkKind.PAPER_PAGE, LinkKind.PDF} <= kinds
    assert outcome.doi == "10.1145/3458754"


def test_two_hundred_and_fifty_ids_take_two_requests_paced_apart(
    arxiv_standin: StartArxivStandin,
) -> None:
    """250 ids go in ceil(250 / 200) requests, none sooner than the (scaled) pause after another."""
    records = synthetic_records(250, seed=3)
    server = arxiv_standin(records, interval_s=INTERVAL)
    papers = [Paper(arxiv=record["id"]) for record in records]
    outcomes = lookup(papers, source_for(server.url))
    stats = server.stats
    assert stats.requests == math.ceil(250 / MAX_IDS_PER_REQUEST) == 2
    assert not stats.early
    assert not stats.overlapping
    asked = [ident for request in stats.log for ident in request.ids]
    assert sorted(asked) == sorted(record["id"] for record in records)
    assert all(outcome.verdict is Verdict.MATCHED for outcome in outcomes)


def test_titles_of_several_papers_share_one_search(arxiv_standin: StartArxivStandin) -> None:
    """Papers without ids are found by title in one OR query; each gets its own record."""
    server = arxiv_standin(interval_s=INTERVAL)
    papers = [
        Paper(title="Domain-adversarial training of neural networks", author_count=8),
        Paper(title="CrossNER: Evaluating Cross-Domain Named Entity Recognition", author_count=8),
        Paper(title="Equivariant Planners for Warehouse Robots", author_count=3),
        Paper(title="A paper arXiv has never heard of, on anything at all", author_count=2),
    ]
    outcomes = lookup(papers, source_for(server.url))
    assert [o.verdict for o in outcomes] == [Verdict.MATCHED] * 3 + [Verdict.NOT_FOUND]
    assert [str(o.record.arxiv.id) for o in outcomes[:3] if o.record and o.record.arxiv] == [
        "1505.07818",
        "2012.04373",
        "2404.99003",
    ]
    (request,) = server.stats.log
    query = request.query["search_query"][0]
    assert query.count(" OR ") == 3
    assert query.startswith('ti:"domain adversarial training of neural networks"')


def test_two_papers_with_one_title_are_ambiguous(arxiv_standin: StartArxivStandin) -> None:
    """Two records with the paper's title and author count: no record is chosen, both reported."""
    server = arxiv_standin(interval_s=INTERVAL)
    paper = Paper(title="Contrastive Tokenizers for Low-Resource Languages", author_count=2)
    (outcome,) = lookup([paper], source_for(server.url))
    assert outcome.verdict is Verdict.AMBIGUOUS
    assert outcome.record is None
    assert len(outcome.candidates) == 2


def test_known_authors_pick_the_right_one_of_two_same_title_papers(
    arxiv_standin: StartArxivStandin,
) -> None:
    """With a family name the digest gives, the namesake by other authors is outscored."""
    from paperbib.model import Author

    server = arxiv_standin(interval_s=INTERVAL)
    paper = Paper(
        title="Contrastive Tokenizers for Low-Resource Languages",
        authors=[Author("Sato", "Kenji")],
        author_count=2,
    )
    (outcome,) = lookup([paper], source_for(server.url))
    assert outcome.verdict is Verdict.MATCHED
    assert outcome.record is not None
    assert outcome.record.arxiv == ArxivId("2406.99006", 1)


def test_an_id_arxiv_calls_malformed_costs_only_its_own_paper(
    arxiv_standin: StartArxivStandin,
) -> None:
    """arXiv's 400 error feed names the id: it is not found, the rest of its batch asked again."""
    server = arxiv_standin(interval_s=INTERVAL)
    malformed = Paper(arxiv=ArxivId("2401.123456"))
    papers = [Paper(arxiv="1505.07818"), malformed, Paper(arxiv="2209.07118")]
    outcomes = lookup(papers, source_for(server.url))
    assert [o.verdict for o in outcomes] == [Verdict.MATCHED, Verdict.NOT_FOUND, Verdict.MATCHED]
    assert "incorrect id format for 2401.123456" in (outcomes[1].message or "")
    assert [request.status for request in server.stats.log] == [400, 200]
    assert not server.stats.early


def test_unknown_ids_and_empty_searches_are_not_found(arxiv_standin: StartArxivStandin) -> None:
    """An id arXiv lacks and a search with zero results are not found, without failing."""
    server = arxiv_standin(interval_s=INTERVAL)
    papers = [Paper(arxiv="2312.98765"), Paper(title="Nothing by this name exists anywhere")]
    outcomes = lookup(papers, source_for(server.url))
    assert [o.verdict for o in outcomes] == [Verdict.NOT_FOUND, Verdict.NOT_FOUND]
    assert outcomes[0].message == "arXiv knows no paper 2312.98765"


def test_a_typo_in_an_id_is_caught_by_the_title(arxiv_standin: StartArxivStandin) -> None:
    """An id whose record has a plainly different title is not taken for the paper."""
    server = arxiv_standin(interval_s=INTERVAL)
    paper = Paper(title="Self-Supervised Priors for Weather Forecasting", arxiv="1505.07818")
    (outcome,) = lookup([paper], source_for(server.url))
    assert outcome.verdict is Verdict.NOT_FOUND
    assert outcome.candidates[0].rejected


@pytest.mark.parametrize("fault", ["503", "500", "truncated", "reset", "slow"])
def test_a_passing_failure_is_retried_after_the_pause(
    arxiv_standin: StartArxivStandin, fault: str
) -> None:
    """A 5xx, a cut-off feed, a dropped connection or a slow answer: retried, then matched."""
    server = arxiv_standin(interval_s=INTERVAL, faults=[fault], slow_s=0.3)
    (outcome,) = lookup([Paper(arxiv="1505.07818")], source_for(server.url), retry=FAST_RETRY)
    assert outcome.verdict is Verdict.MATCHED
    assert server.stats.requests == (1 if fault == "slow" else 2)
    assert not server.stats.early


def test_retry_after_on_a_503_is_honoured(arxiv_standin: StartArxivStandin) -> None:
    """The retry waits the Retry-After arXiv sent, beyond the usual pause."""
    server = arxiv_standin(interval_s=INTERVAL, faults=["503"], retry_after_s=0.6)
    lookup([Paper(arxiv="1505.07818")], source_for(server.url), retry=FAST_RETRY)
    gap = server.stats.log[1].gap
    assert gap is not None
    assert gap >= 0.6


def test_a_source_that_keeps_failing_makes_its_papers_failed(
    arxiv_standin: StartArxivStandin,
) -> None:
    """Time-outs until the attempts run out: the papers are failed, nothing raises."""
    server = arxiv_standin(interval_s=INTERVAL, faults=["timeout"] * 3)
    papers = [Paper(arxiv="1505.07818"), Paper(title="Equivariant Planners for Warehouse Robots")]
    outcomes = lookup(papers, source_for(server.url, timeout=0.3), retry=FAST_RETRY)
    assert outcomes[0].verdict is Verdict.FAILED
    assert "timed out" in (outcomes[0].message or "")
    assert outcomes[1].verdict is Verdict.MATCHED


def test_a_short_pause_is_refused_for_arxiv_itself() -> None:
    """Below three seconds at arXiv's own address is an error; a stand-in may go faster."""
    for url in ("https://export.arxiv.org/api/query", "http://arxiv.org/api/query"):
        with pytest.raises(EnrichError, match="3 seconds"):
            ArxivSource(base_url=url, interval=0.2)
    ArxivSource(base_url="https://export.arxiv.org/api/query", interval=5)
    ArxivSource(base_url="http://127.0.0.1:9/api/query", interval=0.2)
    ArxivSource(base_url="https://notarxiv.org.example/api/query", interval=0)


def test_cached_answers_are_reused_for_a_week(
    arxiv_standin: StartArxivStandin, tmp_path: Path
) -> None:
    """A rerun asks nothing, even batched differently; after the arXiv TTL it asks again."""
    server = arxiv_standin(interval_s=INTERVAL)
    now = [1_700_000_000.0]
    papers = [
        Paper(arxiv="1505.07818"),
        Paper(arxiv="2209.07118"),
        Paper(title="Equivariant Planners for Warehouse Robots"),
    ]
    with ResponseCache(tmp_path / "c.sqlite3", clock=lambda: now[0]) as cache:
        first = lookup(papers, source_for(server.url), cache=cache)
        assert server.stats.requests == 2
        again = lookup(papers[::-1], source_for(server.url), cache=cache)
        assert server.stats.requests == 2
        assert again[::-1] == first
        now[0] += (TTL + dt.timedelta(hours=1)).total_seconds()
        lookup(papers, source_for(server.url), cache=cache)
        assert server.stats.requests == 4
        assert cache.ttl > TTL


def test_title_phrases_keep_only_words_a_search_engine_splits_like_us() -> None:
    """Math, digits, apostrophes and symbols break the phrase; the longest run of words is kept."""
    assert title_phrase("Re$^3$Dial: Retrieve, Reorganize and Rescale") == (
        "retrieve reorganize and rescale"
    )
    assert title_phrase("A Pretrainer's Guide to Training Data: Quality, & Toxicity") == (
        "guide to training data quality"
    )
    assert title_phrase("Multi-Modal Masked Autoencoders") == "multi modal masked autoencoders"
    assert title_phrase("Çağatay's Café Über Alles") == "cafe uber alles"
    assert title_phrase("GPT-4 Technical Report") is None


def test_the_datacite_doi_is_arxivs_own() -> None:
    """Every arXiv paper has the DOI 10.48550/arXiv.ID, old-style ids included."""
    assert datacite_doi(ArxivId("1706.03762", 7)) == "10.48550/arxiv.1706.03762"
    assert datacite_doi(ArxivId("hep-th/9901001")) == "10.48550/arxiv.hep-th/9901001"
