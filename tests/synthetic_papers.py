"""A labelled set of digest papers and a Crossref corpus to match them against.

Everything here is invented: titles are built from a vocabulary of machine
learning words, authors from a list of common family names, DOIs under
Crossref's test prefix 10.5555. Each :class:`LabelledQuery` is a paper as a
Daily Papers digest gives it (title, author count, arXiv date) and the DOI it
should be matched to, or None when the right answer is to write no DOI.

The kinds of query are those enrichment meets in practice:

* true matches whose published title drifted from the digest's: case, accents,
  punctuation and hyphenation, LaTeX against HTML markup, British and American
  spelling, a changed, dropped or added subtitle, a dropped "Towards"; with
  the published author list sometimes one longer and the year up to two later;
* true matches next to decoys (a correction notice, the preprint record);
* true matches published under a changed or dropped subtitle next to their
  preprint server's record, whose authors are the only confirmation;
* papers whose only record is their preprint server's, beside another paper
  that shares the main title and, by chance, some family names;
* papers absent from the corpus: unrelated, or with a record whose title
  differs in one content word (by other people, or by the same people: their
  next paper), or shares the main title but not the subtitle, or whose whole
  title is the digest's main title, or the other way round;
* papers present only as decoys: a correction notice, a peer review, a book,
  a dataset, a same-title paper from twelve years earlier;
* two distinct records that fit equally well, where abstaining is right.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from paperbib.model import Author, Kind, Paper, PartialDate
from paperbib.text import normalise_title

__all__ = ["LabelledQuery", "labelled_set"]

ADJECTIVES = """Sparse Robust Efficient Scalable Contrastive Hierarchical Causal Federated
Adaptive Multimodal Self-Supervised Probabilistic Differentiable Equivariant Lightweight
Interpretable Generative Temporal Structured Continual Zero-Shot Few-Shot Compositional
Distributed Bayesian Latent Geometric Autoregressive Modular Implicit""".split()
NOUNS = [
    "Transformers", "Diffusion Models", "Graph Networks", "Mixture-of-Experts",
    "State Space Models", "Language Models", "Vision Encoders", "Retrievers",
    "Attention Heads", "Tokenizers", "Reward Models", "Policies", "World Models",
    "Embeddings", "Autoencoders", "Planners", "Agents", "Kernels", "Priors", "Adapters",
]  # fmt: skip
TASKS = [
    "Code Generation", "Protein Design", "Weather Forecasting", "Speech Recognition",
    "Image Segmentation", "Machine Translation", "Question Answering", "Motion Planning",
    "Molecule Generation", "Video Understanding", "Document Parsing", "Theorem Proving",
    "Anomaly Detection", "Recommendation", "Music Generation", "Medical Imaging",
    "Dialogue Systems", "Table Reasoning", "3D Reconstruction", "Time Series Forecasting",
]  # fmt: skip
VERBS = """Scaling Distilling Aligning Compressing Benchmarking Rethinking Steering Pruning
Calibrating Grounding""".split()
PROPERTIES = """Robustness Calibration Expressivity Faithfulness Memorization Stability
Sensitivity Brittleness""".split()
SUBTITLES = [
    "A Case Study", "An Empirical Study", "Lessons from Practice", "Theory and Practice",
    "A Unified View", "Beyond Benchmarks", "Methods and Limits", "A Closer Look",
    "From Data to Deployment", "New Baselines",
]  # fmt: skip
FAMILY_NAMES = """Okafor Lindqvist Tanaka Moreau Novak Haddad Kowalski Mensah Ivanova Rossi
Nakamura Fischer Silva Petrov Jensen Yilmaz Dubois Kaur Andersen Costa Schmidt Horvath Sato
Ferreira Nguyen Larsen Bianchi Mwangi Popescu Herrera""".split()
# Words for abstracts, which are bags of these (plus the title's words) in sentences.
ABSTRACT_WORDS = """accuracy ablation adaptation aggregation alignment annotation architecture
assumption attention augmentation baseline batch benchmark bias bottleneck budget capacity
checkpoint classifier clustering coherence compute constraint context convergence corpus
curriculum dataset decoder deployment depth diversity domain dropout encoder ensemble entropy
error estimator evaluation experiment exploration feedback filter framework gradient graph
heuristic hypothesis inference initialization instruction interface iteration label latency
layer likelihood loss manifold margin memory metric mixture modality momentum network noise
objective operator optimizer outlier overhead parameter perplexity pipeline precision
prediction prompt protocol quantization query ranking recall recurrence reasoning regression
representation reward robustness sampling scheduler search segment signal simulation
sparsity stability supervision surrogate teacher throughput topology trajectory transfer
uncertainty update validation variance vocabulary weight window workload achieves analyze
combine compare demonstrate derive design enable establish extend identify improve
introduce leverage measure outperform propose reduce release reveal show study train
accurate efficient explicit faster global hybrid implicit large local novel optimal
practical recent simple stable strong unified unseen various""".split()
# Accented names as they are spelled in print, for titles that digests write in ASCII.
ACCENTED = [
    "Schrödinger Bridges", "Fréchet Distances", "Lévy Flights", "Rényi Divergences",
    "Pólya Urns", "Gödel Machines", "Kähler Manifolds", "Poincaré Embeddings",
    "Bézier Curves", "Erdős Graphs",
]  # fmt: skip
# American spelling in the digest, British in print (and the other way round).
SPELLINGS = [
    ("Generalization", "Generalisation"), ("Modeling", "Modelling"),
    ("Optimization", "Optimisation"), ("Regularization", "Regularisation"),
    ("Normalization", "Normalisation"), ("Behavior", "Behaviour"),
    ("Visualization", "Visualisation"), ("Tokenization", "Tokenisation"),
]  # fmt: skip
# The same title fragment as a digest writes it (TeX) and as Crossref stores it (HTML).
MARKUP = [
    ("Re$^3$Former", "Re<sup>3</sup>Former"),
    ("$\\alpha$-Mixing", "\N{GREEK SMALL LETTER ALPHA}-Mixing"),
    ("$k$-NN Memories", "<i>k</i>-NN Memories"),
    ("L$_2$-Regularized Heads", "L<sub>2</sub>-Regularized Heads"),
    ("\\textit{In-Context} Editing", "<i>In-Context</i> Editing"),
    ("$\\mathcal{O}(n)$ Attention", "<i>O</i>(<i>n</i>) Attention"),
    ("H$_2$O Caches", "H<sub>2</sub>O Caches"),
    ("$\\epsilon$-Greedy Search", "\N{GREEK SMALL LETTER EPSILON}-Greedy Search"),
    ("E$^2$-Nets", "E<sup>2</sup>-Nets"),
    ("$\\beta$-Schedules", "\N{GREEK SMALL LETTER BETA}-Schedules"),
]  # fmt: skip
# Punctuation that digests and publishers write differently.
PUNCTUATION = [
    ("Pre-Training", "Pretraining"), ("Long-Context", "Long Context"),
    ("Fine-Tuning", "Finetuning"), ("Multi-Agent", "Multi Agent"),
    ("Plug-and-Play", "Plug and Play"), ("Open-Vocabulary", "Open Vocabulary"),
    ("Real-Time", "Real Time"), ("Test-Time", "Test Time"),
    ("Cross-Lingual", "Crosslingual"), ("Human-in-the-Loop", "Human in the Loop"),
]  # fmt: skip


# The share of records that carry an abstract. Crossref holds abstracts for a
# minority of works; this keeps most matches decided without one.
RECORDS_WITH_ABSTRACT = 0.3


@dataclass(frozen=True)
class LabelledQuery:
    """A digest paper, the DOI it should get (None: no DOI is right), and its kind of case.

    ``authors`` are the family names of the paper's preprint, in byline order,
    whether or not the digest gives them.
    """

    paper: Paper
    expected: str | None
    category: str
    authors: tuple[str, ...]


def year_of(paper: Paper) -> int:
    """The year a digest paper was listed."""
    if paper.issued is None:
        raise ValueError("every synthetic digest paper has a date")
    return paper.issued.year


class _Builder:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.corpus: list[dict[str, Any]] = []
        self.queries: list[LabelledQuery] = []
        self._titles: set[str] = set()
        self._dois = 0

    # -- titles ------------------------------------------------------------------

    def _acronym(self) -> str:
        letters = "".join(self.random.choice("BCDFGHKLMNPRSTVXZ") for _ in range(3))
        return letters + self.random.choice(["", "", "Net", "GPT", "-2", "X", "Former"])

    def _phrase(self) -> str:
        r = self.random
        templates: list[Callable[[], str]] = [
            lambda: f"{r.choice(ADJECTIVES)} {r.choice(NOUNS)} for {r.choice(TASKS)}",
            lambda: (
                f"{r.choice(VERBS)} {r.choice(ADJECTIVES)} {r.choice(NOUNS)} "
                f"with {r.choice(ADJECTIVES)} {r.choice(NOUNS)}"
            ),
            lambda: (
                f"On the {r.choice(PROPERTIES)} of {r.choice(ADJECTIVES)} {r.choice(NOUNS)}"
                f" in {r.choice(TASKS)}"
            ),
            lambda: (
                f"{r.choice(ADJECTIVES)} {r.choice(ADJECTIVES)} {r.choice(NOUNS)} "
                f"Improve {r.choice(TASKS)}"
            ),
            lambda: f"When Do {r.choice(NOUNS)} Help {r.choice(ADJECTIVES)} {r.choice(TASKS)}?",
        ]
        return r.choice(templates)()

    def fresh_title(self, make: Callable[[], str] | None = None) -> str:
        """A title no other record or query uses yet."""
        while True:
            if make is not None:
                title = make()
                if self.claim(title):
                    return title
                continue
            phrase = self._phrase()
            # The phrase is claimed too: "ABC: phrase" and "phrase" would be one paper.
            if not self.claim(phrase):
                continue
            if self.random.random() < 0.6:
                return phrase
            title = f"{self._acronym()}: {phrase}"
            if self.claim(title):
                return title

    def claim(self, title: str) -> bool:
        key = normalise_title(title)
        if key in self._titles:
            return False
        self._titles.add(key)
        return True

    def sibling(self, title: str) -> str:
        """Another paper's title: one content word of ``title`` replaced."""
        words = title.split(" ")
        while True:
            position = self.random.randrange(len(words))
            word = words[position].rstrip("?:")
            pool = next(
                (p for p in (ADJECTIVES, VERBS, PROPERTIES) if word in p),
                [w for n in NOUNS + TASKS for w in n.split()],
            )
            if word not in pool or len(word) < 4:
                continue
            replacement = self.random.choice([w for w in pool if w != word])
            changed = words[position].replace(word, replacement)
            candidate = " ".join([*words[:position], changed, *words[position + 1 :]])
            if self.claim(candidate):
                return candidate

    # -- records -------------------------------------------------------------------

    def doi(self) -> str:
        self._dois += 1
        return f"10.5555/bench.{self._dois:05d}"

    def names(self, count: int) -> list[str]:
        return self.random.sample(FAMILY_NAMES, count)

    def work(
        self,
        title: str,
        *,
        year: int,
        names: list[str],
        type: str = "journal-article",
        subtitle: str | None = None,
        abstract: str | None = None,
        **extra: Any,
    ) -> str:
        """Add a work to the corpus; its DOI. ``abstract``: the text it deposits, if any."""
        doi = self.doi()
        work: dict[str, Any] = {
            "DOI": doi,
            "type": type,
            "title": [title],
            "author": [
                {"given": f"{chr(65 + i)}.", "family": name, "sequence": "additional"}
                for i, name in enumerate(names)
            ],
            "issued": {"date-parts": [[year, self.random.randint(1, 12)]]},
            "container-title": [f"Journal of {self.random.choice(TASKS)}"],
            "publisher": "Synthetic Press",
            "volume": str(self.random.randint(1, 60)),
            "page": f"{(p := self.random.randint(1, 900))}-{p + self.random.randint(5, 20)}",
            **extra,
        }
        if subtitle is not None:
            work["subtitle"] = [subtitle]
        # Only some records deposit an abstract; by default, one of their own.
        if self.random.random() < RECORDS_WITH_ABSTRACT:
            text = self.abstract(title) if abstract is None else abstract
            work["abstract"] = f"<jats:p>{text}</jats:p>"
        self.corpus.append(work)
        return doi

    def abstract(self, title: str) -> str:
        """An abstract about ``title``: its words and forty others, in sentences."""
        words = [w for w in normalise_title(title).split() if len(w) > 3]
        words += self.random.sample(ABSTRACT_WORDS, 40)
        self.random.shuffle(words)
        sentences = [" ".join(words[i : i + 10]) for i in range(0, len(words), 10)]
        return ". ".join(sentence.capitalize() for sentence in sentences) + "."

    def revised(self, abstract: str) -> str:
        """The abstract as published: a fifth of its words replaced."""
        words = abstract.split()
        for i in self.random.sample(range(len(words)), len(words) // 5):
            words[i] = self.random.choice(ABSTRACT_WORDS)
        return " ".join(words)

    def digest(self, title: str, names: list[str], *, named: bool = False) -> Paper:
        """A paper as a Daily Papers page gives it."""
        listed = dt.date(2024, 1, 1) + dt.timedelta(days=self.random.randrange(0, 700))
        return Paper(
            title=title,
            abstract=self.abstract(title),
            # Initials by byline position, as the records of the paper give them.
            authors=[Author(family=n, given=f"{chr(65 + i)}.") for i, n in enumerate(names)]
            if named
            else (),
            author_count=len(names),
            issued=PartialDate.from_date(listed),
            listed=listed,
            kind=Kind.PREPRINT,
        )

    def query(self, paper: Paper, expected: str | None, category: str, authors: list[str]) -> None:
        self.queries.append(LabelledQuery(paper, expected, category, tuple(authors)))

    # -- cases ---------------------------------------------------------------------

    def published(
        self, digest_title: str, printed_title: str, category: str, **work: Any
    ) -> tuple[Paper, list[str]]:
        """A paper whose published record carries ``printed_title``; it and its authors."""
        names = self.names(self.random.randint(2, 8))
        paper = self.digest(digest_title, names, named=self.random.random() < 0.15)
        grown = names + (self.names(1) if self.random.random() < 0.25 else [])
        grown = list(dict.fromkeys(grown))
        year = year_of(paper) + self.random.choice([0, 0, 1, 1, 2])
        work.setdefault("type", self.random.choice(["journal-article", "proceedings-article"]))
        work["abstract"] = self.revised(paper.abstract or "")
        doi = self.work(printed_title, year=year, names=grown, **work)
        self.query(paper, doi, category, names)
        return paper, names

    def absent(self, title: str, category: str, names: list[str] | None = None) -> Paper:
        names = names or self.names(self.random.randint(2, 8))
        paper = self.digest(title, names)
        self.query(paper, None, category, names)
        return paper


def labelled_set(
    seed: int = 7, background: int = 800
) -> tuple[list[dict[str, Any]], list[LabelledQuery]]:
    """The corpus (Crossref works) and the labelled queries, the same for the same seed."""
    b = _Builder(seed)
    r = b.random

    for _ in range(24):
        title = b.fresh_title()
        b.published(title, title, "exact")
    for _ in range(12):
        title = b.fresh_title()
        printed = title.upper() if r.random() < 0.5 else title.lower()
        b.published(title, printed, "case")
    for accented in ACCENTED:
        printed = b.fresh_title(
            lambda a=accented: f"{a} for {r.choice(ADJECTIVES)} {r.choice(TASKS)}"
        )
        plain = normalise_title(printed)  # what an ASCII-only digest keeps
        b.published(plain.title(), printed, "accents")
    for written, printed_form in PUNCTUATION:
        title = b.fresh_title(lambda w=written: f"{w} {r.choice(NOUNS)} for {r.choice(TASKS)}")
        printed = title.replace(written, printed_form).replace(" for ", ", for ") + "."
        b.published(title, printed, "punctuation")
    for written, printed_form in MARKUP:
        title = b.fresh_title(lambda w=written: f"{w}: {r.choice(ADJECTIVES)} {r.choice(NOUNS)}")
        b.published(title, title.replace(written, printed_form), "latex-html")
    for american, british in SPELLINGS:
        title = b.fresh_title(
            lambda a=american: (
                f"{r.choice(ADJECTIVES)} {a} of {r.choice(NOUNS)} in {r.choice(TASKS)}"
            )
        )
        b.published(title, title.replace(american, british), "spelling")
    for _ in range(12):
        main = b.fresh_title(b._phrase)
        first, second = r.sample(SUBTITLES, 2)
        b.published(f"{main}: {first}", main, "subtitle-changed", subtitle=second)
    for _ in range(6):
        main = b.fresh_title(b._phrase)
        b.published(f"{main}: {r.choice(SUBTITLES)}", main, "subtitle-dropped")
    for _ in range(6):
        main = b.fresh_title(b._phrase)
        b.published(main, main, "subtitle-added", subtitle=r.choice(SUBTITLES))
    for _ in range(8):
        title = b.fresh_title(b._phrase)
        b.published(f"Towards {title}", title, "towards-dropped")
    for _ in range(8):
        # The preprint's own record sits next to the published version.
        title = b.fresh_title()
        paper, names = b.published(title, title, "with-preprint-record")
        abstract = b.revised(paper.abstract or "")
        b.work(title, year=year_of(paper), names=names, type="posted-content", abstract=abstract)
    for _ in range(8):
        title = b.fresh_title()
        paper, _ = b.published(title, title, "with-correction-notice")
        b.work(f"Correction to: {title}", year=year_of(paper) + 2, names=b.names(2))

    # Papers that are not in the corpus.
    for _ in range(20):
        title = b.fresh_title()
        b.absent(title, "absent-sibling-in-corpus")
        b.work(b.sibling(title), year=2025, names=b.names(r.randint(2, 8)))
    for _ in range(12):
        b.absent(b.fresh_title(), "absent-unrelated")
    for _ in range(6):
        main = b.fresh_title(b._phrase)
        first, second = r.sample(SUBTITLES, 2)
        b.claim(f"{main}: {first}")
        b.absent(f"{main}: {first}", "absent-same-main-title")
        b.work(main, year=2025, names=b.names(r.randint(2, 8)), subtitle=second)
    decoys: list[tuple[str, dict[str, Any]]] = [
        ("decoy-correction", {"prefix": "Correction to: "}),
        ("decoy-erratum-update", {"update-to": [{"DOI": "10.5555/elsewhere", "type": "erratum"}]}),
        ("decoy-peer-review", {"type": "peer-review"}),
        ("decoy-book", {"type": "book"}),
        ("decoy-dataset", {"type": "dataset"}),
        ("decoy-other-decade", {"years_before": 12}),
    ]
    for category, shape in decoys:
        for _ in range(5):
            title = b.fresh_title()
            paper = b.absent(title, category)
            extra = dict(shape)
            prefix = extra.pop("prefix", "")
            year = year_of(paper) - extra.pop("years_before", 0)
            names = b.names(paper.author_count or 3)
            b.work(f"{prefix}{title}", year=year, names=names, **extra)

    # Two distinct records that fit equally well: no DOI is the right answer.
    for _ in range(10):
        title = b.fresh_title()
        paper = b.absent(title, "ambiguous-twins")
        year = year_of(paper)
        for offset, kind in ((0, "journal-article"), (1, "proceedings-article")):
            abstract = b.revised(paper.abstract or "")
            names = b.names(paper.author_count or 3)
            b.work(title, year=year + offset, names=names, type=kind, abstract=abstract)

    for _ in range(background):
        b.work(
            b.fresh_title(),
            year=r.randint(2012, 2026),
            names=b.names(r.randint(1, 9)),
            type=r.choice(["journal-article", "proceedings-article", "book-chapter"]),
        )
    # Cases added after the first sets were tuned, after the background so that
    # the cases above keep their titles and DOIs for every seed.
    for _ in range(6):
        # Published under a changed or dropped subtitle, next to the record of
        # the preprint (a preprint server's), which has the digest's title.
        main = b.fresh_title(b._phrase)
        first, second = r.sample(SUBTITLES, 2)
        printed = {"subtitle": second} if r.random() < 0.5 else {}
        paper, names = b.published(f"{main}: {first}", main, "retitled-with-preprint", **printed)
        abstract = b.revised(paper.abstract or "")
        b.work(
            paper.title or "",
            year=year_of(paper),
            names=names,
            type="posted-content",
            abstract=abstract,
        )
    for _ in range(6):
        # Only the preprint's record is the paper; another shares its main title.
        main = b.fresh_title(b._phrase)
        first, second = r.sample(SUBTITLES, 2)
        b.claim(f"{main}: {first}")
        names = b.names(r.randint(2, 8))
        paper = b.digest(f"{main}: {first}", names)
        abstract = b.revised(paper.abstract or "")
        preprint = b.work(
            paper.title or "",
            year=year_of(paper),
            names=names,
            type="posted-content",
            abstract=abstract,
        )
        b.query(paper, preprint, "preprint-beside-namesake", names)
        b.work(main, year=year_of(paper) + 1, names=b.names(len(names)), subtitle=second)
    for _ in range(3):
        # The record's whole title is the digest's main title: another paper.
        main = b.fresh_title(b._phrase)
        subtitle = r.choice(SUBTITLES)
        b.claim(f"{main}: {subtitle}")
        paper = b.absent(f"{main}: {subtitle}", "absent-main-title-alone")
        b.work(main, year=year_of(paper), names=b.names(r.randint(2, 8)))
    for _ in range(3):
        # The digest's whole title is the record's main title: another paper.
        main = b.fresh_title(b._phrase)
        paper = b.absent(main, "absent-main-title-extended")
        names = b.names(r.randint(2, 8))
        b.work(main, year=year_of(paper), names=names, subtitle=r.choice(SUBTITLES))
    for _ in range(10):
        # The same people's other paper, its title one content word away. Half
        # of these digests name their authors, which then agree.
        title = b.fresh_title()
        names = b.names(r.randint(2, 8))
        paper = b.digest(title, names, named=r.random() < 0.5)
        b.query(paper, None, "absent-sibling-same-authors", names)
        b.work(b.sibling(title), year=year_of(paper) + r.choice([0, 1]), names=names)

    r.shuffle(b.corpus)
    return b.corpus, b.queries
