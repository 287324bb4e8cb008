"""Person names as digests write them, split into the model's name parts.

Digests give names in reading order (``Jan van der Berg``, ``Martin Luther
King, Jr.``). Which words are given names, which a particle and which the
family name is decided by BibTeX's rule, through pybtex's parser: the family
name is the last word, and a particle is a run of lower-case words before it
(``van der``). A name in BibTeX's own ``Family, Given`` order is read as such.

pybtex takes some 15 µs a name, too slow for a 20,000-paper digest, so the
common name that pybtex would split as plain ``Given Family`` (every word
capitalised, no comma, brace, backslash or tie) is split here without it; the
tests check that the two agree. Names repeat across papers, so results are
cached as well.
"""

from __future__ import annotations

import functools
import re

from paperbib.model import Author
from paperbib.text import clean

__all__ = ["parse_name", "split_names"]

_SUFFIXES = r"Jr\.?|Sr\.?|II|III|IV"
# A generational suffix after the family name, with or without a comma.
_SUFFIX = re.compile(rf",?\s+(?P<suffix>{_SUFFIXES})\s*$")
_SUFFIX_ONLY = re.compile(rf"(?:{_SUFFIXES})")
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_AFFILIATION = re.compile(r"\s*\([^()]*\)")
# Words that make a name a group's, which has no given or family part.
_GROUP = re.compile(r"\b(?:collaboration|consortium|team)\b", re.IGNORECASE)
# Characters that give pybtex's rule something to decide beyond "last word is family".
_NEEDS_PYBTEX = re.compile(r"[,{}\\~]")


@functools.lru_cache(maxsize=65_536)
def parse_name(name: str) -> Author | None:
    """The :class:`Author` a digest's name in reading order stands for; None if it is blank.

    The name is digest text: its LaTeX is decoded as :func:`~paperbib.text.clean` does.

    >>> parse_name("Jan van der Berg")
    Author(family='Berg', given='Jan', particle='van der', suffix=None, literal=None, orcid=None)
    """
    name = clean(name)
    if not name:
        return None
    if _GROUP.search(name):
        return Author(literal=name)
    suffix = None
    if match := _SUFFIX.search(name):
        suffix = match["suffix"]
        name = name[: match.start()]
    words = name.split(" ")
    capitalised = all(word[0].isupper() for word in words)
    if len(words) > 1 and capitalised and not _NEEDS_PYBTEX.search(name):
        return Author(family=words[-1], given=" ".join(words[:-1]), suffix=suffix)
    return _parse_with_pybtex(name, suffix)


def _parse_with_pybtex(name: str, suffix: str | None) -> Author:
    from pybtex.database import Person
    from pybtex.exceptions import PybtexError

    try:
        person = Person(name)
    except PybtexError:  # more than two commas: no order BibTeX knows
        return Author(literal=name)
    family = " ".join(person.last_names)
    if not family:
        return Author(literal=name)
    return Author(
        family=family,
        given=" ".join(person.first_names + person.middle_names),
        particle=" ".join(person.prelast_names),
        suffix=" ".join(person.lineage_names) or suffix,
    )


def split_names(names: str) -> list[str]:
    """The names of an author list such as arXiv writes: ``A, B and C``, affiliations dropped.

    Parenthesised affiliations (``A (MIT)``, ``A (1), B (2) ((1) MIT, (2) CMU)``)
    are not names; a suffix after a comma stays with its name.

    >>> split_names("Ana Lima (MIT), Martin Luther King, Jr. and Wei Zhang")
    ['Ana Lima', 'Martin Luther King, Jr.', 'Wei Zhang']
    """
    previous = None
    while previous != names:  # each round removes one level of nested parentheses
        previous, names = names, _AFFILIATION.sub("", names)
    found: list[str] = []
    for part in _LIST_SEPARATOR.split(" ".join(names.split())):
        if found and _SUFFIX_ONLY.fullmatch(part):
            found[-1] += f", {part}"
        elif part:
            found.append(part)
    return found
