"""paperbib export --enrich against the loopback Crossref stand-in: flags, report, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from crossref_standin import FaultPlan
from standins import StartStandin

from paperbib.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "daily-papers.txt"
MAILTO = "librarian@example.org"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_enrich_fills_matched_papers_and_reports_every_paper(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """--enrich fills authors and DOIs of papers Crossref holds; the report has a line per paper."""
    server = crossref_standin()
    report = tmp_path / "report.jsonl"
    result = run(
        "export", str(EXAMPLE), "--to", "csljson", "--enrich", "--source", "crossref",
        "--mailto", MAILTO, "--crossref-url", server.url,
        "--cache", str(tmp_path / "cache.sqlite3"), "--report", str(report),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    items = {item["title"]: item for item in json.loads(result.stdout)}
    resnet = items["Deep Residual Learning for Image Recognition"]
    assert resnet["DOI"] == "10.1109/cvpr.2016.90"
    assert [a["family"] for a in resnet["author"]] == ["He", "Zhang", "Ren", "Sun"]
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(lines) == len(items)
    outcomes = {line["title"]: line["outcome"] for line in lines}
    assert outcomes["Deep Residual Learning for Image Recognition"] == "matched"
    assert outcomes["Transformers without Normalization"] == "not_found"
    assert "polite pool" not in result.stderr
    assert "enriched 11/11" in result.stderr


def test_environment_gives_mailto_and_address(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """PAPERBIB_MAILTO and PAPERBIB_CROSSREF_URL stand in for the flags."""
    server = crossref_standin()
    env = {"PAPERBIB_MAILTO": MAILTO, "PAPERBIB_CROSSREF_URL": server.url}
    result = run("export", str(EXAMPLE), "--enrich", "--source", "crossref", "--no-cache", env=env)
    assert result.exit_code == 0, result.stderr
    assert server.stats.requests > 0
    assert all(record.polite for record in server.stats.log)


def test_without_mailto_a_hint_explains_the_polite_pool(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """Without a mailto the run still works and says once how to get the polite pool."""
    server = crossref_standin()
    result = run(
        "export", str(EXAMPLE), "--enrich", "--source", "crossref", "--no-cache",
        "--crossref-url", server.url, env={"PAPERBIB_MAILTO": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("polite pool") == 1


def test_failed_lookups_exit_1_but_every_paper_is_exported(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """When Crossref keeps failing, papers are exported unenriched and the exit code is 1."""
    # A 400 is not worth retrying, so the run fails fast.
    server = crossref_standin(faults=FaultPlan(fraction=1.0, kinds=("400",)))
    out = tmp_path / "refs.bib"
    result = run(
        "export", str(EXAMPLE), "-o", str(out), "--enrich", "--source", "crossref", "--no-cache",
        "--mailto", MAILTO, "--crossref-url", server.url,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "11 failed" in result.stderr
    assert out.read_text(encoding="utf-8").count("\n@") + 1 == 11


def test_cached_answers_make_a_rerun_ask_nothing(
    crossref_standin: StartStandin, tmp_path: Path
) -> None:
    """A second run with the same cache sends no request; --refresh asks again."""
    server = crossref_standin()
    args = ["export", str(EXAMPLE), "--enrich", "--source", "crossref", "--mailto", MAILTO]
    args += ["--crossref-url", server.url]
    args += ["--cache", str(tmp_path / "cache.sqlite3")]
    first = run(*args)
    asked = server.stats.requests
    second = run(*args)
    assert first.stdout == second.stdout
    assert server.stats.requests == asked
    run(*args, "--refresh")
    assert server.stats.requests > asked


def test_enrich_only_flags_need_enrich_and_cache_flags_exclude_each_other() -> None:
    """--report without --enrich, or --cache with --no-cache, is a usage error."""
    assert run("export", str(EXAMPLE), "--report", "r.jsonl").exit_code == 2
    both = run("export", str(EXAMPLE), "--enrich", "--cache", "c.sqlite3", "--no-cache")
    assert both.exit_code == 2
    assert "cannot be used together" in both.stderr


def test_unusable_cache_is_a_clear_error(tmp_path: Path) -> None:
    """A cache path that is not a SQLite file stops the run before any output is written."""
    bogus = tmp_path / "cache.sqlite3"
    bogus.write_text("this is not a database, it is my thesis")
    out = tmp_path / "refs.bib"
    result = run(
        "export", str(EXAMPLE), "-o", str(out), "--enrich", "--cache", str(bogus),
        "--crossref-url", "http://127.0.0.1:9", "--arxiv-url", "http://127.0.0.1:9/api/query",
    )  # fmt: skip
    assert result.exit_code == 1
    assert str(bogus) in result.stderr
    assert not out.exists()
    assert bogus.read_text() == "this is not a database, it is my thesis"
