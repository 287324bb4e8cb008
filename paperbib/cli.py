"""The ``paperbib`` command: a thin layer over :mod:`paperbib.api`.

Exit codes: 0 when everything was exported, 1 when some input or record was
reported as a problem or nothing could be written, 2 for usage errors.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import PurePath

import click

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
def export(
    inputs: tuple[str, ...],
    to_format: str | None,
    output: str,
    from_format: str | None,
    as_of: dt.datetime | None,
    unicode: bool,
) -> None:
    """Read INPUT files (- for stdin) and write their papers as one bibliography.

    Records that cannot be read are reported on stderr with their file and line;
    the rest is still exported, and the exit code is 1.
    """
    _check_format("reader", from_format, "'-f' / '--from'")
    _check_format("exporter", to_format, "'-t' / '--to'")
    if to_format is None:
        try:
            to_format = api.export_format_for(output)
        except UnknownFormatError as error:
            raise click.BadParameter(
                f"no exporter writes {PurePath(output).suffix} files; "
                f"name a format with --to ({', '.join(error.known)})",
                param_hint="'-o' / '--output'",
            ) from None

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
    try:
        api.dump(papers, output, to_format, unicode=unicode)
    except OutputError as error:
        _error(str(error))
        sys.exit(EXIT_PROBLEMS)
    if output != io.STDIO:
        click.echo(f"paperbib: wrote {len(papers)} papers to {output} ({to_format})", err=True)
    if failed:
        sys.exit(EXIT_PROBLEMS)


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
