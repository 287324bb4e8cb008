"""Cold start of `paperbib export` next to the cost of importing click.

Exports the 45-paper seed digest (or the bundled example when ../shared is
absent) to BibTeX, alternating with `python -c "import click"` so that both see
the same machine load, and prints the median and best wall times, the best CPU
times (user and system) and their ratios. It also lists any network or heavy
library the export imported (there should be none).

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
import resource
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


def run_time(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user and system, the child's own) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


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

    commands = {
        "python -c pass": bare,
        "python -c 'import click'": click_only,
        "paperbib export": export,
    }
    for command in commands.values():  # warm the file system cache
        run_time(command)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            wall, cpu = run_time(command)
            walls[name].append(wall)
            cpus[name].append(cpu)

    # On a shared machine other work only ever adds time: the best run is the
    # cost itself, the median what a run is like at the machine's load.
    figures = {
        name: (statistics.median(walls[name]), min(walls[name]), min(cpus[name]))
        for name in commands
    }
    print(f"digest: {digest.name}, {args.runs} runs each; export: {export[0]}")
    print(f"  {'':26} {'wall median':>11} {'wall best':>10} {'CPU best':>9}")
    for name, (median, best, cpu) in figures.items():
        print(f"  {name:26} {median * 1000:8.1f} ms {best * 1000:7.1f} ms {cpu * 1000:6.1f} ms")
    export_figures, click_figures = figures["paperbib export"], figures["python -c 'import click'"]
    median, best, cpu = (
        ours / theirs for ours, theirs in zip(export_figures, click_figures, strict=True)
    )
    print(
        f"  {'export / import click':26} {median:10.2f}x {best:9.2f}x {cpu:8.2f}x  (goal: under 2x)"
    )
    heavy = imported_heavy(digest)
    print(f"  heavy modules imported by export: {', '.join(heavy) if heavy else 'none'}")


if __name__ == "__main__":
    main()
