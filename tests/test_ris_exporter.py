"""RIS output reads back with rispy, keeps its record structure, and writes what Zotero reads."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from shared_data import ZOTERO_RIS_CASES

import paperbib
from paperbib import Author, Kind, Link, LinkKind, Paper, PartialDate

# The line pattern of Zotero's RIS reader (RIS.js, risFormat): anything else continues a value.
ZOTERO_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")

INJECTION = "First line.\nER  - \r\nTY  - JOUR\rTI  - Injected\u2028AU  - Fake, Author\x85\vend"

# Each paper with the values a reader must get back, written out by hand.
CASES: list[tuple[Paper, dict[str, Any]]] = [
    (
        Paper(
            title="SAMGPT: Text-free Graph Foundation Models for Multi-domain Pre-training",
            abstract="Our own one-line abstract for this fixture.",
            authors=[Author(family="Yu", given="Xingtong"), Author(family="Åberg", given="Émile")],
            issued=PartialDate(2025, 2, 7),
            arxiv="2502.05424v2",
            kind=Kind.PREPRINT,
            links=[Link("https://github.com/example/samgpt", LinkKind.CODE)],
            keywords=["graph learning", "foundation models"],
            citation_key="yu2025samgpt",
        ),
        {
            "type_of_reference": "GEN",
            "authors": ["Yu, Xingtong", "Åberg, Émile"],
            "year": "2025",
            "date": "2025/02/07",
            "secondary_title": "arXiv",
            "accession_number": "arXiv:2502.05424",
            "urls": ["https://arxiv.org/abs/2502.05424", "https://github.com/example/samgpt"],
            "keywords": ["graph learning", "foundation models"],
        },
    ),
    (
        Paper(
            title="Deep learning",
            authors=[
                Author(family="LeCun", given="Yann"),
                Author(family="Bengio", given="Yoshua"),
                Author(family="Hinton", given="Geoffrey"),
            ],
            issued=PartialDate(2015, 5, 28),
            doi="10.1038/nature14539",
            container_title="Nature",
            volume="521",
            issue="7553",
            pages="436\u2013444",  # an en dash, as publishers write ranges
            publisher="Springer Nature",
            kind=Kind.JOURNAL_ARTICLE,
            citation_key="lecun2015deep",
        ),
        {
            "type_of_reference": "JOUR",
            "authors": ["LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey"],
            "year": "2015",
            "date": "2015/05/28",
            "doi": "10.1038/nature14539",
            "secondary_title": "Nature",
            "volume": "521",
            "number": "7553",
            "start_page": "436",
            "end_page": "444",
            "publisher": "Springer Nature",
        },
    ),
    (
        Paper(
            title="Attention Is All You Need",
            authors=[Author(family="Vaswani", given="Ashish")],
            author_count=8,
            issued=PartialDate(2017),
            container_title="Advances in Neural Information Processing Systems",
            pages="5998--6008",
            kind=Kind.CONFERENCE_PAPER,
            citation_key="vaswani2017attention",
        ),
        {
            "type_of_reference": "CPAPER",
            "authors": ["Vaswani, Ashish"],
            "notes": ["8 authors (1 named)"],
            "year": "2017",
            "date": "2017",
            "start_page": "5998",
            "end_page": "6008",
        },
    ),
    (
        Paper(
            title="Notes on particles, suffixes and organisations",
            authors=[
                Author(family="Berg", given="Jan", particle="van der"),
                Author(family="King", given="Martin Luther", suffix="Jr."),
                Author(literal="OpenAI"),
                Author(family="Plato"),
            ],
            issued=PartialDate(2020, 11),
            kind=Kind.BOOK,
            citation_key="berg2020notes",
        ),
        {
            "type_of_reference": "BOOK",
            "authors": ["van der Berg, Jan", "King, Martin Luther, Jr.", "OpenAI", "Plato"],
            "date": "2020/11",
        },
    ),
    (
        Paper(
            title="A study whose digest named no author",
            author_count=5,
            kind=Kind.OTHER,
            citation_key="study2024digest",
        ),
        {"type_of_reference": "GEN", "notes": ["5 authors"]},
    ),
    (
        Paper(
            title="Speech corpora for low-resource languages: Đurić's thesis",
            authors=[Author(family="Đurić", given="Đorđe")],
            issued=PartialDate(2019),
            kind=Kind.THESIS,
            citation_key="djuric2019speech",
        ),
        {"type_of_reference": "THES", "authors": ["Đurić, Đorđe"], "year": "2019"},
    ),
    (
        Paper(title="Chapter", kind=Kind.BOOK_CHAPTER, citation_key="chapter"),
        {"type_of_reference": "CHAP"},
    ),
    (
        Paper(title="Report", kind=Kind.REPORT, citation_key="report"),
        {"type_of_reference": "RPRT"},
    ),
    (
        Paper(title="Dataset", kind=Kind.DATASET, citation_key="dataset"),
        {"type_of_reference": "DATA"},
    ),
    (
        Paper(
            title='Quotes " and \\input{/etc/passwd} ER  - & 100% $x^2$ 北京',
            abstract=INJECTION,
            authors=[Author(family="O'Brien", given="Seán")],
            kind=Kind.SOFTWARE,
            citation_key="obrien2024quotes",
        ),
        {
            "type_of_reference": "COMP",
            "authors": ["O'Brien, Seán"],
            "abstract": "First line. ER  - TY  - JOUR TI  - Injected AU  - Fake, Author end",
        },
    ),
]
PAPERS = [paper for paper, _ in CASES]


@pytest.fixture(scope="module")
def ris_text() -> str:
    return paperbib.dumps(PAPERS, "ris")


@pytest.fixture(scope="module")
def records(ris_text: str) -> list[dict[str, Any]]:
    import rispy

    parsed: list[dict[str, Any]] = rispy.loads(ris_text)
    return parsed


def test_rispy_reads_back_every_record(records: list[dict[str, Any]]) -> None:
    """rispy reads one record per paper with its key, title, authors, dates and fields."""
    assert len(records) == len(CASES)
    for record, (paper, expected) in zip(records, CASES, strict=True):
        assert record["id"] == paper.citation_key
        assert record["title"] == paper.title
        for field, value in expected.items():
            assert record.get(field) == value, (paper.citation_key, field)


def test_authors_known_only_by_count_get_no_author_line(records: list[dict[str, Any]]) -> None:
    """A paper known only as "5 authors" has no AU line at all; the count is a note."""
    record = records[[p.citation_key for p in PAPERS].index("study2024digest")]
    assert "authors" not in record
    assert "first_authors" not in record
    assert record["notes"] == ["5 authors"]


def test_missing_values_write_no_tags(records: list[dict[str, Any]]) -> None:
    """A paper without date, DOI, venue or links has no empty PY, DA, DO, T2 or UR lines."""
    record = records[[p.citation_key for p in PAPERS].index("study2024digest")]
    assert set(record) == {"type_of_reference", "id", "title", "notes"}


def test_lines_end_in_crlf_only(ris_text: str) -> None:
    """Every line ends with CRLF; there is no lone CR or LF anywhere."""
    assert ris_text.endswith("\r\n")
    assert ris_text.count("\n") == ris_text.count("\r\n") == ris_text.count("\r")


def test_every_record_is_closed(ris_text: str) -> None:
    """Records start with TY, end with `ER  - `, and are as many as the papers."""
    blocks = ris_text.removesuffix("\r\n").split("\r\n\r\n")
    assert len(blocks) == len(PAPERS)
    for block in blocks:
        assert block.startswith("TY  - ")
        assert block.endswith("\r\nER  - ")
        lines = block.split("\r\n")
        assert [line for line in lines if line.startswith(("ER", "TY"))] == [lines[0], "ER  - "]


def test_hostile_text_cannot_start_a_tag_line(ris_text: str) -> None:
    """Line breaks of every kind in values are folded: every line is a tag line or blank."""
    for line in ris_text.splitlines():
        assert line == "" or ZOTERO_TAG_LINE.match(line), line
    tags = [line[:2] for line in ris_text.splitlines() if line]
    assert tags.count("TY") == tags.count("ER") == len(PAPERS)
    assert "Fake, Author" not in [line[6:] for line in ris_text.splitlines() if line[:2] == "AU"]


def test_file_is_utf8_and_non_ascii_survives(tmp_path: Path) -> None:
    """Written to a .ris file, the bytes are UTF-8 without BOM and rispy reads the names back."""
    import rispy

    path = tmp_path / "refs.ris"
    paperbib.dump(PAPERS, path)
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "Đurić, Đorđe".encode() in data
    assert "北京".encode() in data
    read = rispy.load(path, encoding="utf-8")
    assert [r.get("authors") for r in read] == [e.get("authors") for _, e in CASES]


def test_many_papers_keep_their_record_count() -> None:
    """A few hundred papers with injected abstracts come back as exactly as many records."""
    import rispy

    papers = [
        Paper(title=f"Paper {i}", abstract=INJECTION * 3, citation_key=f"p{i}") for i in range(300)
    ]
    records = rispy.loads(paperbib.dumps(papers, "ris"))
    assert [r["title"] for r in records] == [f"Paper {i}" for i in range(300)]


# Zotero's own import test cases (its RIS translator's test suite): the values Zotero
# expects from RIS lines. Our lines for the same values must be the lines Zotero reads.


def zotero_cases() -> list[dict[str, Any]]:
    if not ZOTERO_RIS_CASES.exists():
        pytest.skip(f"Zotero's RIS test cases are not present at {ZOTERO_RIS_CASES}")
    cases: list[dict[str, Any]] = json.loads(ZOTERO_RIS_CASES.read_text(encoding="utf-8"))
    return cases


def tag_values(text: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        if match := ZOTERO_TAG_LINE.match(line):
            values[match.group(1)].append((match.group(2) or "").strip())
    return dict(values)


def zotero_records(case: dict[str, Any]) -> list[tuple[dict[str, list[str]], dict[str, Any]]]:
    """Each record of a Zotero test input, as tag values, with the item Zotero expects from it."""
    inputs = re.split(r"^ER {1,2}-.*$", case["input"], flags=re.M)
    records = [tag_values(text) for text in inputs if text.strip()]
    return list(zip(records, case["items"], strict=True))


def paper_from_zotero_item(item: dict[str, Any]) -> Paper:
    return Paper(
        title=item.get("title"),
        authors=[Author(family=c["lastName"], given=c.get("firstName")) for c in item["creators"]],
        issued=PartialDate.parse(item["date"]) if "date" in item else None,
        doi=item.get("DOI"),
        container_title=item.get("publicationTitle"),
        links=[Link(item["url"], LinkKind.PAPER_PAGE)] if "url" in item else [],
        keywords=[tag["tag"] for tag in item["tags"]],
        kind=Kind.JOURNAL_ARTICLE,
    )


def test_zotero_reads_our_preprint_type_as_a_journal_article() -> None:
    """Zotero imports the TY we give preprints as journalArticle, which keeps DOI and URL."""
    cases = zotero_cases()
    preprint = Paper(title="A preprint", arxiv="2401.00001", kind=Kind.PREPRINT)
    (ours,) = tag_values(paperbib.dumps([preprint], "ris"))["TY"]
    item_types = {
        item["itemType"]
        for case in cases
        for given, item in zotero_records(case)
        if given["TY"] == [ours]
    }
    assert item_types == {"journalArticle"}


def test_our_lines_are_the_lines_zotero_reads() -> None:
    """For each journal article Zotero's tests import, our lines give back Zotero's values."""
    checked = 0
    for case in zotero_cases():
        for given, item in zotero_records(case):
            if given["TY"] != ["JOUR"]:
                continue
            assert item["itemType"] == "journalArticle"
            ours = tag_values(paperbib.dumps([paper_from_zotero_item(item)], "ris"))
            assert ours["TY"] == ["JOUR"]
            # Zotero splits an author line at its commas: last name, first name.
            creators = [tuple(re.split(r"\s*,\s*", value)) for value in ours.get("AU", [])]
            assert creators == [(c["lastName"], c["firstName"]) for c in item["creators"]]
            if "date" in item:
                for tag in ("DA", "PY"):
                    if tag in given:
                        assert ours[tag] == given[tag]
            if "publicationTitle" in item:
                assert ours["T2"] == [item["publicationTitle"]]
                if "T2" in given:
                    assert item["publicationTitle"] in given["T2"]
            if "DOI" in item:
                assert ours["DO"] == [d.lower() for d in given["DO"]]
            if "url" in item:
                assert ours["UR"] == given["UR"]
            assert sorted(ours.get("KW", [])) == sorted(tag["tag"] for tag in item["tags"])
            checked += 1
    assert checked >= 5
