"""Compile a .bib file the way users do: latex + bibtex in a style, or biblatex + biber.

The test documents load what paperbib's default BibTeX output needs:
``fontenc`` T1 (for ``{\\DJ}`` and the other letters OT1 lacks, and for
``<``, ``>`` and ``|``), ``amssymb`` (``\\mathbb`` in math spans) and, for the
classic styles, ``url`` (arXiv preprints print ``howpublished = {\\url{...}}``).

LaTeX runs with ``-shell-escape`` on purpose: a ``\\write18`` that escaped our
escaping would then really run, and the tests can see that it did not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import attrs
import pytest

__all__ = ["TexRun", "compile_biblatex", "compile_bibtex", "errors", "require"]

_TIMEOUT = 120

_BIBTEX_DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{amssymb}
\usepackage{url}
\begin{document}
\nocite{*}
\bibliographystyle{%(style)s}
\bibliography{refs}
\end{document}
"""

# The standard biblatex styles do not print abstracts; this one does, so that
# every field's text is typeset and not only read.
_BIBLATEX_DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{amssymb}
\usepackage[backend=biber]{biblatex}
\addbibresource{refs.bib}
\renewbibmacro*{finentry}{\setunit{\addperiod\space}\printfield{abstract}\finentry}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


@attrs.frozen
class TexRun:
    """What a compile left behind: the .bbl and the logs of each program."""

    bbl: str
    bibliography_log: str  # bibtex's .blg or biber's .blg
    latex_log: str
    directory: Path


def require(*programs: str) -> None:
    """Skip the calling test unless every program is on PATH; in CI, fail instead.

    .ci/run installs TeX Live and sets PAPERBIB_REQUIRE_TOOLS, so that a broken
    install step shows as a red build rather than as quietly skipped tests.
    """
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        reason = f"needs {', '.join(missing)} (TeX Live), which is not installed"
        if os.environ.get("PAPERBIB_REQUIRE_TOOLS"):
            pytest.fail(f"{reason}, and PAPERBIB_REQUIRE_TOOLS says it must be")
        pytest.skip(reason)


def _run(args: list[str], directory: Path) -> None:
    # Exit codes are not checked: the logs say more, and the tests read them.
    subprocess.run(
        args,
        cwd=directory,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=_TIMEOUT,
        check=False,
    )


def _latex(directory: Path) -> None:
    _run(["latex", "-interaction=nonstopmode", "-shell-escape", "main.tex"], directory)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _collect(directory: Path) -> TexRun:
    return TexRun(
        bbl=_read(directory / "main.bbl"),
        bibliography_log=_read(directory / "main.blg"),
        latex_log=_read(directory / "main.log"),
        directory=directory,
    )


def compile_bibtex(bib: str, style: str, directory: Path) -> TexRun:
    """latex, bibtex in ``style``, latex again, in ``directory``, citing every entry."""
    require("latex", "bibtex")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "refs.bib").write_text(bib, encoding="utf-8")
    (directory / "main.tex").write_text(_BIBTEX_DOCUMENT % {"style": style}, encoding="utf-8")
    _latex(directory)
    _run(["bibtex", "main"], directory)
    _latex(directory)
    return _collect(directory)


def compile_biblatex(bib: str, directory: Path) -> TexRun:
    """latex, biber, latex again with biblatex's standard style, citing every entry."""
    require("latex", "biber")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "refs.bib").write_text(bib, encoding="utf-8")
    (directory / "main.tex").write_text(_BIBLATEX_DOCUMENT, encoding="utf-8")
    _latex(directory)
    _run(["biber", "main"], directory)
    _latex(directory)
    return _collect(directory)


_LATEX_ERROR = re.compile(r"^! .*$", re.M)
_BIBTEX_ERROR = re.compile(
    r"^.*(?:error message|---line \d+ of file|I couldn't|Illegal|Sorry---).*$", re.M
)
_BIBER_ERROR = re.compile(r"^.*\b(?:ERROR|FATAL)\b.*$", re.M)


def errors(run: TexRun) -> list[str]:
    """Every error line in the LaTeX log and in bibtex's or biber's log."""
    found = _LATEX_ERROR.findall(run.latex_log)
    found += _BIBTEX_ERROR.findall(run.bibliography_log)
    found += _BIBER_ERROR.findall(run.bibliography_log)
    if not run.latex_log:
        found.append("latex wrote no log")
    if not run.bbl:
        found.append("no .bbl was written")
    return found
