"""Filling the gaps in papers from registries: arXiv, Crossref and installed source plugins.

``paperbib.enrich(papers, mailto=...)`` (the same as
``paperbib.enrich.enrich``) looks each paper up, matches it precisely or
abstains, finds the published versions of preprints, and merges what the
records add; see :mod:`paperbib.enrich.enricher`. Importing this package loads
no network code: habanero is imported only when a Crossref source is made, and
the HTTP client of the arXiv source only when it sends a request.
"""

import sys
import types
from typing import Any

from paperbib.enrich.cache import DEFAULT_TTL, ResponseCache, default_cache_path
from paperbib.enrich.enricher import (
    CROSSREF_URL_ENV,
    DEFAULT_SOURCES,
    MAILTO_ENV,
    EnrichResult,
    PreprintMode,
    Progress,
    Step,
    enrich,
    merge,
    write_report,
)
from paperbib.enrich.matching import Candidate, Outcome, Verdict
from paperbib.enrich.sources import Source
from paperbib.enrich.versions import Evidence, Upgrade

__all__ = [
    "CROSSREF_URL_ENV",
    "DEFAULT_SOURCES",
    "DEFAULT_TTL",
    "MAILTO_ENV",
    "Candidate",
    "EnrichResult",
    "Evidence",
    "Outcome",
    "PreprintMode",
    "Progress",
    "ResponseCache",
    "Source",
    "Step",
    "Upgrade",
    "Verdict",
    "default_cache_path",
    "enrich",
    "merge",
    "write_report",
]


class _CallablePackage(types.ModuleType):
    """This package, which is also ``paperbib.enrich`` the function.

    Importing a submodule binds ``paperbib.enrich`` to this package whatever
    ``paperbib`` put there, so the package itself must answer the call.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> EnrichResult:
        return enrich(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
