"""Cold start of `paperbib export` next to the cost of importing click.

Exports the 45-paper seed digest (or the bundled example when ../shared is
absent) to BibTeX, alternating with `python -c "import click"` so that both see
the same machine load, and prints the medians and their ratio. It also lists
any network or heavy library the export imported (there should be none).

Both run as users run them once paperbib is installed: paperbib's bytecode is
compiled first (as pip does; an editable install leaves that to the first run,
which PYTHONDONTWRITEBYTECODE prevents, so that variable is left out of the
children's environment), and the export runs the `paperbib` script of this
interpreter, not a wrapper found first on PATH, such as a pyenv shim, which
starts a shell before Python and would be timed too.

    python benchmarks/cli_startup.py [--runs 30]

Goal: the export costs under 2x `import click`.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "hf-daily-papers.txt"
EXAMPLE = ROOT / "examples" / "daily-papers.txt"
HEAVY = ("habanero", "httpx2", "httpx", "rapidfuzz", "pybtex", "bibtexparser", "sqlite3")


ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    return time.perf_counter() - start


def paperbib_command() -> list[str]:
    """This interpreter's `paperbib` script, else `python -m paperbib`."""
    script = Path(sysconfig.get_path("scripts")) / "paperbib"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "paperbib"]


def imported_heavy(digest: Path) -> list[str]:
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['paperbib', 'export', {str(digest)!r}, '-o', '/dev/null']\n"
        "try:\n    runpy.run_module('paperbib', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=ENV
    )
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    digest = SEED if SEED.exists() else EXAMPLE
    compileall.compile_dir(ROOT / "paperbib", quiet=1)
    export = [*paperbib_command(), "export", str(digest), "--to", "bibtex", "-o", "/dev/null"]
    click_only = [sys.executable, "-c", "import click"]
    bare = [sys.executable, "-c", "pass"]

    for command in (export, click_only, bare):  # warm the file system cache
        wall_time(command)
    times: dict[str, list[float]] = {"export": [], "click": [], "python": []}
    for _ in range(args.runs):
        times["export"].append(wall_time(export))
        times["click"].append(wall_time(click_only))
        times["python"].append(wall_time(bare))

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"digest: {digest.name}, {args.runs} runs each, medians; export: {export[0]}")
    print(f"  python -c pass         {medians['python'] * 1000:7.1f} ms")
    print(f"  python -c 'import click' {medians['click'] * 1000:5.1f} ms")
    print(f"  paperbib export        {medians['export'] * 1000:7.1f} ms")
    ratio = medians["export"] / medians["click"]
    print(f"  export / import click  {ratio:7.2f}x  (goal: under 2x)")
    heavy = imported_heavy(digest)
    print(f"  heavy modules imported by export: {', '.join(heavy) if heavy else 'none'}")


if __name__ == "__main__":
    main()
