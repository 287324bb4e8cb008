"""Our BibTeX as its real consumers see it: latex + bibtex, biblatex + biber, bibtexparser.

The tricky papers hold every LaTeX special, accented names (Đurić, Åberg,
Émile), acronyms, math, a paper known only by its author count, and commands
that would read a sentinel file or run a shell command if they were ever
live. LaTeX runs with -shell-escape, so a \\write18 that got through would run.

The test documents load T1 fontenc (for {\\DJ}), amssymb (for \\mathbb) and,
for the classic styles, url (arXiv preprints print \\url{...} in howpublished);
see tests/tex.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from tex import TexRun, compile_biblatex, compile_bibtex, errors

import paperbib
from paperbib.keys import assign_keys
from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate

SENTINEL_CONTENT = "PAPERBIBSENTINELREAD"
PWNED = "pwned-by-write18.txt"
CLASSIC_STYLES = ("plain", "abbrv", "alpha")


def tricky_papers(sentinel: Path) -> list[Paper]:
    """Papers whose text is as hostile as a digest can make it (our own text)."""
    inject = (
        f"\\input{{{sentinel}}} \\write18{{touch {PWNED}}} "
        f"\\immediate\\write18{{touch {PWNED}}} ^^5cinput{{{sentinel}}} "
        f"$\\input{{{sentinel}}}$ \\def\\x{{\\input{{{sentinel}}}}}\\x \\csname input\\endcsname"
    )
    return [
        Paper(
            title="SAMGPT: Text-free Graph Foundation Model for 100% & {Braces} ~ ^ \\ _ # $",
            abstract="Graphs & trees: 100% of {them} cost ~5 $ each; a_b #1 ^top \\path.",
            authors=[
                Author(family="Đurić", given="Đorđe"),
                Author(family="Åberg", given="Åsa"),
                Author(family="Durand", given="Émile"),
            ],
            issued=PartialDate(2025, 2, 7),
            kind=Kind.JOURNAL_ARTICLE,
            container_title="Journal of Graphs & Networks",
            volume="12",
            issue="3",
            pages="101-115",
            doi="10.1000/samgpt_2025(3)",
        ),
        Paper(
            title="Pre-training BERT with Re$^3$Dial, $\\mathbb{R}^n$ and $\\alpha_i \\le \\beta$",
            abstract="We show $O(n \\log n)$ time and $x^2 + y^2 \\le 1$; prices stay $5 and $10.",
            authors=[
                Author(family="Berg", particle="van der", given="Jan", suffix="Jr"),
                Author(literal="ACME Research & Development, Inc."),
                Author(family="Łukasiewicz", given="Søren"),
            ],
            issued=PartialDate(2023, 5),
            kind=Kind.CONFERENCE_PAPER,
            container_title="Proceedings of the ACL & EMNLP",
            pages="1-10",
        ),
        Paper(
            title=f"Injected: {inject}",
            abstract=f"Abstract {inject}\n\nand a second paragraph\twith a tab\x07.",
            authors=[Author(family="Nguyen", given="An"), Author(family="Okafor", given="Chi")],
            author_count=6,
            issued=PartialDate(2024, 11),
            kind=Kind.PREPRINT,
            arxiv=ArxivId.parse("2411.01234v2"),
            arxiv_category="cs.CR",
            keywords=["security", inject],
        ),
        Paper(
            title="OpenBEATs: A Fully Open-Source General-Purpose Audio Encoder",
            abstract="An audio encoder, known here only by its author count.",
            author_count=7,
            issued=PartialDate(2025, 7, 18),
            kind=Kind.JOURNAL_ARTICLE,
            container_title="Transactions on Audio",
        ),
        Paper(
            title="Names as Attack Vectors",
            authors=[
                Author(family=f"\\input{{{sentinel}}}", given=f"\\write18{{touch {PWNED}}}"),
                Author(literal=f"Org \\input{{{sentinel}}} and Friends"),
                Author(literal=f"\\input{{{sentinel}}} Org"),
                Author(family="&Co", given="%p"),
                Author(family="$q$", given="#s"),
                Author(family="_why", given="{x}"),
                Author(family="~y", given="^z"),
                Author(family="\\\\{x", given="$\\alpha$"),
            ],
            issued=PartialDate(2022),
            kind=Kind.CONFERENCE_PAPER,
            container_title=f"Venue {inject}",
            publisher=f"Publisher {inject}",
        ),
        Paper(
            title="UniGraph2: \u201cQuoted\u201d \u2013 Dashes \u2014 and Ø ł ß Ș",
            abstract=unicodedata.normalize("NFD", "Émile and Ôn, decomposed."),
            authors=[Author(family=unicodedata.normalize("NFD", "Émile"), given="Zoë")],
            issued=PartialDate(2021),
            kind=Kind.OTHER,
            links=[Link("https://example.org/a\\b{c}%zz^d", LinkKind.PAPER_PAGE)],
        ),
        Paper(
            title="CJK Text Stays UTF-8",
            abstract="中文 has no TeX text command; classic styles do not print abstracts.",
            authors=[Author(family="Sato", given="Yuki")],
            issued=PartialDate(2021),
        ),
        Paper(
            title="A Book on GPT-4o",
            authors=[Author(family="Müller", given="Jürgen")],
            issued=PartialDate(2020),
            kind=Kind.BOOK,
            publisher="Springer & Sons",
        ),
        Paper(
            title="A Thesis on CamelCase",
            authors=[Author(family="García", given="José")],
            issued=PartialDate(2019),
            kind=Kind.THESIS,
            publisher="Universitat de Barcelona",
        ),
        Paper(
            title="A Report on iPhone Apps",
            authors=[Author(family="Dvořák", given="Jiří")],
            issued=PartialDate(2018),
            kind=Kind.REPORT,
            publisher="Institute of Things",
        ),
    ]


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    """A file whose content must never reach the output: it is read only if \\input runs."""
    path = tmp_path / "sentinel.tex"
    path.write_text(SENTINEL_CONTENT + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tricky(sentinel: Path) -> list[Paper]:
    return assign_keys(tricky_papers(sentinel))


def bbl_keys(run: TexRun) -> set[str]:
    """The citation keys the .bbl holds, as classic styles or biber wrote them."""
    classic = re.findall(r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}", run.bbl)
    biber = re.findall(r"\\entry\{([^}]*)\}", run.bbl)
    return set(classic) | set(biber)


def assert_nothing_ran(run: TexRun) -> None:
    """The sentinel was never read, and no shell command ran."""
    assert not (run.directory / PWNED).exists()
    assert SENTINEL_CONTENT not in run.latex_log
    dvi = run.directory / "main.dvi"
    assert dvi.exists()
    assert SENTINEL_CONTENT.encode() not in dvi.read_bytes()


# Entries without names of a type that requires an author (@article): bibtex
# says so, and it is true, since the digest gives only a count.
def justified_bibtex_warning(line: str, papers: list[Paper]) -> bool:
    unnamed = {p.citation_key for p in papers if not p.authors and p.kind is Kind.JOURNAL_ARTICLE}
    match = re.fullmatch(r"Warning--empty author in (\S+)", line)
    return match is not None and match[1] in unnamed


def bibtex_warnings(run: TexRun) -> list[str]:
    return [line for line in run.bibliography_log.splitlines() if line.startswith("Warning--")]


@pytest.mark.slow
@pytest.mark.parametrize("style", CLASSIC_STYLES)
def test_tricky_papers_compile_with_bibtex(style: str, tricky: list[Paper], tmp_path: Path) -> None:
    """plain, abbrv and alpha: no error, every entry in the .bbl, nothing injected ran."""
    run = compile_bibtex(paperbib.dumps(tricky, "bibtex"), style, tmp_path / style)
    assert errors(run) == []
    assert bbl_keys(run) == {p.citation_key for p in tricky}
    unjustified = [w for w in bibtex_warnings(run) if not justified_bibtex_warning(w, tricky)]
    assert unjustified == []
    assert_nothing_ran(run)


@pytest.mark.slow
def test_keys_that_differ_only_in_case_still_compile_with_bibtex(tmp_path: Path) -> None:
    """bibtex takes Smith2020 and smith2020 for one key: every paper still reaches the .bbl."""
    papers = [
        Paper(title="First", authors=[Author(family="Smith")], citation_key="Smith2020"),
        Paper(title="Second", authors=[Author(family="Smith")], citation_key="smith2020"),
        Paper(title="Attention", authors=[Author(family="Vaswani")], issued=PartialDate(2017)),
        Paper(title="Other", citation_key="Vaswani2017attention"),
    ]
    run = compile_bibtex(paperbib.dumps(papers, "bibtex"), "plain", tmp_path)
    assert errors(run) == []
    assert len({key.casefold() for key in bbl_keys(run)}) == 4


@pytest.mark.slow
def test_titles_keep_acronyms_when_a_style_lower_cases_them(
    tricky: list[Paper], tmp_path: Path
) -> None:
    """plain sets article titles in sentence case: acronyms and math stay, other words do not."""
    run = compile_bibtex(paperbib.dumps(tricky, "bibtex"), "plain", tmp_path)
    bbl = " ".join(run.bbl.split())
    assert "{SAMGPT}: Text-free graph foundation model" in bbl
    assert "{OpenBEATs}: A fully open-source general-purpose audio encoder" in bbl


@pytest.mark.slow
@pytest.mark.parametrize("unicode", [False, True], ids=["tex-accents", "unicode"])
def test_tricky_papers_compile_with_biblatex_and_biber(
    unicode: bool, tricky: list[Paper], tmp_path: Path
) -> None:
    """biblatex + biber, accents as TeX or UTF-8: no error, no warning, all entries, nothing ran."""
    # This document prints abstracts, and pdfLaTeX has no glyphs for CJK.
    papers = [p for p in tricky if p.title != "CJK Text Stays UTF-8"]
    run = compile_biblatex(paperbib.dumps(papers, "bibtex", unicode=unicode), tmp_path)
    assert errors(run) == []
    assert [line for line in run.bibliography_log.splitlines() if "WARN" in line] == []
    assert bbl_keys(run) == {p.citation_key for p in papers}
    assert_nothing_ran(run)


@pytest.mark.slow
@pytest.mark.parametrize("style", CLASSIC_STYLES)
def test_the_seed_digest_compiles_with_bibtex(style: str, seed_path: Path, tmp_path: Path) -> None:
    """The real 45-paper digest: every entry in the .bbl, no error, no warning."""
    papers = paperbib.load(seed_path, as_of=dt.date(2026, 11, 27))
    assert len(papers) == 45
    run = compile_bibtex(paperbib.dumps(papers, "bibtex"), style, tmp_path)
    assert errors(run) == []
    assert bibtex_warnings(run) == []
    assert len(bbl_keys(run)) == 45


@pytest.mark.slow
@pytest.mark.parametrize("unicode", [False, True], ids=["tex-accents", "unicode"])
def test_the_seed_digest_compiles_with_biblatex_and_biber(
    unicode: bool, seed_path: Path, tmp_path: Path
) -> None:
    """The real 45-paper digest through biber: every entry, no error, no warning."""
    papers = paperbib.load(seed_path, as_of=dt.date(2026, 11, 27))
    assert len(papers) == 45
    run = compile_biblatex(paperbib.dumps(papers, "bibtex", unicode=unicode), tmp_path)
    assert errors(run) == []
    assert [line for line in run.bibliography_log.splitlines() if "WARN" in line] == []
    assert len(bbl_keys(run)) == 45


# --- Reading our BibTeX back with bibtexparser ------------------------------------------

# pylatexenc, which bibtexparser decodes with, drops or misreads a few standard
# text commands that we write; it is taught them here, and nothing else.
_MACROS = [
    MacroTextSpec("textbraceleft", simplify_repl="{"),
    MacroTextSpec("textbraceright", simplify_repl="}"),
    MacroTextSpec("textasciicircum", simplify_repl="^"),
    MacroTextSpec("textcommabelow", simplify_repl="%s\u0326"),
]


class _Decoder(LatexNodes2Text):  # type: ignore[misc]
    """pylatexenc's decoder, math kept verbatim as bibtexparser keeps it, with _MACROS."""

    def __init__(self) -> None:
        context = get_default_latex_context_db()
        context.add_context_category("paperbib-test", prepend=True, macros=_MACROS)
        super().__init__(latex_context=context, math_mode="verbatim")
        self._walker_context = latexwalker.get_default_latex_context_db()
        self._walker_context.add_context_category(
            "paperbib-test", prepend=True, macros=[macrospec.MacroSpec("textcommabelow", "{")]
        )

    def latex_to_text(self, latex: str, **parse_flags: Any) -> str:
        walker = latexwalker.LatexWalker(latex, latex_context=self._walker_context, **parse_flags)
        return str(self.nodelist_to_text(walker.get_latex_nodes()[0]))


def plain(text: str) -> str:
    """Text as LaTeX can give it back: NFC, no controls, white space runs as one space."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\t\n\r")
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.parametrize("unicode", [False, True], ids=["tex-accents", "unicode"])
def test_bibtexparser_reads_back_the_same_titles_keys_and_dois(
    unicode: bool, tricky: list[Paper]
) -> None:
    """Decoded with bibtexparser's LaTeX middleware, every title, key and DOI is the model's."""
    bib = paperbib.dumps(tricky, "bibtex", unicode=unicode)
    library = bibtexparser.parse_string(
        bib, append_middleware=[LatexDecodingMiddleware(decoder=_Decoder())]
    )
    assert not library.failed_blocks
    read = {entry.key: entry for entry in library.entries}
    assert list(read) == [p.citation_key for p in tricky]
    for paper in tricky:
        entry = read[paper.citation_key]
        assert plain(entry["title"]) == plain(paper.title or ""), paper.citation_key
        if paper.doi:
            assert entry["doi"] == paper.doi
