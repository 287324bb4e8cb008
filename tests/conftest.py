"""Shared fixtures: golden files, the seed digest, and paths."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from shared_data import SEED

# The Crossref stand-in fixture lives in tests/standins.py.
pytest_plugins = ["standins"]

TESTS = Path(__file__).parent
ROOT = TESTS.parent
GOLDEN = TESTS / "golden"
FIXTURES = TESTS / "fixtures"
# Vendored from ../shared/schemas (see tests/data/README.md) so schema tests never skip.
CSL_SCHEMA = TESTS / "data" / "csl-data.json"

# CI runs the property tests on a fixed set of examples, so that a red build
# can be reproduced; elsewhere hypothesis explores new examples on every run.
# Time is no test's business here (benchmarks/ measures speed), and a busy
# machine must not fail a run for generating examples slowly.
_SLOW_IS_FINE = [HealthCheck.too_slow]
settings.register_profile(
    "ci", derandomize=True, max_examples=200, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# No test may reach the internet. Registries default to a closed loopback port,
# for this process and every subprocess a test starts (a test that wants a
# stand-in names its address), and in this process a connection to any address
# outside loopback fails at once.
_NOWHERE = "http://127.0.0.1:9"
for _variable in ("PAPERBIB_CROSSREF_URL", "PAPERBIB_ARXIV_URL"):
    os.environ.setdefault(_variable, _NOWHERE)
_real_connect = socket.socket.connect


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _loopback_only(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise OSError(f"tests may not leave this machine (tried {address})")
    _real_connect(sock, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME; --update-goldens rewrites it instead."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; create it with pytest --update-goldens")
        expected = path.read_bytes().decode("utf-8")
        assert actual == expected, f"output differs from {path}; --update-goldens rewrites it"

    return check


@pytest.fixture
def seed_path() -> Path:
    """The real copied Daily Papers page from ../shared; tests using it skip without it."""
    if not SEED.exists():
        pytest.skip(f"the seed digest {SEED} is not present")
    return SEED


@pytest.fixture
def csl_schema_path() -> Path:
    """The official CSL-JSON schema, vendored in tests/data."""
    return CSL_SCHEMA
