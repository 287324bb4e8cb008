"""What a reader or exporter plugin implements.

A plugin is a small class registered under an entry point group,
``paperbib.readers`` or ``paperbib.exporters``; the built-ins are declared the
same way in paperbib's own ``pyproject.toml``. Files, encodings, stdin and
atomic writes are handled once, outside the plugins: a reader gets text and an
exporter returns text.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import ClassVar

from attrs import field, frozen

from paperbib.model import Paper, Problem

__all__ = ["ExportOptions", "Exporter", "ReadContext", "Reader"]


@frozen
class ReadContext:
    """What a reader may need besides the text."""

    #: The input's name as problems should cite it: a path, or ``<stdin>``.
    source: str = "<string>"
    #: The day the digest is read as of; year-less dates resolve against it.
    as_of: dt.date = field(factory=dt.date.today)


class Reader(abc.ABC):
    """Turns the text of one input into papers and problems."""

    #: The name users pass to ``--from``.
    name: ClassVar[str]
    #: One line for ``paperbib formats``.
    description: ClassVar[str] = ""
    #: File name endings that suggest this format, such as ``(".txt",)``.
    suffixes: ClassVar[tuple[str, ...]] = ()

    def sniff(self, text: str) -> bool:
        """Whether ``text`` looks like this format; cheap, and wrong only rarely."""
        return False

    @abc.abstractmethod
    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        """Yield a paper for every record read, and a problem for every record not."""


@frozen
class ExportOptions:
    """Choices that shape an exporter's output."""

    #: Keep non-ASCII text as UTF-8 instead of TeX commands (BibTeX for biber).
    unicode: bool = False


class Exporter(abc.ABC):
    """Turns papers into the text of one output file."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    #: The file name ending that selects this exporter, such as ``".bib"``.
    suffix: ClassVar[str] = ""

    @abc.abstractmethod
    def export(self, papers: Sequence[Paper], options: ExportOptions) -> str:
        """Write ``papers``; each has its final ``citation_key`` set."""
