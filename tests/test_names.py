"""Person names split into given, particle, family and suffix by BibTeX's rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pybtex.database import Person

from paperbib.model import Author
from paperbib.names import parse_name, split_names


def pybtex_split(name: str) -> Author:
    """What pybtex itself makes of a name, in the model's parts."""
    person = Person(name)
    return Author(
        family=" ".join(person.last_names),
        given=" ".join(person.first_names + person.middle_names),
        particle=" ".join(person.prelast_names),
        suffix=" ".join(person.lineage_names),
    )


capitalised_word = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("ABCDEÉÖŁŻÇJKLMNOPQRSTUVWXYZ"),
    st.text(alphabet="abcdeéfghijklmnopqrstuüvwxyz.'-", max_size=10),
)


@given(st.lists(capitalised_word, min_size=2, max_size=5))
def test_the_fast_split_of_capitalised_names_is_pybtex_s(words: list[str]) -> None:
    """Names split without pybtex get exactly the parts pybtex would give them."""
    name = " ".join(words)
    if name.endswith((" II", " III", " IV", " Jr", " Jr.", " Sr", " Sr.")):
        return  # suffixes are the one case pybtex reads differently, tested below
    assert parse_name(name) == pybtex_split(name)


@pytest.mark.parametrize(
    ("name", "given_name", "particle", "family"),
    [
        ("Jan van der Berg", "Jan", "van der", "Berg"),
        ("Diego de las Casas", "Diego", "de las", "Casas"),
        ("Ludwig von Hohenberg", "Ludwig", "von", "Hohenberg"),
        ("Teven Le Scao", "Teven Le", None, "Scao"),
        ("Jean-Baptiste d'Alembert", "Jean-Baptiste", None, "d'Alembert"),
        ("von Neumann, John", "John", "von", "Neumann"),
        ("Albert Q. Jiang", "Albert Q.", None, "Jiang"),
    ],
)
def test_particles_follow_bibtex(
    name: str, given_name: str, particle: str | None, family: str
) -> None:
    """Lower-case words before the family name are its particle; capitalised ones are given."""
    author = parse_name(name)
    assert author == Author(family=family, given=given_name, particle=particle)
    assert author == pybtex_split(name)


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("Martin Luther King, Jr.", "Jr."),
        ("Martin Luther King Jr.", "Jr."),
        ("Martin Luther King Jr", "Jr"),
        ("Martin Luther King III", "III"),
    ],
)
def test_a_generational_suffix_is_not_a_family_name(name: str, suffix: str) -> None:
    """``Jr.`` after a name, with or without a comma, is its suffix."""
    assert parse_name(name) == Author(family="King", given="Martin Luther", suffix=suffix)


def test_latex_in_a_name_is_decoded() -> None:
    """Digest names are digest text: ``J\\"org M\\"uller`` is Jörg Müller."""
    assert parse_name('J\\"org M\\"uller') == Author(family="Müller", given="Jörg")


@pytest.mark.parametrize("name", ["The ATLAS Collaboration", "OpenAI Team", "a, b, c, d"])
def test_groups_and_unreadable_names_are_kept_whole(name: str) -> None:
    """A collaboration, or a name with more commas than BibTeX allows, is a literal name."""
    assert parse_name(name) == Author(literal=name)


def test_a_single_word_is_a_family_name() -> None:
    """A mononym has a family name and no given name."""
    assert parse_name("Madonna") == Author(family="Madonna")


@pytest.mark.parametrize("name", ["", "   ", "\u200b"])
def test_a_blank_name_is_no_author(name: str) -> None:
    """Blank or invisible text names nobody."""
    assert parse_name(name) is None


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("A. Smith, B. Jones and C. Wu", ["A. Smith", "B. Jones", "C. Wu"]),
        ("A. Smith, B. Jones, and C. Wu", ["A. Smith", "B. Jones", "C. Wu"]),
        ("Anand Rao and Alexandre Roux", ["Anand Rao", "Alexandre Roux"]),
        ("A. Smith (MIT), B. Jones (CMU)", ["A. Smith", "B. Jones"]),
        ("A. Smith (1), B. Jones (2) ((1) MIT, (2) CMU)", ["A. Smith", "B. Jones"]),
        ("Martin Luther King, Jr. and Ana Lima", ["Martin Luther King, Jr.", "Ana Lima"]),
        ("Ana\n  Lima,   Wei\tZhang", ["Ana Lima", "Wei Zhang"]),
    ],
)
def test_author_lists_split_into_names(names: str, expected: list[str]) -> None:
    """Commas and ``and`` divide names; affiliations go; a suffix stays with its name."""
    assert split_names(names) == expected
