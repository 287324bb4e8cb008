"""Decide which registry record, if any, is the paper a digest describes.

Precision comes first: a wrong DOI pulls a stranger's authors and venue into a
bibliography, while a missing one only leaves a gap. So a candidate must agree
with the digest on its title (compared after normalising case, accents,
punctuation, LaTeX and HTML), must fall in a year window around the digest's
date, must be a record that can be the paper itself, and must not disagree on
the authors; and when two distinct records fit about equally well, no DOI is
chosen at all and both are reported. A title two records share names neither:
then only evidence beyond it (the same people, the abstract, the arXiv link)
picks one, and a rival that the authors count against still stands.

Authors say who wrote a record, not which of their papers it is: agreeing
names and author count confirm a title whose words agree (if only on the main
title, when a subtitle changed), and never make up for a changed word. Names
agree when the first author is the same and the shorter list is, but for a
spelling, within the longer, no given initials disagreeing (J. Wang is not
X. Wang); fewer names in common may be chance. A digest
that names no authors borrows them from its one matching record when that is
a preprint server's record, so that the paper's published version is found
and cited even under a changed subtitle.

Candidates are Crossref works, read through
:func:`~paperbib.enrich.crossref.work_to_paper`; the records it drops (peer
reviews, components, grants, issues, correction notices) are reported as
rejected.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
from attrs import field, frozen

from paperbib.enrich.crossref import is_notice, markup_to_text, work_to_paper
from paperbib.model import Author, Kind, Paper
from paperbib.text import normalise_title

__all__ = [
    "AMBIGUITY_MARGIN",
    "MATCH_THRESHOLD",
    "Candidate",
    "Outcome",
    "Verdict",
    "confirm",
    "decide",
    "decide_records",
    "family_key",
    "judge",
    "same_main_title",
    "same_people",
    "title_similarity",
]

# Chosen with benchmarks/match_quality.py (three labelled sets of 228 digest
# papers each, seeds 7, 11 and 13: true matches with drifted titles, absent
# papers with near-miss records, decoys, twins) and replayed on thirty more
# seeds. Right records whose whole title agrees score 0.97 or more, wrong ones
# at most 0.83 (authors cannot lift a title with a changed word); a record that
# agrees on its main title alone scores SUBTITLE_CHANGE_SCORE (0.87), right or
# wrong, and 0.92 when family names or the abstract confirm it. The threshold
# sits in between. Replayed on 7, 11, 13: up to 0.87 lets the unconfirmed main
# titles in (precision 96.9%, recall 100%), 0.88-0.92 give 100% / 89.1%, 0.95
# turns confirmed ones away too (97.3% / 79.9%: a preprint record is then cited
# instead of its published version). The recall lost is the subtitles that
# nothing but the author count supported (see judge).
MATCH_THRESHOLD = 0.88
# Two distinct records closer than this are a coin toss: it exceeds what soft
# evidence alone separates (author count: 0.07) and stays below what one changed
# content word costs a title of up to twenty words (0.13 or more).
AMBIGUITY_MARGIN = 0.1

# A changed subtitle ("X: a study of Y" published as "X: Y at scale") keeps the
# main title; an exact main title of at least three words is worth this, under
# MATCH_THRESHOLD on purpose: another paper may share a main title, so family
# names or the abstract must confirm it, each worth enough to clear the
# threshold. An agreeing author count does not (see judge).
SUBTITLE_CHANGE_SCORE = 0.87
MIN_MAIN_TITLE_WORDS = 3
# Words this alike (rapidfuzz ratio, 0-100) and at least this long are one word
# spelled two ways: "optimisation" and "optimization", "model" and "models".
SPELLING_VARIANT_RATIO = 85
MIN_VARIANT_LENGTH = 5
# Words that carry little of a title's meaning: "Towards X" and "X" are one
# title, "X for Y" and "X of Y" nearly; any other changed word is a different
# claim, so it costs its share of the title and a penalty on top.
STOPWORD_WEIGHT = 0.25
CONTENT_WORD_PENALTY = 0.04
# Family names the digest gives are strong evidence either way; the author
# count is weak, since published author lists sometimes grow.
AUTHOR_AGREEMENT_BONUS = 0.05
AUTHOR_DISAGREEMENT_PENALTY = 0.3
AUTHOR_COUNT_AGREEMENT_BONUS = 0.02
AUTHOR_COUNT_PENALTY = 0.05
# Lists grow by an author or two between preprint and print; they rarely
# shrink or grow more.
AUTHOR_LIST_GROWTH = 2
# One family name in this many may be written differently in two versions of a
# paper (a transliteration, a compound name split another way).
NAMES_SPELLED_APART = 5
# Abstracts, where the record has one (Crossref holds abstracts for a minority
# of works): a published abstract keeps most of its preprint's content words,
# another paper on the same topic shares far fewer (Jaccard of word sets).
SAME_ABSTRACT = 0.5
OTHER_ABSTRACT = 0.2
MIN_ABSTRACT_WORDS = 20
ABSTRACT_AGREEMENT_BONUS = 0.05
ABSTRACT_DISAGREEMENT_PENALTY = 0.3
# A paper is published up to a few years after its preprint, and seldom more
# than a year before it (a preprint posted after acceptance).
YEARS_AFTER_PREPRINT = 3
YEARS_BEFORE_PREPRINT = 1
# A record found by the DOI the digest gave is the paper unless its title says
# otherwise; below this similarity the DOI is taken to be a typo.
DOI_TITLE_FLOOR = 0.5

# Records of these kinds share titles with papers but are not papers, unless the
# digest says it lists one of them.
_NEVER_THE_PAPER = frozenset({Kind.BOOK, Kind.THESIS, Kind.DATASET, Kind.SOFTWARE})
# Notices about a paper carry its title after one of these openings.
_NOTICE = re.compile(
    r"^(?:(?:author |publisher )?correction|corrigendum|erratum|retraction|retracted"
    r"|withdrawn|addendum|expression of concern|editorial expression of concern|comment on|reply to"
    r"|response to|author response|decision letter|review of|review for)\b"
)


class Verdict(enum.StrEnum):
    """What enrichment concluded about one paper."""

    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    FAILED = "failed"


@frozen
class Candidate:
    """A record considered for a paper: its score, or why it was rejected."""

    doi: str | None
    title: str | None
    score: float
    rejected: str | None = None
    #: The record's arXiv id: its own (an arXiv record), or its preprint's.
    arxiv: str | None = None


def _candidates(value: Iterable[Candidate]) -> tuple[Candidate, ...]:
    return tuple(value)


@frozen
class Outcome:
    """What enrichment concluded about one paper, and on what evidence.

    ``doi`` is the chosen record's DOI (``matched`` only); ``score`` the best
    candidate's score in [0, 1]; ``candidates`` every record considered, best
    first; ``message`` why a lookup ``failed``; ``record`` the chosen record as
    the registry describes it.
    """

    verdict: Verdict
    score: float | None = None
    doi: str | None = None
    candidates: tuple[Candidate, ...] = field(default=(), converter=_candidates)
    message: str | None = None
    record: Paper | None = field(default=None, eq=False, repr=False)


_MAIN_TITLE = re.compile(r"\s*(?::|(?<=[?!])\s|\s[-\u2013\u2014]\s)")
_STOPWORDS = frozenset(
    """a an and as at by for from in into of on or over the to towards toward under
    using via vs with within without""".split()
)


def _main_title(title: str) -> str | None:
    """The part before a subtitle separator, when there is one."""
    parts = _MAIN_TITLE.split(title, maxsplit=1)
    return parts[0] if len(parts) == 2 else None


def _join_compounds(words: list[str], vocabulary: set[str]) -> list[str]:
    """Merge neighbours that the other title writes as one word ("long turn", "longturn")."""
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] + word in vocabulary:
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _weight(word: str) -> float:
    return STOPWORD_WEIGHT if word in _STOPWORDS else 1.0


def _word_similarity(a: str, b: str) -> tuple[float, int]:
    """How alike two normalised titles are, in words, from 0 to 1; and the content words changed.

    Whole words count, so that one changed word ("recognition" for
    "restoration") weighs what it means, not the few letters it differs by; a
    changed content word costs more than a changed "a" or "towards". Spelling
    variants ("optimisation") and split compounds ("long turn") still agree.
    """
    from rapidfuzz.distance import Indel
    from rapidfuzz.fuzz import ratio

    words_a, words_b = a.split(), b.split()
    words_a = _join_compounds(words_a, set(words_b))
    words_b = _join_compounds(words_b, set(words_a))
    only_a = [w for w in words_a if w not in set(words_b)]
    spelled = {}
    for word in set(words_b) - set(words_a):
        if len(word) >= MIN_VARIANT_LENGTH:
            variant = max(only_a, key=lambda w: ratio(w, word), default=None)
            if variant is not None and ratio(variant, word) >= SPELLING_VARIANT_RATIO:
                spelled[word] = variant
    words_b = [spelled.get(w, w) for w in words_b]
    unmatched = [
        words_a[op.src_pos] if op.tag == "delete" else words_b[op.dest_pos]
        for op in Indel.editops(words_a, words_b)
    ]
    total = sum(map(_weight, words_a)) + sum(map(_weight, words_b))
    similarity = 1.0 - sum(map(_weight, unmatched)) / total
    changed_content = sum(word not in _STOPWORDS for word in unmatched)
    return max(similarity - CONTENT_WORD_PENALTY * changed_content, 0.0), changed_content


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, from 0 to 1, ignoring case, accents, markup and punctuation.

    A title whose subtitle changed keeps most of its worth when the main title
    is long enough to identify the paper alone.
    """
    return _title_agreement(a, b).score


@frozen
class _TitleAgreement:
    """How two titles agree: their similarity, and what it rests on."""

    score: float
    #: The titles agree on their main titles alone (a subtitle changed).
    main_only: bool = False
    #: Every content word of the titles compared (the main titles, if main_only) agrees.
    words_agree: bool = False


def _title_agreement(a: str, b: str) -> _TitleAgreement:
    """:func:`title_similarity`, and what it rests on."""
    norm_a, norm_b = normalise_title(a), normalise_title(b)
    if not norm_a or not norm_b:
        return _TitleAgreement(0.0)
    similarity, changed = _word_similarity(norm_a, norm_b)
    main_a = normalise_title(_main_title(a) or a)
    main_b = normalise_title(_main_title(b) or b)
    if (main_a, main_b) != (norm_a, norm_b) and len(main_a.split()) >= MIN_MAIN_TITLE_WORDS:
        main_similarity, main_changed = _word_similarity(main_a, main_b)
        if SUBTITLE_CHANGE_SCORE * main_similarity > similarity:
            return _TitleAgreement(SUBTITLE_CHANGE_SCORE * main_similarity, True, not main_changed)
    return _TitleAgreement(similarity, False, not changed)


def family_key(author: Author) -> str:
    """A family name as compared: normalised, no spaces; an organisation's last word."""
    name = author.family or (author.literal or "").rsplit(" ", 1)[-1]
    return normalise_title(name).replace(" ", "")


def _family_names(paper: Paper) -> list[str]:
    """The paper's family names as compared, in byline order."""
    return [key for key in map(family_key, paper.authors) if key]


def _preprint_year(paper: Paper) -> int | None:
    """The year the digest's paper appeared: its date, its arXiv id, or its listing."""
    if paper.issued is not None:
        return paper.issued.year
    if paper.arxiv is not None:
        # New ids start with YYMM; old ones end with YYMMNNN.
        digits = paper.arxiv.id if "." in paper.arxiv.id[:5] else paper.arxiv.id.split("/")[1]
        yy = int(digits[:2])
        return 2000 + yy if yy < 91 else 1900 + yy
    return None if paper.listed is None else paper.listed.year


def _rejection(paper: Paper, record: Paper) -> str | None:
    """Why ``record`` cannot be ``paper`` whatever its title, if it cannot."""
    if record.kind in _NEVER_THE_PAPER and record.kind is not paper.kind:
        return f"a {record.kind.value}, not a paper"
    record_title = normalise_title(record.title or "")
    if _NOTICE.match(record_title) and not _NOTICE.match(normalise_title(paper.title or "")):
        return "a notice about a paper, not the paper"
    year = _preprint_year(paper)
    if year is not None and record.year is not None:
        earliest, latest = year - YEARS_BEFORE_PREPRINT, year + YEARS_AFTER_PREPRINT
        if not earliest <= record.year <= latest:
            return f"published {record.year}, outside {earliest}-{latest}"
    return None


def _name_evidence(paper: Paper, record: Paper) -> float:
    """What the family names add to a title's score, when both sides give them.

    Two versions of one paper have the same first author and the shorter
    list's names all in the longer one, but for one in
    :data:`NAMES_SPELLED_APART` written differently. Anything less may be
    chance, as common family names recur (half of two short lists is one
    name): it neither confirms nor refutes. No name in common refutes.
    """
    ours, theirs = _family_names(paper), _family_names(record)
    if not ours or not theirs:
        return 0.0
    if not set(ours) & set(theirs):
        return -AUTHOR_DISAGREEMENT_PENALTY
    return AUTHOR_AGREEMENT_BONUS if same_people(paper, record) else 0.0


def same_people(paper: Paper, record: Paper) -> bool:
    """Whether the names say the same people wrote both (see :func:`_name_evidence`).

    A family name on both sides is one person unless the given names start
    with different letters: family names alone coincide too often (X. Wang is
    not J. Wang), while a given name is written in full, as initials or not
    at all, but seldom with another first letter.
    """
    ours, theirs = _people(paper), _people(record)
    if not ours or not theirs or ours[0][0] != theirs[0][0]:
        return False
    if not _one_person({ours[0][1]}, {theirs[0][1]}):
        return False
    our_initials, their_initials = _initials_by_family(ours), _initials_by_family(theirs)
    shared = sum(
        _one_person(our_initials[family], their_initials[family])
        for family in our_initials.keys() & their_initials.keys()
    )
    shorter = min(len(our_initials), len(their_initials))
    return shared >= shorter - shorter // NAMES_SPELLED_APART


def _people(paper: Paper) -> list[tuple[str, str]]:
    """Each author's family name and given initial as compared ("": no given name), in order."""
    people = []
    for author in paper.authors:
        family = family_key(author)
        if family:
            people.append((family, normalise_title(author.given or "")[:1]))
    return people


def _initials_by_family(people: list[tuple[str, str]]) -> dict[str, set[str]]:
    """The given initials seen with each family name (several Wangs may write one paper)."""
    initials: dict[str, set[str]] = {}
    for family, initial in people:
        initials.setdefault(family, set()).add(initial)
    return initials


def _one_person(ours: set[str], theirs: set[str]) -> bool:
    """Whether given initials seen with one family name allow a person in common."""
    return "" in ours or "" in theirs or bool(ours & theirs)


def same_main_title(a: str, b: str) -> bool:
    """Whether two titles have one main title (before any subtitle), long enough to name a paper.

    "X: a study of Y" and "X: Y at scale", "X" and "X: Y" have one main title
    X; two normalised spellings of X agree, any changed word does not.
    """
    main_a = normalise_title(_main_title(a) or a)
    return main_a == normalise_title(_main_title(b) or b) and (
        len(main_a.split()) >= MIN_MAIN_TITLE_WORDS
    )


def _count_evidence(paper: Paper, record: Paper) -> float:
    """What the number of authors adds: a little when equal, a penalty when implausible."""
    count = paper.author_count if paper.author_count is not None else len(paper.authors)
    record_count = max(len(record.authors), record.author_count or 0)
    if not count or not record_count:
        return 0.0
    if record_count == count:
        return AUTHOR_COUNT_AGREEMENT_BONUS
    if count < record_count <= count + AUTHOR_LIST_GROWTH:
        return 0.0
    return -AUTHOR_COUNT_PENALTY


def _abstract_evidence(paper: Paper, record: Paper) -> float:
    """What the abstracts add, when both are known: the share of content words in common."""
    if paper.abstract is None or record.abstract is None:
        return 0.0
    ours = set(normalise_title(paper.abstract).split()) - _STOPWORDS
    theirs = set(normalise_title(record.abstract).split()) - _STOPWORDS
    if min(len(ours), len(theirs)) < MIN_ABSTRACT_WORDS:
        return 0.0
    shared = len(ours & theirs) / len(ours | theirs)
    if shared >= SAME_ABSTRACT:
        return ABSTRACT_AGREEMENT_BONUS
    if shared < OTHER_ABSTRACT:
        return -ABSTRACT_DISAGREEMENT_PENALTY
    return 0.0


def _candidate(record: Paper, score: float, rejected: str | None = None) -> Candidate:
    arxiv = None if record.arxiv is None else str(record.arxiv)
    return Candidate(record.doi, record.title, score, rejected, arxiv)


def judge(paper: Paper, record: Paper) -> Candidate:
    """Score one record as a match for ``paper``, or say why it cannot be one."""
    rejected = _rejection(paper, record)
    if rejected is None and paper.arxiv is not None and record.arxiv is not None:
        if paper.arxiv.id != record.arxiv.id:
            rejected = f"the published version of arXiv:{record.arxiv.id}"
        else:
            # The record names the digest's own preprint as its preprint.
            return _candidate(record, 1.0)
    if rejected is not None or not paper.title or not record.title:
        return _candidate(record, 0.0, rejected or "no title to compare")
    title = _title_agreement(paper.title, record.title)
    names, count = _name_evidence(paper, record), _count_evidence(paper, record)
    if title.main_only:
        # Another paper that shares the main title has as many authors about
        # one time in seven, so the count cannot be what lifts such a title
        # over the threshold; family names or the abstract must. (Letting it
        # would raise recall to 97.6% and lower precision to 99.0% over thirty
        # labelled sets: 41 wrong DOIs, all papers sharing the main title.) An
        # implausible count still counts against it.
        count = min(count, 0.0)
    if not title.words_agree:
        # Authors say who wrote a record, not which of their papers it is: the
        # same people often publish a second paper under a title one word
        # away. So names and count confirm a title whose words agree, but
        # never make up for a changed word; they can still count against it.
        names, count = min(names, 0.0), min(count, 0.0)
    score = title.score + names + count + _abstract_evidence(paper, record)
    return _candidate(record, round(min(max(score, 0.0), 1.0), 3))


def _never_the_paper(work: Mapping[str, Any]) -> Candidate:
    """How a work that mapping dropped (a review, a notice, a grant) is reported."""
    doi = work.get("DOI")
    titles = work.get("title")
    title = titles[0] if isinstance(titles, list) and titles else titles
    reason = (
        "a notice about another work"
        if is_notice(work)
        else f"a {work.get('type') or 'typeless'} record, never the paper itself"
    )
    return Candidate(
        doi.lower() if isinstance(doi, str) else None,
        markup_to_text(title) if isinstance(title, str) else None,
        0.0,
        reason,
    )


def decide(paper: Paper, works: Iterable[Mapping[str, Any]]) -> Outcome:
    """Choose the work among search results that is ``paper``, or abstain.

    ``matched`` needs a best score of :data:`MATCH_THRESHOLD` and no distinct
    record within :data:`AMBIGUITY_MARGIN` of it (``ambiguous`` otherwise); a
    preprint record next to its published version does not count as distinct.
    """
    records: list[Paper] = []
    dropped: list[Candidate] = []
    for work in works:
        record = work_to_paper(work)
        if record is None:
            dropped.append(_never_the_paper(work))
        else:
            records.append(record)
    return decide_records(paper, records, dropped=dropped)


def _doi(record: Paper) -> str | None:
    return record.doi


def decide_records(
    paper: Paper,
    records: Iterable[Paper],
    *,
    identity: Callable[[Paper], str | None] = _doi,
    dropped: Iterable[Candidate] = (),
) -> Outcome:
    """:func:`decide` for records already in the model, from any source.

    ``identity`` says which records are one and the same (Crossref's share a
    DOI, arXiv's an id); a record without one is reported but never chosen.
    ``dropped`` are candidates rejected before judging, reported last.
    """
    by_identity: dict[str | None, tuple[Candidate, Paper]] = {}
    for record in records:
        judged = judge(paper, record)
        key = identity(record)
        if key not in by_identity or judged.score > by_identity[key][0].score:
            by_identity[key] = (judged, record)
    ranked = _best_first(by_identity.values())
    candidates = tuple(c for c, _ in ranked) + tuple(dropped)
    viable = [(c, r) for c, r in ranked if c.rejected is None and identity(r) is not None]
    best = viable[0][0].score if viable else None
    if best is None or best < MATCH_THRESHOLD:
        return Outcome(Verdict.NOT_FOUND, best, candidates=candidates)
    close = _close_to_best(viable)
    matches = [(c, r) for c, r in close if c.score >= MATCH_THRESHOLD]
    published = [(c, r) for c, r in matches if r.kind is not Kind.PREPRINT]
    named = None if published else _named_by_preprint(paper, matches, viable)
    if named is not None:
        # The one match is a preprint record, whose authors are the paper's:
        # with them, a published version whose title changed since the
        # preprint is told from another paper that shares its main title. Its
        # version by the same people is no rival to it, however far below.
        rejudged = {
            identity(r): (judge(named, r), r) for _, r in viable if r.kind is not Kind.PREPRINT
        }
        versions = [
            (c, r)
            for c, r in rejudged.values()
            if c.rejected is None and c.score >= MATCH_THRESHOLD and _name_evidence(named, r) > 0
        ]
        if versions:
            published = _close_to_best(_best_first(versions))
            ranked = _best_first(rejudged.get(identity(r), (c, r)) for c, r in ranked)
            candidates = tuple(c for c, _ in ranked) + tuple(dropped)
    # A preprint record next to its published version (a match itself): cite the published one.
    contenders = published or close
    if len(contenders) > 1:
        return Outcome(Verdict.AMBIGUOUS, best, candidates=candidates)
    chosen, record = contenders[0]
    # Borrowed names confirm a published version, not the preprint record they came from.
    evidence = named if named is not None and record.kind is not Kind.PREPRINT else paper
    if not _confirmed(evidence, record) and _title_rival(paper, record, viable, identity):
        return Outcome(Verdict.AMBIGUOUS, best, candidates=candidates)
    return Outcome(Verdict.MATCHED, chosen.score, record.doi, candidates, record=record)


def _confirmed(paper: Paper, record: Paper) -> bool:
    """Whether more than the title says ``record`` is ``paper``: people, abstract or preprint."""
    if paper.arxiv is not None and record.arxiv is not None:
        return paper.arxiv.id == record.arxiv.id
    return _name_evidence(paper, record) > 0 or _abstract_evidence(paper, record) > 0


def _title_rival(
    paper: Paper,
    chosen: Paper,
    viable: list[tuple[Candidate, Paper]],
    identity: Callable[[Paper], str | None],
) -> bool:
    """Whether another record of the same standing fits the title about as well as ``chosen``.

    A title two records share names neither; a rival that names or counts
    pushed down still shares it, so only evidence for ``chosen`` can pick it.
    A preprint record is no rival to a published one (it is a version).
    """
    title = paper.title or ""
    floor = _title_agreement(title, chosen.title or "").score - AMBIGUITY_MARGIN
    return any(
        identity(other) != identity(chosen)
        and (other.kind is Kind.PREPRINT) == (chosen.kind is Kind.PREPRINT)
        and _title_agreement(title, other.title or "").score >= floor
        for _, other in viable
    )


def _best_first(judged: Iterable[tuple[Candidate, Paper]]) -> list[tuple[Candidate, Paper]]:
    return sorted(judged, key=lambda pair: -pair[0].score)


def _close_to_best(ranked: list[tuple[Candidate, Paper]]) -> list[tuple[Candidate, Paper]]:
    """The records of a best-first list within :data:`AMBIGUITY_MARGIN` of the first."""
    return [(c, r) for c, r in ranked if c.score >= ranked[0][0].score - AMBIGUITY_MARGIN]


def _named_by_preprint(
    paper: Paper, matches: list[tuple[Candidate, Paper]], viable: list[tuple[Candidate, Paper]]
) -> Paper | None:
    """``paper`` with the authors of its one match, a preprint record, if they can help.

    They can when the digest names no authors and a published record is among the results.
    """
    if len(matches) != 1 or _family_names(paper):
        return None
    (_, preprint), *_ = matches
    if preprint.kind is not Kind.PREPRINT or not _family_names(preprint):
        return None
    if all(record.kind is Kind.PREPRINT for _, record in viable):
        return None
    return attrs.evolve(paper, authors=preprint.authors)


def confirm(paper: Paper, work: Mapping[str, Any] | None) -> Outcome:
    """The outcome of looking a paper up by the DOI it gave (``work`` None: unknown DOI).

    The DOI identifies the record; only a title that plainly differs from the
    digest's (a mistyped DOI) keeps it from being used.
    """
    if work is None:
        return Outcome(Verdict.NOT_FOUND)
    record = work_to_paper(work)
    if record is None:
        return Outcome(Verdict.NOT_FOUND, candidates=(_never_the_paper(work),))
    if not paper.title or not record.title:
        score = 1.0
    else:
        score = round(title_similarity(paper.title, record.title), 3)
    candidate = _candidate(record, score)
    if score < DOI_TITLE_FLOOR:
        candidate = attrs.evolve(candidate, rejected="its title differs from the digest's")
        return Outcome(Verdict.NOT_FOUND, score, candidates=(candidate,))
    return Outcome(Verdict.MATCHED, score, record.doi, (candidate,), record=record)
