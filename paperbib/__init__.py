"""paperbib turns paper digests into clean BibTeX, CSL-JSON and RIS bibliographies."""

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
    "__version__",
    "deduplicate",
    "dump",
    "dumps",
    "load",
    "loads",
]
