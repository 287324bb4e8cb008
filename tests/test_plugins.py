"""Formats are plugins found through entry points, and built-ins cost no scan."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import paperbib
from paperbib import registry

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "daily-papers.txt"
PLUGIN = ROOT / "examples" / "paperbib-markdown"


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example third-party exporter installed into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(PLUGIN)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


def paperbib_cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "paperbib", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_third_party_exporter_is_listed_with_its_origin(plugin_site: Path) -> None:
    """An installed plugin package shows up in paperbib formats under its own name."""
    listing = paperbib_cli(plugin_site, "formats")
    assert listing.returncode == 0, listing.stderr
    line = next(line for line in listing.stdout.splitlines() if line.split()[0] == "markdown")
    assert line.endswith("[paperbib-markdown]")
    assert ".md" in line


def test_third_party_exporter_is_used_by_name_and_by_ending(
    plugin_site: Path, tmp_path: Path
) -> None:
    """--to markdown and -o list.md both reach the plugin's exporter."""
    by_name = paperbib_cli(plugin_site, "export", str(EXAMPLE), "--to", "markdown")
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout.startswith("- **")
    out = tmp_path / "list.md"
    by_ending = paperbib_cli(plugin_site, "export", str(EXAMPLE), "-o", str(out))
    assert by_ending.returncode == 0, by_ending.stderr
    assert out.read_text(encoding="utf-8") == by_name.stdout


def test_builtin_formats_need_no_scan_of_all_distributions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Naming or sniffing a built-in format never scans every installed distribution."""

    def no_scan(**_: object) -> None:
        raise AssertionError("scanned every distribution's entry points")

    registry.plugins.cache_clear()
    monkeypatch.setattr(metadata, "entry_points", no_scan)
    digest = paperbib.load(EXAMPLE)
    assert len(digest) > 0
    assert paperbib.dumps(digest, "bibtex").startswith("@")
    assert paperbib.dumps(digest, "ris").startswith("TY  - ")


def test_export_does_not_import_network_or_heavy_libraries() -> None:
    """paperbib export to BibTeX imports no network, fuzzy-matching or BibTeX-parsing library."""
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['paperbib', 'export', sys.argv[1], '-o', '/dev/null']\n"
        "try:\n"
        "    runpy.run_module('paperbib', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('habanero', 'httpx2', 'httpx', 'rapidfuzz', 'pybtex', 'bibtexparser',\n"
        "         'platformdirs', 'sqlite3', 'jsonschema', 'urllib.request', 'http.client')\n"
        "print(' '.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, str(EXAMPLE)], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == ""
