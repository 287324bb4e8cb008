"""Enrichment throughput against the Crossref and arXiv stand-ins, at each registry's limits.

Crossref first: four measurements against a stand-in that answers after 500 ms and
enforces the polite pool's limits (10 requests/s, 3 in flight, 429 beyond):

1. 200 title searches through ``paperbib.enrich``: requests/s against the
   limit min(10, 3 / 0.5 s) = 6/s, and the 429s received;
2. a plain loop of ``habanero.Crossref().works(query_bibliographic=...)`` over
   the first 50 of those titles, for comparison;
3. 1,000 papers that carry DOIs through the batched ``doi:`` filter, in
   papers/s, against one request per DOI through the same pacing (60 DOIs);
4. a rerun of all 1,200 papers from the warm cache: seconds and requests sent.

Then arXiv, against its stand-in, whose rule is one request every three
seconds. The rule is scaled down (``--arxiv-interval``, 0.2 s unless told) so
that the run takes seconds; the output says so, and projects each rate to the
real three seconds: what a request holds over (3 s + the time arXiv took to answer):

5. 1,000 papers with arXiv ids: requests, ids per request, ids per second;
6. the same ids one request each (the first 20), for comparison;
7. 200 papers found by title alone, in shared ``ti:`` searches;
8. a warm-cache rerun of both: seconds and requests sent.

    python benchmarks/enrich_throughput.py [--latency 0.5] [--searches 200] [--dois 1000]
        [--arxiv-ids 1000] [--arxiv-titles 200] [--arxiv-interval 0.2] [--arxiv-latency 0.3]

Goals: at least 90% of the limit with zero 429s; DOI batches at least 10x the
one-request-per-DOI rate; the warm rerun under 1 second with zero requests;
arXiv: the fewest requests the batch sizes allow, none sooner than the pause.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from arxiv_corpus import synthetic_records  # noqa: E402
from arxiv_standin import ARXIV_RULE_S, ArxivRequest, ArxivStandin  # noqa: E402
from crossref_corpus import synthetic_works  # noqa: E402
from crossref_standin import CrossrefStandin  # noqa: E402

from paperbib.enrich import ResponseCache, Verdict, enrich  # noqa: E402
from paperbib.enrich.arxiv import ArxivSource  # noqa: E402
from paperbib.enrich.crossref import CrossrefSource, markup_to_text  # noqa: E402
from paperbib.enrich.pacing import RetryPolicy, call_with_retries  # noqa: E402
from paperbib.model import Kind, Paper, PartialDate  # noqa: E402

MAILTO = "benchmark@example.org"
RATE, CONCURRENCY = 10, 3
SINGLE_DOIS = 60
ARXIV_SINGLE_IDS = 20


def digest_paper(work: dict[str, Any]) -> Paper:
    """The paper a digest would list for a work: title, author count, year."""
    year = work["issued"]["date-parts"][0][0] or 2024
    return Paper(
        title=markup_to_text(work["title"][0]),
        author_count=len(work["author"]),
        issued=PartialDate(year),
        kind=Kind.PREPRINT,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per answer")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--dois", type=int, default=1000)
    parser.add_argument("--loop", type=int, default=50, help="plain habanero calls")
    parser.add_argument("--arxiv-ids", type=int, default=1000)
    parser.add_argument("--arxiv-titles", type=int, default=200)
    parser.add_argument("--arxiv-interval", type=float, default=0.2, help="scaled 3-s rule")
    parser.add_argument("--arxiv-latency", type=float, default=0.3, help="seconds per answer")
    args = parser.parse_args()
    crossref_part(args)
    arxiv_part(args)


def crossref_part(args: argparse.Namespace) -> None:

    corpus = synthetic_works(args.searches + args.dois, seed=1)
    searched = [digest_paper(work) for work in corpus[: args.searches]]
    looked_up = [Paper(doi=work["DOI"]) for work in corpus[args.searches :]]
    limit = min(RATE, CONCURRENCY / args.latency)
    options = {"rate_limit": RATE, "concurrency": CONCURRENCY, "latency_s": args.latency}

    with (
        CrossrefStandin(corpus, enforce_limits=True, **options) as server,
        tempfile.TemporaryDirectory() as tmp,
        ResponseCache(Path(tmp) / "cache.sqlite3") as cache,
    ):
        print(
            f"stand-in: {args.latency * 1000:.0f} ms per answer, {RATE}/s, {CONCURRENCY} in flight"
        )
        # Crossref alone: the arXiv part below measures arXiv.
        crossref: dict[str, Any] = {
            "sources": ["crossref"],
            "mailto": MAILTO,
            "crossref_url": server.url,
        }

        started = time.perf_counter()
        result = enrich(searched, **crossref, cache=cache)
        elapsed = time.perf_counter() - started
        stats = server.stats
        rate = stats.requests / elapsed
        matched = result.counts[Verdict.MATCHED]
        print(f"\n1. {args.searches} searches: {stats.requests} requests in {elapsed:.1f} s = "
              f"{rate:.2f}/s, {rate / limit:.0%} of the {limit:g}/s limit; "
              f"429s {stats.sent_429}, limit violations {stats.limit_violations}; "
              f"{matched} matched")  # fmt: skip

        from habanero import Crossref

        server.reset_stats()
        plain = Crossref(base_url=server.url, mailto=MAILTO)
        started = time.perf_counter()
        for paper in searched[: args.loop]:
            plain.works(query_bibliographic=paper.title, limit=5)
        elapsed = time.perf_counter() - started
        print(f"2. plain habanero loop, {args.loop} searches: {args.loop / elapsed:.2f}/s "
              f"({args.loop / elapsed / limit:.0%} of the limit)")  # fmt: skip

        server.reset_stats()
        started = time.perf_counter()
        result = enrich(looked_up, **crossref, cache=cache)
        batched = args.dois / (time.perf_counter() - started)
        found = result.counts[Verdict.MATCHED]
        requests, refused = server.stats.requests, server.stats.sent_429

        server.reset_stats()
        source = CrossrefSource(base_url=server.url, mailto=MAILTO)
        pacer = source.pacer()
        singles = [[paper.doi or ""] for paper in looked_up[:SINGLE_DOIS]]
        started = time.perf_counter()
        with ThreadPoolExecutor(source.concurrency) as pool:
            list(
                pool.map(
                    lambda dois: call_with_retries(
                        lambda: source.fetch_dois(dois), pacer, RetryPolicy()
                    ),
                    singles,
                )
            )
        single = SINGLE_DOIS / (time.perf_counter() - started)
        print(f"3. {args.dois} DOI papers in {requests} batched requests: {batched:.1f} papers/s "
              f"({found} found, 429s {refused}); one request per DOI: {single:.2f}/s; "
              f"{batched / single:.0f}x")  # fmt: skip

        server.reset_stats()
        started = time.perf_counter()
        result = enrich(searched + looked_up, **crossref, cache=cache)
        elapsed = time.perf_counter() - started
        print(f"4. warm-cache rerun of {len(result.papers)} papers: {elapsed:.2f} s, "
              f"{server.stats.requests} requests")  # fmt: skip


def answer_time(log: list[ArxivRequest], interval: float, latency: float) -> float:
    """How long arXiv took to answer, on average: the time between arrivals less the pause.

    A request costs that plus the pause, so a rate at the real three seconds
    is what one request holds divided by (3 s + this).
    """
    gaps = [request.gap for request in log if request.gap is not None]
    return sum(gaps) / len(gaps) - interval if gaps else latency


def arxiv_part(args: argparse.Namespace) -> None:
    interval, latency = args.arxiv_interval, args.arxiv_latency
    records = synthetic_records(args.arxiv_ids + args.arxiv_titles, seed=2)
    by_id = [Paper(arxiv=record["id"]) for record in records[: args.arxiv_ids]]
    by_title = [
        Paper(title=record["title"], author_count=len(record["authors"]))
        for record in records[args.arxiv_ids :]
    ]
    with (
        ArxivStandin(records, interval_s=interval, latency_s=latency) as server,
        tempfile.TemporaryDirectory() as tmp,
        ResponseCache(Path(tmp) / "cache.sqlite3") as cache,
    ):
        rule = (
            "arXiv's own 3-second pause, not scaled"
            if interval >= ARXIV_RULE_S
            else f"arXiv's 3-second pause SCALED DOWN to {interval:g} s (--arxiv-interval)"
        )
        print(
            f"\narXiv stand-in: {latency * 1000:.0f} ms per answer; {rule}; "
            "'at 3 s' projects each rate to the real pause"
        )
        options: dict[str, Any] = {
            "sources": ["arxiv"],
            "arxiv_url": server.url,
            "arxiv_interval": interval,
        }

        def measured(papers: list[Paper], what: str, number: int) -> None:
            server.reset_stats()
            started = time.perf_counter()
            result = enrich(papers, **options, cache=cache)
            elapsed = time.perf_counter() - started
            stats = server.stats
            matched = result.counts[Verdict.MATCHED]
            per_request = len(papers) / stats.requests
            at_rule = per_request / (ARXIV_RULE_S + answer_time(stats.log, interval, latency))
            print(f"{number}. {len(papers)} {what}: {stats.requests} requests, "
                  f"{len(papers) / stats.requests:.0f} per request, {elapsed:.1f} s = "
                  f"{len(papers) / elapsed:.1f}/s as run, {at_rule:.1f}/s at 3 s; "
                  f"{matched} matched; requests sooner than the pause: {len(stats.early)}, "
                  f"overlapping: {len(stats.overlapping)}")  # fmt: skip

        measured(by_id, "ids", 5)

        server.reset_stats()
        source = ArxivSource(base_url=server.url, interval=interval)
        singles = by_id[:ARXIV_SINGLE_IDS]
        started = time.perf_counter()
        for paper in singles:
            assert paper.arxiv is not None
            source.paced(partial(source.fetch_ids, [paper.arxiv]), RetryPolicy())
        elapsed = time.perf_counter() - started
        at_rule = 1 / (ARXIV_RULE_S + answer_time(server.stats.log, interval, latency))
        print(f"6. one request per id, {len(singles)} ids: {len(singles) / elapsed:.2f}/s as run, "
              f"{at_rule:.2f}/s at 3 s")  # fmt: skip

        measured(by_title, "titles", 7)

        server.reset_stats()
        started = time.perf_counter()
        enrich(by_id + by_title, **options, cache=cache)
        elapsed = time.perf_counter() - started
        print(f"8. warm-cache rerun of {len(by_id) + len(by_title)} papers: {elapsed:.2f} s, "
              f"{server.stats.requests} requests")  # fmt: skip


if __name__ == "__main__":
    main()
