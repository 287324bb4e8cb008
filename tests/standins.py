"""Pytest fixtures for the loopback Crossref stand-in (registered from conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pytest
from crossref_corpus import fixture_works
from crossref_standin import CrossrefStandin

StartStandin = Callable[..., CrossrefStandin]


@pytest.fixture
def crossref_standin() -> Iterator[StartStandin]:
    """Start a Crossref stand-in: ``start(corpus=None, **options)``; all stop after the test.

    Without a corpus it serves tests/fixtures/crossref/works.json; the options
    are those of :class:`CrossrefStandin` (limits, latency, enforce_limits, faults).
    """
    started: list[CrossrefStandin] = []

    def start(corpus: Iterable[Mapping[str, Any]] | None = None, **options: Any) -> CrossrefStandin:
        server = CrossrefStandin(fixture_works() if corpus is None else corpus, **options)
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.close()
