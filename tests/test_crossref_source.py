"""The Crossref source: requests as Crossref wants them, failures as SourceError, works mapped."""

from __future__ import annotations

import datetime as dt
import json
import socket
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import Any

import pytest
from crossref_corpus import fixture_works, synthetic_works
from crossref_standin import FaultPlan
from shared_data import RESEARCH_RAW
from standins import StartStandin

import paperbib
from paperbib import Kind, PartialDate
from paperbib.enrich.crossref import (
    MAX_DOIS_PER_REQUEST,
    PAPER_FIELDS,
    POLITE_LIMITS,
    PUBLIC_LIMITS,
    CrossrefSource,
    doi_batches,
    markup_to_text,
    parse_retry_after,
    work_to_paper,
)
from paperbib.errors import SourceError
from paperbib.model import Paper, Provenance

MAILTO = "librarian@example.org"
SICI_DOI = "10.5555/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-#"


def fixture_work(doi: str) -> dict[str, Any]:
    return next(work for work in fixture_works() if work["DOI"].lower() == doi.lower())


def mapped(doi: str) -> Paper:
    paper = work_to_paper(fixture_work(doi))
    assert paper is not None
    return paper


# --- mapping --------------------------------------------------------------------------


def test_journal_article_keeps_orcids_and_turns_markup_into_model_text() -> None:
    """A journal article's inline HTML becomes plain text with $_{2}$ math, ORCIDs are kept."""
    paper = mapped("10.5555/psychoceramics.2024.017")
    assert paper.kind is Kind.JOURNAL_ARTICLE
    assert paper.title == (
        "Photocatalytic reduction of CO$_{2}$ by Escherichia coli expressing a synthetic "
        "hydrogenase & a $^{13}$C label: a feasibility study"
    )
    assert [a.orcid for a in paper.authors] == ["0000-0002-1825-0097", "0000-0001-2345-6789", None]
    assert paper.authors[2].suffix == "Jr."
    assert paper.author_count == 3
    assert (paper.container_title, paper.volume, paper.issue, paper.pages) == (
        "Journal of Psychoceramics",
        "21",
        "2",
        "117-129",
    )
    assert paper.issued == PartialDate(2024, 3, 5)
    assert paper.arxiv is not None
    assert paper.arxiv.id == "2412.99999"


def test_jats_abstract_becomes_text_with_section_headings() -> None:
    """JATS tags vanish, section titles lead their paragraph, sub/superscripts become math."""
    abstract = mapped("10.5555/psychoceramics.2024.017").abstract
    assert abstract is not None
    assert "<" not in abstract
    assert "jats" not in abstract
    assert abstract.startswith("Background: Engineered bacteria")
    assert "Results: A designed hydrogenase in E. coli kept" in abstract
    assert "CO$_{2}$" in abstract
    assert "g$^{-1}$" in abstract


def test_abstract_heading_is_dropped() -> None:
    """The 'Abstract' title that many deposits start with is not part of the text."""
    abstract = mapped("10.1038/nature14539").abstract
    assert abstract is not None
    assert abstract.startswith("A review of representation learning")


def test_pretty_printed_markup_keeps_slashes_and_brackets_tight() -> None:
    """Line breaks that pretty-printing put around tags do not split 'KRAS/NRAS' or '(KRAS)'."""
    title = (
        "Panel for detecting\n                    <i>KRAS</i>\n                    /\n"
        "                    <i>NRAS</i>\n                    mutations (\n"
        "                    <jats:italic>BRAF</jats:italic>\n                    )"
    )
    assert markup_to_text(title) == "Panel for detecting KRAS/NRAS mutations (BRAF)"


def test_entities_decode_but_escaped_tags_stay_text() -> None:
    """&amp; becomes '&' and an escaped '&lt;i&gt;' stays visible text, never markup."""
    assert markup_to_text("Rust &amp; Python &lt;i&gt;x&lt;/i&gt;") == "Rust & Python <i>x</i>"


def test_proceedings_article_with_null_date_has_no_year() -> None:
    """A proceedings paper whose issued date is [[null]] keeps its venue and an unknown year."""
    paper = mapped("10.1109/ICDCSW.2003.1203662")
    assert paper.kind is Kind.CONFERENCE_PAPER
    assert paper.issued is None
    assert paper.year is None
    assert paper.container_title is not None
    assert paper.container_title.startswith("23rd International Conference")
    assert paper.pages == "877-882"
    assert paper.doi == "10.1109/icdcsw.2003.1203662"


def test_posted_content_is_a_preprint_dated_when_posted() -> None:
    """A posted-content preprint maps to Kind.PREPRINT with its posting date."""
    paper = mapped("10.1101/2022.07.20.500902")
    assert paper.kind is Kind.PREPRINT
    assert paper.issued == PartialDate(2022, 7, 21)
    assert paper.author_count == 11
    assert paper.authors[6].family == "dos Santos Costa"


def test_book_chapter_names_the_book_not_the_series() -> None:
    """A chapter's container is the proceedings volume, not 'Lecture Notes in Computer Science'."""
    paper = mapped("10.1007/978-3-319-24574-4_28")
    assert paper.kind is Kind.BOOK_CHAPTER
    assert paper.container_title == (
        "Medical Image Computing and Computer-Assisted Intervention \u2013 MICCAI 2015"
    )
    assert paper.year == 2015


def test_organisations_and_single_names_become_literal_or_family_only() -> None:
    """'name' entries become literal authors; a missing 'given' leaves the family name alone."""
    scipy = mapped("10.1038/s41592-019-0686-2")
    assert scipy.authors[-1].literal == "SciPy 1.0 Contributors"
    assert scipy.author_count == 35
    survey = mapped("10.5555/psychoceramics.2019.033")
    assert (survey.authors[0].family, survey.authors[0].given) == ("Oyelaran", None)


@pytest.mark.parametrize(
    "doi",
    [
        "10.5555/review.alphafold.1",  # peer review titled like the paper
        "10.5555/component.alphafold.fig1",  # a figure
        "10.5555/dataset.numpy-benchmarks",  # a data deposit titled like the paper
        "10.5555/correction.scipy",  # update-to: correction
    ],
)
def test_records_that_are_never_the_paper_map_to_none(doi: str) -> None:
    """Reviews, components, datasets and correction notices are not papers."""
    assert work_to_paper(fixture_work(doi)) is None


def test_every_field_set_is_credited_to_crossref_and_the_doi() -> None:
    """Each field the mapping sets, the kind included, has Provenance('crossref', doi)."""
    paper = mapped("10.1038/nature14539")
    expected = Provenance("crossref", "10.1038/nature14539")
    set_fields = {"title", "abstract", "authors", "author_count", "issued", "doi"}
    set_fields |= {"container_title", "volume", "issue", "pages", "publisher", "kind"}
    assert set(paper.provenance) == set_fields
    assert all(value == expected for value in paper.provenance.values())


def test_odd_values_are_dropped_not_fatal() -> None:
    """Impossible dates, bad ORCIDs and non-list fields leave gaps instead of failing."""
    paper = work_to_paper(
        {
            "DOI": "10.5555/odd",
            "type": "journal-article",
            "title": "Plain string title",
            "author": [{"given": "A", "family": "B", "ORCID": "not-an-orcid"}, "junk", {}],
            "issued": {"date-parts": [[2021, 2, 30]]},
            "container-title": None,
            "volume": 7,
        }
    )
    assert paper is not None
    assert paper.title == "Plain string title"
    assert [a.family for a in paper.authors] == ["B"]
    assert paper.authors[0].orcid is None
    assert paper.issued == PartialDate(2021, 2)
    assert paper.volume == "7"
    assert paper.container_title is None


def test_a_record_without_authors_keeps_the_count_unknown() -> None:
    """No 'author' key means the authors are unknown, not that there are none."""
    paper = work_to_paper({"DOI": "10.5555/x", "type": "report", "title": ["Anonymous report"]})
    assert paper is not None
    assert paper.authors == ()
    assert paper.author_count is None


def fixture_papers() -> list[Paper]:
    return [paper for paper in map(work_to_paper, fixture_works()) if paper is not None]


def test_mapped_works_export_to_bibtex_that_bibtexparser_and_pybtex_read() -> None:
    """Every mapped work is one BibTeX entry with its DOI and its full author list."""
    import bibtexparser
    from pybtex.database import parse_string

    papers = fixture_papers()
    text = paperbib.dumps(papers, "bibtex")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.entries) == len(papers)
    dois = {entry.fields_dict["doi"].value.lower() for entry in library.entries}
    assert dois == {paper.doi for paper in papers}
    database = parse_string(text, "bibtex")
    for paper in papers:
        (entry,) = [e for e in database.entries.values() if e.fields["doi"].lower() == paper.doi]
        assert len(entry.persons.get("author", [])) == len(paper.authors)


@pytest.mark.slow
def test_mapped_works_compile_with_latex_and_bibtex(tmp_path: Path) -> None:
    """latex + bibtex typeset every mapped work, markup and all, without an error."""
    import tex

    papers = fixture_papers()
    run = tex.compile_bibtex(paperbib.dumps(papers, "bibtex"), "plain", tmp_path)
    assert tex.errors(run) == []
    assert run.bbl.count(r"\bibitem") == len(papers)


def test_mapped_works_export_to_valid_csl_json_that_citeproc_renders(
    csl_schema_path: Path,
) -> None:
    """The CSL-JSON passes the official schema and citeproc-py renders every title."""
    import jsonschema
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    papers = fixture_papers()
    items = json.loads(paperbib.dumps(papers, "csljson"))
    schema = json.loads(csl_schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(items)
    assert {item["DOI"].lower() for item in items} == {paper.doi for paper in papers}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The following arguments for Reference")
        source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = "\n".join(str(entry) for entry in bibliography.bibliography())
    for paper in papers:
        assert paper.title is not None
        assert paper.title.split(":")[0][:25] in rendered


def test_mapped_works_export_to_ris_that_rispy_reads() -> None:
    """rispy reads one record per mapped work with its DOI, type and every author."""
    import rispy

    papers = fixture_papers()
    records = rispy.loads(paperbib.dumps(papers, "ris"))
    assert len(records) == len(papers)
    by_doi = {record["doi"].lower(): record for record in records}
    for paper in papers:
        record = by_doi[paper.doi or ""]
        assert len(record.get("authors", [])) == len(paper.authors)
    assert by_doi["10.1038/nature14539"]["type_of_reference"] == "JOUR"
    assert by_doi["10.1007/978-3-319-24574-4_28"]["type_of_reference"] == "CHAP"


# --- requests -------------------------------------------------------------------------


def test_source_limits_keep_a_margin_under_the_pool_rate() -> None:
    """The polite pool is paced below 10/s with 3 in flight; the public below 5/s with 1."""
    polite = CrossrefSource(mailto=MAILTO)
    public = CrossrefSource()
    assert polite.polite
    assert not public.polite
    assert 0.8 * POLITE_LIMITS.rate <= polite.rate < POLITE_LIMITS.rate
    assert 0.8 * PUBLIC_LIMITS.rate <= public.rate < PUBLIC_LIMITS.rate
    assert (polite.concurrency, public.concurrency) == (3, 1)


def test_several_dois_go_in_one_request(crossref_standin: StartStandin) -> None:
    """Five DOIs (any case, one unknown) cost one /works request; found works keyed by DOI."""
    server = crossref_standin()
    source = CrossrefSource(base_url=server.url, mailto=MAILTO)
    asked = [
        "10.1038/NATURE14539",
        "https://doi.org/10.1109/cvpr.2016.90",
        "10.1145/3065386",
        SICI_DOI,
        "10.5555/not-in-the-corpus",
    ]
    found = source.fetch_dois(asked)
    assert set(found) == {
        "10.1038/nature14539",
        "10.1109/cvpr.2016.90",
        "10.1145/3065386",
        SICI_DOI.lower(),
    }
    assert found["10.1109/cvpr.2016.90"]["title"] == [
        "Deep Residual Learning for Image Recognition"
    ]
    stats = server.stats
    assert stats.requests == 1
    (record,) = stats.log
    assert record.path == "/works"
    assert record.query["rows"] == ["5"]
    assert record.query["select"] == [",".join(PAPER_FIELDS)]


def test_reserved_characters_in_dois_reach_the_server_intact(
    crossref_standin: StartStandin,
) -> None:
    """A DOI with '<', ';', '(', ':' and '#' arrives whole in the doi: filter."""
    server = crossref_standin()
    source = CrossrefSource(base_url=server.url)
    found = source.fetch_dois([SICI_DOI, "10.1038/nature14539"])
    assert SICI_DOI.lower() in found
    (record,) = server.stats.log
    assert record.query["filter"] == [f"doi:{SICI_DOI.lower()},doi:10.1038/nature14539"]


def test_a_doi_with_a_comma_is_fetched_alone_through_its_quoted_path(
    crossref_standin: StartStandin,
) -> None:
    """A DOI the filter syntax cannot hold goes to /works/{doi}, quoted so '/' '#' ',' survive."""
    doi = "10.5555/a,b#c"
    server = crossref_standin([{**fixture_work("10.1145/3065386"), "DOI": doi}])
    source = CrossrefSource(base_url=server.url)
    assert list(source.fetch_dois([doi])) == [doi]
    assert source.fetch_dois(["10.5555/x,y"]) == {}  # a 404: simply not found
    paths = [record.path for record in server.stats.log]
    assert paths == ["/works/10.5555%2Fa%2Cb%23c", "/works/10.5555%2Fx%2Cy"]
    with pytest.raises(ValueError, match="comma"):
        source.fetch_dois([doi, "10.1038/nature14539"])


def test_doi_batches_respect_the_request_size() -> None:
    """Batches hold at most MAX_DOIS_PER_REQUEST distinct DOIs; a comma DOI travels alone."""
    dois = [f"10.5555/batch.{i}" for i in range(120)] + ["10.5555/BATCH.3", "10.5555/a,b"]
    batches = doi_batches(dois)
    assert all(len(batch) <= MAX_DOIS_PER_REQUEST for batch in batches)
    assert ["10.5555/a,b"] in batches
    flat = [doi for batch in batches for doi in batch]
    assert sorted(flat) == sorted({d.lower() for d in dois})
    with pytest.raises(ValueError, match="at most"):
        CrossrefSource().fetch_dois([f"10.5555/many.{i}" for i in range(MAX_DOIS_PER_REQUEST + 1)])


def test_long_dois_shorten_a_batch() -> None:
    """Fifty very long DOIs are split so that no request line grows past a few kB."""
    dois = [f"10.5555/{'x' * 150}.{i}" for i in range(50)]
    batches = doi_batches(dois)
    assert len(batches) > 1
    assert all(sum(len(d) + 5 for d in batch) < 4500 for batch in batches)


def test_search_sends_a_bibliographic_query_with_rows_and_select(
    crossref_standin: StartStandin,
) -> None:
    """search() asks query.bibliographic with rows and select; the best match comes first."""
    server = crossref_standin()
    source = CrossrefSource(base_url=server.url, mailto=MAILTO)
    items = source.search("Mastering the game of Go without human knowledge Silver", rows=3)
    assert items[0]["DOI"] == "10.1038/nature24270"
    assert len(items) == 3
    assert set(items[0]) <= set(PAPER_FIELDS)
    (record,) = server.stats.log
    assert record.query["query.bibliographic"] == [
        "Mastering the game of Go without human knowledge Silver"
    ]
    assert record.query["rows"] == ["3"]


def test_user_agent_names_paperbib_and_the_mailto(crossref_standin: StartStandin) -> None:
    """The User-Agent says paperbib/<version> and carries the mailto of the polite pool."""
    server = crossref_standin()
    CrossrefSource(base_url=server.url, mailto=MAILTO).search("deep learning", rows=1)
    CrossrefSource(base_url=server.url).search("deep learning", rows=1)
    polite, public = server.stats.log
    assert polite.user_agent.endswith(f"paperbib/{paperbib.__version__}")
    assert f"(mailto:{MAILTO})" in polite.user_agent
    assert polite.polite
    assert "mailto" not in public.user_agent
    assert not public.polite


# --- connections ----------------------------------------------------------------------


def test_requests_of_one_thread_share_a_kept_alive_connection(
    crossref_standin: StartStandin,
) -> None:
    """With the installed habanero, a thread's searches and DOI lookups reuse one connection."""
    server = crossref_standin(keep_alive=True)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO)
    assert source.reuses_connections
    for _ in range(3):
        source.search("deep learning", rows=2)
    source.fetch_dois(["10.1038/nature14539", "10.1145/3065386"])
    source.fetch_dois(["10.5555/a,b"])  # the /works/{doi} route
    stats = server.stats
    assert (stats.requests, stats.connections) == (5, 1)


def test_habanero_used_directly_keeps_a_client_per_call(crossref_standin: StartStandin) -> None:
    """Outside paperbib's requests habanero behaves as shipped: a new connection per call."""
    from habanero import Crossref

    server = crossref_standin(keep_alive=True)
    CrossrefSource(base_url=server.url, mailto=MAILTO).search("deep learning", rows=1)
    plain = Crossref(base_url=server.url, mailto=MAILTO)
    plain.works(query_bibliographic="deep learning", limit=1)
    plain.works(query_bibliographic="deep learning", limit=1)
    assert server.stats.connections == 3


def test_a_habanero_that_looks_different_is_left_to_itself(
    crossref_standin: StartStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If habanero no longer calls the httpx2 module, nothing is replaced and requests work."""
    import types

    import habanero.request_class
    import httpx2

    own = types.SimpleNamespace(**vars(httpx2))
    monkeypatch.setattr(habanero.request_class, "httpx2", own)
    server = crossref_standin(keep_alive=True)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO)
    assert not source.reuses_connections
    assert habanero.request_class.httpx2 is own
    source.search("deep learning", rows=1)
    source.search("deep learning", rows=1)
    assert server.stats.connections == 2


# --- failures -------------------------------------------------------------------------


def failure(source: CrossrefSource) -> SourceError:
    with pytest.raises(SourceError) as raised:
        source.search("deep learning", rows=2)
    assert raised.value.source == "crossref"
    assert raised.value.__cause__ is not None
    return raised.value


def faulty_source(crossref_standin: StartStandin, kind: str, **plan: Any) -> CrossrefSource:
    server = crossref_standin(faults=FaultPlan(script=(kind,), **plan))
    return CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=0.5)


def test_connection_refused_is_transient() -> None:
    """Nobody listening: a transient SourceError without a status."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = failure(CrossrefSource(base_url=f"http://127.0.0.1:{port}", timeout=1))
    assert (error.transient, error.status, error.retry_after) == (True, None, None)


def test_read_timeout_is_transient(crossref_standin: StartStandin) -> None:
    """A server that never answers within the timeout: transient, no status."""
    error = failure(faulty_source(crossref_standin, "timeout", hang_s=5))
    assert (error.transient, error.status) == (True, None)
    assert "timed out" in str(error)


def test_429_with_retry_after_is_transient_and_says_when(crossref_standin: StartStandin) -> None:
    """429 with Retry-After: 7 gives status 429 and retry_after 7 seconds."""
    error = failure(faulty_source(crossref_standin, "429", retry_after_s=7))
    assert (error.transient, error.status, error.retry_after) == (True, 429, 7.0)


def test_429_with_an_html_body_is_transient(crossref_standin: StartStandin) -> None:
    """429 with an HTML page and no Retry-After: transient, status 429, no retry_after."""
    error = failure(faulty_source(crossref_standin, "429-html"))
    assert (error.transient, error.status, error.retry_after) == (True, 429, None)


def test_429_with_a_json_body_habanero_cannot_read(crossref_standin: StartStandin) -> None:
    """A JSON 429 whose message is a string (habanero's TypeError) still reads as 429."""
    error = failure(faulty_source(crossref_standin, "429-json", retry_after_s=2))
    assert isinstance(error.__cause__, TypeError)
    assert (error.transient, error.status, error.retry_after) == (True, 429, 2.0)


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_transient(crossref_standin: StartStandin, status: int) -> None:
    """500 and 503 with HTML bodies: transient, with their status."""
    error = failure(faulty_source(crossref_standin, str(status)))
    assert (error.transient, error.status) == (True, status)


def test_validation_failure_is_permanent_and_explained(crossref_standin: StartStandin) -> None:
    """A 400 validation-failure body: permanent, status 400, Crossref's message kept."""
    error = failure(faulty_source(crossref_standin, "400"))
    assert (error.transient, error.status) == (False, 400)
    assert "does not support" in str(error)


def test_not_found_text_body_is_permanent(crossref_standin: StartStandin) -> None:
    """A text/plain 404 (a wrong base URL): permanent, status 404."""
    server = crossref_standin()
    error = failure(CrossrefSource(base_url=f"{server.url}/not-crossref"))
    assert (error.transient, error.status) == (False, 404)


@pytest.mark.parametrize("kind", ["truncated", "html-200", "reset"])
def test_broken_answers_are_transient(crossref_standin: StartStandin, kind: str) -> None:
    """Cut-off JSON, an HTML page with 200, a dropped connection: transient failures."""
    error = failure(faulty_source(crossref_standin, kind))
    assert error.transient


def test_fetch_by_doi_maps_failures_too(crossref_standin: StartStandin) -> None:
    """The DOI route raises the same SourceError for a 503."""
    source = faulty_source(crossref_standin, "503")
    with pytest.raises(SourceError) as raised:
        source.fetch_dois(["10.1038/nature14539"])
    assert (raised.value.transient, raised.value.status) == (True, 503)


@pytest.mark.parametrize(
    ("kind", "transient", "status"),
    [
        ("timeout", True, None),
        ("reset", True, None),
        ("429", True, 429),
        ("429-json", True, 429),
        ("503", True, 503),
        ("400", False, 400),
        ("truncated", True, None),
        ("html-200", True, 200),
    ],
)
def test_failures_on_a_kept_alive_connection_map_alike_and_the_next_request_works(
    crossref_standin: StartStandin, kind: str, transient: bool, status: int | None
) -> None:
    """A fault on a reused connection maps as on a fresh one, and the source recovers."""
    server = crossref_standin(keep_alive=True, faults=FaultPlan(script=(None, kind), hang_s=5))
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=0.5)
    source.search("deep learning", rows=2)
    error = failure(source)
    assert (error.transient, error.status) == (transient, status)
    assert source.search("deep learning", rows=2)
    assert server.stats.requests == 3


def test_retry_after_reads_seconds_and_http_dates() -> None:
    """Retry-After is delay-seconds or an HTTP date; nonsense and the past give None or 0."""
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Fri, 02 Jan 2026 03:04:35 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --- the stand-in's wire format -----------------------------------------------------


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_standin_speaks_crossrefs_envelope_and_headers(crossref_standin: StartStandin) -> None:
    """Envelopes, pool headers, the text 404 and the 400 body look like the recorded ones."""
    recorded = RESEARCH_RAW / "crossref"
    server = crossref_standin()
    status, headers, body = get(f"{server.url}/works?query=deep+learning&rows=2&mailto=x@y.z")
    answer = json.loads(body)
    assert status == 200
    assert answer["message-type"] == "work-list"
    assert set(answer) == {"status", "message-type", "message-version", "message"}
    assert {"total-results", "items", "items-per-page", "query"} <= set(answer["message"])
    assert headers["x-rate-limit-limit"] == "10"
    assert headers["x-concurrency-limit"] == "3"
    status, headers, body = get(f"{server.url}/works/10.1038/nature14539")
    assert json.loads(body)["message-type"] == "work"
    assert (headers["x-rate-limit-limit"], headers["x-concurrency-limit"]) == ("5", "1")
    assert headers["x-rate-limit-interval"] == "1s"
    status, headers, body = get(f"{server.url}/works/10.5555/nothing")
    assert (status, headers["Content-Type"]) == (404, "text/plain")
    if recorded.exists():
        assert body == (recorded / "error_404_works_notarealdoi.txt").read_bytes().strip()
    status, _, body = get(f"{server.url}/works?filter=colour:blue")
    assert status == 400
    assert json.loads(body)["message-type"] == "validation-failure"


def test_standin_serves_a_synthetic_corpus(crossref_standin: StartStandin) -> None:
    """The generated corpus is deterministic and every record maps and is served by DOI."""
    works = synthetic_works(200, seed=7)
    assert works == synthetic_works(200, seed=7)
    assert all(work_to_paper(work) is not None for work in works)
    server = crossref_standin(works)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO)
    dois = [work["DOI"] for work in works[:40]]
    assert set(source.fetch_dois(dois)) == {doi.lower() for doi in dois}
