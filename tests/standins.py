"""Pytest fixtures for the loopback Crossref and arXiv stand-ins (registered from conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pytest
from arxiv_corpus import fixture_records
from arxiv_standin import ArxivStandin
from crossref_corpus import fixture_works
from crossref_standin import CrossrefStandin

StartStandin = Callable[..., CrossrefStandin]
StartArxivStandin = Callable[..., ArxivStandin]


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


@pytest.fixture
def arxiv_standin() -> Iterator[StartArxivStandin]:
    """Start an arXiv stand-in: ``start(records=None, **options)``; all stop after the test.

    Without records it serves tests/fixtures/arxiv/records.json; the options are
    those of :class:`ArxivStandin` (interval_s, latency_s, faults, ...).
    """
    started: list[ArxivStandin] = []

    def start(records: Iterable[Mapping[str, Any]] | None = None, **options: Any) -> ArxivStandin:
        server = ArxivStandin(fixture_records() if records is None else records, **options)
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.close()
