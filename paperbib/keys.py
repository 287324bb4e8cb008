"""Readable, deterministic, unique citation keys.

A key is the first author's family name (or, with no author known, the first
significant title word), the year, and the first significant title word not
already used: ``vaswani2017attention``, ``samgpt2025text``, ``h2o2023heavy``. Papers whose
keys collide all get a suffix ``a``, ``b``, ``c``… assigned in an order that
depends on the papers' content, never on their order in the input. Keys that
a paper pins (``Paper.citation_key``) are kept and never reused.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from itertools import count, product
from string import ascii_lowercase

from paperbib.model import Paper
from paperbib.text import normalise_title

__all__ = ["assign_keys", "base_key"]

# Words that say nothing about a paper; a key built on them would collide often.
_STOPWORDS = frozenset(
    """a an and are as at be by do does for from how in into is it its of on or our over
    the their this to towards toward under using via vs what when where which while who
    why with without your""".split()
)

# Letters that Unicode does not decompose into an ASCII base and an accent.
_ASCII_LETTERS = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ł": "l", "Ł": "L",
        "ı": "i", "ħ": "h", "Ħ": "H",  # noqa: RUF001
    }
)  # fmt: skip

_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]+")
_HEAD_TOKENS = 12
_WORD_JOINERS = re.compile(r"(?<=\w)[-\u2010\u2011'\u2019](?=\w)")


@functools.lru_cache(maxsize=1 << 16)  # names and title words recur from paper to paper
def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return _NOT_KEY_CHAR.sub("", decomposed.encode("ascii", "ignore").decode().lower())


def _title_words(title: str | None) -> Iterator[str]:
    """The title's significant words, in order: no stop words, no bare numbers ("TÜLU 3")."""
    if not title:
        return
    # A key needs two words at most; the first dozen tokens are plenty and spare
    # normalising long titles in full.
    head = " ".join(title.split()[:_HEAD_TOKENS])
    # Hyphenated and possessive words stay whole ("Pre-training", "Pretrainer's"),
    # and math keeps its letters and digits: "H$_2$O" is "h2o", not "h" and "o".
    for word in normalise_title(_WORD_JOINERS.sub("", head)).split():
        word = _ascii_word(word)
        if word and word not in _STOPWORDS and not word.isdigit():
            yield word


def base_key(paper: Paper) -> str:
    """The key a paper gets before collisions are resolved."""
    words = _title_words(paper.title)
    lead = ""
    if paper.authors:
        first = paper.authors[0]
        lead = _ascii_word(first.family or first.literal or "")
    if not lead:
        lead = next(words, "")
    year = str(paper.year) if paper.year is not None else ""
    word = next((w for w in words if w != lead), "")
    key = f"{lead}{year}{word}"
    if not key or not key[0].isalpha():
        # Keys must start with a letter for biber and for most styles' labels.
        key = f"paper{key}"
    return key


def _content_order(paper: Paper) -> tuple[str, ...]:
    """A sort key made of the paper's content only, so input order never matters."""
    return (
        str(paper.issued or ""),
        paper.doi or "",
        str(paper.arxiv or ""),
        (paper.title or "").casefold(),
        "\x1f".join(a.display_name for a in paper.authors),
        paper.container_title or "",
        paper.abstract or "",
    )


def _suffixes() -> Iterator[str]:
    """a, b, …, z, aa, ab, …: as many as a collision needs."""
    for width in count(1):
        for letters in product(ascii_lowercase, repeat=width):
            yield "".join(letters)


def assign_keys(papers: Sequence[Paper], taken: Collection[str] = ()) -> list[Paper]:
    """Copies of ``papers`` in the same order, each with a unique ``citation_key``.

    Pinned keys are kept as they are; new keys avoid them and everything in
    ``taken``, in any case, as BibTeX compares keys case-insensitively.
    """
    reserved = set(taken) | {p.citation_key for p in papers if p.citation_key}
    # New keys are lower case: the lower-case forms are what they must avoid.
    reserved |= {key.lower() for key in reserved}
    groups: dict[str, list[int]] = defaultdict(list)
    for index, paper in enumerate(papers):
        if not paper.citation_key:
            groups[base_key(paper)].append(index)

    keys: dict[int, str] = {}
    collisions = []
    for base, members in groups.items():
        if len(members) == 1 and base not in reserved:
            keys[members[0]] = base
        else:
            collisions.append(base)
    reserved.update(keys.values())
    # Sorted, so that which group reaches a shared suffixed key first never
    # depends on input order.
    for base in sorted(collisions):
        candidates = (base + s for s in _suffixes())
        for index in sorted(groups[base], key=lambda i: _content_order(papers[i])):
            key = next(c for c in candidates if c not in reserved)
            keys[index] = key
            reserved.add(key)
    return [
        paper.with_citation_key(keys[i]) if i in keys else paper for i, paper in enumerate(papers)
    ]
