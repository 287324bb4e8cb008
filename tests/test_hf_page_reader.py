"""The reader for a copied Hugging Face Daily Papers page."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from paper_dump import papers_json

import paperbib
from paperbib import registry
from paperbib.errors import InputError
from paperbib.model import Kind, Link, LinkKind, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext
from paperbib.readers.hf_page import DailyPapersPageReader

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = ROOT / "examples" / "daily-papers.txt"
SEED_AS_OF = dt.date(2026, 11, 27)


def read(text: str, as_of: dt.date = SEED_AS_OF) -> list[Paper | Problem]:
    return list(DailyPapersPageReader().read(text, ReadContext("page.txt", as_of)))


def papers(text: str, as_of: dt.date = SEED_AS_OF) -> list[Paper]:
    records = read(text, as_of)
    assert all(isinstance(r, Paper) for r in records), records
    return [r for r in records if isinstance(r, Paper)]


def block(title: str, date: str, abstract: str = "An abstract.", authors: int = 2) -> str:
    return f"{title}\n\n{abstract}\n\n  • {authors} authors\n·\n{date}\n\n"


# --- The real seed page ------------------------------------------------------------


@pytest.fixture
def seed(seed_path: Path) -> paperbib.Digest:
    return paperbib.load(seed_path, as_of=SEED_AS_OF)


def by_title(digest: paperbib.Digest, start: str) -> Paper:
    matches = [p for p in digest if p.title and p.title.startswith(start)]
    assert len(matches) == 1, [p.title for p in matches]
    return matches[0]


def test_seed_reads_as_45_papers_without_problems(seed: paperbib.Digest) -> None:
    """Every paper of the real page loads, as a preprint with title, abstract and count."""
    assert len(seed) == 45
    assert seed.problems == ()
    for paper in seed:
        assert paper.title
        assert paper.abstract
        assert paper.kind is Kind.PREPRINT
        assert paper.issued is not None
        assert paper.listed is not None
        assert (paper.issued.year, paper.issued.month, paper.issued.day) == (
            paper.listed.year,
            paper.listed.month,
            paper.listed.day,
        )


def test_seed_author_counts_match_the_page_and_no_names_are_invented(
    seed: paperbib.Digest, seed_path: Path
) -> None:
    """Each paper keeps its page's author count and no author names."""
    page = seed_path.read_text(encoding="utf-8")
    counts = [int(n) for n in re.findall(r"^\s*•\s*(\d+) authors?\s*$", page, re.M)]
    assert [p.author_count for p in seed] == counts
    assert all(p.authors == () for p in seed)
    assert 1 in counts


def test_seed_upvotes_are_read_only_where_the_page_shows_them(
    seed: paperbib.Digest, seed_path: Path
) -> None:
    """A number after the date is the upvote count; no number means unknown, not zero."""
    page = seed_path.read_text(encoding="utf-8")
    shown = re.findall(r"^[A-Z][a-z]{2} \d{1,2}(?:, \d{4})?(?: (\d+))?$", page, re.M)[1:]
    assert [p.upvotes for p in seed] == [int(n) if n else None for n in shown]


def test_seed_dates_resolve_against_the_page_date(seed: paperbib.Digest) -> None:
    """Year-less dates fall on or before the page's Dec 11, itself resolved to 2025."""
    assert by_title(seed, "SAMGPT:").issued == PartialDate(2025, 2, 7)
    assert by_title(seed, "SAMGPT:").listed == dt.date(2025, 2, 7)
    assert by_title(seed, "Evaluating Self-Supervised").issued == PartialDate(2024, 12, 26)
    openbeats = by_title(seed, "OpenBEATs:")
    assert openbeats.issued == PartialDate(2025, 7, 18)
    assert openbeats.upvotes == 1
    assert all(p.listed is not None and p.listed <= dt.date(2025, 12, 11) for p in seed)
    old = [p for p in seed if p.listed == dt.date(2020, 7, 30)]
    assert [p.upvotes for p in old] == [1]


def test_seed_titles_keep_their_math(seed: paperbib.Digest) -> None:
    """``Re$^3$Dial`` keeps its math span in the title."""
    assert by_title(seed, "Re$^3$Dial:").title is not None


def test_seed_abstracts_are_decoded_but_unknown_commands_kept(seed: paperbib.Digest) -> None:
    """``\\%`` and ``\\textbf`` are decoded; ``\\eg`` stays as the literal text it was."""
    abstracts = " ".join(p.abstract or "" for p in seed)
    assert "\\%" not in abstracts
    assert "\\textbf" not in abstracts
    assert "\\eg " in abstracts


def test_seed_links_are_trimmed_and_typed(seed: paperbib.Digest) -> None:
    """URLs in abstracts become typed links without trailing dots or ``{...}`` labels."""
    links = {link for paper in seed for link in paper.links}
    assert Link("https://github.com/ICTMCG/M3FEND", LinkKind.CODE) in links
    assert Link("https://huggingface.co/InfiX-ai/InfiMed-Foundation-4B", LinkKind.OTHER) in links
    assert Link("https://shikhar-s.github.io/OpenBEATs", LinkKind.PROJECT) in links
    assert not any(link.url.endswith((".", ",", "}")) for link in links)


def test_seed_provenance_names_the_title_line(seed: paperbib.Digest, seed_path: Path) -> None:
    """Each field is credited to hf-page at the file and line of the paper's title."""
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    for paper in seed:
        where = paper.provenance["title"]
        assert where.source == "hf-page"
        assert where.location is not None
        source, _, line = where.location.rpartition(":")
        assert source == str(seed_path)
        assert lines[int(line) - 1] == paper.title
        assert paper.provenance["author_count"] == where


# --- Our own fixtures --------------------------------------------------------------


def test_small_page_reads_every_kind_of_block() -> None:
    """Math and non-ASCII titles, LaTeX abstracts, 1 author, no abstract and two paragraphs."""
    digest = paperbib.load(FIXTURES / "hf-page-small.txt", as_of=SEED_AS_OF)
    assert digest.problems == ()
    sim, zurich, note, curriculum = digest
    assert sim.title == "Sim$^2$Real: Transferring Grasps from Simulation to a Real Arm"
    assert sim.abstract is not None
    assert "policy only in simulation and measure a 12.5% gain" in sim.abstract
    assert "\\eg on glass" in sim.abstract
    assert "Café-style" in sim.abstract
    assert sim.links == (Link("https://github.com/example-lab/sim2real-grasp", LinkKind.CODE),)
    assert (sim.issued, sim.upvotes, sim.author_count) == (PartialDate(2026, 2, 7), 3, 6)

    assert zurich.title == "Zürich Street Scenes: A Benchmark for Cyclist Detection"
    assert zurich.author_count == 1
    assert zurich.authors == ()
    assert zurich.issued == PartialDate(2021, 9, 3)
    assert zurich.upvotes is None
    assert zurich.links == (
        Link("https://example-lab.github.io/zurich-cyclists/", LinkKind.PROJECT),
        Link("https://example.org/zurich.pdf", LinkKind.PDF),
        Link("https://huggingface.co/papers/2109.01234", LinkKind.PAPER_PAGE),
    )

    assert note.title == "A Short Note on Where to Put Layer Normalization"
    assert note.abstract is None
    assert (note.issued, note.upvotes) == (PartialDate(2024, 12, 30), 12)

    assert curriculum.abstract == (
        "Ordering training examples from easy to hard helps small models. "
        "It helps large ones much less."
    )
    assert curriculum.issued == PartialDate(2026, 3, 1)


def test_crlf_and_bom_files_read_like_plain_ones(tmp_path: Path) -> None:
    """A page saved with a BOM and CRLF line ends loads the same papers, lines and all."""
    plain = FIXTURES / "hf-page-small.txt"
    windows = tmp_path / "hf-page-small.txt"
    windows.write_bytes(codecs.BOM_UTF8 + plain.read_bytes().replace(b"\n", b"\r\n"))
    expected = paperbib.load(plain, as_of=SEED_AS_OF)
    loaded = paperbib.load(windows, as_of=SEED_AS_OF)
    assert loaded.problems == ()
    assert [attrs.evolve(p, provenance={}) for p in loaded] == [
        attrs.evolve(p, provenance={}) for p in expected
    ]
    assert loaded[1].provenance["title"].location == f"{windows}:21"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_read_called_directly_copes_with_carriage_returns_and_a_bom(newline: str) -> None:
    """``read`` itself tolerates CR line ends and a BOM that no file loader removed."""
    text = "\ufeff" + block("A Title", "Feb 7 2", authors=1).replace("\n", newline)
    (paper,) = papers(text)
    assert (paper.title, paper.abstract, paper.author_count) == ("A Title", "An abstract.", 1)
    assert paper.upvotes == 2
    assert paper.provenance["title"].location == "page.txt:1"


def test_a_mangled_block_is_a_problem_and_the_rest_loads() -> None:
    """Each unreadable block is reported at its line with what to do; good blocks all load."""
    digest = paperbib.load(FIXTURES / "hf-page-mangled.txt", as_of=SEED_AS_OF)
    assert [p.title for p in digest] == [
        "A First Paper That Reads Fine",
        "A Second Paper That Reads Fine",
        "A Third Paper That Reads Fine",
    ]
    assert [p.provenance["title"].location for p in digest] == [
        f"{FIXTURES / 'hf-page-mangled.txt'}:{line}" for line in (5, 28, 45)
    ]
    problems = {problem.line: problem.message for problem in digest.problems}
    assert list(problems) == [19, 25, 35, 43, 51]
    assert "Feb 30" in problems[19]
    assert "not a day of the calendar" in problems[19]
    assert "no date after it" in problems[25]
    assert "'A Paper Whose Date Was Cut Off'" in problems[25]
    assert "no title above it" in problems[35]
    assert "'Foo' is not a month" in problems[43]
    assert "belongs to no paper" in problems[51]
    assert all("such as 'Feb 7'" in problems[line] for line in (19, 25, 43))
    assert all(p.source == str(FIXTURES / "hf-page-mangled.txt") for p in digest.problems)


def test_every_block_is_either_a_paper_or_a_problem() -> None:
    """No block is lost silently: each authors line gave a paper or a problem."""
    text = (FIXTURES / "hf-page-mangled.txt").read_text(encoding="utf-8")
    records = read(text)
    stray_text = [r for r in records if isinstance(r, Problem) and "no paper" in r.message]
    assert len(stray_text) == 1
    assert len(records) - len(stray_text) == text.count("•")


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff\r\n"])
def test_empty_input_is_an_input_error_and_yields_nothing(text: str) -> None:
    """An empty page is refused by the loader, and the reader itself finds nothing in it."""
    with pytest.raises(InputError, match="empty"):
        paperbib.loads(text, "hf-page")
    assert read(text) == []


def test_a_page_of_only_navigation_has_no_papers_and_no_problems() -> None:
    """Header and navigation lines are page furniture, not records."""
    page = "new\n\nDaily Papers\n\nbyAK and the research community\n\nDec 11\n\nLoad more\n"
    assert read(page) == []


def test_navigation_lines_between_blocks_are_dropped() -> None:
    """Known navigation lines anywhere on the page are skipped without a problem."""
    page = (
        "Submit paper\n\n"
        + block("First", "Feb 7")
        + "Previous\n\nNext\n\n"
        + block("Second", "Feb 8")
        + "Load more\n"
    )
    assert [p.title for p in papers(page)] == ["First", "Second"]


def test_unknown_lines_before_the_page_date_are_reported_not_taken_as_a_title() -> None:
    """Text above the page date becomes a problem instead of corrupting the first paper."""
    page = "Trending papers\n\nDec 11\n\n" + block("Real Title", "Feb 7")
    problem, paper = read(page)
    assert isinstance(problem, Problem)
    assert problem.line == 1
    assert isinstance(paper, Paper)
    assert paper.title == "Real Title"


def test_an_abstract_without_its_title_is_a_problem() -> None:
    """A block whose only line is far longer than any title is reported as title-less."""
    abstract = "This sentence stands in for an abstract. " * 15
    (problem,) = read(f"{abstract}\n\n  • 3 authors\n·\nFeb 7\n")
    assert isinstance(problem, Problem)
    assert "no title line" in problem.message
    assert problem.line == 1


def test_a_block_without_its_authors_line_is_a_problem_and_keeps_the_page_date() -> None:
    """A block that lost its authors line is reported; its date does not become the page's."""
    page = "Dec 11\n\nLost Authors\n\nAn abstract.\n\n·\nMar 3\n\n" + block("Following", "Dec 12")
    problem, paper = read(page, dt.date(2026, 11, 27))
    assert isinstance(problem, Problem)
    assert problem.line == 3
    assert "no '• N authors' line" in problem.message
    assert isinstance(paper, Paper)
    assert paper.title == "Following"
    assert paper.issued == PartialDate(2024, 12, 12)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (block("Title", "Feb 7, 0000"), "Feb 7, 0000 is not a day of the calendar"),
        ("Jan 1, 0001\n\n" + block("Title", "Dec 31"), "no year on or before 0001-01-01"),
    ],
)
def test_dates_outside_the_calendar_are_problems(page: str, message: str) -> None:
    """Years the calendar cannot hold are reported, not raised."""
    (problem,) = read(page)
    assert isinstance(problem, Problem)
    assert message in problem.message


_LINES = st.sampled_from(
    [
        "",
        "A Title",
        "An abstract with a link https://github.com/lab/x.",
        "  • 3 authors",
        "1 authors · Feb 7",
        "·",
        "· Jul 18 1",
        "Feb 7",
        "Feb 29",
        "Dec 26, 2024 4",
        "Feb 30",
        "Foo 12",
        "Daily Papers",
        "Next",
        "\r",
        "\ufeff",
    ]
)


@given(st.lists(_LINES, max_size=30), st.dates())
def test_any_arrangement_of_page_lines_reads_without_raising(
    lines: list[str], as_of: dt.date
) -> None:
    """Whatever order lines come in, each authors line gives a paper or a problem."""
    text = "\n".join(lines)
    records = list(DailyPapersPageReader().read(text, ReadContext("page.txt", as_of)))
    authors_lines = sum(1 for line in lines if "authors" in line)
    assert len(records) >= authors_lines
    for record in records:
        if isinstance(record, Paper):
            assert record.title
            assert record.author_count is not None
            assert record.issued is not None
        else:
            assert record.line is not None
            assert record.message


def test_date_on_the_authors_line_or_after_the_separator() -> None:
    """A date may follow ``·`` on the authors line or on the separator line."""
    page = "One\n  • 2 authors · Feb 7 3\n\nTwo\n  • 4 authors\n· Mar 1, 2024\n"
    one, two = papers(page)
    assert (one.issued, one.upvotes, one.author_count) == (PartialDate(2026, 2, 7), 3, 2)
    assert (two.issued, two.upvotes, two.author_count) == (PartialDate(2024, 3, 1), None, 4)


def test_full_month_names_are_read() -> None:
    """``September 15, 2022`` is read like ``Sep 15, 2022``."""
    (paper,) = papers(block("Title", "September 15, 2022"))
    assert paper.issued == PartialDate(2022, 9, 15)


def test_duplicate_urls_in_an_abstract_give_one_link() -> None:
    """A URL repeated in an abstract is one link."""
    abstract = "Code: https://github.com/lab/x. Mirror of https://github.com/lab/x"
    (paper,) = papers(block("Title", "Feb 7", abstract))
    assert paper.links == (Link("https://github.com/lab/x", LinkKind.CODE),)


# --- Years of year-less dates ------------------------------------------------------


@pytest.mark.parametrize(
    ("page_date", "as_of", "paper_date", "issued"),
    [
        # The page date takes the latest year on or before as-of ...
        ("Dec 11", dt.date(2026, 11, 27), "Dec 12", dt.date(2024, 12, 12)),
        ("Dec 11", dt.date(2026, 12, 11), "Dec 11", dt.date(2026, 12, 11)),
        ("Dec 11", dt.date(2026, 11, 27), "Dec 11", dt.date(2025, 12, 11)),
        # ... a year-ful page date is taken as it is ...
        ("Dec 11, 2023", dt.date(2026, 11, 27), "Feb 7", dt.date(2023, 2, 7)),
        # ... and with no page date, paper dates resolve against as-of.
        (None, dt.date(2026, 11, 27), "Nov 27", dt.date(2026, 11, 27)),
        (None, dt.date(2026, 11, 27), "Nov 28", dt.date(2025, 11, 28)),
        # Feb 29 takes the latest leap year that fits.
        (None, dt.date(2026, 11, 27), "Feb 29", dt.date(2024, 2, 29)),
        ("Mar 1", dt.date(2024, 3, 5), "Feb 29", dt.date(2024, 2, 29)),
        ("Feb 28", dt.date(2024, 3, 5), "Feb 29", dt.date(2020, 2, 29)),
        (None, dt.date(2100, 3, 1), "Feb 29", dt.date(2096, 2, 29)),
        ("Feb 29", dt.date(2026, 11, 27), "Feb 29", dt.date(2024, 2, 29)),
        ("Feb 29", dt.date(2026, 11, 27), "Mar 1", dt.date(2023, 3, 1)),
    ],
)
def test_year_less_dates_take_the_latest_year_that_fits(
    page_date: str | None, as_of: dt.date, paper_date: str, issued: dt.date
) -> None:
    """A year-less date lies on or before the page date, which lies on or before as-of."""
    header = f"Daily Papers\n\n{page_date}\n\n" if page_date else ""
    (paper,) = papers(header + block("Title", paper_date), as_of)
    assert paper.listed == issued
    assert paper.issued == PartialDate.from_date(issued)


def test_a_later_page_date_applies_to_the_blocks_after_it() -> None:
    """Two pages pasted one after the other each resolve against their own date."""
    page = "Dec 11\n\n" + block("Old", "Mar 2") + "Mar 3\n\n" + block("New", "Mar 2")
    old, new = papers(page, dt.date(2026, 11, 27))
    assert old.issued == PartialDate(2025, 3, 2)
    assert new.issued == PartialDate(2026, 3, 2)


def test_feb_29_of_a_common_year_is_a_problem() -> None:
    """A year-ful date that does not exist is reported, not moved to another day."""
    (problem,) = read(block("Title", "Feb 29, 2023"))
    assert isinstance(problem, Problem)
    assert "Feb 29, 2023 is not a day of the calendar" in problem.message


# --- Recognising the format --------------------------------------------------------


def test_content_sniffing_picks_the_page_reader() -> None:
    """Without a format name, a copied page is recognised by its content, suffix or not."""
    text = (FIXTURES / "hf-page-small.txt").read_text(encoding="utf-8")
    assert registry.sniff_reader(text, "", "<string>").name == "hf-page"
    assert len(paperbib.loads(text, as_of=SEED_AS_OF)) == 4


def test_blocks_without_a_header_are_recognised() -> None:
    """The authors-and-separator pattern alone identifies the format."""
    assert DailyPapersPageReader().sniff(block("Title", "Feb 7"))
    assert DailyPapersPageReader().sniff(block("Title", "Feb 7").replace("\n", "\r\n"))


def test_the_page_header_alone_is_recognised() -> None:
    """The page's header identifies it even before any paper."""
    assert DailyPapersPageReader().sniff("Daily Papers\n\nbyAK and the research community\n")


@pytest.mark.parametrize(
    "text",
    [
        json.dumps([{"title": "Attention Is All You Need", "author": "8 authors · Feb 7"}]),
        "@misc{key,\n  title = {Daily Papers},\n  note = {5 authors}\n}\n",
        "My reading list\n\n- Attention Is All You Need (8 authors)\n- Adam\n",
        "Some prose that mentions 5 authors and a · in passing.\n",
    ],
)
def test_other_text_is_not_taken_for_a_page(text: str) -> None:
    """JSON, BibTeX and prose are not sniffed as a Daily Papers page."""
    assert not DailyPapersPageReader().sniff(text)


# --- The example digest ------------------------------------------------------------


def test_example_digest_reads_as_the_reviewed_papers(golden: Callable[[str, str], None]) -> None:
    """The bundled example reads, field by field, into exactly the reviewed papers."""
    text = EXAMPLE.read_text(encoding="utf-8")
    digest = paperbib.loads(text, "hf-page", source="examples/daily-papers.txt", as_of=SEED_AS_OF)
    assert digest.problems == ()
    golden("daily-papers.papers.json", papers_json(digest))
