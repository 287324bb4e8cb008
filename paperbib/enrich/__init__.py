"""Filling the gaps in papers from registries such as Crossref.

``paperbib.enrich(papers, mailto=...)`` (the same as
``paperbib.enrich.enrich``) looks each paper up, matches it precisely or
abstains, and merges what the record adds; see :mod:`paperbib.enrich.enricher`.
Importing this package loads no network code: habanero is imported only when a
Crossref source is made.
"""

import sys
import types
from typing import Any

from paperbib.enrich.cache import DEFAULT_TTL, ResponseCache, default_cache_path
from paperbib.enrich.enricher import (
    CROSSREF_URL_ENV,
    MAILTO_ENV,
    EnrichResult,
    Progress,
    enrich,
    merge,
    write_report,
)
from paperbib.enrich.matching import Candidate, Outcome, Verdict

__all__ = [
    "CROSSREF_URL_ENV",
    "DEFAULT_TTL",
    "MAILTO_ENV",
    "Candidate",
    "EnrichResult",
    "Outcome",
    "Progress",
    "ResponseCache",
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
