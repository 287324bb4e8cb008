"""Read throughput: 20,000-paper inputs in each format, and peak memory against input size.

The papers are the made-up ones of ``export_throughput.py``. They are written
as a copied Daily Papers page and as Daily Papers JSON (both built here, in
those formats' shapes), and as BibTeX, CSL-JSON and RIS by paperbib's own
exporters; then each input is read back with its reader named, so that only
reading is timed. For BibTeX the same file is also parsed, in the same run,
by bibtexparser 2's ``parse_string`` and pybtex's ``parse_string``.

    python benchmarks/read_throughput.py [--papers 20000] [--repeat 3]

Goals: the Daily Papers page and JSON readers at >= 50,000 papers/s; peak
memory while reading under 10x the input's size.

Two floors are timed in the same run, because no reader can beat them: the
standard library's ``json.loads`` of the JSON input (every JSON reader must at
least decode its text into Python strings; orjson was tried and is no faster
here, since creating the strings is the cost, not parsing), and building the
same papers from values already parsed (``Paper.from_source``, the frozen,
validated model every reader fills). A reader's rate is at best the two
floors' combined rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import tracemalloc
from collections.abc import Callable, Sequence
from functools import partial

from export_throughput import best_of, make_papers

import paperbib
from paperbib.model import Paper

_AS_OF = dt.date(2026, 11, 27)


def daily_papers_page(papers: Sequence[Paper]) -> str:
    """The papers as a copied Daily Papers page: title, abstract, count, date and upvotes."""
    blocks = ["Daily Papers", "byAK and the research community", "Nov 27, 2026"]
    for number, paper in enumerate(papers):
        issued = paper.issued
        assert issued is not None
        assert issued.month
        assert issued.day
        date = dt.date(issued.year, issued.month, issued.day).strftime("%b %-d, %Y")
        count = paper.author_count or len(paper.authors)
        blocks.append(
            f"{paper.title}\n\n{paper.abstract}\n\n  • {count} authors\n·\n{date} {number % 300}"
        )
    return "\n\n".join(blocks) + "\n"


def daily_papers_json(papers: Sequence[Paper]) -> str:
    """The papers as the Daily Papers JSON list: items with a nested ``paper`` object."""
    items = []
    for number, paper in enumerate(papers):
        published = f"{paper.issued}T17:59:59.000Z"
        items.append(
            {
                "paper": {
                    "id": str(paper.arxiv.id) if paper.arxiv else f"2501.{number:05d}",
                    "authors": [
                        {"_id": f"{number:012x}{i:012x}", "name": a.display_name, "hidden": False}
                        for i, a in enumerate(paper.authors)
                    ],
                    "publishedAt": published,
                    "title": paper.title,
                    "summary": paper.abstract,
                    "upvotes": number % 300,
                    "discussionId": f"{number:024x}",
                },
                "publishedAt": published,
                "title": paper.title,
                "numComments": number % 7,
            }
        )
    return json.dumps(items, ensure_ascii=False, indent=2)


def build_papers(papers: Sequence[Paper]) -> Callable[[], list[Paper]]:
    """The model floor: the papers the page reader makes, built from values already parsed."""
    values = [
        {
            "title": p.title,
            "abstract": p.abstract,
            "author_count": p.author_count or len(p.authors),
            "issued": p.issued,
            "listed": _AS_OF,
            "kind": p.kind,
            "upvotes": number % 300,
        }
        for number, p in enumerate(papers)
    ]
    return lambda: [
        Paper.from_source("hf-page", f"digest.txt:{number}", **fields)
        for number, fields in enumerate(values)
    ]


def peak_memory(read: Callable[[], object]) -> int:
    """The peak of Python allocations while ``read`` runs, in bytes."""
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.papers
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)

    papers = make_papers(n)
    inputs = {
        "hf-page": daily_papers_page(papers),
        "hf-json": daily_papers_json(papers),
        "bibtex": paperbib.dumps(papers, "bibtex"),
        "csljson": paperbib.dumps(papers, "csljson"),
        "ris": paperbib.dumps(papers, "ris"),
    }
    floors = {"json.loads": partial(json.loads, inputs["hf-json"]), "model": build_papers(papers)}
    # Only the inputs are needed from here on; the made-up papers would be a
    # heap the garbage collector walks while timing, which a real run has not.
    del papers
    gc.collect()
    print(f"{n} papers, best of {args.repeat} runs, CPU time\n")
    runs = {
        name: (lambda text=text, name=name: paperbib.loads(text, name, as_of=_AS_OF))
        for name, text in inputs.items()
    }
    times = best_of(args.repeat, {**runs, **floors}, {})
    print(f"  {'reader':8} {'papers/s':>10}  {'input':>8}  peak memory")
    for name in runs:
        seconds = times[name]
        size = len(inputs[name].encode("utf-8"))
        peak = peak_memory(runs[name])
        read = len(runs[name]())  # type: ignore[arg-type]
        assert read == n, f"{name} read {read} of {n} papers"
        print(
            f"  {name:8} {n / seconds:>10,.0f}  {size / 2**20:>6.1f} MB"
            f"  {peak / 2**20:6.1f} MB ({peak / size:.1f}x the input)"
        )
    print("  goals: hf-page and hf-json >= 50,000 papers/s; peak memory under 10x the input\n")
    print("Floors, the same papers:")
    print(f"  {'json.loads of the JSON':36} {n / times['json.loads']:>10,.0f} papers/s")
    print(f"  {'building the papers (model)':36} {n / times['model']:>10,.0f} papers/s")
    for name, floors_met in (("hf-page", ("model",)), ("hf-json", ("json.loads", "model"))):
        least = sum(times[floor] for floor in floors_met)
        print(
            f"  {name} can read at most {n / least:,.0f} papers/s here;"
            f" it reads at {n / times[name]:,.0f}, {least / times[name]:.0%} of that"
        )
    print()

    import bibtexparser
    import pybtex.database

    bib = inputs["bibtex"]
    peers = best_of(
        1,
        {
            "bibtexparser": lambda: bibtexparser.parse_string(bib),
            "pybtex": lambda: pybtex.database.parse_string(bib, "bibtex"),
        },
        {},
    )
    print("BibTeX, the same file:")
    for name, seconds in peers.items():
        ratio = seconds / times["bibtex"]
        speed = f"{n / seconds:>10,.0f} papers/s"
        print(f"  {name:12} {speed}   paperbib's reader is {ratio:.2f}x as fast")


if __name__ == "__main__":
    main()
