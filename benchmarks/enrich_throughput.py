"""Enrichment throughput against the Crossref stand-in at Crossref's polite limits.

Four measurements in one run, against a stand-in that answers after 500 ms and
enforces the polite pool's limits (10 requests/s, 3 in flight, 429 beyond):

1. 200 title searches through ``paperbib.enrich``: requests/s against the
   limit min(10, 3 / 0.5 s) = 6/s, and the 429s received;
2. a plain loop of ``habanero.Crossref().works(query_bibliographic=...)`` over
   the first 50 of those titles, for comparison;
3. 1,000 papers that carry DOIs through the batched ``doi:`` filter, in
   papers/s, against one request per DOI through the same pacing (60 DOIs);
4. a rerun of all 1,200 papers from the warm cache: seconds and requests sent.

    python benchmarks/enrich_throughput.py [--latency 0.5] [--searches 200] [--dois 1000]

Goals: at least 90% of the limit with zero 429s; DOI batches at least 10x the
one-request-per-DOI rate; the warm rerun under 1 second with zero requests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from crossref_corpus import synthetic_works  # noqa: E402
from crossref_standin import CrossrefStandin  # noqa: E402

from paperbib.enrich import ResponseCache, Verdict, enrich  # noqa: E402
from paperbib.enrich.crossref import CrossrefSource, markup_to_text  # noqa: E402
from paperbib.enrich.pacing import Pacer, RetryPolicy, call_with_retries  # noqa: E402
from paperbib.model import Kind, Paper, PartialDate  # noqa: E402

MAILTO = "benchmark@example.org"
RATE, CONCURRENCY = 10, 3
SINGLE_DOIS = 60


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
    args = parser.parse_args()

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

        started = time.perf_counter()
        result = enrich(searched, mailto=MAILTO, crossref_url=server.url, cache=cache)
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
        result = enrich(looked_up, mailto=MAILTO, crossref_url=server.url, cache=cache)
        batched = args.dois / (time.perf_counter() - started)
        found = result.counts[Verdict.MATCHED]
        requests, refused = server.stats.requests, server.stats.sent_429

        server.reset_stats()
        source = CrossrefSource(base_url=server.url, mailto=MAILTO)
        pacer = Pacer(source.rate, source.concurrency)
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
        result = enrich(searched + looked_up, mailto=MAILTO, crossref_url=server.url, cache=cache)
        elapsed = time.perf_counter() - started
        print(f"4. warm-cache rerun of {len(result.papers)} papers: {elapsed:.2f} s, "
              f"{server.stats.requests} requests")  # fmt: skip


if __name__ == "__main__":
    main()
