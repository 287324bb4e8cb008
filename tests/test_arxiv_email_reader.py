"""The reader for arXiv's daily listing e-mail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from paper_dump import papers_json

import paperbib
from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext
from paperbib.readers.arxiv_email import ArxivEmailReader

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 11, 27)
RULE = "-" * 78


def load(name: str) -> paperbib.Digest:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return paperbib.loads(text, "arxiv-email", source=f"tests/fixtures/{name}", as_of=AS_OF)


def read(text: str) -> list[Paper | Problem]:
    return list(ArxivEmailReader().read(text, ReadContext("mail.txt", AS_OF)))


def entry(*header: str, abstract: str = "  An abstract.", trailer: str = "2401.01234") -> str:
    lines = ["\\\\", *header, "\\\\", abstract, f"\\\\ ( https://arxiv.org/abs/{trailer} ,  9kb)"]
    return "\n".join(lines) + f"\n{RULE}\n"


@pytest.mark.parametrize("name", ["arxiv-email-cs.txt", "arxiv-email-mangled.txt"])
def test_fixtures_read_as_the_reviewed_papers(
    name: str, golden: Callable[[str, str], None]
) -> None:
    """Each e-mail reads, field by field, into exactly the reviewed papers."""
    golden(name.removesuffix(".txt") + ".papers.json", papers_json(load(name)))


def test_new_cross_listed_and_replaced_entries_all_read() -> None:
    """New submissions, cross-lists and replacements (also of cross-lists) each give a paper."""
    digest = load("arxiv-email-cs.txt")
    assert digest.problems == ()
    assert [str(p.arxiv) for p in digest] == [
        "2401.04088",
        "2401.90001",
        "2401.90002",
        "2312.90003",
        "2311.90004",
    ]
    assert all(p.kind is Kind.PREPRINT for p in digest)
    assert [p.arxiv_category for p in digest] == ["cs.LG", "cs.CL", "stat.ML", "cs.CL", "eess.AS"]


def test_wrapped_titles_and_author_lists_are_joined() -> None:
    """Indented continuation lines belong to the field above them."""
    mixtral, judges, *_ = load("arxiv-email-cs.txt")
    assert len(mixtral.authors) == 26
    assert mixtral.authors[8] == Author(family="Hanna", given="Emma Bou")
    assert mixtral.authors[13] == Author(family="Lavaud", given="Lélio Renard")
    assert mixtral.authors[17] == Author(family="Subramanian", given="Sandeep")
    assert judges.title == (
        "Grounded Dialogue Evaluation with Small Judges: How Far Can a 1B Model Go?"
    )


def test_affiliations_go_and_names_keep_particles_accents_and_suffixes() -> None:
    """``(1)`` markers and the affiliation list are dropped; TeX accents are decoded."""
    judges = load("arxiv-email-cs.txt")[1]
    assert judges.authors == (
        Author(family="Müller", given="Jörg"),
        Author(family="Dubois", given="Renée"),
        Author(family="Berg", given="Jan", particle="van der"),
        Author(family="King", given="Martin Luther", suffix="Jr."),
    )
    calibrated = load("arxiv-email-cs.txt")[2]
    assert [a.particle for a in calibrated.authors] == ["de", "von"]


def test_the_first_date_is_the_issued_date_and_replacements_take_the_id_s_month() -> None:
    """``Date:`` (not a revision) gives the day; a replacement's month comes from its id."""
    issued = [p.issued for p in load("arxiv-email-cs.txt")]
    assert issued == [
        PartialDate(2024, 1, 8),
        PartialDate(2024, 1, 5),
        PartialDate(2024, 1, 7),
        PartialDate(2023, 12),
        PartialDate(2023, 11),
    ]


def test_dois_abstracts_and_links_are_kept() -> None:
    """The DOI, the decoded abstract, the abstract page, the PDF and links in comments."""
    mixtral, judges, _, tokenizer, sparse = load("arxiv-email-cs.txt")
    assert judges.doi == "10.5555/example.2024.001"
    assert tokenizer.doi == "10.5555/tel.2024.12.101"
    assert mixtral.doi is None
    assert judges.abstract == (
        "Judging dialogue with a large model is costly. We train a 1B judge on 40% of the usual "
        "data and find that it agrees with human raters about as often as a judge $10\\times$ "
        "its size, if the dialogue is grounded in a document."
    )
    assert judges.links == (
        Link("https://arxiv.org/abs/2401.90001", LinkKind.PAPER_PAGE),
        Link("https://arxiv.org/pdf/2401.90001", LinkKind.PDF),
        Link("https://github.com/example-lab/small-judges", LinkKind.CODE),
    )
    assert Link("https://mistral.ai/news/mixtral-of-experts/", LinkKind.OTHER) in mixtral.links
    assert sparse.abstract is None  # replacements carry no abstract


def test_comments_and_journal_ref_are_not_mistaken_for_other_fields() -> None:
    """Comments and Journal-ref have no field: they are neither title, container nor note."""
    for paper in load("arxiv-email-cs.txt"):
        assert paper.container_title is None
        assert paper.keywords == ()
        assert "Example Workshop" not in (paper.abstract or "")


def test_provenance_names_the_id_line() -> None:
    """Each paper is credited to arxiv-email at the line holding its ``arXiv:`` id."""
    lines = (FIXTURES / "arxiv-email-cs.txt").read_text(encoding="utf-8").split("\n")
    for paper in load("arxiv-email-cs.txt"):
        location = paper.provenance["title"].location
        assert location is not None
        assert lines[int(location.rpartition(":")[2]) - 1].startswith(f"arXiv:{paper.arxiv}")


def test_mangled_entries_are_problems_at_their_lines_and_the_rest_loads() -> None:
    """No id line, a bad id and no title skip an entry; a bad date or trailer only warns."""
    digest = load("arxiv-email-mangled.txt")
    assert [str(p.arxiv) for p in digest] == [
        "2401.90011",
        "2401.90015",
        "2401.90016",
        "2401.90017",
    ]
    problems = {problem.line: problem.message for problem in digest.problems}
    assert sorted(problems) == [18, 29, 40, 51, 69]
    assert "('An Entry Whose Id Line Was Deleted') has no 'arXiv:' line" in problems[18]
    assert "'2401.9oo13' ('An Entry Whose Id Is Misspelt') is not an arXiv id" in problems[29]
    assert problems[40] == "arXiv:2401.90014 has no 'Title:' line; it was skipped"
    assert "cannot read the date 'Someday in January'" in problems[51]
    assert (
        "https://arxiv.org/abs/2401.90099 at the end of the entry is not this paper's"
        in (problems[69])
    )
    undated = digest[1]
    assert undated.issued == PartialDate(2024, 1)


def test_an_entry_that_lost_its_opening_backslashes_still_reads() -> None:
    """An entry whose ``\\\\`` line is gone is still told from the e-mail header."""
    text = entry("arXiv:2401.01234", "Title: Kept", "Authors: A. Smith").removeprefix("\\\\\n")
    (paper,) = read(f"{RULE}\nSubmissions to: cs\n{RULE}\n{text}")
    assert isinstance(paper, Paper)
    assert paper.title == "Kept"


def test_entries_whose_dividing_rule_was_lost_are_still_two_papers() -> None:
    """The ``\\\\ ( URL , size)`` trailer ends an entry even without the dashes after it."""
    first = entry("arXiv:2401.01234", "Title: One").replace(f"{RULE}\n", "")
    second = entry("arXiv:2401.05678", "Title: Two", trailer="2401.05678")
    assert [p.title for p in read(first + second) if isinstance(p, Paper)] == ["One", "Two"]


def test_the_old_paper_line_and_old_style_ids_are_read() -> None:
    """Early e-mails wrote ``Paper: hep-th/9901001``; its month is January 1999."""
    text = entry(
        "Paper (*cross-listing*): hep-th/9901001",
        "Title: An Old Paper",
        "Authors: A. Smith and B. Jones",
        trailer="hep-th/9901001",
    )
    (paper,) = read(text)
    assert isinstance(paper, Paper)
    assert paper.arxiv == ArxivId("hep-th/9901001")
    assert paper.issued == PartialDate(1999, 1)


def test_a_version_on_the_id_line_is_kept() -> None:
    """``arXiv:2401.01234v3`` keeps version 3 and links to that version."""
    (paper,) = read(entry("arXiv:2401.01234v3", "Title: T"))
    assert isinstance(paper, Paper)
    assert paper.arxiv == ArxivId("2401.01234", 3)
    assert paper.links[0].url == "https://arxiv.org/abs/2401.01234v3"


def test_et_al_is_not_an_author() -> None:
    """An author list cut short with ``et al.`` keeps the names and says it is incomplete."""
    records = read(entry("arXiv:2401.01234", "Title: T", "Authors: A. Smith, B. Jones, et al."))
    problem, paper = records
    assert isinstance(paper, Paper)
    assert [a.family for a in paper.authors] == ["Smith", "Jones"]
    assert isinstance(problem, Problem)
    assert "et al." in problem.message


def test_a_bad_doi_is_reported_and_left_out() -> None:
    """A ``DOI:`` that is no DOI does not cost the paper."""
    records = read(entry("arXiv:2401.01234", "Title: T", "DOI: see journal"))
    problem, paper = records
    assert isinstance(paper, Paper)
    assert paper.doi is None
    assert isinstance(problem, Problem)
    assert "'see' is not a DOI" in problem.message


def test_crlf_and_a_bom_read_like_plain_text() -> None:
    """``read`` itself copes with CRLF line ends and a BOM, line numbers unchanged."""
    text = (FIXTURES / "arxiv-email-cs.txt").read_text(encoding="utf-8")
    plain = read(text)
    windows = read("\ufeff" + text.replace("\n", "\r\n"))
    assert windows == plain
    assert [p.provenance for p in windows if isinstance(p, Paper)] == [
        p.provenance for p in plain if isinstance(p, Paper)
    ]


def test_header_and_footer_text_are_not_entries() -> None:
    """An e-mail with no entries yields nothing at all."""
    header = (FIXTURES / "arxiv-email-cs.txt").read_text(encoding="utf-8").split("\\\\\n")[0]
    assert read(header) == []


@pytest.mark.parametrize(
    "text",
    [
        "arXiv:2401.01234 is a paper I like.\n",
        "@misc{a,\n  eprint = {2401.01234},\n  note = {\\\\}\n}\n",
        "Title: Mixtral of Experts\nAuthors: A. Smith\n",
    ],
)
def test_other_text_is_not_taken_for_a_listing_e_mail(text: str) -> None:
    """Lines that merely mention arXiv ids or fields are not the e-mail's entry shape."""
    assert not ArxivEmailReader().sniff(text)
