"""The reader for the Hugging Face Daily Papers JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from paper_dump import papers_json

import paperbib
from paperbib.model import (
    ArxivId,
    Author,
    Kind,
    Link,
    LinkKind,
    Paper,
    PartialDate,
    Problem,
)
from paperbib.plugins import ReadContext
from paperbib.readers.hf_json import DailyPapersJsonReader

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 11, 27)


def load(name: str) -> paperbib.Digest:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return paperbib.loads(text, "hf-json", source=f"tests/fixtures/{name}", as_of=AS_OF)


def read(value: Any) -> list[Paper | Problem]:
    text = json.dumps(value, indent=2)
    return list(DailyPapersJsonReader().read(text, ReadContext("papers.json", AS_OF)))


def paper_and_problems(records: list[Paper | Problem]) -> tuple[Paper, list[Problem]]:
    (paper,) = [r for r in records if isinstance(r, Paper)]
    return paper, [r for r in records if isinstance(r, Problem)]


def item(**paper: Any) -> dict[str, Any]:
    fields = {"id": "2401.04088", "title": "Mixtral of Experts", **paper}
    return {"paper": {k: v for k, v in fields.items() if v is not None}}


@pytest.mark.parametrize(
    "name",
    [
        "hf-json-daily.json",
        "hf-json-item.json",
        "hf-json-paper.json",
        "hf-json-search.json",
        "hf-json-broken.json",
    ],
)
def test_fixtures_read_as_the_reviewed_papers(
    name: str, golden: Callable[[str, str], None]
) -> None:
    """Each shape of the JSON reads, field by field, into exactly the reviewed papers."""
    golden(name.removesuffix(".json") + ".papers.json", papers_json(load(name)))


def test_the_daily_list_keeps_ids_authors_dates_links_and_upvotes() -> None:
    """A daily-list item gives its arXiv id, names, both dates, typed links and upvotes."""
    digest = load("hf-json-daily.json")
    assert digest.problems == ()
    mamba, mixtral, rerank = digest
    assert mamba.arxiv == ArxivId("2312.00752")
    assert mamba.authors == (
        Author(family="Gu", given="Albert"),
        Author(family="Dao", given="Tri"),
    )
    assert mamba.author_count is None
    assert mamba.issued == PartialDate(2023, 12, 1)
    assert mamba.listed == dt.date(2023, 12, 4)
    assert mamba.upvotes == 187
    assert mamba.kind is Kind.PREPRINT
    assert mamba.links == (
        Link("https://huggingface.co/papers/2312.00752", LinkKind.PAPER_PAGE),
        Link("https://github.com/state-spaces/mamba", LinkKind.CODE),
    )
    assert len(mixtral.authors) == 26
    assert Author(family="Casas", given="Diego", particle="de las") in mixtral.authors
    assert Link("https://mistral.ai/news/mixtral-of-experts/", LinkKind.PROJECT) in mixtral.links
    assert rerank.upvotes == 0


def test_machine_written_summaries_and_keywords_are_not_used() -> None:
    """``ai_summary`` never becomes the abstract and ``ai_keywords`` are not keywords."""
    for paper in load("hf-json-daily.json"):
        assert paper.abstract is not None
        assert "written by a model" not in paper.abstract
        assert paper.keywords == ()
    (paper,) = read(item(ai_summary="Machine words.", ai_keywords=["x"]))
    assert isinstance(paper, Paper)
    assert paper.abstract is None
    assert paper.keywords == ()


def test_text_is_cleaned_into_the_model_convention() -> None:
    """Titles lose their line breaks and keep math; abstracts decode LaTeX escapes."""
    rerank = load("hf-json-daily.json")[2]
    assert rerank.title == "Re$^2$Rank: Reranking Retrieved Passages with Small Models"
    assert rerank.abstract is not None
    assert "97.5% of the accuracy" in rerank.abstract
    assert "ten times larger on Café-style" in rerank.abstract
    assert "(\\eg recipes)" in rerank.abstract


def test_hidden_authors_and_suffixes_are_kept() -> None:
    """An author hidden on the Hub is still an author; ``Jr.`` is a suffix."""
    rerank = load("hf-json-daily.json")[2]
    assert rerank.authors == (
        Author(family="Brown", given="Robert", suffix="Jr."),
        Author(family="Fuente", given="Ana María", particle="de la"),
        Author(family="Zhang", given="Wei"),
        Author(family="Moreau", given="Jean-Luc"),
    )


def test_links_in_the_abstract_join_the_structured_ones_once() -> None:
    """URLs in the abstract are added after the paper page, code and project links."""
    rerank = load("hf-json-daily.json")[2]
    assert [link.kind for link in rerank.links] == [
        LinkKind.PAPER_PAGE,
        LinkKind.CODE,
        LinkKind.PROJECT,
        LinkKind.OTHER,
    ]
    (paper,) = read(
        item(githubRepo="https://github.com/a/b", summary="Code: https://github.com/a/b.")
    )
    assert isinstance(paper, Paper)
    assert [link.url for link in paper.links].count("https://github.com/a/b") == 1


def test_a_flat_paper_is_listed_on_the_day_it_was_submitted_to_the_daily_list() -> None:
    """``/api/papers/ID`` has no item: ``submittedOnDailyAt`` is its listing day."""
    (paper,) = load("hf-json-paper.json")
    assert paper.arxiv == ArxivId("2305.18290")
    assert paper.issued == PartialDate(2023, 5, 29)
    assert paper.listed == dt.date(2023, 5, 30)
    assert paper.authors[4] == Author(family="Manning", given="Christopher D.")


def test_a_single_item_and_minified_search_results_read() -> None:
    """One item on its own, and search results on one line, give their papers."""
    (ssd,) = load("hf-json-item.json")
    assert ssd.arxiv == ArxivId("2405.21060")
    assert ssd.listed == dt.date(2024, 6, 3)
    search = load("hf-json-search.json")
    assert [p.arxiv for p in search] == [ArxivId("2205.14135"), ArxivId("2106.09685")]
    assert search[0].authors[-1] == Author(family="Ré", given="Christopher")
    assert {p.provenance["title"].location for p in search} == {
        "tests/fixtures/hf-json-search.json:1"
    }


def test_provenance_names_the_line_each_item_starts_on() -> None:
    """Every field of a paper is credited to hf-json at the line its item opens."""
    text = (FIXTURES / "hf-json-daily.json").read_text(encoding="utf-8").split("\n")
    for paper in load("hf-json-daily.json"):
        where = paper.provenance["arxiv"]
        assert where.source == "hf-json"
        assert where.location is not None
        line = int(where.location.rpartition(":")[2])
        assert text[line - 1] == "  {"
        assert f'"id": "{paper.arxiv}"' in text[line + 1]
        assert paper.provenance["upvotes"] == where


def test_broken_items_are_problems_naming_their_index_and_the_rest_loads() -> None:
    """Missing title, bad id, a non-object and a cut-off end are problems at their lines."""
    digest = load("hf-json-broken.json")
    assert [p.title for p in digest] == [
        "A First Paper That Reads Fine",
        "A Paper With Broken Fields",
        "A Last Paper That Reads Fine",
    ]
    problems = [(p.line, p.message) for p in digest.problems]
    assert [line for line, _ in problems] == [14, 24, 32, 32, 32, 32, 47, 59]
    messages = [message for _, message in problems]
    assert messages[0].startswith("item 1: arXiv:2501.99011 has no 'title'")
    assert messages[1].startswith("item 2: 'id' 'not-an-arxiv-id' is not an arXiv id")
    assert all(m.startswith("item 3 ('A Paper With Broken Fields'): ") for m in messages[2:6])
    assert "1 of its 2 author entries have no name" in messages[2]
    assert "'publishedAt' 'last Tuesday' is not an ISO date" in messages[3]
    assert "'upvotes' 'many' is not a count" in messages[4]
    assert (
        "'githubRepo' 'github.com/example-lab/broken-fields' is not a web address" in (messages[5])
    )
    assert messages[6] == "item 4: a string where a paper object should be; it was skipped"
    assert messages[7].startswith("item 6 is cut off at line 64, column ")
    assert "truncated" in messages[7]
    assert "the items before it were read" in messages[7]


def test_a_field_that_cannot_be_read_is_left_out_not_guessed() -> None:
    """The paper with broken fields keeps its good ones and counts the unnamed author."""
    broken = load("hf-json-broken.json")[1]
    assert broken.issued is None
    assert broken.upvotes is None
    assert broken.listed == dt.date(2025, 1, 21)
    assert broken.authors == (Author(family="Vogel", given="Lena"),)
    assert broken.author_count == 2
    assert broken.authors_incomplete
    assert [link.kind for link in broken.links] == [LinkKind.PAPER_PAGE]


@pytest.mark.parametrize("cut", [1, 100, 700, 1500])
def test_any_truncation_keeps_the_items_before_the_cut(cut: int) -> None:
    """Cutting a download anywhere gives the whole items before the cut and one problem."""
    text = (FIXTURES / "hf-json-daily.json").read_text(encoding="utf-8")[:cut]
    whole_items = text.count("\n  }")  # an item's closing brace, two spaces in
    records = list(DailyPapersJsonReader().read(text, ReadContext("daily.json", AS_OF)))
    *papers, problem = records
    assert len(papers) == whole_items
    assert all(isinstance(p, Paper) for p in papers)
    assert isinstance(problem, Problem)
    assert "looks truncated" in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[{"paper": {"id": "2401.04088", "title": "T"}} {"paper": {}}]',
            "Expecting ','",
        ),
        (
            '[{"paper": {"id": "2401.04088", "title": "T"}},]',
            "item 1 is not valid JSON",
        ),
        (
            '{"id": "2401.04088", "title": "T"}\n{"id": "2401.04089"}',
            "more text after the end",
        ),
    ],
)
def test_malformed_json_after_a_good_item_is_reported_and_the_item_kept(
    text: str, message: str
) -> None:
    """Bad syntax after an item is one problem; the item before it still loads."""
    paper, problem = DailyPapersJsonReader().read(text, ReadContext("x.json", AS_OF))
    assert isinstance(paper, Paper)
    assert paper.title == "T"
    assert isinstance(problem, Problem)
    assert message in problem.message


@pytest.mark.parametrize(
    "value",
    [
        [],
        [{"paper": "not an object"}],
        [{"thumbnail": "https://example.org/x.png"}],
        [None, 3, True],
    ],
)
def test_values_that_are_no_papers_give_problems_not_papers(value: Any) -> None:
    """Anything that is not a paper object is reported, one problem per item."""
    records = read(value)
    assert all(isinstance(r, Problem) for r in records)
    assert len(records) == len(value)


def test_an_id_with_a_version_keeps_it_but_links_the_versionless_page() -> None:
    """``2401.04088v2`` keeps version 2; the Hub's paper page has no version."""
    (paper,) = read(item(id="2401.04088v2"))
    assert isinstance(paper, Paper)
    assert paper.arxiv == ArxivId("2401.04088", 2)
    assert paper.links[0].url == "https://huggingface.co/papers/2401.04088"


def test_the_item_title_stands_in_for_a_missing_paper_title() -> None:
    """An item whose paper object lacks a title uses the item-level title."""
    value = item(title=None)
    value["title"] = "Mixtral of Experts"
    (paper,) = read(value)
    assert isinstance(paper, Paper)
    assert paper.title == "Mixtral of Experts"


@pytest.mark.parametrize("upvotes", [-1, 2.5, True, "3"])
def test_upvotes_must_be_a_whole_count(upvotes: Any) -> None:
    """Negative, fractional, boolean or quoted upvotes are reported and left out."""
    paper, (problem,) = paper_and_problems(read([item(upvotes=upvotes)]))
    assert paper.upvotes is None
    assert "'upvotes'" in problem.message


def test_crlf_and_a_bom_read_like_plain_json() -> None:
    """A BOM and CRLF line ends change neither the papers nor their line numbers."""
    text = (FIXTURES / "hf-json-daily.json").read_text(encoding="utf-8")
    plain = list(DailyPapersJsonReader().read(text, ReadContext("d.json", AS_OF)))
    windows = "\ufeff" + text.replace("\n", "\r\n")
    assert list(DailyPapersJsonReader().read(windows, ReadContext("d.json", AS_OF))) == plain
    assert [
        p.provenance["title"]
        for p in DailyPapersJsonReader().read(windows, ReadContext("d.json"))
        if isinstance(p, Paper)
    ] == [p.provenance["title"] for p in plain if isinstance(p, Paper)]


@pytest.mark.parametrize(
    "text",
    [
        '[{"id": "ITEM-1", "type": "article-journal", "title": "A", "DOI": "10.1000/x"}]',
        '[{"id": "a2024", "type": "article", "title": "A", "custom": {"upvotes": 3}}]',
        '{"items": [{"title": "Attention Is All You Need"}]}',
        '[{"title": "quoted key \\"upvotes\\": 3 in a string"}]',
        "upvotes: 3\npaper: {id: 1}\n",
    ],
)
def test_other_json_and_text_are_not_taken_for_the_hub_s_json(text: str) -> None:
    """CSL-JSON, other JSON and a quoted key inside a string are not sniffed as hf-json."""
    assert not DailyPapersJsonReader().sniff(text)
