"""The reader for BibTeX and biblatex files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paper_dump import papers_json

import paperbib
from paperbib import registry
from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext
from paperbib.readers._latex import decode
from paperbib.readers.bibtex import BibtexReader, NameParts, split_plain_name

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> paperbib.Digest:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return paperbib.loads(text, "bibtex", source=f"tests/fixtures/{name}")


def read(text: str) -> list[Paper | Problem]:
    return list(BibtexReader().read(text, ReadContext("refs.bib")))


def one(text: str) -> Paper:
    (paper,) = read(text)
    assert isinstance(paper, Paper), paper
    return paper


def by_key(digest: paperbib.Digest) -> dict[str | None, Paper]:
    return {paper.citation_key: paper for paper in digest}


@pytest.mark.parametrize("name", ["bib-library.bib", "bib-broken.bib"])
def test_fixtures_read_as_the_reviewed_papers(
    name: str, golden: Callable[[str, str], None]
) -> None:
    """Each .bib reads, field by field, into exactly the reviewed papers."""
    golden(name.removesuffix(".bib") + ".papers.json", papers_json(load(name)))


def test_a_hand_kept_library_reads_without_problems_keeping_every_key() -> None:
    """Comments, macros and odd spacing do not stop any entry; keys are the user's."""
    digest = load("bib-library.bib")
    assert digest.problems == ()
    assert [p.citation_key for p in digest] == [
        "vaswani2017attention",
        "lecun2015deep",
        "jiang2024mixtral",
        "gu2023mamba",
        "mueller2020thesis",
        "hopper1952book",
        "percent2021",
        "website2022",
    ]


def test_macros_concatenations_and_months_are_resolved() -> None:
    """@string values, ``#`` joins and the month macros give the text BibTeX would."""
    papers = by_key(load("bib-library.bib"))
    attention = papers["vaswani2017attention"]
    assert attention.container_title == "Advances in Neural Information Processing Systems"
    assert attention.publisher == "Curran Associates, Inc."
    assert attention.issued == PartialDate(2017, 12)
    assert papers["lecun2015deep"].issued == PartialDate(2015, 5)
    assert papers["percent2021"].issued == PartialDate(2021, 9)
    text = (
        '@string{a = "Proc. of "}\n@string{b = a # {the ACL}}\n@article{k, journal = b # " 2020"}'
    )
    assert one(text).container_title == "Proc. of the ACL 2020"


def test_entry_types_give_kinds_and_fields_go_where_the_model_keeps_them() -> None:
    """Type to kind; booktitle, series and school to venue and publisher; pages with a hyphen."""
    papers = by_key(load("bib-library.bib"))
    attention = papers["vaswani2017attention"]
    assert (attention.kind, attention.volume, attention.pages) == (
        Kind.CONFERENCE_PAPER,
        "30",
        "5998-6008",
    )
    lecun = papers["lecun2015deep"]
    assert (lecun.kind, lecun.container_title, lecun.issue) == (
        Kind.JOURNAL_ARTICLE,
        "Nature",
        "7553",
    )
    assert lecun.doi == "10.1038/nature14539"
    book = papers["hopper1952book"]
    assert (book.kind, book.container_title) == (Kind.BOOK, "Lecture Notes in Examples")
    thesis = papers["mueller2020thesis"]
    assert (thesis.kind, thesis.publisher, thesis.issued) == (
        Kind.THESIS,
        "ETH Zürich",
        PartialDate(2020, 7, 15),
    )
    report = papers["percent2021"]
    assert (report.kind, report.issue, report.publisher) == (
        Kind.REPORT,
        "TR-7",
        "Analytical Engines Ltd.",
    )
    assert papers["website2022"].kind is Kind.OTHER


def test_arxiv_entries_as_arxiv_and_google_scholar_write_them_are_preprints() -> None:
    """A @misc with an arXiv eprint, and Scholar's 'arXiv preprint arXiv:ID' journal."""
    papers = by_key(load("bib-library.bib"))
    mixtral = papers["jiang2024mixtral"]
    assert (mixtral.kind, mixtral.arxiv, mixtral.arxiv_category) == (
        Kind.PREPRINT,
        ArxivId("2401.04088"),
        "cs.LG",
    )
    assert mixtral.links == (), "the arXiv abstract page is given by the id"
    mamba = papers["gu2023mamba"]
    assert (mamba.kind, mamba.arxiv, mamba.container_title) == (
        Kind.PREPRINT,
        ArxivId("2312.00752"),
        None,
    )
    published = one(
        "@article{k, journal = {Nature}, eprint = {2401.04088}, archivePrefix = {arXiv}}"
    )
    assert (published.kind, published.arxiv) == (Kind.JOURNAL_ARTICLE, ArxivId("2401.04088"))


def test_names_split_by_bibtex_rules_and_others_keeps_the_count_unknown() -> None:
    """Particles, suffixes, braced groups and organisations; 'and others' invents no count."""
    papers = by_key(load("bib-library.bib"))
    assert papers["hopper1952book"].authors == (
        Author(literal="The Example Collaboration"),
        Author(family="Berg", given="Jan", particle="van der"),
        Author(family="King", given="Martin Luther", suffix="Jr."),
    )
    assert papers["jiang2024mixtral"].authors[2] == Author(family="de las Casas", given="Diego")
    assert papers["mueller2020thesis"].authors == (
        Author(family="Müller", given="Jörg"),
        Author(family="Álvarez", given="José"),
    )
    attention = papers["vaswani2017attention"]
    assert [a.family for a in attention.authors] == ["Vaswani", "Shazeer", "Parmar"]
    assert attention.author_count is None


def test_paperbibs_author_count_note_gives_the_count_back() -> None:
    """The note paperbib writes beside 'and others' (or with no names) is read as the count."""
    named = one("@misc{k, author = {Yu, Xi and others}, note = {5 authors (1 named)}}")
    assert (len(named.authors), named.author_count) == (1, 5)
    unnamed = one("@misc{k, title = {T}, note = {5 authors}}")
    assert (unnamed.authors, unnamed.author_count) == ((), 5)
    users_note = one("@misc{k, author = {Yu, Xi}, note = {5 authors}}")
    assert users_note.author_count is None


def test_latex_is_decoded_but_math_and_unknown_commands_are_kept() -> None:
    """Accents, escapes and style commands decode; $...$ and \\eg, \\input{y} stay as written."""
    papers = by_key(load("bib-library.bib"))
    assert papers["mueller2020thesis"].title == (
        "Über Straßen: A Study of $\\alpha$-Stable Zürich Traffic --- the long Version, "
        "with bold Claims and \\eg{} Asides"
    )
    assert papers["percent2021"].title == "Costs of 12% and $5 in \\input{x}, \\input{y} and \\eg"
    assert papers["lecun2015deep"].abstract == (
        "A review, in our own words, of learning many layers of representation at once."
    )


def test_a_title_symbol_between_escaped_dollars_stays_math() -> None:
    """{$\\alpha$} between two \\$ is math, and the dollars stay literal, not one math span."""
    title = "$5 $\\alpha$ 0$"
    exported = paperbib.dumps([Paper(title=title, citation_key="k")], "bibtex")
    assert "\\$5 {$\\alpha$} 0\\$" in exported
    assert one(exported).title == title


def test_urls_are_links_and_escaped_underscores_are_undone() -> None:
    """``url`` (and ``howpublished = {\\url{...}}``) is the paper's page, or its PDF."""
    papers = by_key(load("bib-library.bib"))
    assert papers["vaswani2017attention"].links == (
        Link("https://papers.example.org/paper_files/7181-attention.pdf", LinkKind.PDF),
    )
    assert papers["website2022"].links == (Link("https://example.org/page", LinkKind.PAPER_PAGE),)
    assert papers["vaswani2017attention"].keywords == ("attention", "transformers")


def test_a_broken_entry_is_a_problem_and_the_rest_reads() -> None:
    """An unbalanced brace, bad values and a duplicate key are reported at their lines."""
    digest = load("bib-broken.bib")
    assert [p.citation_key for p in digest] == ["good2020first", "good2022second", "bad2023values"]
    bad = by_key(digest)["bad2023values"]
    assert (bad.container_title, bad.issued, bad.doi) == (None, None, None)
    problems = {problem.line: problem.message for problem in digest.problems}
    assert sorted(problems) == [8, 25, 26, 27, 30]
    assert "cannot be read" in problems[8]
    assert "closing `}`" in problems[8]
    assert "the macro 'undefinedmacro' is not defined" in problems[25]
    assert "'in press' is not a year" in problems[26]
    assert "'see the publisher' is not a DOI" in problems[27]
    assert "a second entry with the key 'good2020first' (the first is on line 1)" in problems[30]


def test_a_duplicate_field_uses_the_first_value_and_says_so() -> None:
    """BibTeX takes the first of two fields with one name; the reader does too, and reports it."""
    records = read("@article{k,\n  title = {First},\n  title = {Second}\n}\n")
    problem, paper = records
    assert isinstance(problem, Problem)
    assert "title twice" in problem.message
    assert isinstance(paper, Paper)
    assert paper.title == "First"


def test_a_bib_file_is_recognised_by_its_content() -> None:
    """Without a format name or file ending, a .bib goes to the BibTeX reader."""
    for name in ("bib-library.bib", "bib-broken.bib"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        assert registry.sniff_reader(text, "", "<string>").name == "bibtex"


@pytest.mark.parametrize(
    "text",
    [
        "Write to me @ home, (or not), whenever.",
        '[{"id": "k", "type": "article", "title": "@misc{x, y}"}]',
        "TY  - JOUR\nTI  - @article{x,\nER  - \n",
    ],
)
def test_other_text_is_not_taken_for_bibtex(text: str) -> None:
    """Prose with an @ sign, JSON and RIS holding @-text are not BibTeX."""
    assert not BibtexReader().sniff(text)


# --- Names without pybtex ------------------------------------------------------------

# Plain words, and words with accents as BibTeX files write them.
TEX_LETTERS = ["a", "B", "x", r"{\"u}", r"{\'E}", r"{\ss}", r"{\o}", r"{\L}", r"{\v{c}}"]
NAME_WORD = st.one_of(
    st.from_regex(r"\A[A-Za-z][A-Za-z.'-]{0,6}\Z"),
    st.from_regex(r"\A[A-Za-zÉéüß][a-z]{0,4}\Z"),
    st.lists(st.sampled_from(TEX_LETTERS), min_size=1, max_size=4).map("".join),
)


@given(
    words=st.lists(NAME_WORD, min_size=1, max_size=5),
    commas=st.sets(st.integers(0, 4), max_size=3),
)
def test_plain_names_split_as_pybtex_splits_them(words: list[str], commas: set[int]) -> None:
    """The fast split of plain and accented names gives pybtex's four parts, decoded."""
    from pybtex.database import Person
    from pybtex.exceptions import PybtexError

    name = " ".join(word + ("," if i in commas else "") for i, word in enumerate(words))
    fast = split_plain_name(name)
    try:
        person = Person(name)
    except PybtexError:
        assert fast is None
        return
    if fast is None:
        return  # left to pybtex: a shape the fast split does not take
    assert fast == NameParts(
        decode(" ".join(person.first_names + person.middle_names)),
        decode(" ".join(person.prelast_names)),
        decode(" ".join(person.last_names)),
        decode(" ".join(person.lineage_names)),
    )


def test_the_fast_split_takes_the_usual_names() -> None:
    r"""Plain and TeX-accented names need no pybtex; braced groups and a leading {\o} do."""
    assert split_plain_name(r"M{\"u}ller, J{\"o}rg") == NameParts("Jörg", "", "Müller", "")
    assert split_plain_name("Jan van der Berg") == NameParts("Jan", "van der", "Berg", "")
    assert split_plain_name("Diego {de las Casas}") is None
    assert split_plain_name(r"{\o}rsted, Hans") is None


@given(names=st.lists(st.lists(NAME_WORD, min_size=1, max_size=3).map(" ".join), min_size=1))
def test_an_author_list_splits_as_pybtex_splits_it(names: list[str]) -> None:
    """Names joined by ' and ' come back one author for each name pybtex finds."""
    from pybtex.bibtex.utils import split_name_list

    value = " and ".join(names)
    paper = one(f"@misc{{k, author = {{{value}}}}}")
    parts = [name for name in split_name_list(value) if name != "others"]
    assert len(paper.authors) == len(parts)
