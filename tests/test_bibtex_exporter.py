"""The BibTeX exporter: entry types, fields, names, escaping, math, accents and injection.

Expected LaTeX is written out by hand here. What LaTeX, bibtex and biber make
of the output is tested in test_bibtex_consumers.py.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paperbib
from paperbib import registry
from paperbib.exporters import latex
from paperbib.exporters.bibtex import BibtexExporter
from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate
from paperbib.plugins import ExportOptions


def export(*papers: Paper, unicode: bool = False) -> str:
    return paperbib.dumps(papers, "bibtex", unicode=unicode)


def entries(bib: str) -> list[Any]:
    """The entries as bibtexparser reads them, field values as written."""
    library = bibtexparser.parse_string(bib)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return list(library.entries)


def fields(paper: Paper, unicode: bool = False) -> dict[str, str]:
    (entry,) = entries(export(paper, unicode=unicode))
    return {key: field.value for key, field in entry.fields_dict.items()}


# --- Escaping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "tex"),
    [
        ("&", r"\&"),
        ("%", r"\%"),
        ("$", r"\$"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"{\textbraceleft}"),
        ("}", r"{\textbraceright}"),
        ("~", r"{\textasciitilde}"),
        ("^", r"{\textasciicircum}"),
        ("\\", r"{\textbackslash}"),
    ],
)
def test_each_special_is_written_to_print_itself(char: str, tex: str) -> None:
    """Every LaTeX special becomes the command that prints it literally."""
    assert latex.text(f"a{char}b") == f"a{tex}b"


def test_plain_ascii_text_comes_back_unchanged() -> None:
    """Text without specials needs no escaping and gets none."""
    plain = "Graphs are able to model entities (about 3 kinds): see e.g. [1], 'quoted' text!"
    assert latex.text(plain) == plain


def test_controls_are_dropped_and_line_breaks_become_spaces() -> None:
    """No control character and no empty line (a paragraph break) reaches a field."""
    assert latex.text("one\ntwo\r\n\r\nthree\tfour\x07\x00five") == "one two    three fourfive"
    assert latex.text("é\u2028x\x85y\u200bz") == "{\\'e} x yz"


@pytest.mark.parametrize(
    "value",
    ["a\x7fb", "a\x7fb & c", "A\x7fB title", "\x7f" + "long text " * 30, "\u00e9\x7fb"],
    ids=["alone", "with a special", "in a title word", "in long text", "with non-ASCII"],
)
def test_delete_is_dropped_like_every_other_control(value: str) -> None:
    """DEL, which LaTeX rejects as an invalid character, never reaches a field."""
    assert "\x7f" not in latex.text(value)
    assert "\x7f" not in latex.title(value)


def brace_depths(tex: str) -> list[int]:
    """BibTeX's brace depth after each character; it counts braces even after a backslash."""
    depth, depths = 0, []
    for char in tex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        depths.append(depth)
    return depths


HOSTILE_PIECES = [
    "\\",
    "{",
    "}",
    "$",
    "^",
    "^^5c",
    "%",
    "#",
    "&",
    "_",
    "~",
    "\\input{/etc/passwd}",
    "\\write18{rm -rf /}",
    "\\def\\x{y}",
    "\\catcode`\\^^M=13",
    "\\immediate",
    "\\csname relax\\endcsname",
    "$\\alpha$",
    "$x^2$",
    "$\\input{x}$",
    "$\\frac{1}{2}$",
    "Re$^3$Dial",
    "é",
    "Đ",
    "Å",
    "ł",
    "e\u0301",
    "中",
    "😀",
    "\n",
    "\t",
    "\x00",
    "\x01",
    "\x02",
    "\x03",
    " ",
    "word",
    "BERT",
]
hostile_text = st.lists(st.sampled_from(HOSTILE_PIECES), max_size=12).map("".join)

# Everything the exporter may write as a command: text-mode symbols and
# letters, accents, and the math whitelist. None of them reads a file, writes
# one, defines a macro or changes a catcode.
ALLOWED_COMMANDS = set(
    """textbackslash textbraceleft textbraceright textasciitilde textasciicircum textunderscore
    symbol i j l L o O aa AA ae AE oe OE ss SS DJ dj DH dh TH th ng NG u r H v d b c k
    textcommabelow quotesinglbase quotedblbase guillemotleft guillemotright guilsinglleft
    guilsinglright ldots textbullet textperiodcentered dag ddag S P textcopyright
    textregistered texttrademark textdegree textmu textperthousand texteuro pounds textyen
    textcent textexclamdown textquestiondown textpm texttimes textdiv textlnot
    textonesuperior texttwosuperior textthreesuperior textonequarter textonehalf
    textthreequarters textordfeminine textordmasculine textleftarrow textrightarrow
    textuparrow textdownarrow
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu
    xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta
    Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega cdot cdots ldots dots times div pm mp le
    leq ge geq ll gg ne neq approx sim simeq cong equiv propto infty to rightarrow leftarrow
    Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto uparrow downarrow in notin ni
    subset subseteq supset supseteq cup cap setminus emptyset forall exists neg wedge vee
    oplus otimes circ star ast bullet dagger top bot perp parallel mid vert Vert langle rangle
    lfloor rfloor lceil rceil lbrace rbrace partial nabla sum prod int oint prime ell hbar Re
    Im aleph log ln exp sin cos tan arg max min sup inf lim det dim ker Pr quad qquad surd
    mathbf mathrm mathcal mathbb mathit mathsf mathtt sqrt hat tilde bar vec dot ddot
    widehat widetilde overline underline check breve acute grave frac""".split()
)
ALLOWED_SYMBOLS = set("&%$#_'`^~\"=.,;:! ")
CONTROL_SEQUENCE = re.compile(r"\\([A-Za-z]+|.)", re.S)


@settings(max_examples=400)
@given(hostile_text, st.booleans(), st.booleans())
def test_nothing_from_the_input_becomes_a_live_command(
    value: str, as_title: bool, unicode: bool
) -> None:
    """Whatever the text: only harmless commands, balanced braces, no ^^ and no bare % or #."""
    tex = (latex.title if as_title else latex.text)(value, unicode=unicode)
    for name in CONTROL_SEQUENCE.findall(tex):
        assert name in ALLOWED_COMMANDS or name in ALLOWED_SYMBOLS, (name, tex)
    depths = brace_depths(tex)
    assert min(depths, default=0) >= 0
    assert depths[-1:] in ([], [0])
    assert "^^" not in tex
    unescaped = CONTROL_SEQUENCE.sub("", tex)
    assert "%" not in unescaped
    assert "#" not in unescaped
    assert "&" not in unescaped
    assert not any(unicodedata.category(c) == "Cc" for c in tex)


@pytest.mark.parametrize(
    "attack",
    [
        "\\input{/etc/passwd}",
        "\\write18{rm -rf ~}",
        "\\immediate\\write18{touch pwned}",
        "^^5cinput{/etc/passwd}",
        "$\\input{x}$",
        "$\\write18{x}$",
        "$\\csname input\\endcsname{x}$",
        "$x^^5cinput$",
        "\\def\\x{\\input{y}}\\x",
        "\\catcode`\\^^M=13",
        "\\csname input\\endcsname{/etc/passwd}",
    ],
)
def test_injected_commands_are_written_as_text_in_every_field(attack: str) -> None:
    """A command in a title, abstract, name, venue or keyword is printed, never run."""
    paper = Paper(
        title=f"Title {attack}",
        abstract=f"Abstract {attack}",
        authors=[Author(family=f"Family{attack}", given=attack), Author(literal=attack)],
        container_title=f"Venue {attack}",
        keywords=[attack],
        publisher=attack,
        volume=attack,
        kind=Kind.JOURNAL_ARTICLE,
        issued=PartialDate(2024),
    )
    bib = export(paper)
    dangerous = re.compile(r"\\(?:input|write|immediate|def|catcode|csname|endcsname)(?![A-Za-z])")
    assert not dangerous.search(bib), bib
    assert "^^" not in bib
    assert len(entries(bib)) == 1


# --- Math -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tex"),
    [
        ("Re$^3$Dial", "Re$^3$Dial"),
        ("cost $O(n \\log n)$ here", "cost $O(n \\log n)$ here"),
        ("$\\alpha_i^2 \\le \\beta$", "$\\alpha_i^2 \\le \\beta$"),
        ("$\\mathbb{R}^n$ and $\\frac{1}{2}$", "$\\mathbb{R}^n$ and $\\frac{1}{2}$"),
        ("$\\sqrt[3]{x} \\cdot \\hat{y}'$", "$\\sqrt[3]{x} \\cdot \\hat{y}'$"),
    ],
)
def test_whitelisted_math_stays_math(value: str, tex: str) -> None:
    """Math made of whitelisted characters and commands is kept as written."""
    assert latex.text(value) == tex


@pytest.mark.parametrize(
    ("value", "tex"),
    [
        ("$\\input{x}$", r"\${\textbackslash}input{\textbraceleft}x{\textbraceright}\$"),
        ("$\\write18{ls}$", r"\${\textbackslash}write18{\textbraceleft}ls{\textbraceright}\$"),
        ("$x^^5c$", r"\$x{\textasciicircum}{\textasciicircum}5c\$"),
        ("$\\csname$", r"\${\textbackslash}csname\$"),
        ("${x$", r"\${\textbraceleft}x\$"),
        ("$x^2^3$", r"\$x{\textasciicircum}2{\textasciicircum}3\$"),
        ("$\\frac{1}$", r"\${\textbackslash}frac{\textbraceleft}1{\textbraceright}\$"),
        ("$x %comment$", r"\$x \%comment\$"),
        ("$a & b$", r"\$a \& b\$"),
    ],
)
def test_other_math_is_written_as_text(value: str, tex: str) -> None:
    """A span with an unknown command, ^^, a stray brace or bad structure prints as text."""
    assert latex.text(value) == tex


def test_long_math_is_written_as_text() -> None:
    """A math span longer than the limit is not trusted, however harmless its content."""
    long_span = "$" + "x+" * 150 + "x$"
    assert latex.text(long_span).startswith(r"\$x+x+")


def test_prices_are_not_math() -> None:
    """Dollar amounts stay dollars: a dollar followed by a space or a digit closes nothing."""
    assert latex.text("costs $5 and $10 a month") == r"costs \$5 and \$10 a month"


def test_math_in_titles_is_braced_against_case_changes() -> None:
    """Math in a title sits inside braces, so bibtex styles cannot lower-case \\Delta."""
    assert latex.title("Learning $\\Delta$ fast") == "Learning {$\\Delta$} fast"
    assert latex.title("Re$^3$Dial: Retrieve") == "{Re$^3$Dial}: Retrieve"


# --- Titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tex"),
    [
        (
            "SAMGPT: Text-free Graph Foundation Model",
            "{SAMGPT}: Text-free Graph Foundation Model",
        ),
        ("Pre-training of BERT for Retrieval", "Pre-training of {BERT} for Retrieval"),
        (
            "OpenBEATs: A Fully Open-Source Audio Encoder",
            "{OpenBEATs}: A Fully Open-Source Audio Encoder",
        ),
        ("UniGraph2: Learning a Unified Space", "{UniGraph2}: Learning a Unified Space"),
        ("GPT-4o and iPhone in 3D", "{GPT}-4o and {iPhone} in {3D}"),
        ("Do I Need Part B?", "Do {I} Need Part {B}?"),
        ("A Study of Graphs", "A Study of Graphs"),
        ("ÉCOLE Benchmarks for Émile", "{{\\'E}COLE} Benchmarks for {\\'E}mile"),
    ],
)
def test_acronyms_and_camel_case_are_protected_word_by_word(value: str, tex: str) -> None:
    """Only words with a capital after their first letter (or lone capitals) are braced."""
    assert latex.title(value) == tex


alphanumerics = st.text("abcxyzABCXYZ019", min_size=1, max_size=5)
title_words = st.lists(
    st.tuples(
        alphanumerics,
        st.sampled_from(["", "'", "-"]),
        alphanumerics,
        st.sampled_from(["", ":", ")", "."]),
    ).map(lambda t: t[0] + (t[1] + t[2] if t[1] else "") + t[3]),
    min_size=1,
    max_size=8,
).map(" ".join)
WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")


@settings(max_examples=300)
@given(title_words)
def test_protection_only_adds_braces_around_the_words_that_need_them(value: str) -> None:
    """Braces go around each word with a capital after its first letter, or a lone capital."""
    tex = latex.title(value)
    assert tex.replace("{", "").replace("}", "") == value
    depth, braced = 0, []
    for char in tex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        braced.append(depth > 0)
    inside = [b for c, b in zip(tex, braced, strict=True) if c not in "{}"]
    for match in WORD.finditer(value):
        word = match.group()
        needs = word[1:] != word[1:].lower() or (
            len(word) == 1 and word in "BCDEFGHIJKLMNOPQRSTUVWXYZ"
        )
        assert all(inside[match.start() : match.end()]) == needs, (word, tex)


@given(title_words)
def test_ascii_and_unicode_titles_are_protected_alike(value: str) -> None:
    """The ASCII fast path and the general path brace the same words."""
    assert latex.title(value + " \u00e9") == latex.title(value) + " {\\'e}"


def test_a_whole_title_is_never_braced() -> None:
    """Even a title of acronyms is braced word by word, never as one group."""
    tex = latex.title("GPT BERT")
    assert tex == "{GPT} {BERT}"


def test_only_the_title_is_case_protected() -> None:
    """Abstracts and venues keep their capitals without braces."""
    got = fields(
        Paper(
            title="BERT",
            abstract="We use BERT.",
            container_title="Proc. of ACL",
            kind=Kind.CONFERENCE_PAPER,
        )
    )
    assert got["title"] == "{BERT}"
    assert got["abstract"] == "We use BERT."
    assert got["booktitle"] == "Proc. of ACL"


# --- Non-ASCII ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tex"),
    [
        ("Đurić", "{\\DJ}uri{\\'c}"),
        ("đ", "{\\dj}"),
        ("Åberg", "{\\AA}berg"),
        ("Émile", "{\\'E}mile"),
        ("Łukasz ł", "{\\L}ukasz {\\l}"),
        ("Søren Ø", "S{\\o}ren {\\O}"),
        ("Müller", 'M{\\"u}ller'),
        ("Dvořák", "Dvo{\\v{r}}{\\'a}k"),
        ("Straße", "Stra{\\ss}e"),
        ("García", "Garc{\\'i}a"),
        ("Ştefan Ș", "{\\c{S}}tefan {\\textcommabelow{S}}"),
        ("Wałęsa", "Wa{\\l}{\\k{e}}sa"),
        ("a \u2013 b \u2014 c \u201cd\u201d \u2018e\u2019", "a -- b --- c ``d'' `e'"),
        ("\u03b1 \u2264 \u03b2", "{$\\alpha$} {$\\le$} {$\\beta$}"),
    ],
)
def test_non_ascii_letters_become_tex_commands(value: str, tex: str) -> None:
    """Accented and special letters, dashes and quotes are written the way TeX spells them."""
    assert latex.text(value) == tex


def test_decomposed_input_gives_the_same_output_as_composed() -> None:
    """Combining accents (NFD) are written like the precomposed letters (NFC)."""
    for name in ("Émile", "Åberg", "Đurić", "Dvořák", "Ôn"):
        assert latex.text(unicodedata.normalize("NFD", name)) == latex.text(name)


def test_a_combining_accent_without_a_precomposed_letter_still_becomes_a_command() -> None:
    """q with a dot above has no precomposed form and is written as an accent command."""
    assert latex.text("q\u0307") == "{\\.q}"


def test_characters_without_a_text_form_stay_utf8() -> None:
    """CJK and emoji have no TeX text command; they are kept as they are."""
    assert latex.text("中文 😀 & more") == "中文 😀 \\& more"


def test_unicode_option_keeps_utf8_but_still_escapes_specials() -> None:
    """With unicode=True letters stay UTF-8 for biber while specials are still escaped."""
    got = fields(
        Paper(
            title="Émile & Đurić \u2013 100%",
            authors=[Author(family="Åberg", given="Ø")],
            issued=PartialDate(2024),
        ),
        unicode=True,
    )
    assert got["title"] == "Émile \\& Đurić \u2013 100\\%"
    assert got["author"] == "Åberg, Ø"


# --- Names ----------------------------------------------------------------------------


def test_names_are_written_von_last_jr_first() -> None:
    """A particle leads the family name, a suffix follows it, the given names come last."""
    paper = Paper(
        title="T",
        authors=[
            Author(family="Berg", particle="van der", given="Jan", suffix="Jr"),
            Author(family="Đurić", given="Émile"),
            Author(family="Plato"),
        ],
    )
    assert fields(paper)["author"] == (
        "van der Berg, Jr, Jan and {\\DJ}uri{\\'c}, {\\'E}mile and Plato"
    )


def test_names_are_parsed_back_as_the_same_people_by_pybtex() -> None:
    """pybtex reads each name into the same parts, organisations as one whole name."""
    from pybtex.database import parse_string

    paper = Paper(
        title="T",
        authors=[
            Author(family="Berg", particle="van der", given="Jan", suffix="Jr"),
            Author(literal="Google DeepMind and Friends, Inc."),
            Author(family="Smith, Jones", given="Ann"),
            Author(family="Barnes and Noble", given="Ed"),
        ],
    )
    (entry,) = parse_string(export(paper), "bibtex").entries.values()
    people = entry.persons["author"]
    assert len(people) == 4
    first = people[0]
    assert (first.prelast_names, first.last_names, first.lineage_names, first.first_names) == (
        ["van", "der"],
        ["Berg"],
        ["Jr"],
        ["Jan"],
    )
    assert people[1].last_names == ["{Google DeepMind and Friends, Inc.}"]
    assert people[2].last_names == ["{Smith, Jones}"]
    assert people[3].last_names == ["{Barnes and Noble}"]


def test_a_name_starting_with_a_special_is_braced_with_commands_biber_can_initial() -> None:
    """biber takes the initial after dropping braces and letter commands: it must find a letter."""
    paper = Paper(title="T", authors=[Author(family="\\x{y}", given="&Co"), Author(literal="_Org")])
    assert fields(paper)["author"] == (
        "{\\textbackslash{}x{\\textbraceleft}y{\\textbraceright}}, {\\symbol{38}Co}"
        " and {\\textunderscore{}Org}"
    )


@settings(max_examples=200)
@given(st.lists(st.tuples(hostile_text, hostile_text), min_size=1, max_size=4))
def test_no_name_becomes_a_live_command_or_another_number_of_people(
    names: list[tuple[str, str]],
) -> None:
    """Hostile names give harmless commands only, and pybtex reads as many people as there are."""
    from pybtex.database import parse_string

    authors = [
        Author(family=family if family.strip() else "x", given=given) for family, given in names
    ]
    bib = export(Paper(title="T", authors=authors))
    (entry,) = parse_string(bib, "bibtex").entries.values()
    # A family name of control characters only has nothing to print: that
    # person is written as "others", never as an empty name.
    printable = [
        a for a in authors if "".join(c for c in a.family or "" if c.isprintable()).strip()
    ]
    if not printable:
        assert "author" not in entry.persons
        return
    people = entry.persons["author"]
    assert len(people) == len(printable) + (len(printable) < len(authors))
    author = fields(Paper(title="T", authors=authors))["author"]
    for name in CONTROL_SEQUENCE.findall(author):
        assert name in ALLOWED_COMMANDS or name in ALLOWED_SYMBOLS, (name, author)
    assert min(brace_depths(author)) >= 0
    assert brace_depths(author)[-1] == 0


def test_some_named_authors_end_with_and_others() -> None:
    """Two names known of five: the list ends with 'and others' and the note gives the count."""
    got = fields(
        Paper(
            title="T",
            authors=[Author(family="Alpha", given="A"), Author(family="Beta", given="B")],
            author_count=5,
        )
    )
    assert got["author"] == "Alpha, A and Beta, B and others"
    assert got["note"] == "5 authors (2 named)"


def test_an_author_count_alone_never_becomes_a_name() -> None:
    """'5 authors' and no names: no author field at all, the count only in the note."""
    got = fields(Paper(title="SAMGPT: Text-free Graphs", author_count=5, issued=PartialDate(2025)))
    assert "author" not in got
    assert got["note"] == "5 authors"
    assert "others" not in export(Paper(title="X", author_count=5))


def test_an_entry_without_authors_gets_a_sort_key_from_its_title() -> None:
    """bibtex styles sort and label by 'key' when the author is missing: the first title word."""
    assert fields(Paper(title="SAMGPT: Text-free Graphs", author_count=5))["key"] == "SAMGPT"
    assert fields(Paper(title="The Re$^3$Dial Corpus"))["key"] == "ReDial"
    assert "key" not in fields(Paper(title="T", authors=[Author(family="Alpha")]))


# --- Entry types and fields -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "entry_type", "venue_field", "publisher_field"),
    [
        (Kind.JOURNAL_ARTICLE, "article", "journal", "publisher"),
        (Kind.CONFERENCE_PAPER, "inproceedings", "booktitle", "publisher"),
        (Kind.BOOK, "book", "series", "publisher"),
        (Kind.BOOK_CHAPTER, "incollection", "booktitle", "publisher"),
        (Kind.THESIS, "phdthesis", None, "school"),
        (Kind.REPORT, "techreport", None, "institution"),
        (Kind.DATASET, "misc", "howpublished", "publisher"),
        (Kind.SOFTWARE, "misc", "howpublished", "publisher"),
        (Kind.OTHER, "misc", "howpublished", "publisher"),
    ],
)
def test_entry_type_and_venue_field_follow_the_kind(
    kind: Kind, entry_type: str, venue_field: str | None, publisher_field: str
) -> None:
    """Each kind maps to its BibTeX entry type, with the venue and publisher where it reads them."""
    paper = Paper(title="T", kind=kind, container_title="The Venue", publisher="The House")
    (entry,) = entries(export(paper))
    assert entry.entry_type == entry_type
    if venue_field:
        assert entry[venue_field] == "The Venue"
    assert entry[publisher_field] == "The House"


def test_a_journal_article_has_its_volume_number_pages_doi_and_month() -> None:
    """Volume, number, pages with an en dash, DOI, year and a bare month macro."""
    bib = export(
        Paper(
            title="T",
            kind=Kind.JOURNAL_ARTICLE,
            container_title="Nature",
            volume="12",
            issue="3",
            pages="101-115",
            doi="https://doi.org/10.1000/XYZ.5",
            issued=PartialDate(2024, 2, 7),
        )
    )
    assert "  month = feb," in bib.splitlines()
    got = fields(Paper(title="T", kind=Kind.JOURNAL_ARTICLE, pages="101\u2013115", issue="3"))
    assert got["pages"] == "101--115"
    (entry,) = entries(bib)
    assert entry["journal"] == "Nature"
    assert (entry["volume"], entry["number"], entry["pages"]) == ("12", "3", "101--115")
    assert entry["doi"] == "10.1000/xyz.5"
    assert entry["year"] == "2024"


def test_an_arxiv_preprint_has_the_eprint_fields_for_natbib_and_biblatex() -> None:
    """eprint (no version), archivePrefix, primaryClass, eprinttype, eprintclass and its page."""
    got = fields(
        Paper(
            title="T",
            kind=Kind.PREPRINT,
            arxiv=ArxivId.parse("arXiv:2502.01234v2"),
            arxiv_category="cs.LG",
            issued=PartialDate(2025, 2),
        )
    )
    assert got["eprint"] == "2502.01234"
    assert got["archivePrefix"] == "arXiv"
    assert got["primaryClass"] == "cs.LG"
    assert got["eprinttype"] == "arxiv"
    assert got["eprintclass"] == "cs.LG"
    assert got["url"] == "https://arxiv.org/abs/2502.01234"
    assert got["howpublished"] == "\\url{https://arxiv.org/abs/2502.01234}"


def test_old_style_arxiv_ids_are_kept_whole() -> None:
    """An old-style id keeps its archive and slash."""
    got = fields(Paper(title="T", kind=Kind.PREPRINT, arxiv="hep-th/9901001v3"))
    assert got["eprint"] == "hep-th/9901001"
    assert got["howpublished"] == "\\url{https://arxiv.org/abs/hep-th/9901001}"


def test_the_url_is_the_paper_page_then_the_pdf() -> None:
    """The paper's own page is the URL; a PDF stands in when there is no page; code is not it."""
    page = Link("https://example.org/paper", LinkKind.PAPER_PAGE)
    pdf = Link("https://example.org/paper.pdf", LinkKind.PDF)
    code = Link("https://github.com/example/code", LinkKind.CODE)
    assert fields(Paper(title="T", links=[code, pdf, page]))["url"] == page.url
    assert fields(Paper(title="T", links=[code, pdf]))["url"] == pdf.url
    assert "url" not in fields(Paper(title="T", links=[code]))


def test_urls_and_dois_cannot_break_out_of_their_verbatim_fields() -> None:
    """Backslashes, braces, carets, spaces, non-ASCII and stray % are percent-encoded."""
    link = Link("https://example.org/a\\b{c}^d%zz%2Fé|`", LinkKind.PAPER_PAGE)
    got = fields(Paper(title="T", links=[link], doi="10.1000/ABC{d}\\e"))
    assert got["url"] == "https://example.org/a%5Cb%7Bc%7D%5Ed%25zz%2F%C3%A9%7C%60"
    assert got["doi"] == "10.1000/abc%7Bd%7D%5Ce"
    for value in (got["url"], got["doi"]):
        assert re.fullmatch(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=<>]|%[0-9A-F]{2})+", value)


def test_keywords_are_one_comma_separated_field() -> None:
    """Keywords are joined with commas and escaped like any text."""
    got = fields(Paper(title="T", keywords=["graphs", "R&D", "zero_shot"]))
    assert got["keywords"] == "graphs, R\\&D, zero\\_shot"


def test_a_pinned_key_cannot_break_the_entry() -> None:
    """A pinned key with characters BibTeX or \\cite cannot take is reduced to safe ones."""
    bib = export(Paper(title="T", citation_key="bad key,{x}\\y%"))
    (entry,) = entries(bib)
    assert entry.key == "badkeyxy"


def test_keys_are_unique_regardless_of_case() -> None:
    """Pinned keys BibTeX takes for one are replaced; fresh keys avoid pinned ones in any case."""
    papers = [
        Paper(title="Kept", citation_key="Lee2021"),
        Paper(title="First", citation_key="Smith2020"),
        Paper(title="Second", citation_key="smith2020"),
        Paper(title="Attention", authors=[Author(family="Vaswani")], issued=PartialDate(2017)),
        Paper(title="Other", citation_key="Vaswani2017attention"),
    ]
    keys = [entry.key for entry in entries(export(*papers))]
    assert keys[0] == "Lee2021"
    assert keys[4] == "Vaswani2017attention"
    assert len({key.casefold() for key in keys}) == 5


def test_pinned_keys_that_come_out_the_same_are_replaced() -> None:
    """Two keys that are the same once unsafe characters are gone do not both stay."""
    papers = [Paper(title="One", citation_key="a b"), Paper(title="Two", citation_key="ab")]
    keys = [entry.key for entry in entries(export(*papers))]
    assert len(set(keys)) == 2


# --- The file -------------------------------------------------------------------------


def test_entries_are_separated_by_one_blank_line_and_the_file_ends_with_a_newline() -> None:
    """Each entry ends with a newline, entries are apart by exactly one empty line."""
    papers = [
        Paper(title="First\n\nline", abstract="a\n\nb"),
        Paper(title="Second"),
        Paper(title="Third"),
    ]
    bib = export(*papers)
    assert bib.endswith("}\n")
    assert not bib.endswith("\n\n")
    assert bib.count("\n\n") == 2
    assert len(entries(bib)) == 3


def test_the_same_papers_give_the_same_bytes() -> None:
    """Exporting twice gives identical output, independent of process state."""
    papers = [
        Paper(title="Émile & Co", authors=[Author(family="Åberg")], issued=PartialDate(2020)),
        Paper(title="Émile & Co", authors=[Author(family="Åberg")], issued=PartialDate(2020)),
    ]
    assert export(*papers) == export(*papers)
    assert export(*papers, unicode=True) == export(*papers, unicode=True)


def test_an_empty_list_gives_an_empty_file() -> None:
    """No papers, no entries."""
    assert export() == ""


def test_papers_without_keys_are_given_keys_by_the_exporter_itself() -> None:
    """Called directly, the exporter assigns keys to papers that have none."""
    text = BibtexExporter().export(
        [Paper(title="Attention", issued=PartialDate(2017))], ExportOptions()
    )
    (entry,) = entries(text)
    assert entry.key == "attention2017"


def test_the_exporter_is_registered_as_bibtex_for_bib_files() -> None:
    """paperbib finds the exporter by its name and by the .bib ending."""
    exporter = registry.exporter("bibtex")
    assert isinstance(exporter, BibtexExporter)
    assert exporter.suffix == ".bib"
    found = registry.exporter_for_suffix(".bib")
    assert isinstance(found, BibtexExporter)
