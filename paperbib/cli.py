"""The ``paperbib`` command: a thin layer over :mod:`paperbib.api`.

Exit codes: 0 when everything was exported, 1 when some input or record was
reported as a problem or nothing could be written, 2 for usage errors.
"""

from __future__ import annotations

import datetime as dt
import io as io_module
import sys
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import attrs
import click
from click.core import ParameterSource

from paperbib import api, io, registry
from paperbib._version import __version__
from paperbib.dedup import deduplicate
from paperbib.errors import FormatError, InputError, OutputError, UnknownFormatError
from paperbib.model import Paper
from paperbib.plugins import Reader

EXIT_PROBLEMS = 1


def _error(message: str) -> None:
    click.echo(f"paperbib: error: {message}", err=True)


def _check_format(role: registry.Role, name: str | None, param: str) -> None:
    if name is None:
        return
    try:
        registry.exporter(name) if role == "exporter" else registry.reader(name)
    except UnknownFormatError as error:
        raise click.BadParameter(
            f"unknown format {name!r}; known: {', '.join(error.known)}", param_hint=param
        ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperbib")
def main() -> None:
    """Turn paper digests into clean BibTeX, CSL-JSON and RIS bibliographies."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "-t",
    "--to",
    "to_format",
    metavar="FORMAT",
    help="Output format (bibtex, csljson, ris, ...); default: from -o's ending, else bibtex.",
)
@click.option(
    "-o",
    "--output",
    default=io.STDIO,
    show_default="stdout",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write; an existing file is replaced only once the new one is complete.",
)
@click.option(
    "-f",
    "--from",
    "from_format",
    metavar="FORMAT",
    help="Input format for every input; default: recognised from each input's content.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Resolve year-less digest dates as seen on this day (YYYY-MM-DD); default: today.",
)
@click.option(
    "--unicode",
    is_flag=True,
    help="Keep non-ASCII letters as UTF-8 in BibTeX (for biber) instead of TeX accents.",
)
@click.option(
    "--into",
    metavar="TARGET",
    type=click.Path(dir_okay=False),
    help="Add to TARGET (.bib, .json, .ris) the papers it lacks, leaving its entries byte for "
    "byte; created if missing. Before the first write the file is kept as TARGET.bak.",
)
@click.option(
    "--update-existing",
    is_flag=True,
    help="With --into: fill empty fields of entries the papers match; filled ones never change.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --into: print the change as a unified diff and write nothing.",
)
@click.option(
    "--enrich",
    is_flag=True,
    help="Fill in authors, DOI, arXiv id, venue and dates from arXiv and Crossref; "
    "abstain when unsure.",
)
@click.option(
    "--source",
    "sources",
    metavar="NAMES",
    help="Sources to enrich from, comma-separated (arxiv, crossref, installed plugins); "
    "default: arxiv,crossref.",
)
@click.option(
    "--preprints",
    type=click.Choice(["upgrade", "keep", "both"]),
    help="A preprint with a published version: cite that version (upgrade, the default), "
    "the preprint (keep), or both.",
)
@click.option(
    "--mailto",
    envvar="PAPERBIB_MAILTO",
    metavar="EMAIL",
    help="Your e-mail, sent to Crossref for its faster polite pool [env: PAPERBIB_MAILTO].",
)
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(dir_okay=False),
    metavar="PATH",
    help="Cache file for Crossref and arXiv answers; default: in your user cache folder.",
)
@click.option("--no-cache", is_flag=True, help="Use no cache: ask every source everything again.")
@click.option("--refresh", is_flag=True, help="Ignore cached answers (still store the new ones).")
@click.option(
    "--overwrite",
    is_flag=True,
    help="Let the records found replace what the digest says, not only fill gaps.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write one JSON line per paper: outcome, score, chosen DOI, candidates.",
)
@click.option(
    "--crossref-url",
    envvar="PAPERBIB_CROSSREF_URL",
    metavar="URL",
    help="Crossref API address (a mirror or proxy) [env: PAPERBIB_CROSSREF_URL].",
)
@click.option(
    "--arxiv-url",
    envvar="PAPERBIB_ARXIV_URL",
    metavar="URL",
    help="arXiv API address (a mirror) [env: PAPERBIB_ARXIV_URL].",
)
@click.option(
    "--arxiv-interval",
    envvar="PAPERBIB_ARXIV_INTERVAL",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Pause between arXiv requests; default 3, shorter only for another address than "
    "arXiv's [env: PAPERBIB_ARXIV_INTERVAL].",
)
def export(
    inputs: tuple[str, ...],
    to_format: str | None,
    output: str,
    from_format: str | None,
    as_of: dt.datetime | None,
    unicode: bool,
    into: str | None,
    update_existing: bool,
    dry_run: bool,
    enrich: bool,
    mailto: str | None,
    cache_path: str | None,
    no_cache: bool,
    refresh: bool,
    overwrite: bool,
    report: str | None,
    crossref_url: str | None,
    sources: str | None,
    preprints: str | None,
    arxiv_url: str | None,
    arxiv_interval: float | None,
) -> None:
    """Read INPUT files (- for stdin) and write their papers as one bibliography.

    Records that cannot be read are reported on stderr with their file and line;
    the rest is still exported, and the exit code is 1.

    With --into, the papers a bibliography lacks are added to it instead, under
    keys it does not use; its own entries stay as they are, byte for byte.
    """
    if cache_path and no_cache:
        raise click.UsageError("--cache and --no-cache cannot be used together")
    enrich_only = [
        name
        for name, given in (
            ("--report", report),
            ("--overwrite", overwrite),
            ("--source", sources),
            ("--preprints", preprints),
        )
        if given
    ]
    if enrich_only and not enrich:
        raise click.UsageError(f"{' and '.join(enrich_only)} only make sense with --enrich")
    _check_into(into, update_existing, dry_run)
    _check_sources(sources)
    _check_arxiv_interval(arxiv_url, arxiv_interval)
    _check_format("reader", from_format, "'-f' / '--from'")
    _check_format("exporter", to_format, "'-t' / '--to'")
    destination, destination_hint = (
        (output, "'-o' / '--output'") if into is None else (into, "'--into'")
    )
    if to_format is None:
        try:
            to_format = api.export_format_for(destination)
        except UnknownFormatError as error:
            raise click.BadParameter(
                f"no exporter writes {PurePath(destination).suffix} files; "
                f"name a format with --to ({', '.join(error.known)})",
                param_hint=destination_hint,
            ) from None
    if into is not None:
        from paperbib.into import UPDATABLE_FORMATS

        if to_format not in UPDATABLE_FORMATS:
            raise click.BadParameter(
                f"--into updates {', '.join(UPDATABLE_FORMATS)} files, not {to_format}",
                param_hint="'-t' / '--to'",
            )

    papers: list[Paper] = []
    failed = False
    for path in inputs:
        try:
            digest = api.load(path, from_format, as_of=as_of.date() if as_of else None)
        except (InputError, FormatError) as error:
            _error(str(error))
            failed = True
            continue
        for problem in digest.problems:
            click.echo(str(problem), err=True)
        failed = failed or bool(digest.problems)
        papers.extend(digest.papers)

    if not papers:
        _error("no papers to export; nothing was written")
        sys.exit(EXIT_PROBLEMS)
    merged = deduplicate(papers)
    for conflict in merged.conflicts:
        click.echo(f"paperbib: warning: {conflict}", err=True)
    papers = list(merged.papers)
    if enrich:
        outcome = _enrich(
            papers,
            mailto=mailto,
            cache=None if no_cache else (cache_path or True),
            refresh=refresh,
            overwrite=overwrite,
            report=report,
            crossref_url=crossref_url,
            sources=None if sources is None else sources.split(","),
            preprints=preprints or "upgrade",
            arxiv_url=arxiv_url,
            arxiv_interval=arxiv_interval,
        )
        papers = outcome.papers
        failed = failed or outcome.failed
    if into is not None:
        problems = _export_into(
            into,
            papers,
            to_format,
            update_existing=update_existing,
            dry_run=dry_run,
            unicode=unicode,
            reported=merged.conflicts,
        )
        sys.exit(EXIT_PROBLEMS if failed or problems else 0)
    try:
        api.dump(papers, output, to_format, unicode=unicode)
    except OutputError as error:
        _error(str(error))
        sys.exit(EXIT_PROBLEMS)
    if output != io.STDIO:
        click.echo(f"paperbib: wrote {len(papers)} papers to {output} ({to_format})", err=True)
    if failed:
        sys.exit(EXIT_PROBLEMS)


def _check_into(into: str | None, update_existing: bool, dry_run: bool) -> None:
    """--update-existing and --dry-run need --into; --into writes its target, so no -o."""
    if into is None:
        needs_into = [
            name
            for name, given in (("--update-existing", update_existing), ("--dry-run", dry_run))
            if given
        ]
        if needs_into:
            verb = "needs" if len(needs_into) == 1 else "need"
            raise click.UsageError(f"{' and '.join(needs_into)} {verb} --into")
        return
    if click.get_current_context().get_parameter_source("output") is not ParameterSource.DEFAULT:
        raise click.UsageError("--into and -o cannot be used together: --into writes TARGET")
    if into == io.STDIO:
        raise click.BadParameter("give the bibliography file to add to", param_hint="'--into'")


def _check_sources(sources: str | None) -> None:
    if sources is None:
        return
    from paperbib.enrich.sources import source_names

    known = source_names()
    unknown = [name for name in sources.split(",") if name.strip() not in known]
    if unknown or not sources.strip():
        raise click.BadParameter(
            f"unknown source {', '.join(map(repr, unknown))}; known: {', '.join(known)}",
            param_hint="'--source'",
        )


def _check_arxiv_interval(url: str | None, interval: float | None) -> None:
    """arXiv's three seconds may be shortened only for another address."""
    if interval is None:
        return
    from paperbib.enrich.arxiv import DEFAULT_URL, check_interval
    from paperbib.errors import EnrichError

    try:
        check_interval(url or DEFAULT_URL, interval)
    except EnrichError as error:
        raise click.BadParameter(str(error), param_hint="'--arxiv-interval'") from None


def _export_into(
    target: str,
    papers: list[Paper],
    format: str,
    *,
    update_existing: bool,
    dry_run: bool,
    unicode: bool,
    reported: tuple[str, ...],
) -> bool:
    """Add the papers to ``target`` (or print the diff); whether problems were reported."""
    # Imported here, as enrichment is: only --into pays for loading it.
    from paperbib.into import update

    try:
        result = update(
            target,
            papers,
            format=format,
            update_existing=update_existing,
            unicode=unicode,
            dry_run=dry_run,
        )
    except (InputError, OutputError) as error:
        _error(str(error))
        sys.exit(EXIT_PROBLEMS)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if result.problems:
        click.echo(f"paperbib: note: what {target} holds that could not be read is kept", err=True)
    for conflict in result.conflicts:
        if conflict not in reported:
            click.echo(f"paperbib: warning: {conflict}", err=True)
    if dry_run:
        io.write_output(io.STDIO, result.diff())
    if result.backup:
        click.echo(f"paperbib: kept the file as it was in {result.backup}", err=True)
    count = len(result.added)
    summary = (
        f"added {count} paper{'' if count == 1 else 's'} to {target} "
        f"({len(result.present)} already there"
        + (f", {len(result.updated)} updated)" if update_existing else ")")
    )
    prefix = "dry run, nothing written: would have " if dry_run else ""
    click.echo(f"paperbib: {prefix}{summary}", err=True)
    return bool(result.problems)


@attrs.frozen
class _Enriched:
    papers: list[Paper]
    failed: bool


def _enrich(
    papers: list[Paper],
    *,
    mailto: str | None,
    cache: str | bool | None,
    refresh: bool,
    overwrite: bool,
    report: str | None,
    crossref_url: str | None,
    sources: list[str] | None,
    preprints: str,
    arxiv_url: str | None,
    arxiv_interval: float | None,
) -> _Enriched:
    """Run enrichment with a progress line on a terminal; exit 1 if it cannot start."""
    # Imported here: the network stack is only paid for when asked for.
    from paperbib.enrich import Verdict, enrich, write_report
    from paperbib.errors import EnrichError

    if not mailto and "crossref" in (sources or ["crossref"]):
        click.echo(
            "paperbib: hint: give --mailto EMAIL (or set PAPERBIB_MAILTO) to use Crossref's "
            "polite pool: twice the request rate and three requests at once",
            err=True,
        )
    show_progress = sys.stderr.isatty()

    def progress(done: int, counts: Mapping[Verdict, int]) -> None:
        if show_progress:
            click.echo(f"\r{_summary(done, len(papers), counts)}", err=True, nl=False)

    try:
        result = enrich(
            papers,
            mailto=mailto,
            crossref_url=crossref_url,
            cache=cache,
            refresh=refresh,
            overwrite=overwrite,
            progress=progress,
            sources=sources,
            preprints=preprints,
            arxiv_url=arxiv_url,
            arxiv_interval=arxiv_interval,
        )
    except EnrichError as error:
        _error(str(error))
        sys.exit(EXIT_PROBLEMS)
    counts = result.counts
    if show_progress:
        click.echo("", err=True)
    upgraded = ""
    if result.upgraded:
        how = "cited with" if preprints == "both" else "upgraded to"
        upgraded = f"; {result.upgraded} preprint(s) {how} their published version"
    click.echo(f"paperbib: {_summary(len(papers), len(papers), counts)}{upgraded}", err=True)
    if report is not None:
        lines = io_module.StringIO()
        write_report(result, lines)
        try:
            io.write_output(report, lines.getvalue())
        except OutputError as error:
            _error(str(error))
            sys.exit(EXIT_PROBLEMS)
    return _Enriched(result.bibliography, failed=counts[Verdict.FAILED] > 0)


def _summary(done: int, total: int, counts: Mapping[Any, int]) -> str:
    tallies = ", ".join(f"{counts[v]} {v.value.replace('_', ' ')}" for v in counts)
    return f"enriched {done}/{total}: {tallies}"


@main.command()
def formats() -> None:
    """List the readers and exporters installed, and where each comes from."""
    for role, title, option in (("reader", "Readers", "--from"), ("exporter", "Exporters", "--to")):
        click.echo(f"{title} ({option}):")
        for plugin in registry.plugins(role):
            found = registry.load(plugin)
            endings = " ".join(found.suffixes) if isinstance(found, Reader) else found.suffix
            click.echo(
                f"  {plugin.name:<12} {endings:<8} {found.description}  [{plugin.distribution}]"
            )
