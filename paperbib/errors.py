"""Every exception paperbib raises on purpose comes from this one tree.

::

    PaperbibError
     ├── FormatError              a format name or guess that does not work
     │    ├── UnknownFormatError      no reader or exporter by that name
     │    └── UndetectedFormatError   the content fits no reader: name one with --from
     ├── InputError               an input that cannot be read at all (file, line)
     ├── OutputError              an output that cannot be written; nothing was replaced
     └── EnrichError              enrichment could not be done as asked
          └── SourceError             a registry (Crossref, arXiv) failed to answer usefully

A single unreadable record is not an exception: readers report it as a
:class:`paperbib.model.Problem` and go on with the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "EnrichError",
    "FormatError",
    "InputError",
    "OutputError",
    "PaperbibError",
    "SourceError",
    "UndetectedFormatError",
    "UnknownFormatError",
]


class PaperbibError(Exception):
    """The base of every paperbib error."""


class FormatError(PaperbibError, ValueError):
    """A format name or guess that does not work."""


class UnknownFormatError(FormatError):
    """No reader or exporter is registered under the name asked for."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(sorted(known))
        super().__init__(f"unknown {kind} format {name!r}; known: {', '.join(self.known)}")


class UndetectedFormatError(FormatError):
    """The content fits no reader."""

    def __init__(self, source: str, known: Iterable[str]) -> None:
        self.source = source
        self.known = tuple(sorted(known))
        super().__init__(
            f"{source}: cannot tell which format this is; "
            f"name one with --from ({', '.join(self.known)})"
        )


class InputError(PaperbibError):
    """An input that cannot be read at all."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {message}")


class OutputError(PaperbibError):
    """An output that cannot be written; any existing file was left as it was."""


class EnrichError(PaperbibError):
    """Enrichment could not be done as asked."""


class SourceError(EnrichError):
    """A registry failed to answer usefully: network, HTTP status or a body it cannot read.

    ``transient`` says whether asking again later may help (429, 5xx, timeouts);
    ``retry_after`` is the wait in seconds the server asked for, if it did.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        transient: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.source = source
        self.transient = transient
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"{source}: {message}")
