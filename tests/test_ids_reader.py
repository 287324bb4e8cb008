"""The reader for DOIs, arXiv ids and paper links in free text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from paper_dump import papers_json

import paperbib
from paperbib.model import ArxivId, Kind, Link, LinkKind, Paper, Problem
from paperbib.plugins import ReadContext
from paperbib.readers.ids import IdentifierReader

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 11, 27)


def load(name: str) -> paperbib.Digest:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return paperbib.loads(text, "ids", source=f"tests/fixtures/{name}", as_of=AS_OF)


def read(text: str, as_of: dt.date = AS_OF) -> list[Paper | Problem]:
    return list(IdentifierReader().read(text, ReadContext("ids.txt", as_of)))


def identifiers(text: str, as_of: dt.date = AS_OF) -> list[str]:
    """What each paper read from ``text`` is named by: its arXiv id, else its DOI."""
    return [
        str(r.arxiv) if r.arxiv is not None else str(r.doi)
        for r in read(text, as_of)
        if isinstance(r, Paper)
    ]


@pytest.mark.parametrize("name", ["ids-list.txt", "ids-prose.txt", "ids-garbage.txt"])
def test_fixtures_read_as_the_reviewed_papers(
    name: str, golden: Callable[[str, str], None]
) -> None:
    """Each identifier text reads, field by field, into exactly the reviewed papers."""
    golden(name.removesuffix(".txt") + ".papers.json", papers_json(load(name)))


def test_a_list_gives_one_paper_per_identifier_in_every_written_form() -> None:
    """DOIs, ``arXiv:`` ids, bare ids of both styles and the three kinds of link all read."""
    digest = load("ids-list.txt")
    assert digest.problems == ()
    assert [(str(p.arxiv) if p.arxiv else None, p.doi) for p in digest] == [
        ("1706.03762v5", None),
        ("2401.04088v2", None),
        ("2312.00752", None),
        ("2405.21060v1", None),
        ("2305.18290", None),
        (None, "10.1038/s41586-021-03819-2"),
        (None, "10.1145/3442188.3445922"),
        (None, "10.1016/s0140-6736(20)30183-5"),
        ("2106.09685", "10.48550/arxiv.2106.09685"),
        ("hep-th/9711200", None),
        ("math.GT/0309136", None),
        ("2205.14135", None),
        (None, "10.1145/3458817.3476209"),
    ]


def test_papers_hold_only_their_identifier_and_the_link_they_came_as() -> None:
    """No title or author is invented; a URL is kept as a typed link, a bare id gives none."""
    digest = load("ids-list.txt")
    for paper in digest:
        assert paper.title is None
        assert paper.authors == ()
        assert paper.issued is None
    by_id = {str(p.arxiv or p.doi): p for p in digest}
    assert by_id["2312.00752"].links == (
        Link("https://arxiv.org/abs/2312.00752", LinkKind.PAPER_PAGE),
    )
    assert by_id["2405.21060v1"].links == (
        Link("https://arxiv.org/pdf/2405.21060v1", LinkKind.PDF),
    )
    assert by_id["2305.18290"].links == (
        Link("https://huggingface.co/papers/2305.18290", LinkKind.PAPER_PAGE),
    )
    assert by_id["1706.03762v5"].links == ()
    assert by_id["2305.18290"].kind is Kind.PREPRINT
    assert by_id["10.1038/s41586-021-03819-2"].kind is Kind.OTHER


def test_the_same_paper_named_twice_is_one_paper_at_its_first_line() -> None:
    """Repeats, other versions and other links of one paper merge; the highest version wins."""
    digest = load("ids-prose.txt")
    assert digest.problems == ()
    assert [str(p.arxiv or p.doi) for p in digest] == [
        "1706.03762",
        "2106.09685v2",
        "10.1038/s41586-021-03819-2",
        "10.1145/3442188.3445922",
        "10.1016/s0140-6736(20)30183-5",
    ]
    lora = digest[1]
    assert lora.links == (
        Link("https://arxiv.org/abs/2106.09685v2", LinkKind.PAPER_PAGE),
        Link("https://huggingface.co/papers/2106.09685", LinkKind.PAPER_PAGE),
    )
    assert lora.provenance["arxiv"].location == "tests/fixtures/ids-prose.txt:4"
    assert identifiers("arXiv:2401.04088\n2401.04088v3\narXiv:2401.04088v1\n") == ["2401.04088v3"]


def test_arxiv_s_own_doi_and_its_id_are_one_paper() -> None:
    """``10.48550/arXiv.X`` is the DOI of arXiv paper X, so it joins ``arXiv:X``."""
    (paper,) = read("arXiv:2106.09685\nhttps://doi.org/10.48550/arXiv.2106.09685\n")
    assert isinstance(paper, Paper)
    assert paper.arxiv == ArxivId("2106.09685")
    assert paper.doi == "10.48550/arxiv.2106.09685"


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("See 10.1000/xyz.", "10.1000/xyz"),
        ("(see 10.1000/xyz).", "10.1000/xyz"),
        ("(doi:10.1000/xyz)", "10.1000/xyz"),
        ("10.1000/xyz, 10.1000/abc;", "10.1000/xyz"),
        ('"10.1000/xyz"', "10.1000/xyz"),
        ("<10.1000/xyz>", "10.1000/xyz"),
        ("[link](https://doi.org/10.1000/xyz)", "10.1000/xyz"),
        ("10.1016/S0140-6736(20)30183-5.", "10.1016/s0140-6736(20)30183-5"),
        ("https://doi.org/10.1000%2Fxyz", "10.1000/xyz"),
    ],
)
def test_punctuation_around_a_doi_is_not_part_of_it(text: str, doi: str) -> None:
    """Trailing dots, commas, quotes and unbalanced brackets end a DOI; balanced ones stay."""
    assert identifiers(text)[0] == doi


@pytest.mark.parametrize(
    "text",
    [
        "version 1.2345 of the tool",
        "the 2023.12345 build",  # no month 23
        "release 2.0.1706.03762",  # inside a longer number
        "1706.0376 is one digit short",  # 2017 ids have five digits
        "1412.12345 has one digit too many",  # 2014 ids have four
        "0612.1234 comes before new-style ids began",
        "https://github.com/lab/code-2401.04088 and https://example.org/2401.04088.pdf",
        "the file ab/1234567 and foo/9901001",  # no such archives
        "posted on arXiv: see below",
        "a ratio of 3.14159 and a score of 0.8123",
    ],
)
def test_numbers_and_links_that_are_no_identifiers_give_nothing(text: str) -> None:
    """Version numbers, build numbers, impossible months and other sites' links are not ids."""
    assert read(text) == []


def test_a_bare_id_from_the_future_is_not_an_id() -> None:
    """A bare id whose month had not come by the day of reading is some other number."""
    assert identifiers("2612.01234", as_of=dt.date(2026, 11, 27)) == []
    assert identifiers("2611.01234", as_of=dt.date(2026, 11, 27)) == ["2611.01234"]
    assert identifiers("arXiv:2612.01234", as_of=dt.date(2026, 11, 27)) == ["2612.01234"]


def test_broken_identifiers_are_problems_and_the_rest_loads() -> None:
    """Would-be identifiers are reported at their lines; headings are passed over."""
    digest = load("ids-garbage.txt")
    assert [str(p.arxiv or p.doi) for p in digest] == [
        "2401.04088",
        "10.1038/s41586-021-03819-2",
        "2312.00752v3",
    ]
    problems = {problem.line: problem.message for problem in digest.problems}
    assert sorted(problems) == [4, 5, 8, 9]
    assert problems[4].startswith("'arXiv:2401.0x123' is not an arXiv id")
    assert problems[5].startswith("the link https://doi.org/not-a-doi names no paper")
    assert problems[8].startswith("'2313.01234' looks like an identifier but is none")
    assert problems[9].startswith("the link https://huggingface.co/papers/oops names no paper")


def test_a_line_of_words_is_no_problem() -> None:
    """Headings and prose around identifiers are not reported."""
    assert identifiers("Reading list\n\n- 10.1000/xyz\n") == ["10.1000/xyz"]
    assert [r for r in read("Reading list\n\n- 10.1000/xyz\n") if isinstance(r, Problem)] == []


def test_a_doi_cut_after_its_slash_is_a_problem() -> None:
    """``10.1000/`` followed by punctuation is reported, not read as a DOI."""
    (problem,) = read("10.1000/).\n")
    assert isinstance(problem, Problem)
    assert "'10.1000/' is not a whole DOI" in problem.message


def test_crlf_and_a_bom_read_like_plain_text() -> None:
    """CRLF line ends and a BOM change neither the papers nor their lines."""
    text = (FIXTURES / "ids-list.txt").read_text(encoding="utf-8")
    assert read("\ufeff" + text.replace("\n", "\r\n")) == read(text)


@pytest.mark.parametrize(
    "text",
    [
        '[{"DOI": "10.1000/xyz", "type": "article-journal"}]',
        "@article{a,\n  doi = {10.1000/xyz},\n  title = {A},\n  year = {2020}\n}\n",
        "TY  - JOUR\nTI  - A Title\nDO  - 10.1000/xyz\nPY  - 2020\nER  - \n",
        "A paragraph of prose\nthat mentions one paper,\narXiv:1706.03762, in passing.\n",
    ],
)
def test_structured_formats_and_prose_with_few_ids_are_not_sniffed_as_ids(text: str) -> None:
    """JSON, BibTeX, RIS and prose where identifiers are a minority are left to other readers."""
    assert not IdentifierReader().sniff(text)


def test_a_list_of_identifiers_is_sniffed() -> None:
    """Text whose lines are mostly identifiers is recognised."""
    assert IdentifierReader().sniff("# to read\n10.1000/xyz\narXiv:1706.03762\n")
