"""Where enrichment looks papers up: the source plugins.

A source is a :class:`Source` subclass registered under the entry point group
``paperbib.sources``; paperbib's own, ``arxiv`` and ``crossref``, are declared
the same way in its ``pyproject.toml``, and ``--source`` picks sources by
these names. A third-party package adds one with::

    [project.entry-points."paperbib.sources"]
    mysource = "mypackage.enrich:MySource"

Enrichment offers a third-party source the papers that the built-in sources
did not match, and merges each record it matches into its paper, crediting
the source by name. Importing this module loads no network code.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from attrs import field, frozen

from paperbib import registry
from paperbib.enrich.pacing import RetryPolicy
from paperbib.errors import EnrichError, UnknownFormatError

if TYPE_CHECKING:
    # Only named in annotations: matching imports the Crossref source, a Source itself.
    from paperbib.enrich.cache import ResponseCache
    from paperbib.enrich.matching import Outcome
    from paperbib.model import Paper

__all__ = [
    "SOURCES_GROUP",
    "LookupContext",
    "Source",
    "SourceOptions",
    "load_source",
    "source_names",
]

SOURCES_GROUP = "paperbib.sources"


@frozen
class SourceOptions:
    """What the user chose that a source may need; None means the source's default."""

    mailto: str | None = None
    crossref_url: str | None = None
    arxiv_url: str | None = None
    arxiv_interval: float | None = None


@frozen
class LookupContext:
    """What a source shares with the rest of the run: the cache and the retry policy."""

    cache: ResponseCache | None = None
    #: Ignore cached answers (still store the new ones).
    refresh: bool = False
    retry: RetryPolicy = field(factory=RetryPolicy)


class Source(abc.ABC):
    """A registry that enrichment can look papers up in."""

    #: The name ``--source`` takes.
    name: ClassVar[str]
    #: One line saying what the source holds.
    description: ClassVar[str] = ""

    @classmethod
    def configure(cls, options: SourceOptions) -> Source:
        """The source as the user's options ask; a source that takes none needs no override."""
        return cls()

    @abc.abstractmethod
    def lookup(self, papers: Sequence[Paper], context: LookupContext) -> list[Outcome]:
        """One outcome per paper, in order; a ``matched`` outcome carries the ``record``.

        Network failures must not raise: they make the papers concerned ``failed``.
        """


def source_names() -> tuple[str, ...]:
    """The names of every installed source, sorted."""
    return tuple(sorted(plugin.name for plugin in registry.plugins("source")))


def load_source(name: str, options: SourceOptions) -> Source:
    """The source registered as ``name``, configured by ``options``."""
    try:
        plugin = registry.find("source", name)
    except UnknownFormatError as error:
        raise EnrichError(f"unknown source {name!r}; known: {', '.join(error.known)}") from None
    cls = plugin.load_class()
    if not (isinstance(cls, type) and issubclass(cls, Source)):
        raise EnrichError(
            f"{plugin.value}, registered as the paperbib source {name!r}, "
            "is not a paperbib.enrich.sources.Source subclass"
        )
    return cls.configure(options)
