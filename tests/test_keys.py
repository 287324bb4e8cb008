"""Citation keys: readable, deterministic, unique, ASCII, and independent of input order."""

from __future__ import annotations

import random
import re
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbib.keys import assign_keys
from paperbib.model import Author, Paper, PartialDate

# What BibTeX, biber and \cite accept without any quoting.
KEY = re.compile(r"[a-z][a-z0-9]*")


def paper(
    title: str | None = "Attention Is All You Need",
    family: str | None = "Vaswani",
    year: int | None = 2017,
    **extra: Any,
) -> Paper:
    authors = [Author(family=family, given="Ashish")] if family else []
    issued = PartialDate(year) if year else None
    return Paper(title=title, authors=authors, issued=issued, **extra)


def keys(papers: list[Paper]) -> list[str]:
    return [p.citation_key or "" for p in assign_keys(papers)]


def test_key_is_family_name_year_and_first_significant_title_word() -> None:
    """The key reads as the first author, the year and the first word that is not a stopword."""
    assert keys([paper()]) == ["vaswani2017attention"]
    assert keys([paper(title="The Graph of Thoughts", family="Besta", year=2024)]) == [
        "besta2024graph"
    ]


def test_without_authors_the_first_title_word_leads() -> None:
    """A paper known only by an author count is keyed by its title, never by a made-up name."""
    samgpt = paper(
        title="SAMGPT: Text-free Graph Foundation Model", family=None, year=2025, author_count=5
    )
    assert keys([samgpt]) == ["samgpt2025textfree"]


def test_organisation_names_lead_like_family_names() -> None:
    """An organisation author gives the key its name."""
    team = Paper(title="Gemini", authors=[Author(literal="Gemini Team")], issued=PartialDate(2023))
    assert keys([team])[0].startswith("geminiteam2023")


def test_keys_are_ascii_even_for_accented_and_other_scripts() -> None:
    """Đurić, Åberg, Émile, Łukasz and ß fold to ASCII letters; other scripts drop out."""
    names = ["Đurić", "Åberg", "Émile", "Łukasiewicz", "Straße", "Øster", "李"]
    found = keys([paper(family=name, title=f"Study {i}") for i, name in enumerate(names)])
    assert found[:6] == [
        "duric2017study",
        "aberg2017study",
        "emile2017study",
        "lukasiewicz2017study",
        "strasse2017study",
        "oster2017study",
    ]
    assert all(key.isascii() and KEY.fullmatch(key) for key in found)


def test_math_and_punctuation_stay_out_of_keys() -> None:
    """Math keeps its letters and digits; its markup, braces and commands never reach the key."""
    (key,) = keys([paper(title="Re$^3$Dial: {Retrieve} \\input{x}", family=None, year=2023)])
    assert key == "re3dial2023retrieve"
    (key,) = keys([paper(title="H$_2$O: Heavy-Hitter Oracle", family=None, year=2023)])
    assert key == "h2o2023heavyhitter"


def test_numbers_and_stop_words_are_not_key_words() -> None:
    """A bare number or a stop word after the lead word is skipped: TÜLU 3 is tulu2024pushing."""
    (key,) = keys([paper(title="TÜLU 3: Pushing Frontiers", family=None, year=2024)])
    assert key == "tulu2024pushing"


def test_a_key_always_starts_with_a_letter() -> None:
    """A title starting with a digit, and no author or year: the key still starts with a letter."""
    (key,) = keys([paper(title="3D Gaussian Splatting", family=None, year=None)])
    assert KEY.fullmatch(key)


def test_a_paper_with_nothing_known_still_gets_a_key() -> None:
    """No title, author or year: still a valid, non-empty key."""
    (key,) = keys([Paper()])
    assert KEY.fullmatch(key)


def test_collisions_get_suffixes_a_b_c() -> None:
    """Three papers with the same base key become ...a, ...b, ...c."""
    same = [paper(doi=f"10.1000/{n}") for n in range(3)]
    assert sorted(keys(same)) == [
        "vaswani2017attentiona",
        "vaswani2017attentionb",
        "vaswani2017attentionc",
    ]


def test_collision_suffixes_do_not_depend_on_input_order() -> None:
    """Each paper keeps its key however the input is shuffled."""
    papers = [paper(doi=f"10.1000/{n}") for n in range(5)] + [paper(title="Other", year=2020)]
    expected = dict(zip(papers, keys(papers), strict=True))
    shuffler = random.Random(7)
    for _ in range(10):
        shuffled = papers[:]
        shuffler.shuffle(shuffled)
        assert dict(zip(shuffled, keys(shuffled), strict=True)) == expected


def test_pinned_keys_are_kept_and_never_given_to_another_paper() -> None:
    """A pinned key stays; a paper whose natural key it is gets a suffixed one."""
    pinned = paper(title="Something Else", citation_key="vaswani2017attention")
    natural = paper()
    found = keys([pinned, natural])
    assert found[0] == "vaswani2017attention"
    assert found[1] != "vaswani2017attention"
    assert found[1].startswith("vaswani2017attention")


def test_a_pinned_key_in_another_case_is_never_given_to_another_paper() -> None:
    """BibTeX takes Vaswani2017attention and vaswani2017attention for one key, so both cannot be."""
    pinned = paper(title="Something Else", citation_key="Vaswani2017Attention")
    found = keys([pinned, paper()])
    assert found[0] == "Vaswani2017Attention"
    assert found[1].casefold() != "vaswani2017attention"


def test_keys_are_the_same_on_every_run() -> None:
    """Assigning keys twice to the same papers gives the same keys."""
    papers = [paper(doi=f"10.1000/{n}") for n in range(4)] + [paper(title="Other")]
    assert keys(papers) == keys(list(papers))


def test_keys_are_assigned_to_copies_in_input_order() -> None:
    """The result is the input papers, in order, each with its key, and otherwise unchanged."""
    papers = [paper(title="Beta"), paper(title="Alpha")]
    assigned = assign_keys(papers)
    assert [attrs.evolve(p, citation_key=None) for p in assigned] == papers


names = st.sampled_from(["Vaswani", "Đurić", "Åberg", "Émile", "李", "O'Neil", "van der Berg"])
titles = st.sampled_from(
    ["Attention", "Re$^3$Dial", "A Study", "3D Vision", "{Braces} & %", "中文标题", ""]
)


@st.composite
def random_papers(draw: st.DrawFn) -> Paper:
    family = draw(st.one_of(st.none(), names))
    return Paper(
        title=draw(titles),
        authors=[Author(family=family)] if family else [],
        issued=draw(st.one_of(st.none(), st.builds(PartialDate, st.integers(1990, 2030)))),
        doi=draw(st.one_of(st.none(), st.from_regex(r"10\.1000/[a-z0-9]{1,4}", fullmatch=True))),
    )


@settings(max_examples=200)
@given(st.lists(random_papers(), max_size=12), st.randoms())
def test_keys_are_unique_ascii_and_order_independent(
    papers: list[Paper], shuffler: random.Random
) -> None:
    """For any papers: keys are unique, ASCII, start with a letter, and follow the paper."""
    found = keys(papers)
    assert len(set(found)) == len(found)
    assert all(KEY.fullmatch(key) for key in found)
    shuffled = list(range(len(papers)))
    shuffler.shuffle(shuffled)
    again = keys([papers[i] for i in shuffled])
    # Equal papers may swap keys between them; every distinct paper keeps its own.
    for position, index in enumerate(shuffled):
        twins = [i for i, p in enumerate(papers) if p == papers[index]]
        assert again[position] in {found[i] for i in twins}
