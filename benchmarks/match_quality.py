"""Precision and recall of the DOIs that enrichment assigns, on a labelled set.

Builds the labelled set of tests/synthetic_papers.py (228 digest papers: true
matches with drifted titles, absent papers with near-miss records, decoys,
equally good twins; a corpus of about 1,050 works), serves the corpus from the
Crossref stand-in, runs ``paperbib.enrich`` over the papers, and compares the
DOIs written with the labels:

* precision: DOIs that are right / DOIs written;
* recall: DOIs that are right / papers that have a right DOI.

Each paper that missed its right DOI is listed with the signal that failed:
not among the results, rejected (and why), ambiguous, a title too unlike, or
a title agreeing on its main title alone that nothing confirmed (and what the
digest and the record offered to confirm it).

A second measurement, printed after the first, runs the same set through the
pipeline as users get it (``--enrich``: arXiv, then Crossref, preprints
upgraded to their published versions). Daily Papers lists arXiv papers, so
an arXiv stand-in holds the record of every paper in the set, absent ones
and those beside decoys included: the title the digest gives, its abstract,
the preprint's authors with their initials, no DOI and no journal reference.
Only the few papers whose preprint is another server's record in Crossref
are not on arXiv. It is measured for the two Daily Papers inputs: a copied
page, which gives no arXiv ids (arXiv is searched by title), and the JSON,
which gives them. Its precision and recall count the DOIs finally cited other
than arXiv's own (10.48550/arXiv.ID, the preprint's DOI, cited when no
published version is found: right for a paper with no published version, a
miss for recall otherwise, never a wrong DOI).

``--sweep`` replays the same answers from the cache with other thresholds and
prints the score separation they were chosen from. Several ``--seeds`` build
independent sets: tune on one, check on the others.

    python benchmarks/match_quality.py [--seeds 7,11,13] [--sweep]

Goal: precision at least 99.5% and recall at least 95%.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import attrs  # noqa: E402
from arxiv_standin import ArxivStandin  # noqa: E402
from crossref_standin import CrossrefStandin  # noqa: E402
from synthetic_papers import LabelledQuery, labelled_set  # noqa: E402

from paperbib.enrich import enrich, matching  # noqa: E402
from paperbib.enrich.cache import ResponseCache  # noqa: E402
from paperbib.enrich.crossref import CrossrefSource  # noqa: E402
from paperbib.enrich.matching import Outcome, Verdict, _title_agreement  # noqa: E402
from paperbib.model import ArxivId, Paper  # noqa: E402
from paperbib.text import normalise_title  # noqa: E402

# The stand-in answers at once and without limits: this measures matching, not pacing.
FAST = {"rate_limit": 10_000, "concurrency": 8}
# arXiv's pause between requests, scaled down: the stand-in is not arXiv's address.
ARXIV_INTERVAL = 0.01
# arXiv's own DOIs (DataCite's): the preprint's, not a published version's.
ARXIV_DOI_PREFIX = "10.48550/"


def run(queries: Sequence[LabelledQuery], url: str, cache: ResponseCache) -> list[Outcome]:
    source = CrossrefSource(base_url=url, mailto="bench@example.org")
    source.rate, source.concurrency = FAST["rate_limit"], FAST["concurrency"]
    papers = [q.paper for q in queries]
    return list(enrich(papers, sources=["crossref"], source=source, cache=cache).outcomes)


def precision_recall(
    queries: Sequence[LabelledQuery], outcomes: Sequence[Outcome]
) -> tuple[float, float, int, int, int]:
    written = [(q, o) for q, o in zip(queries, outcomes, strict=True) if o.doi is not None]
    right = sum(o.doi == q.expected for q, o in written)
    findable = sum(q.expected is not None for q in queries)
    precision = right / len(written) if written else 1.0
    return precision, right / findable, right, len(written), findable


def print_summary(queries: Sequence[LabelledQuery], outcomes: Sequence[Outcome]) -> None:
    precision, recall, right, written, findable = precision_recall(queries, outcomes)
    print(f"queries {len(queries)}: {findable} with a right DOI, {len(queries) - findable} without")
    print(f"DOIs written {written}, right {right}")
    print(f"precision {precision:.2%}  recall {recall:.2%}  (goals: 99.5% / 95%)")
    by_category: dict[str, Counter[str]] = defaultdict(Counter)
    for query, outcome in zip(queries, outcomes, strict=True):
        if outcome.doi is None:
            verdict = outcome.verdict.value
        else:
            verdict = "right" if outcome.doi == query.expected else "WRONG"
        by_category[query.category][verdict] += 1
    for category, verdicts in sorted(by_category.items()):
        print(f"  {category:28} " + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())))
    for query, outcome in zip(queries, outcomes, strict=True):
        if outcome.doi != query.expected and (outcome.doi or query.expected):
            print(f"  miss [{query.category}] {query.paper.title!r}: {outcome.verdict.value}"
                  f" {outcome.score} -> {outcome.doi} (want {query.expected})")  # fmt: skip
            for candidate in outcome.candidates[:3]:
                print(f"      {candidate.score:.3f} {candidate.doi} {candidate.title!r}"
                      f" {candidate.rejected or ''}")  # fmt: skip


def miss_cause(query: LabelledQuery, outcome: Outcome, work: dict[str, Any]) -> str:
    """Why a paper with a right DOI did not get it: the signal that failed."""
    right = next((c for c in outcome.candidates if c.doi == query.expected), None)
    if outcome.doi is not None:
        return "another record chosen"
    if right is None:
        return "not among the search results"
    if right.rejected is not None:
        return f"rejected: {right.rejected.split(',')[0]}"
    if outcome.verdict is Verdict.AMBIGUOUS:
        return "ambiguous with another record"
    if not _title_agreement(query.paper.title or "", right.title or "").main_only:
        return "title similarity"
    # Only the main titles agree: what could have confirmed it, and what the digest gave.
    growth = len(work.get("author", [])) - (query.paper.author_count or 0)
    count = "agrees" if growth == 0 else f"{growth:+d}"
    names = "names given" if query.paper.authors else "no names"
    abstract = "record has an abstract" if "abstract" in work else "no abstract on record"
    return f"main title only, unconfirmed ({names}, {abstract}; author count {count})"


def misses_by_cause(
    queries: Sequence[LabelledQuery], outcomes: Sequence[Outcome], corpus: Sequence[dict[str, Any]]
) -> Counter[tuple[str, str]]:
    """The papers that did not get their right DOI, by cause and kind of case."""
    works = {work["DOI"]: work for work in corpus}
    causes: Counter[tuple[str, str]] = Counter()
    for query, outcome in zip(queries, outcomes, strict=True):
        if query.expected is not None and outcome.doi != query.expected:
            causes[miss_cause(query, outcome, works[query.expected]), query.category] += 1
    return causes


def print_causes(causes: Counter[tuple[str, str]]) -> None:
    print(f"misses by cause: {sum(causes.values())}")
    for (cause, category), count in sorted(causes.items()):
        print(f"  {count:4d}  {cause} [{category}]")


def print_separation(queries: Sequence[LabelledQuery], outcomes: Sequence[Outcome]) -> None:
    """The scores of right records against those of the best wrong record per query."""
    right_scores: list[float] = []
    wrong_scores: list[float] = []
    for query, outcome in zip(queries, outcomes, strict=True):
        # Twins and preprint records are versions of the right paper, not wrong ones.
        if query.category in ("ambiguous-twins", "with-preprint-record", "retitled-with-preprint"):
            continue
        viable = [c for c in outcome.candidates if c.rejected is None]
        right = [c.score for c in viable if c.doi == query.expected]
        wrong = [c.score for c in viable if c.doi != query.expected]
        right_scores += right[:1]
        wrong_scores += wrong[:1]
    right_scores.sort()
    wrong_scores.sort()
    print(f"right records, lowest scores: {right_scores[:8]}")
    print(f"best wrong record of each query, highest scores: {wrong_scores[-8:]}")


def on_arxiv(query: LabelledQuery, preprints: set[str]) -> bool:
    """Whether the paper is on arXiv: unless another preprint server's record is its preprint.

    Daily Papers lists arXiv papers; the set's few preprints whose record is
    another server's (in Crossref) stand for papers arXiv does not have.
    """
    return normalise_title(query.paper.title or "") not in preprints


def arxiv_record(query: LabelledQuery, ident: str) -> dict[str, Any]:
    """The paper's arXiv record: the digest's title and abstract, the preprint's authors."""
    paper = query.paper
    assert paper.listed is not None
    return {
        "id": ident,
        "versions": [f"{paper.listed.isoformat()}T12:00:00Z"],
        "title": paper.title,
        "summary": paper.abstract or "",
        # Initials as the corpus gives them: the published byline spells them alike.
        "authors": [f"{chr(65 + i)}. {name}" for i, name in enumerate(query.authors)],
        "primary_category": "cs.LG",
        "categories": ["cs.LG"],
    }


def as_daily_papers(
    queries: Sequence[LabelledQuery], corpus: Sequence[dict[str, Any]], *, with_ids: bool
) -> tuple[list[Paper], list[dict[str, Any]]]:
    """The digest's papers as Daily Papers lists them, and the arXiv records of those on arXiv.

    ``with_ids``: each paper on arXiv carries its id (the Daily Papers JSON);
    otherwise arXiv is searched by title (a copied Daily Papers page, which
    gives no ids).
    """
    preprints = {
        normalise_title(work["title"][0]) for work in corpus if work["type"] == "posted-content"
    }
    papers, records = [], []
    for number, query in enumerate(queries):
        paper = query.paper
        if on_arxiv(query, preprints):
            assert paper.listed is not None
            # Ids from 99000 up within a month: a range arXiv has never reached.
            ident = f"{paper.listed:%y%m}.{99000 + number:05d}"
            records.append(arxiv_record(query, ident))
            if with_ids:
                paper = attrs.evolve(paper, arxiv=ArxivId(ident))
        papers.append(paper)
    return papers, records


def run_pipeline(
    papers: Sequence[Paper], crossref_url: str, arxiv_url: str, cache: ResponseCache
) -> list[str | None]:
    """The DOIs the default pipeline cites: arXiv, then Crossref, preprints upgraded."""
    source = CrossrefSource(base_url=crossref_url, mailto="bench@example.org")
    source.rate, source.concurrency = FAST["rate_limit"], FAST["concurrency"]
    result = enrich(
        papers,
        source=source,
        arxiv_url=arxiv_url,
        arxiv_interval=ARXIV_INTERVAL,
        cache=cache,
        preprints="upgrade",
    )
    failed = sum(o.verdict is Verdict.FAILED for o in result.outcomes)
    if failed:
        raise SystemExit(f"{failed} lookups failed; the stand-ins should answer every one")
    return [paper.doi for paper in result.papers]


def pipeline_counts(
    queries: Sequence[LabelledQuery], dois: Sequence[str | None]
) -> tuple[int, int, int, int]:
    """Right DOIs, DOIs written (arXiv's own aside), arXiv DOIs, papers with a right DOI."""
    written = [(q, d) for q, d in zip(queries, dois, strict=True) if d is not None]
    arxiv = sum(d.startswith(ARXIV_DOI_PREFIX) for _, d in written)
    published = [(q, d) for q, d in written if not d.startswith(ARXIV_DOI_PREFIX)]
    right = sum(d == q.expected for q, d in published)
    findable = sum(q.expected is not None for q in queries)
    return right, len(published), arxiv, findable


def print_pipeline(
    label: str, queries: Sequence[LabelledQuery], counts: tuple[int, int, int, int]
) -> None:
    right, written, arxiv, findable = counts
    precision = right / written if written else 1.0
    print(f"{label}: {len(queries)} queries, {findable} with a right DOI")
    print(f"  DOIs written {written} (arXiv's own DOIs aside: {arxiv}), right {right}")
    print(f"  PIPELINE precision {precision:.2%}  recall {right / findable:.2%}")


def print_pipeline_misses(queries: Sequence[LabelledQuery], dois: Sequence[str | None]) -> None:
    """Wrong DOIs, and papers not cited by the published DOI they have.

    arXiv's own DOI is no miss for a paper with no published version.
    """
    for query, doi in zip(queries, dois, strict=True):
        preprint_only = query.expected is None and (doi or "").startswith(ARXIV_DOI_PREFIX)
        if doi != query.expected and (doi or query.expected) and not preprint_only:
            print(f"  miss [{query.category}] {query.paper.title!r}: -> {doi}"
                  f" (want {query.expected})")  # fmt: skip


PIPELINE_INPUTS = {
    "a copied Daily Papers page (no arXiv ids: arXiv searched by title)": False,
    "the Daily Papers JSON (arXiv ids given)": True,
}


def measure_pipeline(seeds: Sequence[int]) -> None:
    """The second measurement: the labelled set through the default pipeline, both stand-ins."""
    print("\n######## 2. the default pipeline (--enrich: arXiv, then Crossref, upgrade) ########")
    for label, with_ids in PIPELINE_INPUTS.items():
        print(f"\n#### {label}")
        total = (0, 0, 0, 0)
        all_queries: list[LabelledQuery] = []
        for seed in seeds:
            corpus, queries = labelled_set(seed)
            papers, records = as_daily_papers(queries, corpus, with_ids=with_ids)
            print(f"== seed {seed}: {len(corpus)} Crossref works, {len(records)} arXiv records")
            with (
                CrossrefStandin(corpus, **FAST) as crossref,
                ArxivStandin(records, interval_s=ARXIV_INTERVAL) as arxiv,
                tempfile.TemporaryDirectory() as tmp,
                ResponseCache(Path(tmp) / "cache.sqlite3") as cache,
            ):
                dois = run_pipeline(papers, crossref.url, arxiv.url, cache)
            counts = pipeline_counts(queries, dois)
            print_pipeline(f"seed {seed}", queries, counts)
            print_pipeline_misses(queries, dois)
            total = (
                total[0] + counts[0],
                total[1] + counts[1],
                total[2] + counts[2],
                total[3] + counts[3],
            )
            all_queries += queries
        print_pipeline(f"== 2. default pipeline, {label}, all seeds", all_queries, total)


THRESHOLDS = (0.80, 0.84, 0.86, 0.87, 0.88, 0.89, 0.90, 0.92, 0.95)
MARGINS = (0.0, 0.05, 0.1, 0.15)


def sweep(
    queries: Sequence[LabelledQuery], url: str, cache: ResponseCache
) -> dict[tuple[float, float], tuple[int, int, int]]:
    """Right DOIs, DOIs written and papers with a right DOI, per threshold and margin."""
    saved = matching.MATCH_THRESHOLD, matching.AMBIGUITY_MARGIN
    counts = {}
    try:
        for threshold in THRESHOLDS:
            for margin in MARGINS:
                matching.MATCH_THRESHOLD, matching.AMBIGUITY_MARGIN = threshold, margin
                _, _, right, written, findable = precision_recall(queries, run(queries, url, cache))
                counts[threshold, margin] = (right, written, findable)
    finally:
        matching.MATCH_THRESHOLD, matching.AMBIGUITY_MARGIN = saved
    return counts


def print_sweep(counts: dict[tuple[float, float], tuple[int, int, int]]) -> None:
    print("threshold margin  precision recall")
    for (threshold, margin), (right, written, findable) in counts.items():
        precision = right / written if written else 1.0
        print(f"{threshold:9.2f} {margin:6.2f}  {precision:9.2%} {right / findable:6.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="7,11,13", help="labelled sets to build (comma list)")
    parser.add_argument("--sweep", action="store_true", help="also replay with other thresholds")
    args = parser.parse_args()
    print("######## 1. Crossref matching alone (digest papers searched by title) ########")
    print(
        f"MATCH_THRESHOLD {matching.MATCH_THRESHOLD}, AMBIGUITY_MARGIN {matching.AMBIGUITY_MARGIN}"
    )
    all_queries: list[LabelledQuery] = []
    all_outcomes: list[Outcome] = []
    swept: Counter[tuple[float, float, int]] = Counter()
    causes: Counter[tuple[str, str]] = Counter()
    for seed in (int(s) for s in args.seeds.split(",")):
        corpus, queries = labelled_set(seed)
        print(f"\n== seed {seed}: {len(corpus)} works")
        with (
            CrossrefStandin(corpus, **FAST) as server,
            tempfile.TemporaryDirectory() as tmp,
            ResponseCache(Path(tmp) / "cache.sqlite3") as cache,
        ):
            outcomes = run(queries, server.url, cache)
            failed = sum(o.verdict is Verdict.FAILED for o in outcomes)
            if failed:
                raise SystemExit(f"{failed} lookups failed; the stand-in should answer every one")
            print_summary(queries, outcomes)
            print_separation(queries, outcomes)
            seed_causes = misses_by_cause(queries, outcomes, corpus)
            print_causes(seed_causes)
            causes += seed_causes
            if args.sweep:
                for key, values in sweep(queries, server.url, cache).items():
                    for position, value in enumerate(values):
                        swept[(*key, position)] += value
        all_queries += queries
        all_outcomes += outcomes
    if len(args.seeds.split(",")) > 1:
        precision, recall, right, written, findable = precision_recall(all_queries, all_outcomes)
        print(f"\n== all seeds: {len(all_queries)} queries, {findable} with a right DOI,"
              f" {written} DOIs written, {right} right")  # fmt: skip
        print(f"precision {precision:.2%}  recall {recall:.2%}")
        print_causes(causes)
    if args.sweep:
        print("\n== replayed with other thresholds, all seeds")
        print_sweep(
            {
                (t, m): (swept[t, m, 0], swept[t, m, 1], swept[t, m, 2])
                for t in THRESHOLDS
                for m in MARGINS
            }
        )
    measure_pipeline([int(s) for s in args.seeds.split(",")])


if __name__ == "__main__":
    main()
