"""paperbib turns paper digests into clean BibTeX, CSL-JSON and RIS bibliographies."""

from typing import TYPE_CHECKING, Any

from paperbib._version import __version__
from paperbib.api import dump, dumps, load, loads
from paperbib.dedup import deduplicate
from paperbib.errors import (
    FormatError,
    InputError,
    OutputError,
    PaperbibError,
    UndetectedFormatError,
    UnknownFormatError,
)
from paperbib.model import (
    ArxivId,
    Author,
    Digest,
    Kind,
    Link,
    LinkKind,
    Paper,
    PartialDate,
    Problem,
    Provenance,
)

__all__ = [
    "ArxivId",
    "Author",
    "Digest",
    "FormatError",
    "InputError",
    "Kind",
    "Link",
    "LinkKind",
    "OutputError",
    "Paper",
    "PaperbibError",
    "PartialDate",
    "Problem",
    "Provenance",
    "UndetectedFormatError",
    "UnknownFormatError",
    "UpdateResult",
    "__version__",
    "deduplicate",
    "dump",
    "dumps",
    "enrich",
    "load",
    "loads",
    "update",
]

if TYPE_CHECKING:
    from paperbib.enrich.enricher import enrich
    from paperbib.into import UpdateResult, update
else:

    def __getattr__(name: str) -> Any:
        # Enrichment loads on first use, so that reading and exporting never
        # import it. paperbib.enrich is the package, which can be called.
        if name == "enrich":
            import paperbib.enrich

            return paperbib.enrich
        # Updating a file in place is loaded on first use too, for the CLI's start.
        if name in ("UpdateResult", "update"):
            import paperbib.into

            return getattr(paperbib.into, name)
        raise AttributeError(f"module 'paperbib' has no attribute {name!r}")
