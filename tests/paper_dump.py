"""The stable JSON dump of papers that the readers' golden files hold."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from paperbib.model import ArxivId, Author, Kind, Link, LinkKind, Paper, PartialDate

__all__ = ["papers_json"]


def papers_json(papers: Iterable[Paper]) -> str:
    """Every field of every paper, in field order, as indented JSON ending in a newline."""
    return json.dumps([_as_json(paper) for paper in papers], ensure_ascii=False, indent=2) + "\n"


def _as_json(value: Any) -> Any:
    if isinstance(value, Paper | Author | Link):
        return {
            field.name: _as_json(getattr(value, field.name)) for field in attrs.fields(type(value))
        }
    if isinstance(value, PartialDate | ArxivId):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Kind | LinkKind):
        return value.value
    if isinstance(value, tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, Mapping):  # provenance, grouped by where the fields came from
        fields: dict[str, list[str]] = {}
        for name, where in value.items():
            fields.setdefault(f"{where.source} {where.location}", []).append(name)
        return fields
    return value
