"""The model normalises identifiers and refuses impossible values."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from paperbib import ArxivId, Author, Paper, PartialDate, Provenance
from paperbib.model import normalise_doi


@pytest.mark.parametrize(
    "raw",
    [
        "10.1000/ABC.def",
        "  10.1000/abc.DEF ",
        "doi:10.1000/abc.def",
        "DOI: 10.1000/abc.def",
        "https://doi.org/10.1000/abc.def",
        "http://dx.doi.org/10.1000/ABC.def",
        "doi.org/10.1000/abc.def",
    ],
)
def test_doi_is_lower_case_without_prefix(raw: str) -> None:
    """Every common way of writing a DOI normalises to the same bare lower-case form."""
    assert normalise_doi(raw) == "10.1000/abc.def"
    assert Paper(doi=raw).doi == "10.1000/abc.def"


@pytest.mark.parametrize("raw", ["", "10.1/x", "11.1000/abc", "10.1000/", "10.1000/a b"])
def test_malformed_doi_is_refused(raw: str) -> None:
    """A string that is not a DOI is refused rather than stored."""
    with pytest.raises(ValueError, match="not a DOI"):
        normalise_doi(raw)


@pytest.mark.parametrize(
    ("raw", "ident", "version"),
    [
        ("2401.01234", "2401.01234", None),
        ("2401.01234v3", "2401.01234", 3),
        ("arXiv:1706.03762v7", "1706.03762", 7),
        ("0704.0001", "0704.0001", None),
        ("https://arxiv.org/abs/2401.01234v2", "2401.01234", 2),
        ("https://arxiv.org/pdf/2401.01234v2.pdf", "2401.01234", 2),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("HEP-TH/9901001v2", "hep-th/9901001", 2),
        ("math.GT/0309136", "math.GT/0309136", None),
        ("math.gt/0309136v1", "math.GT/0309136", 1),
    ],
)
def test_arxiv_ids_old_and_new_keep_version_apart(
    raw: str, ident: str, version: int | None
) -> None:
    """arXiv ids of both styles parse, with the version kept apart from the id."""
    parsed = ArxivId.parse(raw)
    assert (parsed.id, parsed.version) == (ident, version)
    assert Paper(arxiv=raw).arxiv == parsed


@pytest.mark.parametrize("raw", ["", "2401.123", "arXiv:abc", "hep-th/99", "1706.03762v"])
def test_malformed_arxiv_id_is_refused(raw: str) -> None:
    """A string that is not an arXiv id is refused."""
    with pytest.raises(ValueError, match="not an arXiv id"):
        ArxivId.parse(raw)


def test_partial_dates_know_what_they_know() -> None:
    """Partial dates print and compare by their known parts only."""
    assert str(PartialDate(2025)) == "2025"
    assert str(PartialDate(2025, 2)) == "2025-02"
    assert str(PartialDate(2025, 2, 7)) == "2025-02-07"
    assert PartialDate.parse("2025-02") == PartialDate(2025, 2)
    assert PartialDate(2025, 2, 7).parts == (2025, 2, 7)
    assert PartialDate(2024) < PartialDate(2024, 1) < PartialDate(2024, 1, 2) < PartialDate(2025)
    assert PartialDate.from_date(dt.date(2024, 2, 29)) == PartialDate(2024, 2, 29)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2025, 2, 30), "day is out of range"),
        ((2025, 13), "month must be"),
        ((2025, None, 3), "needs a month"),
    ],
)
def test_impossible_dates_are_refused(
    args: tuple[int, int | None, int | None], message: str
) -> None:
    """A date that cannot exist is refused."""
    with pytest.raises(ValueError, match=message):
        PartialDate(*args)


def test_author_is_a_person_or_an_organisation() -> None:
    """An author has a family name or a literal name, exactly one of them."""
    assert Author(family="Curie", given="Marie").display_name == "Marie Curie"
    assert Author(family="Berg", given="Jan", particle="van der", suffix="Jr.").display_name == (
        "Jan van der Berg Jr."
    )
    assert Author(literal="CERN").display_name == "CERN"
    with pytest.raises(ValueError, match="either"):
        Author(given="Marie")
    with pytest.raises(ValueError, match="either"):
        Author(family="X", literal="Y")


def test_orcid_is_normalised() -> None:
    """ORCID iDs lose their resolver prefix; a malformed one is refused."""
    assert Author(family="A", orcid="https://orcid.org/0000-0002-1825-009x").orcid == (
        "0000-0002-1825-009X"
    )
    with pytest.raises(ValueError, match="ORCID"):
        Author(family="A", orcid="0000-0002")


def test_author_count_never_below_named_authors() -> None:
    """The count of authors cannot be smaller than the names known."""
    named = (Author(family="A"), Author(family="B"))
    assert Paper(authors=named, author_count=5).authors_incomplete
    assert not Paper(authors=named).authors_incomplete
    assert Paper(author_count=5).authors == ()
    with pytest.raises(ValueError, match="below"):
        Paper(authors=named, author_count=1)


def test_blank_text_is_unknown_and_papers_are_frozen() -> None:
    """Blank strings are stored as unknown, and a paper cannot be changed in place."""
    paper = Paper(title="  ", abstract="", keywords=[" a ", "", "b"])
    assert paper.title is None
    assert paper.abstract is None
    assert paper.keywords == ("a", "b")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        paper.title = "x"  # type: ignore[misc]


def test_provenance_credits_known_fields_only() -> None:
    """with_provenance credits the fields that hold a value and keeps earlier credits."""
    paper = Paper(
        title="T", doi="10.1000/x", provenance={"doi": Provenance("crossref", "10.1000/x")}
    )
    credited = paper.with_provenance("hf-page", "digest.txt:3")
    assert credited.provenance["title"] == Provenance("hf-page", "digest.txt:3")
    assert credited.provenance["doi"].source == "crossref"
    assert "abstract" not in credited.provenance
    assert credited == paper  # provenance does not take part in equality


def test_a_paper_made_from_a_source_is_credited_like_a_credited_copy() -> None:
    """from_source gives the paper and credits that constructing and then crediting gives."""
    fields = {
        "title": "T",
        "abstract": "  ",
        "doi": "10.1000/X",
        "upvotes": 0,
        "provenance": {"doi": Provenance("crossref", "10.1000/x")},
    }
    made = Paper.from_source("hf-json", "daily.json:7", **fields)
    expected = Paper(**fields).with_provenance("hf-json", "daily.json:7")  # type: ignore[arg-type]
    assert made == expected
    assert dict(made.provenance) == dict(expected.provenance)
    assert set(made.provenance) == {"title", "doi", "upvotes"}
    assert made.provenance["doi"].source == "crossref"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.provenance = {}  # type: ignore[misc]
