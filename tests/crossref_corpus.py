"""Crossref work records for the stand-in: the hand-written fixtures and a synthetic generator.

``fixture_works()`` reads tests/fixtures/crossref/works.json: real titles and
DOIs of well-known papers (facts) with abstracts in our own words, and
synthetic records under Crossref's test prefix 10.5555 for the awkward cases
(markup, ORCIDs, decoys, odd names, a DOI full of reserved characters).

``synthetic_works(n, seed)`` makes ``n`` realistic but invented records, the
same for the same seed, for benchmarks that need a large corpus. Every title
is distinct after case and punctuation are ignored, and every DOI is under 10.5555.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

__all__ = ["FIXTURE_FILE", "fixture_works", "synthetic_works"]

FIXTURE_FILE = Path(__file__).parent / "fixtures" / "crossref" / "works.json"


def fixture_works() -> list[dict[str, Any]]:
    """The hand-written corpus, fresh copies each call."""
    works: list[dict[str, Any]] = json.loads(FIXTURE_FILE.read_text(encoding="utf-8"))
    return works


_GIVEN = """Amara Wei Sofia Mateo Yuki Priya Lars Chiara Omar Hana Tomás Ingrid Kwame Mei
Rafael Zainab Jonas Aiko Dmitri Lucía Kofi Elif Anders Nadia Hiroshi Chloé Sipho Marta Ravi
Ayşe Mikael Thandiwe Gaspard Yerlan Noor Björn Ana Kenji Fatima""".split()
_FAMILY = """Okafor Zhang García Müller Tanaka Sharma Johansson Rossi Haddad Kim Novak
Mensah Chen Silva Petrov Nguyen Kowalski Dubois Ahmed Andersen Yilmaz Moreau Costa Ivanova
Nakamura Osei Fernández Lindqvist Gupta Şahin Bauer Kuznetsov Hoffmann Achebe Popescu
Jansen Ortiz Wójcik Sato Ekström""".split()
_PARTICLES = ("van der", "de", "van", "dos", "von")
_ADJECTIVES = """efficient robust scalable sparse adaptive hierarchical contrastive causal
multilingual federated probabilistic interpretable lightweight self-supervised equivariant
generalist long-context multimodal differentiable compositional""".split()
_NOUNS = """transformers agents embeddings retrieval diffusion tokenizers priors planners
encoders memories rewards kernels graphs attention operators adapters""".split()
_TASKS = """protein folding|code generation|image segmentation|speech recognition|weather
forecasting|question answering|molecule design|video understanding|table reasoning|theorem
proving|machine translation|robot manipulation|anomaly detection|document layout
analysis|music generation|medical report summarisation|3D scene reconstruction|time-series
imputation|legal text classification|program repair""".replace("\n", " ").split("|")
_DOMAINS = """low-resource languages|edge devices|satellite imagery|clinical notes|scientific
literature|financial filings|autonomous driving|genomics|chemistry|education""".replace(
    "\n", " "
).split("|")
_SYLLABLES = "lu ma vi ra ko ne so ti flo gra mer qua zen dex tal bri sto vo ka rex".split()
_JOURNALS = [
    ("Journal of Synthetic Learning Research", "Test accounts"),
    ("Transactions on Imaginary Intelligence", "Test accounts"),
    ("Psychoceramics Letters", "Test accounts"),
    ("Annals of Invented Computation", "Test accounts"),
]
_CONFERENCES = [
    "Proceedings of the Conference on Made-up Vision",
    "Proceedings of the Workshop on Plausible Language",
    "Proceedings of the Symposium on Fictional Systems",
]
_SERVERS = ("bioRxiv", "Research Square", "SSRN Electronic Journal")
_BOOKS = ("Lecture Notes in Imaginary Science", "Advances in Invented Methods")

_TYPES = (
    ("journal-article", 0.45),
    ("proceedings-article", 0.30),
    ("posted-content", 0.15),
    ("book-chapter", 0.10),
)


def _method_name(rng: random.Random) -> str:
    name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    styled = rng.choice((name.capitalize(), name.upper()[:5], name.capitalize() + "-" + "XL"))
    return styled if rng.random() < 0.7 else f"{styled}-{rng.randint(1, 9)}"


def _title(rng: random.Random) -> str:
    adjective, noun = rng.choice(_ADJECTIVES), rng.choice(_NOUNS)
    task, domain = rng.choice(_TASKS), rng.choice(_DOMAINS)
    method = _method_name(rng)
    templates = (
        f"{method}: {adjective.capitalize()} {noun} for {task}",
        f"{adjective.capitalize()} {noun} for {task} in {domain}",
        f"Towards {adjective} {task} with {noun}",
        f"On the limits of {adjective} {noun} for {task}",
        f"{method}: scaling {task} to {domain}",
        f"Do {adjective} {noun} help {task}? Evidence from {domain}",
        f"Learning {adjective} {noun} for <i>{task}</i>",
        f"{method} improves {task} under CO<sub>2</sub>-aware compute budgets",
    )
    return rng.choice(templates)


def _name(rng: random.Random) -> dict[str, Any]:
    family = rng.choice(_FAMILY)
    if rng.random() < 0.06:
        family = f"{rng.choice(_PARTICLES)} {family}"
    roll = rng.random()
    if roll < 0.85:
        return {"given": rng.choice(_GIVEN), "family": family}
    if roll < 0.95:
        return {"given": f"{rng.choice(_GIVEN)[0]}.", "family": family}
    # Some deposits give no given name at all.
    return {"family": family}


def _date(rng: random.Random, year: int) -> dict[str, Any]:
    parts: list[int] = [year]
    if rng.random() < 0.85:
        parts.append(rng.randint(1, 12))
        if rng.random() < 0.7:
            parts.append(rng.randint(1, 28))
    return {"date-parts": [parts]}


def _abstract(rng: random.Random, title: str) -> str:
    topic = re.sub(r"<[^>]+>", "", title).split(":")[-1].strip().lower()
    sentences = [
        f"We study {topic} and ask what limits current approaches.",
        f"Our method is evaluated on {rng.randint(3, 12)} benchmarks and compared with "
        f"{rng.randint(2, 9)} strong baselines.",
        f"It reduces error by {rng.randint(2, 40)}% at a similar cost.",
        "Code and data are released for others to build on.",
    ]
    body = " ".join(sentences[: rng.randint(2, 4)])
    return f"<jats:title>Abstract</jats:title>\n                <jats:p>{body}</jats:p>"


def _normalised(title: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"<[^>]+>", "", title).lower()))


def synthetic_works(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` invented work records in Crossref's shape, identical for identical arguments."""
    rng = random.Random(seed)
    works: list[dict[str, Any]] = []
    seen: set[str] = set()
    kinds, weights = zip(*_TYPES, strict=True)
    while len(works) < n:
        title = _title(rng)
        if _normalised(title) in seen:
            continue
        seen.add(_normalised(title))
        index = len(works)
        work_type = rng.choices(kinds, weights)[0]
        year = rng.randint(2000, 2025)
        doi = f"10.5555/synth.{seed}.{work_type[:4]}.{index:06d}"
        authors = [_name(rng) for _ in range(rng.choice((1, 2, 3, 3, 4, 5, 6, 8, 12)))]
        for position, author in enumerate(authors):
            author["sequence"] = "first" if position == 0 else "additional"
            author["affiliation"] = []
        if rng.random() < 0.03:
            authors.append({"name": "The Synthetic Consortium", "sequence": "additional"})
        issued = _date(rng, year)
        work: dict[str, Any] = {
            "publisher": "Test accounts",
            "DOI": doi,
            "type": work_type,
            "source": "Crossref",
            "title": [title],
            "prefix": "10.5555",
            "author": authors,
            "member": "7822",
            "original-title": [],
            "language": "en",
            "score": 1,
            "subtitle": [],
            "short-title": [],
            "issued": issued,
            "published": issued,
            "references-count": 0,
            "URL": f"https://doi.org/{doi}",
            "relation": {},
        }
        first_page = rng.randint(1, 900)
        pages = f"{first_page}-{first_page + rng.randint(4, 30)}"
        if work_type == "journal-article":
            journal, publisher = rng.choice(_JOURNALS)
            volume = str(max(year - 1995, 1))
            work.update(
                {
                    "container-title": [journal],
                    "publisher": publisher,
                    "volume": volume,
                    "issue": str(rng.randint(1, 12)),
                    "page": pages,
                }
            )
        elif work_type == "proceedings-article":
            work["container-title"] = [f"{rng.choice(_CONFERENCES)} {year}"]
            work["page"] = pages
            if rng.random() < 0.1:
                # Proceedings deposited without a date, as some are.
                work["issued"] = {"date-parts": [[None]]}
                del work["published"]
        elif work_type == "posted-content":
            work["container-title"] = []
            work["institution"] = [{"name": rng.choice(_SERVERS)}]
            work["subtype"] = "preprint"
            work["posted"] = issued
        else:
            work["container-title"] = [rng.choice(_BOOKS), f"Collected Studies {year}"]
            work["page"] = pages
        if rng.random() < 0.4:
            work["abstract"] = _abstract(rng, title)
        works.append(work)
    return works
