"""arXiv records for the stand-in, and Crossref records of their published versions.

``fixture_records()`` reads tests/fixtures/arxiv/records.json: twelve real
papers that the seed digest lists (their ids, titles, authors, categories and
dates are facts; the abstracts are ours), and invented records for the awkward
cases. Invented records have ids numbered 99000 and up within their month, a
range arXiv has never reached, so that no fixture passes for a real paper.

``published_works()`` reads tests/fixtures/arxiv/crossref-published.json:
Crossref records (in Crossref's JSON shape) of published versions, for the
Crossref stand-in: one found through the DOI arXiv records, one through a
``has-preprint`` relation, one only by a search, one stranger with a
preprint's title but other authors, and a posted preprint with an
``is-preprint-of`` relation to its journal version.

``synthetic_records(n, seed)`` makes ``n`` invented records, the same for the
same seed, for pacing tests and benchmarks.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

__all__ = ["fixture_records", "published_works", "synthetic_records"]

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"

_WORDS = """sparse robust adaptive causal federated latent spectral modular neural graph
contrastive streaming quantised hierarchical implicit diffusion retrieval reasoning
alignment tokenisation distillation planning segmentation forecasting""".split()
_FAMILIES = "Okafor Zhang García Müller Tanaka Sharma Johansson Rossi Haddad Kim".split()
_GIVEN = "Amara Wei Sofia Mateo Yuki Priya Lars Chiara Omar Hana".split()


def fixture_records() -> list[dict[str, Any]]:
    """The hand-written arXiv records, fresh copies each call."""
    records: list[dict[str, Any]] = json.loads(
        (FIXTURES / "records.json").read_text(encoding="utf-8")
    )
    return records


def published_works() -> list[dict[str, Any]]:
    """Crossref records of published versions, fresh copies each call."""
    works: list[dict[str, Any]] = json.loads(
        (FIXTURES / "crossref-published.json").read_text(encoding="utf-8")
    )
    return works


def synthetic_records(count: int, *, seed: int = 0, month: str = "2501") -> list[dict[str, Any]]:
    """``count`` invented records with distinct titles, ids ``{month}.9xxxx`` in order."""
    rng = random.Random(seed)
    records = []
    for number in range(count):
        words = rng.sample(_WORDS, 5)
        authors = [
            f"{rng.choice(_GIVEN)} {rng.choice(_FAMILIES)}" for _ in range(rng.randint(1, 6))
        ]
        day = 1 + number % 28
        records.append(
            {
                "id": f"{month}.{90000 + number:05d}",
                "versions": [f"20{month[:2]}-{month[2:]}-{day:02d}T12:00:00Z"],
                "title": f"{' '.join(words).capitalize()} number {number}",
                "summary": f"Invented record {number} for paperbib's tests and benchmarks.",
                "authors": authors,
                "primary_category": "cs.LG",
                "categories": ["cs.LG"],
            }
        )
    return records
