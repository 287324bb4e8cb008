"""Adding papers to an existing bibliography without disturbing it: ``export --into``.

A curated ``refs.bib`` is a document its owner has shaped by hand: comments,
``@string`` macros, spacing, field order, keys cited in a paper. So the target
is never re-written from the model. Its text is kept as it is, and every change
is an *edit* of that text: new entries appended at its end, and, with
``update_existing``, new fields inserted into an existing entry. Everything
outside the edits is the old text, byte for byte, line ends and all.

How the target is read, per format:

* The format's own reader reads the target, so matching sees what ``load``
  would. Each paper it reads is tied back to the text it came from through its
  provenance line: for BibTeX the ``@type{key`` head on that line, for RIS the
  record whose ``TY`` line it is. CSL-JSON items are cut out of the array here
  (two items may share a line) and read one at a time.
* Blocks the reader cannot read are reported as problems and left exactly as
  they were; their keys still count as taken.

Which papers are new: the papers given are first merged among themselves
(:func:`paperbib.dedup.deduplicate`), then each is compared with the target's
papers by :func:`paperbib.dedup.same_paper` (same DOI, arXiv id, or normalised
title with a compatible year). A match found by an identifier is preferred to
one found by title. Papers that match are "already there"; the others are
appended under fresh keys (:func:`paperbib.keys.assign_keys`) that avoid every
key in the target, compared case-insensitively as classic BibTeX does.

``update_existing`` fills only what an entry lacks. The model decides what is
missing (a field the target's paper has no value for), the format's own
exporter writes those values, and only fields that are absent or empty in the
entry's text are written; a non-empty field never changes. Fields that say one
thing together are filled together or not at all: BibTeX's date (``year``,
``month``, ``date``) and arXiv fields (``eprint``, ``archivePrefix``, ...), and
RIS's alternative tags for one value (``TI``/``T1``, ``PY``/``DA``/``Y1``, ...).
BibTeX fields whose name depends on the entry type (``journal``,
``booktitle``, ``howpublished``, ``publisher``, ...) are filled only in an
entry of the type the exporter would write.

* BibTeX: new ``name = value`` lines before the entry's closing brace, spaced
  like the entry's last field (with a comma after that field if it had none);
  an empty field (``doi = {}``) gets its value in place.
* RIS: new tag lines before the record's ``ER`` line; an empty tag line gets
  its value in place.
* CSL-JSON: new members after the item's last one, laid out like it
  (indentation, ``\\u`` escapes, the spacing around ``:``); an empty value
  (``"DOI": ""``) is filled in place. New items go before the array's ``]``,
  separated as the file separates its items.

Keys stay put. A new paper's key depends on its own content and on the keys
the target has, never on the order of the papers given (see
:mod:`paperbib.keys`). Once written, a key belongs to the target: a paper
added later whose key would be the same gets the next free suffix
(``vaswani2017attentiona``) and the written entry keeps its key. Only papers
that collide within one run are all suffixed, ``a``, ``b``, … in content
order. Running again with the same papers adds nothing, and the file is then
not written at all, so not a byte changes.

New text takes the line ends the target already uses (the last line end of the
file, or of the entry being edited); a new or empty target gets the exporter's
own output. Before anything is written the result is read back with the same
reader: every old paper and every new one must be there, with no new problem,
or nothing is written.

The target is replaced atomically (:func:`paperbib.io.write_output`). Before the
first write a copy of the old file is kept as ``TARGET.bak``, unless one exists
already, so that the backup keeps the state before paperbib first touched it.
"""

from __future__ import annotations

import abc
import bisect
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
from attrs import frozen

from paperbib import api, io, registry
from paperbib.dedup import deduplicate, same_paper
from paperbib.errors import InputError, OutputError, UnknownFormatError
from paperbib.keys import assign_keys
from paperbib.model import Paper, Problem
from paperbib.plugins import Exporter, ExportOptions, ReadContext
from paperbib.text import normalise_title

__all__ = ["BACKUP_SUFFIX", "UPDATABLE_FORMATS", "UpdateResult", "update"]

#: Appended to the target's name for the copy kept before its first update.
BACKUP_SUFFIX = ".bak"

_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@frozen
class UpdateResult:
    """What :func:`update` did, or with ``dry_run`` would do, to a bibliography."""

    #: The target as given.
    path: str
    #: The format it was read and written in.
    format: str
    #: Its text before (empty when it did not exist) and after the update.
    old_text: str
    new_text: str
    #: The papers appended, with the keys they got, in the order given.
    added: tuple[Paper, ...]
    #: The papers given that the target already had.
    present: tuple[Paper, ...]
    #: Keys (or, for entries without one, positions) of the entries whose empty fields were filled.
    updated: tuple[str, ...]
    #: What could not be read in the target; those parts were kept as they were.
    problems: tuple[Problem, ...]
    #: Papers that looked alike but were kept apart (different DOIs or arXiv ids).
    conflicts: tuple[str, ...]
    #: The backup made by this call, if one was.
    backup: str | None = None
    #: Whether the target was written (not for a dry run, nor when nothing changed).
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text

    def diff(self) -> str:
        """A unified diff from the old text to the new, empty when nothing changes."""
        import difflib

        return "".join(
            difflib.unified_diff(
                _diff_lines(self.old_text), _diff_lines(self.new_text), self.path, self.path
            )
        )


def _diff_lines(text: str) -> list[str]:
    # Lines as patch(1) sees them: str.splitlines would also cut at U+2028 and kin.
    lines = _LINE.findall(text)
    if lines and not lines[-1].endswith(("\n", "\r")):
        # As diff(1) says it, so that the diff still applies with patch.
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def update(
    path: str | os.PathLike[str],
    papers: Iterable[Paper],
    *,
    format: str | None = None,
    update_existing: bool = False,
    unicode: bool = False,
    dry_run: bool = False,
) -> UpdateResult:
    """Add to the bibliography at ``path`` the papers it lacks, keeping its text as it is.

    ``format`` is ``bibtex``, ``csljson`` or ``ris``; by default the file's
    ending decides. A missing file is created. ``update_existing`` also fills
    fields that existing entries lack from the papers that match them.
    ``dry_run`` computes the result (see :meth:`UpdateResult.diff`) and writes
    nothing. Raises :class:`~paperbib.errors.InputError` when the target cannot
    be read and :class:`~paperbib.errors.OutputError` when it cannot be written.
    """
    source = os.fspath(path)
    if source == io.STDIO:
        raise OutputError("a bibliography to update must be a file, not stdout")
    name = format or api.export_format_for(path)
    handler = _FORMATS.get(name)
    if handler is None:
        raise UnknownFormatError("exporter", f"{name} (to update a file)", _FORMATS)
    old = _read_target(Path(path), source)
    plan = _plan(handler, old, list(papers), source, update_existing, unicode)
    result = UpdateResult(
        path=source,
        format=name,
        old_text=old or "",
        new_text=plan.text,
        added=plan.added,
        present=plan.present,
        updated=plan.updated,
        problems=plan.problems,
        conflicts=plan.conflicts,
    )
    if dry_run or not result.changed:
        return result
    backup = _back_up(Path(path), old) if old is not None else None
    io.write_output(path, plan.text)
    return attrs.evolve(result, backup=backup, written=True)


def _read_target(path: Path, source: str) -> str | None:
    """The target's text exactly as it is (BOM and line ends kept), or None if there is none."""
    try:
        mode = path.stat().st_mode
        data = path.read_bytes() if stat.S_ISREG(mode) else None
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(source, f"cannot read: {error.strerror}") from None
    if data is None:
        raise InputError(source, "this is not a regular file; give a bibliography file")
    if data.strip():
        io.decode(data, source)  # the usual errors for binary and undecodable files
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            source, "paperbib updates UTF-8 files only; save this one as UTF-8 first"
        ) from None


def _back_up(path: Path, old: str) -> str | None:
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if backup.exists():
        return None
    io.write_output(backup, old)
    os.chmod(backup, stat.S_IMODE(path.stat().st_mode))
    return os.fspath(backup)


# --- Planning ------------------------------------------------------------------------


@frozen
class _Edit:
    """Replace ``text[start:end]`` of the target by ``new``."""

    start: int
    end: int
    new: str


@frozen
class _Entry:
    """A paper of the target, and how its format finds the paper's text."""

    paper: Paper
    #: The offset of a BibTeX entry's ``@``, or the index of a RIS record's ``TY``
    #: line or of a CSL-JSON item; None when the text cannot be found.
    anchor: int | None
    #: How messages name the entry: its key, else where it is.
    label: str


@frozen
class _Target:
    text: str
    entries: tuple[_Entry, ...]
    problems: tuple[Problem, ...]
    #: Every key written in the target, read or not.
    keys: frozenset[str]
    #: What the format found out about the text's layout while reading it.
    layout: tuple[_RisLine, ...] | _JsonArray | None = None


@frozen
class _Plan:
    text: str
    added: tuple[Paper, ...]
    present: tuple[Paper, ...]
    updated: tuple[str, ...]
    problems: tuple[Problem, ...]
    conflicts: tuple[str, ...]


def _plan(
    handler: _Format,
    old: str | None,
    papers: list[Paper],
    source: str,
    update_existing: bool,
    unicode: bool,
) -> _Plan:
    merged = deduplicate(papers)
    options = ExportOptions(unicode=unicode)
    if old is None or not old.strip():
        new = _new_papers(list(merged.papers), frozenset())
        text = handler.exporter().export(new, options) if new else old or ""
        return _Plan(text, tuple(new), (), (), (), merged.conflicts)

    target = handler.read(old, source)
    matches, conflicts = _match(target.entries, merged.papers)
    added = _new_papers([p for p in merged.papers if p not in matches], target.keys)
    edits: list[_Edit] = []
    if added:
        edits.append(handler.append(target, handler.exporter().export(added, options)))
    updated: list[str] = []
    if update_existing:
        for index, news in sorted(_by_entry(matches).items()):
            entry = target.entries[index]
            if len(news) > 1:
                conflicts.append(
                    f"{source}: {entry.label} matches {len(news)} of the papers given, "
                    "which disagree with each other; it was not updated"
                )
                continue
            entry_edits = _fill(handler, target, entry, news[0], options)
            if entry_edits:
                edits += entry_edits
                updated.append(entry.label)
    text = _apply(old, edits)
    if edits:
        _check(handler, target, text, source, len(added))
    return _Plan(
        text,
        tuple(added),
        tuple(p for p in merged.papers if p in matches),
        tuple(updated),
        target.problems,
        merged.conflicts + tuple(conflicts),
    )


def _match(
    entries: Sequence[_Entry], papers: Sequence[Paper]
) -> tuple[dict[Paper, int], list[str]]:
    """The entry each paper is already in, identifier matches first; and the near misses."""
    by_doi: dict[str, list[int]] = {}
    by_arxiv: dict[str, list[int]] = {}
    by_title: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        existing = entry.paper
        if existing.doi:
            by_doi.setdefault(existing.doi, []).append(index)
        if existing.arxiv:
            by_arxiv.setdefault(existing.arxiv.id, []).append(index)
        if existing.title:
            by_title.setdefault(normalise_title(existing.title), []).append(index)
    matches: dict[Paper, int] = {}
    conflicts: list[str] = []
    for paper in papers:
        candidates = [
            *(by_doi.get(paper.doi, []) if paper.doi else []),
            *(by_arxiv.get(paper.arxiv.id, []) if paper.arxiv else []),
            *(by_title.get(normalise_title(paper.title), []) if paper.title else []),
        ]
        unique = list(dict.fromkeys(candidates))  # in order of preference, once each
        found = next((i for i in unique if same_paper(entries[i].paper, paper)), None)
        if found is not None:
            matches[paper] = found
            continue
        for index in unique:
            # The warning deduplicate gives for look-alikes it keeps apart.
            conflicts += deduplicate([entries[index].paper, paper]).conflicts
    return matches, conflicts


def _by_entry(matches: dict[Paper, int]) -> dict[int, list[Paper]]:
    grouped: dict[int, list[Paper]] = {}
    for paper, index in matches.items():
        grouped.setdefault(index, []).append(paper)
    return grouped


def _new_papers(papers: list[Paper], taken: frozenset[str]) -> list[Paper]:
    """The papers with keys unique in the target, whatever their order.

    A key a paper brings along is kept unless the target or another new paper
    has it too (BibTeX compares keys case-insensitively); then it gets a fresh one.
    """
    folded = {key.casefold() for key in taken}
    brought = Counter(p.citation_key.casefold() for p in papers if p.citation_key)

    def clashes(key: str | None) -> bool:
        return key is not None and (key.casefold() in folded or brought[key.casefold()] > 1)

    papers = [attrs.evolve(p, citation_key=None) if clashes(p.citation_key) else p for p in papers]
    # Fresh keys are lower case: the lower-case forms of the taken keys are what they must avoid.
    return assign_keys(papers, taken=taken | {key.lower() for key in taken})


_GAP_FIELDS = (
    "title",
    "abstract",
    "authors",
    "issued",
    "doi",
    "arxiv",
    "container_title",
    "volume",
    "issue",
    "pages",
    "publisher",
    "links",
    "keywords",
    "listed",
    "upvotes",
)


def _missing(value: object) -> bool:
    return value is None or value == ()


def _gaps(existing: Paper, new: Paper) -> Paper | None:
    """A paper holding what ``new`` knows and ``existing`` does not, of ``existing``'s kind."""
    gaps = {
        name: getattr(new, name)
        for name in _GAP_FIELDS
        if _missing(getattr(existing, name)) and not _missing(getattr(new, name))
    }
    if "arxiv" in gaps and new.arxiv_category:
        gaps["arxiv_category"] = new.arxiv_category
    if not existing.authors and existing.author_count is None and new.author_count is not None:
        # A count goes with the names, never next to names the entry has of its own.
        gaps["author_count"] = new.author_count
    if not gaps:
        return None
    return Paper(**gaps, kind=existing.kind, citation_key=existing.citation_key or "paperbib")


def _fill(
    handler: _Format, target: _Target, entry: _Entry, new: Paper, options: ExportOptions
) -> list[_Edit]:
    partial = _gaps(entry.paper, new)
    if partial is None or entry.anchor is None:
        return []
    return handler.fill(target, entry.anchor, handler.exporter().export([partial], options))


def _apply(text: str, edits: list[_Edit]) -> str:
    pieces = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        assert edit.start >= position, "the edits of one target never overlap"
        pieces += [text[position : edit.start], edit.new]
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def _check(handler: _Format, before: _Target, text: str, source: str, added: int) -> None:
    """Read the new text back: every old paper and every added one, no new problem; or fail."""
    after = handler.read(text, source)
    expected = len(before.entries) + added
    if len(after.entries) != expected or len(after.problems) > len(before.problems):
        raise OutputError(
            f"{source}: the updated text would read back as {len(after.entries)} papers and "
            f"{len(after.problems)} problems, not {expected} and {len(before.problems)}; "
            "nothing was changed (please report this)"
        )


# --- Text helpers --------------------------------------------------------------------


def _line_starts(text: str) -> list[int]:
    """Offsets where lines 1, 2, … start, a line ending at CRLF, CR or LF as for the readers."""
    return [0, *(match.end() for match in _LINE_END.finditer(text))]


def _line_number(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)


def _last_newline(text: str, default: str) -> str:
    """The line end ``text`` uses last, else ``default``."""
    ends = _LINE_END.findall(text[-4096:]) or _LINE_END.findall(text)
    return str(ends[-1]) if ends else default


def _first_newline(text: str, default: str) -> str:
    match = _LINE_END.search(text)
    return match.group() if match else default


def _with_newlines(text: str, newline: str) -> str:
    return _LINE_END.sub(lambda _: newline, text)


def _separator(text: str, newline: str) -> str:
    """What goes between ``text`` and a block appended to it, for one blank line between."""
    lines = _LINE_END.split(text)
    if len(lines) == 1 or lines[-1].strip():  # the last line is not ended
        return newline * 2
    return "" if len(lines) > 2 and not lines[-2].strip() else newline


def _line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def _provenance_line(paper: Paper) -> int | None:
    location = next((p.location for p in paper.provenance.values() if p.location), None)
    line = location.rpartition(":")[2] if location else ""
    return int(line) if line.isdigit() else None


def _read_with(reader: str, text: str, source: str) -> tuple[list[Paper], list[Problem]]:
    """What the reader makes of ``text``, which it gets as ``load`` would give it."""
    normalised = io.plain_line_ends(text)
    papers: list[Paper] = []
    problems: list[Problem] = []
    for record in registry.reader(reader).read(normalised, ReadContext(source=source)):
        if isinstance(record, Paper):
            papers.append(record)
        else:
            problems.append(record)
    return papers, problems


# --- Formats -------------------------------------------------------------------------


class _Format(abc.ABC):
    name: ClassVar[str]
    #: The exporter's line end, for a file that has none yet.
    newline: ClassVar[str] = "\n"

    def exporter(self) -> Exporter:
        return registry.exporter(self.name)

    @abc.abstractmethod
    def read(self, text: str, source: str) -> _Target:
        """The target's papers tied to their text, its problems and all its keys."""

    def append(self, target: _Target, rendered: str) -> _Edit:
        """The new entries (the exporter's text) after the last one, in the file's line ends."""
        text = target.text
        newline = _last_newline(text, self.newline)
        block = _with_newlines(rendered, newline)
        return _Edit(len(text), len(text), _separator(text, newline) + block)

    @abc.abstractmethod
    def fill(self, target: _Target, anchor: int, rendered: str) -> list[_Edit]:
        """Edits writing what ``rendered`` (one exported entry) has and the entry lacks."""


# BibTeX ------------------------------------------------------------------------------

_BIB_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*([{(])\s*([^\s,{}()]+)\s*(?=[,})\s])")
_BIB_NOT_ENTRIES = frozenset({"string", "comment", "preamble"})
_BIB_NAME = re.compile(r"[^\s=,{}()\"#]+")
_BIB_BARE = re.compile(r"[^\s,#{}()\"]+")
_SPACE = re.compile(r"\s*")
_BIB_EMPTY = re.compile(r"\s*(?:\{\s*\}|\"\s*\")\s*")
# Fields that only mean something together.
_BIB_GROUPS = (
    frozenset({"year", "month", "date"}),
    frozenset({"eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass"}),
)
# Fields whose name the exporter chooses by the entry type.
_BIB_TYPED = frozenset(
    {"journal", "booktitle", "series", "howpublished", "publisher", "school", "institution"}
)
# The exporter's sorting help for entries without authors: no fact about the paper.
_BIB_SKIPPED = frozenset({"key"})


@frozen
class _BibField:
    name: str
    start: int
    #: The spacing on either side of ``=``, as written.
    before_equals: str
    after_equals: str
    value_start: int
    value_end: int


@frozen
class _BibEntry:
    entry_type: str
    fields: tuple[_BibField, ...]
    #: The offset of the closing ``}`` or ``)``.
    end: int


class _BibScanner:
    """Cuts one entry into its fields: one the reader has read, so balanced."""

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.position = start

    def space(self) -> str:
        match = _SPACE.match(self.text, self.position)
        assert match is not None  # the pattern matches the empty string
        self.position = match.end()
        return match.group()

    def entry(self) -> _BibEntry | None:
        head = _BIB_HEAD.match(self.text, self.position)
        if head is None:
            return None
        closing = "}" if head[2] == "{" else ")"
        self.position = head.end()
        fields: list[_BibField] = []
        while True:
            self.space()
            char = self.text[self.position : self.position + 1]
            if char == closing:
                return _BibEntry(head[1].lower(), tuple(fields), self.position)
            if char == ",":
                self.position += 1
                continue
            scanned = self.field()
            if scanned is None:
                return None
            fields.append(scanned)

    def field(self) -> _BibField | None:
        name = _BIB_NAME.match(self.text, self.position)
        if name is None:
            return None
        self.position = name.end()
        before = self.space()
        if not self.text.startswith("=", self.position):
            return None
        self.position += 1
        after = self.space()
        value_start = self.position
        while True:
            if not self.part():
                return None
            value_end = self.position
            self.space()
            if not self.text.startswith("#", self.position):
                break
            self.position += 1
            self.space()
        self.position = value_end
        return _BibField(name[0], name.start(), before, after, value_start, value_end)

    def part(self) -> bool:
        """Step over one braced, quoted or bare part of a value."""
        text = self.text
        if text.startswith("{", self.position):
            return self.braced()
        if text.startswith('"', self.position):
            self.position += 1
            while self.position < len(text):
                if text[self.position] == "{":
                    if not self.braced():
                        return False
                    continue
                self.position += 1
                if text[self.position - 1] == '"':
                    return True
            return False
        bare = _BIB_BARE.match(text, self.position)
        if bare is None:
            return False
        self.position = bare.end()
        return True

    def braced(self) -> bool:
        depth = 0
        for index in range(self.position, len(self.text)):
            char = self.text[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.position = index + 1
                    return True
        return False


class _Bibtex(_Format):
    name = "bibtex"

    def read(self, text: str, source: str) -> _Target:
        papers, problems = _read_with("bibtex", text, source)
        starts = _line_starts(text)
        heads: dict[tuple[int, str], int] = {}
        for head in _BIB_HEAD.finditer(text):
            if head[1].lower() not in _BIB_NOT_ENTRIES:
                heads.setdefault((_line_number(starts, head.start()), head[3]), head.start())
        entries = []
        for paper in papers:
            key = paper.citation_key or ""
            anchor = heads.get((_provenance_line(paper) or 0, key))
            entries.append(_Entry(paper, anchor, key))
        keys = {key for _, key in heads} | {p.citation_key for p in papers if p.citation_key}
        return _Target(text, tuple(entries), tuple(problems), frozenset(keys))

    def fill(self, target: _Target, anchor: int, rendered: str) -> list[_Edit]:
        text = target.text
        entry = _BibScanner(text, anchor).entry()
        new = _BibScanner(rendered, 0).entry()
        if entry is None or new is None:
            return []
        present: dict[str, _BibField] = {}
        for old_field in entry.fields:
            present.setdefault(old_field.name.lower(), old_field)
        filled = {
            name
            for name, old_field in present.items()
            if not _BIB_EMPTY.fullmatch(text[old_field.value_start : old_field.value_end])
        }
        edits: list[_Edit] = []
        lines: list[tuple[str, str]] = []
        for new_field in new.fields:
            name = new_field.name.lower()
            value = rendered[new_field.value_start : new_field.value_end]
            group = next((g for g in _BIB_GROUPS if name in g), frozenset({name}))
            if (
                name in _BIB_SKIPPED
                or group & filled
                or (name in _BIB_TYPED and new.entry_type != entry.entry_type)
            ):
                continue
            if name in present:
                old_field = present[name]
                edits.append(_Edit(old_field.value_start, old_field.value_end, value))
            else:
                lines.append((new_field.name, value))
        if lines:
            edits.append(_bib_insertion(text, anchor, entry, lines))
        return edits


def _bib_insertion(text: str, start: int, entry: _BibEntry, lines: list[tuple[str, str]]) -> _Edit:
    """``name = value`` lines before the entry's closing brace, laid out like its fields."""
    newline = _first_newline(text[start : entry.end], _last_newline(text, "\n"))
    indent, before, after = "  ", " ", " "
    names: Callable[[str], str] = lambda name: name + before  # noqa: E731
    if entry.fields:
        last = entry.fields[-1]
        line_start = _line_start(text, last.start)
        if line_start > start:  # not on the entry's first line
            lead = text[line_start : last.start]
            indent = lead[: len(lead) - len(lead.lstrip())]
        before, after = last.before_equals, last.after_equals
        widths = {len(f.name + f.before_equals) for f in entry.fields}
        if len(widths) == 1 and len({len(f.name) for f in entry.fields}) > 1:
            # The names are padded so that the = signs line up: pad the new ones too.
            (width,) = widths
            pad = min(len(f.before_equals) for f in entry.fields)
            names = lambda name: (name + " " * pad).ljust(width)  # noqa: E731
    body = text[start : entry.end].rstrip()
    at = start + len(body)
    rendered = [f"{indent}{names(name)}={after}{value}" for name, value in lines]
    if body.endswith(","):
        return _Edit(at, at, "".join(f"{newline}{line}," for line in rendered))
    return _Edit(at, at, "".join(f",{newline}{line}" for line in rendered))


# RIS ---------------------------------------------------------------------------------

_RIS_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
# Tags that say one thing: a value in one of them means the others are not missing.
_RIS_GROUPS = (
    frozenset({"TI", "T1"}),
    frozenset({"AB", "N2"}),
    frozenset({"AU", "A1"}),
    frozenset({"PY", "DA", "Y1"}),
    frozenset({"T2", "JF", "JO", "BT", "JA", "J2"}),
    frozenset({"SP", "EP"}),
)
# The record's frame and its key: no facts about the paper.
_RIS_SKIPPED = frozenset({"TY", "ID", "ER"})


@frozen
class _RisLine:
    start: int
    #: Where the line's text ends, before its line end.
    end: int
    tag: str | None
    value: str


def _ris_lines(text: str) -> tuple[_RisLine, ...]:
    lines = []
    position = 0
    for match in [*_LINE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        tag = _RIS_TAG.match(text, position, end)
        if tag:
            lines.append(_RisLine(position, end, tag[1], tag[2] or ""))
        else:
            lines.append(_RisLine(position, end, None, ""))
        if match is not None:
            position = match.end()
    return tuple(lines)


class _Ris(_Format):
    name = "ris"
    newline = "\r\n"

    def read(self, text: str, source: str) -> _Target:
        papers, problems = _read_with("ris", text, source)
        lines = _ris_lines(text)
        entries = []
        for paper in papers:
            line = _provenance_line(paper)
            anchor = line - 1 if line is not None and line <= len(lines) else None
            entries.append(
                _Entry(paper, anchor, paper.citation_key or f"the record on line {line}")
            )
        keys = {line.value.strip() for line in lines if line.tag == "ID" and line.value.strip()}
        return _Target(text, tuple(entries), tuple(problems), frozenset(keys), lines)

    def fill(self, target: _Target, anchor: int, rendered: str) -> list[_Edit]:
        lines = target.layout
        assert isinstance(lines, tuple)  # as read() made it
        end = next(i for i in range(anchor + 1, len(lines)) if lines[i].tag == "ER")
        record = lines[anchor:end]
        filled = {line.tag for line in record if line.tag and line.value.strip()}
        empty: dict[str, _RisLine] = {}
        for line in record:
            if line.tag and line.tag not in filled:
                empty.setdefault(line.tag, line)
        new_lines: dict[str, list[str]] = {}
        for line in _ris_lines(rendered):
            if line.tag and line.tag not in _RIS_SKIPPED:
                new_lines.setdefault(line.tag, []).append(rendered[line.start : line.end])
        text = target.text
        newline = _first_newline(text[lines[anchor].start : lines[end].start], self.newline)
        edits = []
        inserted = []
        for tag, tagged in new_lines.items():
            if next((g for g in _RIS_GROUPS if tag in g), frozenset({tag})) & filled:
                continue
            if tag in empty:
                edits.append(_Edit(empty[tag].start, empty[tag].end, newline.join(tagged)))
            else:
                inserted += tagged
        if inserted:
            at = lines[end].start
            edits.append(_Edit(at, at, "".join(line + newline for line in inserted)))
        return edits


# CSL-JSON ----------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")
# The item's identity and type: the target's own, never filled.
_CSL_SKIPPED = frozenset({"id", "citation-key", "type"})


@frozen
class _JsonItem:
    start: int
    end: int
    value: Any


@frozen
class _JsonArray:
    #: The offsets of ``[`` and ``]``.
    open: int
    close: int
    items: tuple[_JsonItem, ...]


def _json_array(text: str, source: str) -> tuple[_JsonArray, list[Problem]]:
    """The top-level array's items; a target that is no array cannot be added to."""
    decoder = json.JSONDecoder()

    def space(position: int) -> int:
        match = _JSON_SPACE.match(text, position)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    def line(position: int) -> int:
        return len(_LINE_END.findall(text, 0, position)) + 1

    def broken(position: int, message: str) -> InputError:
        return InputError(source, f"{message}; mend it before adding to it", line(position))

    start = space(1 if text.startswith("\ufeff") else 0)
    if text.startswith("{", start):
        raise InputError(
            source, "this holds one CSL-JSON item, not an array: put it in [ ] to add to it"
        )
    if not text.startswith("[", start):
        raise broken(start, "this is not a JSON array of CSL-JSON items")
    items: list[_JsonItem] = []
    position = space(start + 1)
    while not (text.startswith("]", position) and not items):
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise broken(error.pos, f"the JSON breaks off here ({error.msg})") from None
        items.append(_JsonItem(position, end, value))
        position = space(end)
        if text.startswith(",", position):
            position = space(position + 1)
        elif not text.startswith("]", position):
            raise broken(position, "the array breaks off here (expected ',' or ']')")
        else:
            break
    array = _JsonArray(start, position, tuple(items))
    rest = space(position + 1)
    if rest < len(text):
        return array, [Problem(source, line(rest), "text after the end of the JSON was not read")]
    return array, []


def _json_empty(value: object) -> bool:
    return value is None or value in ("", [], {})


class _CslJson(_Format):
    name = "csljson"

    def read(self, text: str, source: str) -> _Target:
        array, problems = _json_array(text, source)
        starts = _line_starts(text)
        reader = registry.reader("csljson")
        entries = []
        keys = set()
        for index, item in enumerate(array.items):
            line = _line_number(starts, item.start)
            # In brackets of its own, so that the reader takes it as an item, whatever it is.
            one = f"[{text[item.start : item.end]}]"
            for record in reader.read(one, ReadContext(source=source)):
                if isinstance(record, Paper):
                    label = record.citation_key or f"the item on line {line}"
                    entries.append(_Entry(record, index, label))
                else:
                    # The reader counted lines from the item's start.
                    problems.append(attrs.evolve(record, line=line + (record.line or 1) - 1))
            if isinstance(item.value, dict):
                keys |= {
                    item.value[name]
                    for name in ("id", "citation-key")
                    if isinstance(item.value.get(name), str)
                }
        return _Target(text, tuple(entries), tuple(problems), frozenset(keys), array)

    def append(self, target: _Target, rendered: str) -> _Edit:
        text, array = target.text, target.layout
        assert isinstance(array, _JsonArray)  # as read() made it
        newline = _last_newline(text, self.newline)
        if not array.items:
            return _Edit(array.open, array.close + 1, _with_newlines(rendered.rstrip(), newline))
        first, last = array.items[0], array.items[-1]
        if len(array.items) > 1:
            separator = text[first.end : array.items[1].start]
        else:
            separator = "," + text[array.open + 1 : first.start]
        style = _JsonStyle.of(text, first)
        block = "".join(separator + style.dump(item, newline) for item in json.loads(rendered))
        return _Edit(last.end, last.end, block)

    def fill(self, target: _Target, anchor: int, rendered: str) -> list[_Edit]:
        text, array = target.text, target.layout
        assert isinstance(array, _JsonArray)  # as read() made it
        item = array.items[anchor]
        members = {member.key: member for member in _json_members(text, item)}
        (new,) = json.loads(rendered)
        missing = {
            key: value
            for key, value in new.items()
            if key not in _CSL_SKIPPED and _json_empty(item.value.get(key))
        }
        if not missing:
            return []
        style = _JsonStyle.of(text, item)
        newline = _first_newline(text[item.start : item.end], _last_newline(text, self.newline))
        if not members:
            return [_Edit(item.start, item.end, style.dump({**item.value, **missing}, newline))]
        last = max(members.values(), key=lambda member: member.value_end)
        edits = []
        inserted = []
        for key, value in missing.items():
            if key in members:
                member = members[key]
                indent = _indent_of(text, member.key_start)
                edits.append(
                    _Edit(member.value_start, member.value_end, style.dump(value, newline, indent))
                )
            else:
                inserted.append((key, value))
        if inserted:
            indent = _indent_of(text, last.key_start)
            lead = f",{newline}{indent}" if style.indent is not None else ", "
            block = "".join(
                f"{lead}{json.dumps(key, ensure_ascii=style.ascii_only)}{last.colon}"
                f"{style.dump(value, newline, indent)}"
                for key, value in inserted
            )
            edits.append(_Edit(last.value_end, last.value_end, block))
        return edits


@frozen
class _JsonMember:
    key: str
    key_start: int
    #: What stands between the key and its value, as written: ``": "``.
    colon: str
    value_start: int
    value_end: int


def _json_members(text: str, item: _JsonItem) -> list[_JsonMember]:
    """The members of an object item where they are written; none for other items."""
    if not isinstance(item.value, dict):
        return []
    decoder = json.JSONDecoder()

    def space(position: int) -> int:
        match = _JSON_SPACE.match(text, position)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    members = []
    position = space(item.start + 1)
    while text[position] != "}":
        key, key_end = decoder.raw_decode(text, position)
        value_start = space(space(key_end) + 1)  # past the colon
        _, value_end = decoder.raw_decode(text, value_start)
        members.append(
            _JsonMember(key, position, text[key_end:value_start], value_start, value_end)
        )
        position = space(value_end)
        if text[position] == ",":
            position = space(position + 1)
    return members


def _indent_of(text: str, offset: int) -> str:
    """The white space before ``offset`` on its line, if nothing else stands there."""
    lead = text[_line_start(text, offset) : offset]
    return "" if lead.strip() else lead


@frozen
class _JsonStyle:
    """How an item is laid out: its indentation step (None when on one line) and escapes."""

    indent: str | None
    ascii_only: bool
    #: The white space before the item on its line.
    base: str

    @classmethod
    def of(cls, text: str, item: _JsonItem) -> _JsonStyle:
        sample = text[item.start : item.end]
        base = _indent_of(text, item.start)
        lines = _LINE_END.split(sample)
        indent = None
        if len(lines) > 1:
            lead = lines[1][: len(lines[1]) - len(lines[1].lstrip())]
            indent = lead.removeprefix(base)
        return cls(indent, "\\u" in sample and sample.isascii(), base)

    def dump(self, value: Any, newline: str, base: str | None = None) -> str:
        """``value`` in this layout, its inner lines indented from ``base``."""
        dumped = json.dumps(value, ensure_ascii=self.ascii_only, indent=self.indent)
        return dumped.replace("\n", newline + (self.base if base is None else base))


_FORMATS: dict[str, _Format] = {f.name: f for f in (_Bibtex(), _CslJson(), _Ris())}
#: The formats a file can be updated in.
UPDATABLE_FORMATS = tuple(_FORMATS)
