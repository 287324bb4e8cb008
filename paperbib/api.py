"""The Python API: load digests into papers, dump papers as bibliographies."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import PurePath

from paperbib import io, registry
from paperbib.errors import UnknownFormatError
from paperbib.keys import assign_keys
from paperbib.model import Digest, Paper, Problem
from paperbib.plugins import ExportOptions, ReadContext

__all__ = ["dump", "dumps", "load", "loads"]

#: The format written when neither a name nor an output file ending chooses one.
DEFAULT_EXPORT_FORMAT = "bibtex"


def loads(
    text: str,
    format: str | None = None,
    *,
    source: str = "<string>",
    as_of: dt.date | None = None,
) -> Digest:
    """Read the papers in ``text``; the format is recognised from the content if not named.

    Unreadable records become ``problems`` of the result; an input that cannot be
    read at all raises :class:`~paperbib.errors.InputError`.
    """
    text = io.normalise(text, source)
    return _read(text, format, source, as_of)


def load(
    path: str | os.PathLike[str], format: str | None = None, *, as_of: dt.date | None = None
) -> Digest:
    """Read the papers in the file at ``path`` (``-`` for stdin)."""
    text, source = io.read_input(path)
    return _read(text, format, source, as_of)


def _read(text: str, format: str | None, source: str, as_of: dt.date | None) -> Digest:
    if format is None:
        reader = registry.sniff_reader(text, PurePath(source).suffix, source)
    else:
        reader = registry.reader(format)
    context = ReadContext(source=source, as_of=as_of or dt.date.today())
    papers: list[Paper] = []
    problems: list[Problem] = []
    for record in reader.read(text, context):
        if isinstance(record, Paper):
            papers.append(record)
        else:
            problems.append(record)
    return Digest(papers, problems)


def dumps(
    papers: Iterable[Paper], format: str = DEFAULT_EXPORT_FORMAT, *, unicode: bool = False
) -> str:
    """Write ``papers`` in the named format, each under a unique citation key."""
    exporter = registry.exporter(format)
    return exporter.export(assign_keys(list(papers)), ExportOptions(unicode=unicode))


def dump(
    papers: Iterable[Paper],
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    unicode: bool = False,
) -> None:
    """Write ``papers`` to ``path`` (``-`` for stdout), the format named or taken from the ending.

    An existing file is replaced only once the new text is complete.
    """
    text = dumps(papers, format or export_format_for(path), unicode=unicode)
    io.write_output(path, text)


def export_format_for(path: str | os.PathLike[str]) -> str:
    """The exporter a file name ending selects, or the default for stdout and unknown endings."""
    suffix = PurePath(path).suffix
    if os.fspath(path) == io.STDIO or not suffix:
        return DEFAULT_EXPORT_FORMAT
    exporter = registry.exporter_for_suffix(suffix)
    if exporter is None:
        known = [p.name for p in registry.plugins("exporter")]
        raise UnknownFormatError("exporter", f"for the ending {suffix}", known)
    return exporter.name
