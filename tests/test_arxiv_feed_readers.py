"""The readers for the arXiv API's Atom feed and arXiv's daily RSS and Atom feeds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from paper_dump import papers_json
from shared_data import RESEARCH_RAW

import paperbib
from paperbib import registry
from paperbib.errors import InputError
from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, PartialDate, Problem
from paperbib.plugins import ReadContext
from paperbib.readers.arxiv_atom import ArxivAtomReader
from paperbib.readers.arxiv_rss import ArxivRssReader

FIXTURES = Path(__file__).parent / "fixtures"
ARXIV_SAMPLES = RESEARCH_RAW / "arxiv"


def load(name: str) -> paperbib.Digest:
    return paperbib.loads(
        (FIXTURES / name).read_text(encoding="utf-8"), source=f"tests/fixtures/{name}"
    )


def problems_by_line(digest: paperbib.Digest) -> dict[int | None, str]:
    """Each line's problems, their messages joined."""
    lines: dict[int | None, str] = {}
    for problem in digest.problems:
        lines[problem.line] = " | ".join(filter(None, [lines.get(problem.line), problem.message]))
    return lines


@pytest.mark.parametrize(
    "name",
    [
        "arxiv-atom-query.xml",
        "arxiv-atom-broken.xml",
        "arxiv-rss-cs.xml",
        "arxiv-rss-atom.xml",
        "arxiv-rss-broken.xml",
    ],
)
def test_fixtures_read_as_the_reviewed_papers(
    name: str, golden: Callable[[str, str], None]
) -> None:
    """Each feed reads, field by field, into exactly the reviewed papers."""
    golden(name.removesuffix(".xml") + ".papers.json", papers_json(load(name)))


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("arxiv-atom-query.xml", "arxiv-atom"),
        ("arxiv-atom-broken.xml", "arxiv-atom"),
        ("arxiv-atom-error.xml", "arxiv-atom"),
        ("arxiv-atom-bomb.xml", "arxiv-atom"),
        ("arxiv-rss-cs.xml", "arxiv-rss"),
        ("arxiv-rss-atom.xml", "arxiv-rss"),
        ("arxiv-rss-broken.xml", "arxiv-rss"),
    ],
)
def test_feeds_are_recognised_from_their_content(name: str, reader: str) -> None:
    """Without a format name or a file ending, each feed goes to its own reader."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert registry.sniff_reader(text, "", "<string>").name == reader


# --- The API feed -------------------------------------------------------------------


def test_an_api_entry_keeps_ids_names_categories_doi_and_links() -> None:
    """Version, split names, primary category first, DOI, journal reference and typed links."""
    attention, old, mamba = load("arxiv-atom-query.xml")
    assert attention.arxiv == ArxivId("1706.03762", 7)
    assert attention.title == "Attention Is All You Need"
    assert attention.authors[2] == Author(family="Berg", given="Jan", particle="van der")
    assert attention.issued == PartialDate(2017, 6, 12)
    assert (attention.arxiv_category, attention.keywords) == ("cs.CL", ("cs.CL", "cs.LG"))
    assert attention.doi == "10.5555/fixture.1706.03762"
    assert attention.container_title == "Adv. Example Proc. Syst. 30 (2017) 5998-6008"
    assert attention.kind is Kind.PREPRINT
    assert Link("http://arxiv.org/pdf/1706.03762v7", LinkKind.PDF) in attention.links
    assert Link("http://arxiv.org/abs/1706.03762v7", LinkKind.PAPER_PAGE) in attention.links
    assert old.arxiv == ArxivId("hep-th/9901001", 2)
    assert old.authors[0] == Author(literal="The Example Collaboration")
    assert old.authors[1] == Author(family="King", given="Martin Luther", suffix="Jr.")
    assert mamba.arxiv == ArxivId("2312.00752", 2), "the version comes from the abstract link"


def test_api_text_is_cleaned_into_the_model_convention() -> None:
    """Line breaks fold, math stays, text-mode LaTeX decodes, unknown commands stay."""
    (attention, *_) = load("arxiv-atom-query.xml")
    assert attention.abstract is not None
    assert "\n" not in attention.abstract
    assert "a $\\sqrt{d_k}$ scaling" in attention.abstract
    assert "Café menus and 4.5% faster" in attention.abstract
    assert "(\\eg on long inputs)" in attention.abstract


def test_a_broken_entry_is_a_problem_and_the_rest_of_the_feed_reads() -> None:
    """No id: skipped; a bad date or DOI: kept without it; a cut-off entry: reported."""
    digest = load("arxiv-atom-broken.xml")
    assert [str(p.arxiv) for p in digest] == ["2401.00001v1", "2401.00003v2", "2401.00004v1"]
    assert digest[1].issued is None
    assert digest[1].doi is None
    problems = problems_by_line(digest)
    assert sorted(problems) == [14, 20, 35]
    assert "has no <id>" in problems[14]
    assert "'the second of January' is not a date" in problems[20]
    assert "'see the journal' is not a DOI" in problems[20]
    assert "breaks off inside this entry (line 39" in problems[35]


def test_an_api_error_is_a_problem_with_arxivs_message() -> None:
    """The API's error entry is no paper: its message is reported."""
    digest = load("arxiv-atom-error.xml")
    assert len(digest) == 0
    (problem,) = digest.problems
    assert problem.line == 8
    assert problem.message == "arXiv answered with an error: incorrect id format for 2401.123456"


@pytest.mark.parametrize("name", ["arxiv-atom-bomb.xml", "arxiv-atom-external.xml"])
def test_entities_are_refused_before_anything_expands(name: str) -> None:
    """A billion-laughs bomb and an external entity are refused, naming the file and line."""
    with pytest.raises(InputError, match=r"refused: the document declares the entity") as error:
        paperbib.load(FIXTURES / name, "arxiv-atom")
    assert error.value.source == str(FIXTURES / name)
    assert error.value.line == 3
    assert "root:" not in str(error.value), "the external file must never be read"


def test_the_rss_reader_refuses_entities_too() -> None:
    """The announcement-feed reader uses the same defused parser."""
    bomb = (FIXTURES / "arxiv-atom-bomb.xml").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="refused"):
        list(ArxivRssReader().read(bomb, ReadContext("bomb.xml")))


def test_a_document_that_is_no_feed_is_one_problem() -> None:
    """Other XML, and text that is not XML at all, give a problem saying what was expected."""
    (other,) = ArxivAtomReader().read("<html><body/></html>", ReadContext("page.xml"))
    assert isinstance(other, Problem)
    assert "is a <html>, not an Atom <feed>" in other.message
    (garbage,) = ArxivRssReader().read("not xml at all", ReadContext("x.rss"))
    assert isinstance(garbage, Problem)
    assert "this is not XML" in garbage.message


@pytest.mark.parametrize(
    "name",
    [
        "api_query_response_example_user-manual.atom.xml",
        "api_error_response_example_user-manual.atom.xml",
    ],
)
def test_the_arxiv_manual_examples_read(name: str) -> None:
    """The examples of arXiv's API manual read: a paper, or the API's error as a problem."""
    path = ARXIV_SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    digest = paperbib.load(path)
    if "error" in name:
        assert len(digest) == 0
        assert "incorrect id format" in digest.problems[0].message
    else:
        (paper,) = digest
        assert digest.problems == ()
        assert paper.arxiv == ArxivId("hep-ex/0307015", 1)
        assert paper.authors == (Author(literal="H1 Collaboration"),)


# --- The announcement feeds ---------------------------------------------------------


def test_every_announce_type_is_a_paper_with_id_version_and_listing_day() -> None:
    """new, cross, replace and replace-cross items all load, listed on the feed's day."""
    digest = load("arxiv-rss-cs.xml")
    assert digest.problems == ()
    assert [str(p.arxiv) for p in digest] == [
        "2401.04088v1",
        "2401.07777v1",
        "1706.03762v8",
        "2109.01234v3",
    ]
    assert all(p.listed == dt.date(2024, 1, 16) for p in digest)
    assert all(p.kind is Kind.PREPRINT for p in digest)


def test_the_issued_date_is_the_month_of_the_id_and_the_day_of_a_new_announcement() -> None:
    """arXiv numbers a paper in the month it is first announced; a replacement's day is unknown."""
    new, cross, replaced, replaced_cross = load("arxiv-rss-cs.xml")
    assert new.issued == PartialDate(2024, 1, 16)
    assert cross.issued == PartialDate(2024, 1)
    assert replaced.issued == PartialDate(2017, 6)
    assert replaced_cross.issued == PartialDate(2021, 9)


def test_rss_names_categories_doi_and_journal_reference() -> None:
    """Comma-separated creators split (Jr. kept), the first category primary, LaTeX decoded."""
    new, cross, replaced, replaced_cross = load("arxiv-rss-cs.xml")
    assert new.authors[2] == Author(family="Casas", given="Diego", particle="de las")
    assert cross.authors == (
        Author(family="King", given="Martin Luther", suffix="Jr."),
        Author(family="Lovelace", given="Ada"),
    )
    assert (cross.arxiv_category, cross.keywords) == ("stat.ML", ("stat.ML", "cs.CL"))
    assert cross.abstract == "Our own words about estimating $\\beta$ from very few samples."
    assert replaced.doi == "10.5555/fixture.1706.03762"
    assert replaced_cross.container_title == (
        "Journal de l'École d'Exemple, Tome 3 (2022), pp. 1-20"
    )
    assert replaced_cross.title == "A Fixture Paper on Zürich Street Scenes"
    assert new.links == (Link("https://arxiv.org/abs/2401.04088", LinkKind.PAPER_PAGE),)


def test_the_atom_flavour_of_the_announcement_feed_reads_like_rss() -> None:
    """rss.arxiv.org's Atom feed gives the same fields from <id>, <summary> and <published>."""
    mamba, mistral = load("arxiv-rss-atom.xml")
    assert mamba.arxiv == ArxivId("2312.00752", 1)
    assert mamba.issued == PartialDate(2023, 12, 4)
    assert mamba.listed == dt.date(2023, 12, 4)
    assert mamba.authors == (Author(family="Gu", given="Albert"), Author(family="Dao", given="Tri"))
    assert mamba.abstract == "Fixture words about a selective state space model."
    assert (mistral.issued, mistral.doi) == (PartialDate(2023, 10), "10.5555/fixture.2310.06825")


def test_broken_announcements_are_problems_and_the_rest_reads() -> None:
    """No id: skipped; a bad date: kept without it; a cut-off item: reported."""
    digest = load("arxiv-rss-broken.xml")
    assert [str(p.arxiv) for p in digest] == ["2401.00001v1", "2401.00003v1"]
    assert digest[1].listed is None
    assert digest[1].issued == PartialDate(2024, 1)
    problems = problems_by_line(digest)
    assert sorted(problems) == [17, 24, 34]
    assert "names no arXiv id" in problems[17]
    assert "'sometime on Tuesday' is not a date" in problems[24]
    assert "breaks off inside this entry" in problems[34]


def test_the_rss_specification_example_reads() -> None:
    """The item assembled from arXiv's RSS specification reads with its DOI and journal."""
    path = ARXIV_SAMPLES / "rss_item_example_from_spec.xml"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    (paper,) = paperbib.load(path)
    assert paper.arxiv == ArxivId("2203.01250", 3)
    assert paper.doi == "10.5802/jep.257"
    assert paper.arxiv_category == "math.AP"
    assert paper.container_title is not None
    assert paper.container_title.startswith("Journal de l'École polytechnique")


@pytest.mark.parametrize(
    "text",
    [
        "<rss version='2.0'><channel><title>Some blog</title></channel></rss>",
        "<feed xmlns='http://www.w3.org/2005/Atom'><id>urn:blog</id></feed>",
        "arXiv:2401.01234 is a paper I liked.",
    ],
)
def test_other_feeds_and_text_are_not_taken_for_arxiv_feeds(text: str) -> None:
    """Neither reader claims a blog's feed or prose that mentions an arXiv id."""
    assert not ArxivAtomReader().sniff(text)
    assert not ArxivRssReader().sniff(text)
