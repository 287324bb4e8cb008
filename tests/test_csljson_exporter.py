"""CSL-JSON output is valid for the official schema and renders with citeproc-py."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import paperbib
from paperbib import Author, Kind, Link, LinkKind, Paper, PartialDate

HOSTILE_TITLE = 'Quotes " and \\input{/etc/passwd} {braces} & 100% #1 ~x^2_y <b>bold</b> \\u0000'
HOSTILE_ABSTRACT = "First line.\nER  - \r\nTY  - JOUR\u2028\x00 end\ttab"


def varied_papers() -> list[Paper]:
    """Papers covering every kind, name shape, date precision and awkward text."""
    return [
        Paper(
            title="SAMGPT: Text-free Graph Foundation Models for Multi-domain Pre-training",
            abstract="We write our own one-line abstract for this fixture.",
            authors=[Author(family="Yu", given="Xingtong"), Author(family="Åberg", given="Émile")],
            issued=PartialDate(2025, 2, 7),
            listed=dt.date(2025, 2, 7),
            arxiv="2502.05424v2",
            kind=Kind.PREPRINT,
            links=[Link("https://github.com/example/samgpt", LinkKind.CODE)],
            upvotes=12,
            keywords=["graph learning", "foundation models"],
            citation_key="yu2025samgpt",
        ),
        Paper(
            title="Deep learning",
            authors=[
                Author(family="LeCun", given="Yann"),
                Author(family="Bengio", given="Yoshua"),
                Author(family="Hinton", given="Geoffrey"),
            ],
            issued=PartialDate(2015, 5, 28),
            doi="https://doi.org/10.1038/NATURE14539",
            container_title="Nature",
            volume="521",
            issue="7553",
            pages="436-444",
            publisher="Springer Nature",
            kind=Kind.JOURNAL_ARTICLE,
            citation_key="lecun2015deep",
        ),
        Paper(
            title="Attention Is All You Need",
            authors=[
                Author(family="Vaswani", given="Ashish"),
                Author(family="Shazeer", given="Noam"),
            ],
            author_count=8,
            issued=PartialDate(2017),
            container_title="Advances in Neural Information Processing Systems",
            volume="30",
            pages="5998-6008",
            kind=Kind.CONFERENCE_PAPER,
            citation_key="vaswani2017attention",
        ),
        Paper(
            title="GPT-4 Technical Report",
            authors=[Author(literal="OpenAI")],
            issued=PartialDate(2023, 3),
            arxiv="2303.08774",
            kind=Kind.REPORT,
            citation_key="openai2023gpt4",
        ),
        Paper(
            title="Notes on particles and suffixes in author names",
            authors=[
                Author(family="Berg", given="Jan", particle="van der"),
                Author(family="King", given="Martin Luther", suffix="Jr."),
            ],
            issued=PartialDate(2020, 11, 2),
            publisher="Example Press",
            kind=Kind.BOOK,
            citation_key="berg2020notes",
        ),
        Paper(
            title="A study whose digest named no author",
            author_count=5,
            listed=dt.date(2024, 12, 26),
            kind=Kind.OTHER,
            citation_key="study2024digest",
        ),
        Paper(
            title="Speech corpora for low-resource languages",
            authors=[Author(family="Đurić", given="Đorđe")],
            issued=PartialDate(2019),
            kind=Kind.THESIS,
            citation_key="djuric2019speech",
        ),
        Paper(
            title="A corpus of museum labels",
            authors=[Author(family="Ñúñez", given="Øyvind")],
            issued=PartialDate(2021, 3),
            kind=Kind.DATASET,
            citation_key="nunez2021corpus",
        ),
        Paper(
            title="Ærøskøbing études: naïve façades, 北京 and Zürich",
            authors=[Author(family="张", given="伟"), Author(family="Ólafsdóttir", given="Sóley")],
            issued=PartialDate(2022, 7, 1),
            container_title="Städte und Häfen",
            kind=Kind.BOOK_CHAPTER,
            citation_key="zhang2022aeroskobing",
        ),
        Paper(
            title=HOSTILE_TITLE,
            abstract=HOSTILE_ABSTRACT,
            authors=[Author(family="O'Brien", given="Seán")],
            issued=PartialDate(2024, 1, 15),
            kind=Kind.SOFTWARE,
            links=[Link("https://github.com/example/tool", LinkKind.CODE)],
            citation_key="obrien2024quotes",
        ),
    ]


def export(papers: list[Paper]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(paperbib.dumps(papers, "csljson"))
    return items


def by_id(papers: list[Paper]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in export(papers)}


def test_output_validates_against_the_csl_schema(csl_schema_path: Path) -> None:
    """Every item passes the official CSL-JSON schema, which allows no unknown keys."""
    import jsonschema

    schema = json.loads(csl_schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    items = export(varied_papers())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(items)]
    assert errors == []
    assert len(items) == len(varied_papers())


def test_no_papers_is_an_empty_array(csl_schema_path: Path) -> None:
    """Exporting nothing gives an empty JSON array, still valid for the schema."""
    import jsonschema

    schema = json.loads(csl_schema_path.read_text(encoding="utf-8"))
    text = paperbib.dumps([], "csljson")
    jsonschema.Draft7Validator(schema).validate(json.loads(text))
    assert json.loads(text) == []


def render_bibliography(items: list[dict[str, Any]]) -> dict[str, str]:
    """Each item's bibliography entry as citeproc-py renders it in a bundled Harvard style."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        # citeproc-py implements CSL 1.0.1 and warns about 1.0.2's citation-key and custom.
        warnings.filterwarnings("ignore", message="The following arguments for Reference")
        source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    citations = {item["id"]: Citation([CitationItem(item["id"])]) for item in items}
    for citation in citations.values():
        bibliography.register(citation)
    # Sorted by author, so match entries back to items by rendering each one alone too.
    entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == len(items)
    rendered = {}
    for item in items:
        single = CitationStylesBibliography(style, source, formatter.plain)
        single.register(citations[item["id"]])
        (entry,) = single.bibliography()
        rendered[item["id"]] = str(entry)
        assert rendered[item["id"]] in entries
    return rendered


def test_citeproc_renders_every_title_and_author() -> None:
    """citeproc-py renders each paper with its title and every named author's family name."""
    papers = varied_papers()
    rendered = render_bibliography(export(papers))
    for paper in papers:
        assert paper.citation_key is not None
        assert paper.title is not None
        entry = rendered[paper.citation_key]
        assert paper.title in entry
        for author in paper.authors:
            assert (author.family or author.literal or "") in entry


def test_count_only_authors_never_become_names() -> None:
    """A paper known only as "5 authors" has no author names; the count is a note."""
    papers = varied_papers()
    items = by_id(papers)
    item = items["study2024digest"]
    assert "author" not in item
    assert item["note"] == "5 authors"
    assert item["custom"]["author-count"] == 5
    entry = render_bibliography(list(items.values()))["study2024digest"]
    # With no author the style puts the title first: no name, real or invented, precedes it.
    assert entry.lstrip("“\"'").startswith("A study whose digest named no author")
    assert "5 authors" not in entry.split("A study whose digest")[0]


def test_partially_known_authors_keep_the_named_ones_and_the_count() -> None:
    """Two of eight authors named: the two are names, the eight stay a count."""
    item = by_id(varied_papers())["vaswani2017attention"]
    assert item["author"] == [
        {"family": "Vaswani", "given": "Ashish"},
        {"family": "Shazeer", "given": "Noam"},
    ]
    assert item["custom"]["author-count"] == 8
    assert "8 authors" in item["note"]


@pytest.mark.parametrize(
    ("key", "csl_type"),
    [
        ("yu2025samgpt", "article"),
        ("lecun2015deep", "article-journal"),
        ("vaswani2017attention", "paper-conference"),
        ("openai2023gpt4", "report"),
        ("berg2020notes", "book"),
        ("study2024digest", "document"),
        ("djuric2019speech", "thesis"),
        ("nunez2021corpus", "dataset"),
        ("zhang2022aeroskobing", "chapter"),
        ("obrien2024quotes", "software"),
    ],
)
def test_type_follows_the_kind(key: str, csl_type: str) -> None:
    """Each kind maps to its CSL type; preprints are `article`, the CSL type Zotero uses."""
    item = by_id(varied_papers())[key]
    assert item["type"] == csl_type
    assert item["id"] == item["citation-key"] == key


def test_arxiv_preprint_is_written_as_zotero_writes_preprints() -> None:
    """An arXiv preprint names arXiv as publisher, `arXiv:ID` as number and links its abs page."""
    item = by_id(varied_papers())["yu2025samgpt"]
    assert item["publisher"] == "arXiv"
    assert item["number"] == "arXiv:2502.05424"
    assert item["URL"] == "https://arxiv.org/abs/2502.05424"
    assert item["custom"]["arxiv"] == "2502.05424v2"
    assert item["custom"]["upvotes"] == 12
    assert item["custom"]["listed"] == "2025-02-07"
    assert item["keyword"] == "graph learning, foundation models"


def test_a_page_of_its_own_beats_the_arxiv_page() -> None:
    """A paper's own page is its URL; the arXiv page is only the fallback."""
    paper = Paper(
        title="A preprint with a landing page",
        arxiv="2401.00001",
        kind=Kind.PREPRINT,
        links=[
            Link("https://github.com/example/code", LinkKind.CODE),
            Link("https://example.org/paper", LinkKind.PAPER_PAGE),
        ],
    )
    (item,) = export([paper])
    assert item["URL"] == "https://example.org/paper"


def test_arxiv_id_of_a_published_paper_is_kept_without_calling_it_a_preprint() -> None:
    """A report with an arXiv id keeps its own type and publisher and records the id."""
    item = by_id(varied_papers())["openai2023gpt4"]
    assert item["author"] == [{"literal": "OpenAI"}]
    assert "publisher" not in item
    assert "number" not in item
    assert item["custom"]["arxiv"] == "2303.08774"


def test_journal_article_fields() -> None:
    """DOI, container, volume, issue, pages and publisher go to their CSL variables."""
    item = by_id(varied_papers())["lecun2015deep"]
    assert item["DOI"] == "10.1038/nature14539"
    assert item["container-title"] == "Nature"
    assert (item["volume"], item["issue"], item["page"]) == ("521", "7553", "436-444")
    assert item["publisher"] == "Springer Nature"
    assert item["issued"] == {"date-parts": [[2015, 5, 28]]}


def test_names_use_csl_name_parts() -> None:
    """Particles, suffixes and organisations go into the CSL name parts made for them."""
    items = by_id(varied_papers())
    assert items["berg2020notes"]["author"] == [
        {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
    ]
    rendered = render_bibliography([items["berg2020notes"]])["berg2020notes"]
    assert rendered.startswith("van der Berg, J.")


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("yu2025samgpt", [[2025, 2, 7]]),
        ("nunez2021corpus", [[2021, 3]]),
        ("djuric2019speech", [[2019]]),
    ],
)
def test_dates_carry_only_the_known_parts(key: str, parts: list[list[int]]) -> None:
    """A date known to the day, the month or the year has exactly those date-parts."""
    assert by_id(varied_papers())[key]["issued"] == {"date-parts": parts}


def test_missing_date_is_left_out() -> None:
    """A paper with no known date has no `issued`, and citeproc prints it as undated."""
    items = by_id(varied_papers())
    assert "issued" not in items["study2024digest"]
    assert "(no date)" in render_bibliography([items["study2024digest"]])["study2024digest"]


def test_text_survives_exactly_and_unescaped() -> None:
    """Non-ASCII is written as UTF-8 and hostile text reads back exactly as the model held it."""
    papers = varied_papers()
    text = paperbib.dumps(papers, "csljson")
    assert "Ærøskøbing études: naïve façades, 北京 and Zürich" in text
    assert "Đurić" in text
    items = {item["id"]: item for item in json.loads(text)}
    assert items["obrien2024quotes"]["title"] == HOSTILE_TITLE
    assert items["obrien2024quotes"]["abstract"] == HOSTILE_ABSTRACT
    assert items["yu2025samgpt"]["title"] == papers[0].title


def test_layout_is_indented_and_ends_with_a_newline() -> None:
    """The file is a two-space indented array ending in a newline, like json.dumps(indent=2)."""
    text = paperbib.dumps(varied_papers()[:2], "csljson")
    assert text.startswith('[\n  {\n    "id": ')
    assert text.endswith("}\n]\n")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_seed_digest_exports_valid_and_renders(seed_path: Path, csl_schema_path: Path) -> None:
    """The real seed digest exports to schema-valid CSL-JSON that citeproc-py renders."""
    import jsonschema

    pytest.importorskip("paperbib.readers.hf_page", reason="the Daily Papers reader is missing")
    papers = paperbib.load(seed_path, as_of=dt.date(2025, 3, 1))
    items = export(list(papers))
    schema = json.loads(csl_schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(items)
    rendered = render_bibliography(items)
    assert len(items) == 45
    for paper, item in zip(papers, items, strict=True):
        assert ("author" in item) == bool(paper.authors)
        assert paper.title is not None
        assert paper.title in rendered[item["id"]]
