"""Enrichment from arXiv and Crossref together: preprints found, upgraded, kept, and cited."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from arxiv_corpus import fixture_records, published_works, synthetic_records
from arxiv_standin import ArxivStandin
from click.testing import CliRunner, Result
from crossref_corpus import fixture_works
from crossref_standin import CrossrefStandin
from standins import StartArxivStandin, StartStandin

import paperbib
from paperbib import registry
from paperbib.cli import main
from paperbib.enrich import EnrichResult, Verdict, enrich, write_report
from paperbib.enrich.arxiv import MAX_IDS_PER_REQUEST, MAX_TITLES_PER_REQUEST, title_phrase
from paperbib.enrich.sources import LookupContext, SourceOptions, load_source, source_names
from paperbib.errors import EnrichError
from paperbib.model import ArxivId, Kind, Link, LinkKind, Paper, PartialDate

MAILTO = "librarian@example.org"
INTERVAL = 0.2


class Standins:
    """Both stand-ins, and enrichment pointed at them with arXiv's rule scaled to INTERVAL."""

    def __init__(self, arxiv: ArxivStandin, crossref: CrossrefStandin) -> None:
        self.arxiv = arxiv
        self.crossref = crossref

    def enrich(self, papers: Sequence[Paper], **options: Any) -> EnrichResult:
        return enrich(
            papers,
            arxiv_url=self.arxiv.url,
            arxiv_interval=INTERVAL,
            crossref_url=self.crossref.url,
            mailto=MAILTO,
            cache=options.pop("cache", None),
            **options,
        )


@pytest.fixture
def standins(arxiv_standin: StartArxivStandin, crossref_standin: StartStandin) -> Standins:
    """The fixture arXiv records, and Crossref's fixture works plus the published versions."""
    return Standins(
        arxiv_standin(interval_s=INTERVAL),
        crossref_standin(fixture_works() + published_works()),
    )


def preprint(title: str, authors: int, year: int = 2024, month: int = 3) -> Paper:
    """A paper as a digest lists a preprint: its title, author count and listing date."""
    return Paper(
        title=title,
        author_count=authors,
        issued=PartialDate(year, month, 20),
        listed=dt.date(year, month, 20),
        kind=Kind.PREPRINT,
        upvotes=7,
        links=[Link("https://huggingface.co/papers/x", LinkKind.PAPER_PAGE)],
    ).with_provenance("hf-page", "digest.txt:1")


# --- the seed digest ------------------------------------------------------------------


def test_the_seed_digest_gains_authors_and_arxiv_ids_where_arxiv_holds_it(
    seed_path: Path, arxiv_standin: StartArxivStandin, crossref_standin: StartStandin
) -> None:
    """The twelve papers arXiv holds get their authors and ids, the rest stay as they were."""
    digest = paperbib.load(seed_path)
    by_title = {paper.title: paper for paper in digest}
    records = fixture_records()[:12]
    for record in records:
        # arXiv holds the abstract a digest copies; it is read from the seed, never stored.
        record["summary"] = by_title[record["title"]].abstract
    known = {record["title"]: record for record in records}
    server = arxiv_standin(records, interval_s=INTERVAL)
    crossref = crossref_standin(fixture_works() + published_works())
    result = Standins(server, crossref).enrich(digest.papers)

    assert len(known) == 12
    for original, paper, outcome in zip(digest, result.papers, result.outcomes, strict=True):
        record = known.get(original.title)
        if record is None:
            assert outcome.verdict is Verdict.NOT_FOUND, original.title
            assert paper == original
            assert paper.provenance == original.provenance
            continue
        assert outcome.verdict is Verdict.MATCHED, original.title
        assert [a.display_name for a in paper.authors] == record["authors"]
        assert paper.author_count == original.author_count == len(record["authors"])
        assert paper.arxiv is not None
        assert paper.arxiv.id == record["id"]
        assert paper.arxiv_category == record["primary_category"]
        filled = {"authors", "arxiv", "arxiv_category", "doi", "links"}
        if record.get("doi"):
            # Its journal version is on Crossref: cited as published, arXiv id kept.
            assert paper.doi == record["doi"]
            assert paper.kind is Kind.JOURNAL_ARTICLE
            filled |= {"kind", "issued", "container_title", "volume", "issue", "pages"}
            filled |= {"publisher"}
        else:
            assert paper.doi == f"10.48550/arxiv.{record['id']}"
            assert paper.kind is Kind.PREPRINT
        changed = {
            field.name
            for field in attrs.fields(Paper)
            if getattr(paper, field.name) != getattr(original, field.name)
        } - {"provenance"}
        assert changed <= filled, original.title
        assert original.links == paper.links[: len(original.links)]
        for name in changed - {"links"}:
            assert paper.provenance[name].source in ("arxiv", "crossref"), name

    searched = sum(title_phrase(p.title or "") is not None for p in digest)
    assert server.stats.requests == math.ceil(searched / MAX_TITLES_PER_REQUEST)
    assert not server.stats.early
    assert result.upgraded == 1


# --- preprint to published ------------------------------------------------------------

UPGRADES = [
    # (the digest's paper, the published DOI, the evidence)
    (
        preprint("Sparse Routing for Streaming Speech Translation", 3),
        "10.5555/arxiv-fixture.doi",
        "arxiv-doi",
    ),
    (
        preprint("Calibrated Uncertainty for Tabular Foundation Models", 4),
        "10.5555/arxiv-fixture.relation",
        "crossref-relation",
    ),
    (
        Paper(doi="10.5555/arxiv-fixture.posted", title="Graph Kernels for Molecule Design"),
        "10.5555/arxiv-fixture.published",
        "crossref-relation",
    ),
    (
        preprint("Equivariant Planners for Warehouse Robots", 3, month=4),
        "10.5555/arxiv-fixture.search",
        "crossref-search",
    ),
]


@pytest.mark.parametrize(("paper", "published", "evidence"), UPGRADES)
def test_a_preprint_is_cited_as_its_published_version(
    standins: Standins, paper: Paper, published: str, evidence: str
) -> None:
    """Found through arXiv's DOI, a Crossref relation or a search: the published record is cited."""
    result = standins.enrich([paper])
    (cited,) = result.papers
    (upgrade,) = result.upgrades
    assert upgrade is not None
    assert (upgrade.doi, upgrade.evidence.value) == (published, evidence)
    assert cited.doi == published
    assert cited.kind in (Kind.JOURNAL_ARTICLE, Kind.CONFERENCE_PAPER)
    assert cited.container_title
    assert cited.provenance["doi"].source == "crossref"
    assert (cited.title, cited.upvotes, cited.listed) == (paper.title, paper.upvotes, paper.listed)
    if paper.doi is None:
        assert cited.arxiv is not None
        assert cited.provenance["arxiv"].source == "arxiv"
        assert cited.arxiv_category
    assert result.outcomes[0].verdict is Verdict.MATCHED


def test_a_same_title_paper_by_other_authors_leaves_the_preprint_alone(
    standins: Standins,
) -> None:
    """Crossref's only candidate has the title but none of the authors: still a preprint."""
    paper = preprint("Self-Supervised Priors for Weather Forecasting", 3, month=5)
    result = standins.enrich([paper])
    (cited,) = result.papers
    assert result.upgrades == (None,)
    assert cited.kind is Kind.PREPRINT
    assert cited.doi == "10.48550/arxiv.2405.99004"
    assert [a.family for a in cited.authors] == ["Chen", "Silva", "Johansson"]
    (search,) = [s for s in result.steps[0] if s.purpose == "published-version"]
    assert search.outcome.verdict is Verdict.NOT_FOUND
    candidates = {c.doi: c for c in search.outcome.candidates}
    assert candidates["10.5555/arxiv-fixture.stranger"].rejected == (
        "not the same people: shares 0 of 3 family names"
    )
    assert all(c.rejected for c in candidates.values())


def test_keep_cites_the_preprint_and_asks_crossref_nothing_about_it(standins: Standins) -> None:
    """--preprints keep: the preprint with arXiv's own DOI; no published version is sought."""
    papers = [preprint(p.title or "", p.author_count or 0) for p, _, _ in UPGRADES[:2]]
    result = standins.enrich(papers, preprints="keep")
    assert [p.kind for p in result.papers] == [Kind.PREPRINT, Kind.PREPRINT]
    assert [p.doi for p in result.papers] == [
        "10.48550/arxiv.2403.99001",
        "10.48550/arxiv.2403.99002",
    ]
    assert result.upgrades == (None, None)
    assert standins.crossref.stats.requests == 0


def test_both_cites_the_published_version_then_the_preprint_linked_to_it(
    standins: Standins,
) -> None:
    """--preprints both: two entries, distinct keys, the preprint pointing at the DOI."""
    (paper, published, _) = UPGRADES[0]
    result = standins.enrich([paper], preprints="both")
    first, second = result.bibliography
    assert (first.kind, first.doi) == (Kind.JOURNAL_ARTICLE, published)
    assert (second.kind, second.doi) == (Kind.PREPRINT, "10.48550/arxiv.2403.99001")
    assert first.arxiv == second.arxiv
    assert Link(f"https://doi.org/{published}", LinkKind.OTHER) in second.links
    bib = paperbib.dumps(result.bibliography, "bibtex")
    import bibtexparser

    entries = bibtexparser.parse_string(bib).entries
    assert [e.entry_type for e in entries] == ["article", "misc"]
    assert len({e.key for e in entries}) == 2


def test_an_upgraded_paper_keeps_its_arxiv_identity_in_every_format(
    standins: Standins, csl_schema_path: Path
) -> None:
    """BibTeX keeps eprint, archivePrefix, primaryClass; CSL-JSON and RIS keep the arXiv id."""
    import bibtexparser
    import jsonschema
    import rispy

    result = standins.enrich([UPGRADES[0][0]])
    papers = result.bibliography
    (entry,) = bibtexparser.parse_string(paperbib.dumps(papers, "bibtex")).entries
    assert entry.entry_type == "article"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["doi"] == "10.5555/arxiv-fixture.doi"
    assert (fields["eprint"], fields["archivePrefix"], fields["primaryClass"]) == (
        "2403.99001",
        "arXiv",
        "cs.CL",
    )
    assert (fields["eprinttype"], fields["eprintclass"]) == ("arxiv", "cs.CL")
    items = json.loads(paperbib.dumps(papers, "csljson"))
    schema = json.loads(csl_schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(items)
    (item,) = items
    assert item["type"] == "article-journal"
    assert item["custom"]["arxiv"].startswith("2403.99001")
    assert item["URL"] == "https://huggingface.co/papers/x"
    (record,) = rispy.loads(paperbib.dumps(papers, "ris"))
    assert record["type_of_reference"] == "JOUR"
    assert record["accession_number"] == "arXiv:2403.99001"


def test_every_upgrade_is_in_the_report_with_its_evidence(standins: Standins) -> None:
    """The report line of an upgraded paper names the preprint, the DOI and the evidence."""
    papers = [paper for paper, _, _ in UPGRADES]
    result = standins.enrich(papers)
    out = io.StringIO()
    write_report(result, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["upgrade"]["to"], line["upgrade"]["evidence"]) for line in lines] == [
        (doi, evidence) for _, doi, evidence in UPGRADES
    ]
    assert [line["upgrade"]["from"] for line in lines] == [
        "arXiv:2403.99001",
        "arXiv:2403.99002",
        "doi:10.5555/arxiv-fixture.posted",
        "arXiv:2404.99003",
    ]
    assert all(line["upgrade"]["detail"] for line in lines)
    assert [step["source"] for step in lines[0]["steps"]] == ["arxiv", "crossref"]
    assert lines[0]["steps"][1]["purpose"] == "published-version"


# --- routing and choice of sources ----------------------------------------------------


def test_a_datacite_arxiv_doi_is_asked_of_arxiv_not_crossref(standins: Standins) -> None:
    """A paper known only by 10.48550/arXiv.ID is looked up on arXiv by that id."""
    result = standins.enrich([Paper(doi="10.48550/arXiv.1505.07818")], preprints="keep")
    (paper,) = result.papers
    assert paper.arxiv == ArxivId("1505.07818", 4)
    assert len(paper.authors) == 8
    assert standins.crossref.stats.requests == 0
    assert standins.arxiv.stats.log[0].ids == ["1505.07818"]


def test_one_source_alone_asks_the_other_nothing(standins: Standins) -> None:
    """sources=["arxiv"] sends nothing to Crossref; sources=["crossref"] nothing to arXiv."""
    papers = [preprint("Equivariant Planners for Warehouse Robots", 3, month=4)]
    only_arxiv = standins.enrich(papers, sources=["arxiv"])
    assert standins.crossref.stats.requests == 0
    assert only_arxiv.papers[0].kind is Kind.PREPRINT
    asked = standins.arxiv.stats.requests
    only_crossref = standins.enrich(papers, sources=["crossref"])
    assert standins.arxiv.stats.requests == asked
    assert only_crossref.papers[0].doi == "10.5555/arxiv-fixture.search"


def test_the_built_in_sources_answer_through_the_plugin_interface(standins: Standins) -> None:
    """arxiv and crossref load by name like any plugin and look papers up through Source.lookup."""
    options = SourceOptions(
        mailto=MAILTO,
        crossref_url=standins.crossref.url,
        arxiv_url=standins.arxiv.url,
        arxiv_interval=INTERVAL,
    )
    assert {"arxiv", "crossref"} <= set(source_names())
    context = LookupContext()
    (by_arxiv,) = load_source("arxiv", options).lookup([Paper(arxiv="1505.07818")], context)
    assert by_arxiv.verdict is Verdict.MATCHED
    assert [c.arxiv for c in by_arxiv.candidates] == ["1505.07818v4"]
    paper = Paper(doi="10.5555/arxiv-fixture.search")
    (by_crossref,) = load_source("crossref", options).lookup([paper], context)
    assert (by_crossref.verdict, by_crossref.doi) == (Verdict.MATCHED, paper.doi)


def test_an_unknown_source_is_an_error() -> None:
    """Naming a source nobody registered fails before any request, listing the known ones."""
    with pytest.raises(EnrichError, match="unknown source 'nowhere'; known: arxiv, crossref"):
        enrich([Paper(title="x")], sources=["crossref", "nowhere"], cache=None)


PLUGIN = """
from paperbib.enrich.matching import Outcome, Verdict
from paperbib.enrich.sources import Source
from paperbib.model import Paper


class LibrarySource(Source):
    name = "library"
    description = "a catalogue that knows one paper"

    def lookup(self, papers, context):
        outcomes = []
        for paper in papers:
            if paper.title == "A Paper Only the Library Knows":
                record = Paper(title=paper.title, doi="10.5555/library.1", kind=paper.kind)
                outcomes.append(Outcome(Verdict.MATCHED, 1.0, "10.5555/library.1", record=record))
            else:
                outcomes.append(Outcome(Verdict.NOT_FOUND))
        return outcomes


class NotASource:
    pass
"""


def install_plugin(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution on sys.path that registers sources, as an installed package would."""
    (root / "library_source.py").write_text(PLUGIN, encoding="utf-8")
    info = root / "library_source-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: library-source\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[paperbib.sources]\n"
        "library = library_source:LibrarySource\n"
        "broken = library_source:NotASource\n"
    )
    monkeypatch.syspath_prepend(str(root))
    # Installed plugins are looked up once a process; a fresh lookup sees this one,
    # and the original (with its cache) comes back after the test.
    monkeypatch.setattr(registry, "plugins", functools.cache(registry.plugins.__wrapped__))


def test_a_source_from_another_package_is_asked_about_what_is_left(
    standins: Standins, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry point in paperbib.sources adds a source; it sees the unmatched papers only."""
    install_plugin(tmp_path, monkeypatch)
    papers = [
        Paper(title="A Paper Only the Library Knows", kind=Kind.REPORT),
        preprint("Equivariant Planners for Warehouse Robots", 3, month=4),
    ]
    result = standins.enrich(papers, sources=["arxiv", "crossref", "library"])
    assert result.papers[0].doi == "10.5555/library.1"
    assert result.papers[0].provenance["doi"].source == "library"
    assert result.sources == ("library", "crossref")
    assert [s.source for s in result.steps[1]] == ["arxiv", "crossref"]
    with pytest.raises(EnrichError, match=r"not a paperbib\.enrich\.sources\.Source subclass"):
        standins.enrich(papers, sources=["broken"])


# --- the command line ------------------------------------------------------------------


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_a_250_id_run_makes_two_requests_none_sooner_than_the_pause(
    arxiv_standin: StartArxivStandin, tmp_path: Path
) -> None:
    """250 ids through the CLI: ceil(250 / 200) requests, none sooner than --arxiv-interval."""
    records = synthetic_records(250, seed=8)
    server = arxiv_standin(records, interval_s=INTERVAL)
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"arXiv:{record['id']}\n" for record in records))
    result = run(
        "export", str(ids), "--to", "csljson", "--enrich", "--source", "arxiv", "--no-cache",
        "--arxiv-url", server.url, "--arxiv-interval", str(INTERVAL),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert server.stats.requests == math.ceil(250 / MAX_IDS_PER_REQUEST) == 2
    assert not server.stats.early
    assert not server.stats.overlapping
    gap = server.stats.min_gap
    assert gap is not None
    assert gap >= INTERVAL
    items = json.loads(result.stdout)
    assert len(items) == 250
    assert all(item.get("author") for item in items)
    assert "enriched 250/250: 250 matched" in result.stderr


def test_a_short_interval_for_arxivs_own_address_is_refused() -> None:
    """--arxiv-interval under 3 s against export.arxiv.org is a usage error, flag or env."""
    # The tests' conftest points the arXiv address at a dead loopback port; unset it.
    own_address = {"PAPERBIB_ARXIV_URL": None}
    flag = run("export", "x.txt", "--enrich", "--arxiv-interval", "0.5", env=own_address)
    assert flag.exit_code == 2
    assert "3 seconds" in flag.stderr
    env = run("export", "x.txt", "--enrich", env={**own_address, "PAPERBIB_ARXIV_INTERVAL": "1"})
    assert env.exit_code == 2
    assert "3 seconds" in env.stderr


def test_the_cli_upgrades_and_reports(standins: Standins, tmp_path: Path) -> None:
    """--preprints both writes two entries; --report holds the upgrade; unknown sources exit 2."""
    digest = tmp_path / "ids.txt"
    digest.write_text("arXiv:2403.99001\n")
    report = tmp_path / "report.jsonl"
    common = [
        "export", str(digest), "--enrich", "--no-cache", "--mailto", MAILTO,
        "--arxiv-url", standins.arxiv.url, "--arxiv-interval", str(INTERVAL),
        "--crossref-url", standins.crossref.url,
    ]  # fmt: skip
    result = run(*common, "--preprints", "both", "--report", str(report))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n@") + 1 == 2
    assert "1 preprint(s) cited with their published version" in result.stderr
    (line,) = [json.loads(text) for text in report.read_text().splitlines()]
    assert line["upgrade"]["evidence"] == "arxiv-doi"
    assert line["upgrade"]["preprint_kept"] is True
    unknown = run(*common, "--source", "arxiv,zenodo")
    assert unknown.exit_code == 2
    assert "unknown source 'zenodo'" in unknown.stderr
