"""export --into: a curated bibliography grows, and what was in it stays byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import rispy
from click.testing import CliRunner, Result
from tex import TexRun, compile_biblatex, compile_bibtex, errors

import paperbib
from paperbib.cli import main
from paperbib.errors import InputError, OutputError
from paperbib.model import ArxivId, Author, Kind, Paper, PartialDate
from paperbib.text import normalise_title

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = ROOT / "examples" / "daily-papers.txt"
NEW_PAPERS = FIXTURES / "into-new-papers.json"
REFS = {suffix: FIXTURES / f"refs-handwritten{suffix}" for suffix in (".bib", ".json", ".ris")}
AS_OF = "2026-11-27"


def example() -> list[Paper]:
    """The example digest's papers, read as the command line reads it here."""
    return list(paperbib.load(EXAMPLE, as_of=dt.date.fromisoformat(AS_OF)))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def into(target: Path, *inputs: Path | str, options: tuple[str, ...] = ()) -> Result:
    """paperbib export INPUTS --into TARGET, the example digest read as of a fixed day."""
    return run("export", *map(str, inputs), "--as-of", AS_OF, "--into", str(target), *options)


# Line-end conventions a target may use: as written, Windows', and both in one file.
def as_written(text: bytes) -> bytes:
    return text


def crlf(text: bytes) -> bytes:
    return text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def mixed(text: bytes) -> bytes:
    """CRLF in the first half of the lines, LF in the rest, as after an edit on another system."""
    lines = text.replace(b"\r\n", b"\n").split(b"\n")
    half = len(lines) // 2
    return b"\r\n".join(lines[:half]) + b"\r\n" + b"\n".join(lines[half:])


LINE_ENDS = [as_written, crlf, mixed]


def target_copy(tmp_path: Path, suffix: str, line_ends: Callable[[bytes], bytes]) -> Path:
    target = tmp_path / f"refs{suffix}"
    target.write_bytes(line_ends(REFS[suffix].read_bytes()))
    return target


def last_line_end(data: bytes) -> bytes:
    return re.findall(rb"\r\n|\r|\n", data)[-1]


def added_text(before: bytes, after: bytes) -> bytes:
    """What a run appended, checking that it left everything before it as it was."""
    assert after[: len(before)] == before
    return after[len(before) :]


def keys_of(path: Path) -> list[str]:
    return [paper.citation_key or "" for paper in paperbib.load(path)]


def titles_of(path: Path) -> list[str]:
    return [normalise_title(paper.title or "") for paper in paperbib.load(path)]


# --- BibTeX: the hand-written refs.bib ---------------------------------------------------


@pytest.mark.parametrize("line_ends", LINE_ENDS)
def test_old_entries_stay_byte_for_byte_and_new_ones_follow(
    tmp_path: Path, line_ends: Callable[[bytes], bytes]
) -> None:
    """Comments, @string, odd spacing, user keys and line ends stay; the rest is appended."""
    target = target_copy(tmp_path, ".bib", line_ends)
    before = target.read_bytes()
    old_keys = keys_of(target)

    result = into(target, EXAMPLE, NEW_PAPERS)

    assert result.exit_code == 0, result.stderr
    after = target.read_bytes()
    appended = added_text(before, after)
    newline = last_line_end(before)
    # One blank line, then entries with the line ends the file ends with.
    assert appended.startswith(newline + b"@")
    assert set(re.findall(rb"\r\n|\r|\n", appended)) == {newline}
    keys = keys_of(target)
    assert keys[: len(old_keys)] == old_keys
    assert len({key.casefold() for key in keys}) == len(keys)
    # Attention, BERT and the LSTM were there already: every title is there once.
    titles = titles_of(target)
    assert len(set(titles)) == len(titles)
    added = len(keys) - len(old_keys)
    assert added == len(set(titles_of(EXAMPLE) + titles_of(NEW_PAPERS))) - 3
    assert f"added {added} papers to {target} (3 already there)" in result.stderr


def test_a_new_paper_matching_an_entry_by_doi_is_not_added(tmp_path: Path) -> None:
    """Same DOI, other title and year: it is the entry's paper, and nothing is written."""
    target = target_copy(tmp_path, ".bib", as_written)
    before = target.read_bytes()
    lamport = Paper(
        title="Time, clocks and the ordering of events",
        doi="10.1145/359545.359563",
        issued=PartialDate(2019),
    )
    result = paperbib.update(target, [lamport])
    assert result.added == ()
    assert result.present == (lamport,)
    assert not result.written
    assert target.read_bytes() == before
    assert not (tmp_path / "refs.bib.bak").exists()


def test_a_missing_target_is_created_as_a_plain_export_would_write_it(tmp_path: Path) -> None:
    """--into a file that does not exist writes what -o would, and no backup."""
    target = tmp_path / "new.bib"
    result = into(target, EXAMPLE)
    assert result.exit_code == 0, result.stderr
    exported = tmp_path / "exported.bib"
    assert run("export", str(EXAMPLE), "--as-of", AS_OF, "-o", str(exported)).exit_code == 0
    assert target.read_bytes() == exported.read_bytes()
    assert not (tmp_path / "new.bib.bak").exists()


def bbl_keys(run: TexRun) -> set[str]:
    """The citation keys the .bbl holds, as classic styles or biber wrote them."""
    classic = re.findall(r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}", run.bbl)
    biber = re.findall(r"\\entry\{([^}]*)\}", run.bbl)
    return set(classic) | set(biber)


@pytest.fixture
def grown_bib(tmp_path: Path) -> Path:
    """The hand-written refs.bib after --into --update-existing with the example and new papers."""
    target = target_copy(tmp_path, ".bib", crlf)
    result = into(target, EXAMPLE, NEW_PAPERS, options=("--update-existing",))
    assert result.exit_code == 0, result.stderr
    return target


@pytest.mark.slow
@pytest.mark.parametrize("style", ["plain", "abbrv", "alpha"])
def test_the_grown_bib_compiles_with_bibtex(style: str, grown_bib: Path, tmp_path: Path) -> None:
    """Old, updated and new entries: no error, no warning, every key in the .bbl."""
    run_ = compile_bibtex(grown_bib.read_text(encoding="utf-8"), style, tmp_path / style)
    assert errors(run_) == []
    assert [line for line in run_.bibliography_log.splitlines() if "Warning--" in line] == []
    assert bbl_keys(run_) == set(keys_of(grown_bib))


@pytest.mark.slow
def test_the_grown_bib_compiles_with_biber(grown_bib: Path, tmp_path: Path) -> None:
    """biblatex + biber read it all: no error, no warning, every key in the .bbl."""
    run_ = compile_biblatex(grown_bib.read_text(encoding="utf-8"), tmp_path / "biber")
    assert errors(run_) == []
    assert [line for line in run_.bibliography_log.splitlines() if "WARN" in line] == []
    assert bbl_keys(run_) == set(keys_of(grown_bib))


def entry_text(text: str, key: str) -> str:
    """The text of the entry with ``key``, from its @ to the line closing it."""
    start = re.compile(rf"[{{(]\s*{re.escape(key)}\s*,").search(text)
    assert start is not None
    start = text.rindex("@", 0, start.start())
    end = re.compile(r"^\s*[})]\s*$", re.M).search(text, start)
    assert end is not None
    return text[start : end.end()]


def test_update_existing_inserts_one_line_for_a_missing_doi(tmp_path: Path) -> None:
    """BERT's entry gains its DOI line before the closing brace; nothing else in it changes."""
    target = target_copy(tmp_path, ".bib", as_written)
    before = target.read_text(encoding="utf-8")
    result = into(target, NEW_PAPERS, options=("--update-existing",))
    assert result.exit_code == 0, result.stderr
    old = entry_text(before, "devlin-etal-2019-bert")
    new = entry_text(target.read_text(encoding="utf-8"), "devlin-etal-2019-bert")
    closing = old.rindex("}")
    assert new == old[:closing] + "    doi = {10.18653/v1/n19-1423},\n" + old[closing:]
    updated = next(p for p in paperbib.load(target) if p.citation_key == "devlin-etal-2019-bert")
    assert updated.doi == "10.18653/v1/n19-1423"


def test_update_existing_fills_an_empty_field_in_place(tmp_path: Path) -> None:
    """doi = {} gets its value where it stands; the entry's other lines are untouched."""
    target = target_copy(tmp_path, ".bib", as_written)
    before = target.read_text(encoding="utf-8")
    result = into(target, NEW_PAPERS, options=("--update-existing",))
    assert result.exit_code == 0, result.stderr
    old = entry_text(before, "hochreiter97")
    new = entry_text(target.read_text(encoding="utf-8"), "hochreiter97")
    abstract = (
        "  abstract = {A recurrent cell with gated memory that keeps error signals alive over "
        "long time lags.},\n"
    )
    doi = "doi = {10.1162/neco.1997.9.8.1735},"
    assert new.replace(doi, "doi = {},", 1).replace(abstract, "", 1) == old
    assert "(2 already there, 2 updated)" in result.stderr


def test_update_existing_adds_the_comma_an_entry_without_a_trailing_one_needs(
    tmp_path: Path,
) -> None:
    """A parenthesised entry whose last field has no comma gets one, and the new line."""
    target = target_copy(tmp_path, ".bib", as_written)
    before = target.read_text(encoding="utf-8")
    lamport = Paper(
        title="Time, Clocks, and the Ordering of Events in a Distributed System",
        doi="10.1145/359545.359563",
        abstract="Events in a distributed system are ordered by logical clocks.",
    )
    result = paperbib.update(target, [lamport], update_existing=True)
    assert result.updated == ("lamport78",)
    old = entry_text(before, "lamport78")
    new = entry_text(target.read_text(encoding="utf-8"), "lamport78")
    assert new == old.replace(
        "doi = {10.1145/359545.359563}\n",
        "doi = {10.1145/359545.359563},\n"
        "      abstract = {Events in a distributed system are ordered by logical clocks.}\n",
    )


def test_update_existing_never_changes_a_filled_field(tmp_path: Path) -> None:
    """A matching paper that says otherwise (title, year, venue, pages) changes nothing."""
    target = target_copy(tmp_path, ".bib", as_written)
    before = target.read_bytes()
    vaswani = Paper(
        title="Attention Is All You Need",
        issued=PartialDate(2017, 6, 12),
        authors=[Author(family="Vaswani", given="A.")],
        container_title="NeurIPS",
        pages="1-11",
        kind=Kind.CONFERENCE_PAPER,
    )
    result = paperbib.update(target, [vaswani], update_existing=True)
    assert result.present == (vaswani,)
    assert result.updated == ()
    assert target.read_bytes() == before


def test_dry_run_prints_a_diff_that_patch_applies_and_writes_nothing(tmp_path: Path) -> None:
    """The diff on stdout turns the old file into what a real run writes; no file, no .bak."""
    target = target_copy(tmp_path, ".bib", as_written)
    before = target.read_bytes()
    result = into(target, EXAMPLE, NEW_PAPERS, options=("--update-existing", "--dry-run"))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == before
    assert not (tmp_path / "refs.bib.bak").exists()
    assert result.stdout.startswith(f"--- {target}\n+++ {target}\n@@ ")
    assert "dry run, nothing written" in result.stderr

    if shutil.which("patch") is None:
        pytest.skip("needs patch(1) to apply the diff")
    patched = tmp_path / "patched.bib"
    patched.write_bytes(before)
    diff = tmp_path / "change.diff"
    diff.write_bytes(result.stdout_bytes)
    subprocess.run(["patch", "--binary", "-s", str(patched), str(diff)], check=True)
    assert into(target, EXAMPLE, NEW_PAPERS, options=("--update-existing",)).exit_code == 0
    assert patched.read_bytes() == target.read_bytes()


def test_backup_is_made_on_the_first_write_only(tmp_path: Path) -> None:
    """TARGET.bak holds the file as it was before paperbib first changed it, and stays so."""
    target = target_copy(tmp_path, ".bib", as_written)
    original = target.read_bytes()
    backup = tmp_path / "refs.bib.bak"

    first = into(target, NEW_PAPERS)
    assert first.exit_code == 0, first.stderr
    assert backup.read_bytes() == original
    assert str(backup) in first.stderr
    after_first = target.read_bytes()

    second = into(target, EXAMPLE)
    assert second.exit_code == 0, second.stderr
    assert backup.read_bytes() == original
    assert target.read_bytes() != after_first
    assert str(backup) not in second.stderr


def test_a_failed_write_leaves_the_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename into place fails: the target keeps its bytes and no temp file is left."""
    target = target_copy(tmp_path, ".bib", as_written)
    before = target.read_bytes()
    replace = os.replace

    def failing_replace(source: str | Path, destination: str | Path) -> None:
        if Path(destination) == target:
            raise OSError(28, "No space left on device")
        replace(source, destination)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        paperbib.update(target, paperbib.load(NEW_PAPERS))
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib", "refs.bib.bak"]


def test_an_unreadable_block_is_reported_and_kept_as_it_was(tmp_path: Path) -> None:
    """An unbalanced brace: reported at its line and kept; the rest still works; exit 1."""
    text = REFS[".bib"].read_text(encoding="utf-8")
    broken = "@article{broken2020,\n  title = {An unclosed {title},\n  year = 2020,\n}\n\n"
    at = text.index("@article(lamport78")
    text = text[:at] + broken + text[at:]
    broken_line = text[:at].count("\n") + 1
    target = tmp_path / "refs.bib"
    target.write_text(text, encoding="utf-8")

    result = into(target, NEW_PAPERS)

    assert result.exit_code == 1
    assert f"{target}:{broken_line}: " in result.stderr
    assert "added 2 papers" in result.stderr
    after = target.read_text(encoding="utf-8")
    assert after.startswith(text)


def test_new_keys_avoid_the_targets_keys_whatever_their_case(tmp_path: Path) -> None:
    """A user key Vaswani2017Attention is taken for BibTeX, which ignores case in keys."""
    target = tmp_path / "refs.bib"
    target.write_text(
        "@misc{Vaswani2017Attention,\n  title = {Attention Mechanisms, a Survey},\n"
        "  author = {Vaswani, Xavier},\n  year = 2017,\n}\n",
        encoding="utf-8",
    )
    paper = Paper(
        title="Attention Is All You Need",
        authors=[Author(family="Vaswani", given="Ashish")],
        issued=PartialDate(2017),
    )
    result = paperbib.update(target, [paper])
    (added,) = result.added
    assert added.citation_key == "vaswani2017attentiona"
    assert keys_of(target) == ["Vaswani2017Attention", "vaswani2017attentiona"]


def test_a_key_brought_along_that_the_target_has_gets_a_fresh_one(tmp_path: Path) -> None:
    """A paper from another .bib keyed Knuth:1984 but not the TeXbook does not take that key."""
    target = target_copy(tmp_path, ".bib", as_written)
    other = Paper(
        title="Literate Programming",
        authors=[Author(family="Knuth", given="Donald E.")],
        issued=PartialDate(1984),
        citation_key="Knuth:1984",
    )
    (added,) = paperbib.update(target, [other]).added
    assert added.citation_key == "knuth1984literate"
    keys = keys_of(target)
    assert keys.count("Knuth:1984") == 1
    assert keys[-1] == "knuth1984literate"


def test_a_key_two_new_papers_bring_along_goes_to_neither(tmp_path: Path) -> None:
    """Two papers from different files, both keyed smith20: each gets a fresh key of its own."""
    target = target_copy(tmp_path, ".bib", as_written)
    papers = [
        Paper(
            title=title,
            authors=[Author(family="Smith", given="Jo")],
            issued=PartialDate(2020),
            citation_key="smith20",
        )
        for title in ("Lanterns at Dusk", "Lanterns at Dawn")
    ]
    added = paperbib.update(target, papers).added
    assert sorted(p.citation_key or "" for p in added) == [
        "smith2020lanternsa",
        "smith2020lanternsb",
    ]


# --- CSL-JSON and RIS targets --------------------------------------------------------


def json_items_text(data: bytes) -> bytes:
    """Everything up to the end of the last item: what must stay as it was."""
    return data[: data.rindex(b"}") + 1]


@pytest.mark.parametrize("line_ends", LINE_ENDS)
def test_json_target_keeps_its_items_and_stays_valid(
    tmp_path: Path, line_ends: Callable[[bytes], bytes], csl_schema_path: Path
) -> None:
    """New items go before ']'; the old ones are untouched; the file is schema-valid CSL-JSON."""
    target = target_copy(tmp_path, ".json", line_ends)
    before = target.read_bytes()
    result = into(target, EXAMPLE, NEW_PAPERS)
    assert result.exit_code == 0, result.stderr
    after = target.read_bytes()
    kept = json_items_text(before)
    assert after.startswith(kept)
    assert after.endswith(before[len(kept) :])  # the array's closing bracket and what follows
    items = json.loads(after)
    jsonschema.validate(items, json.loads(csl_schema_path.read_text(encoding="utf-8")))
    assert items[:2] == json.loads(before)
    titles = [normalise_title(item["title"]) for item in items]
    assert len(set(titles)) == len(titles)
    # New items take the file's tabs and \u escapes, and its line ends.
    appended = after[len(kept) : len(after) - len(before) + len(kept)]
    assert appended.isascii()
    assert re.search(rb"\n\t\t\"citation-key\"", appended)
    assert set(re.findall(rb"\r\n|\r|\n", appended)) == {last_line_end(before)}


def test_json_update_existing_adds_members_after_the_items_own(tmp_path: Path) -> None:
    """The LSTM item gets its DOI in place of "" and an abstract after its last member."""
    target = target_copy(tmp_path, ".json", as_written)
    before = target.read_text(encoding="utf-8")
    result = into(target, NEW_PAPERS, options=("--update-existing",))
    assert result.exit_code == 0, result.stderr
    after = target.read_text(encoding="utf-8")
    assert after.startswith(before[: before.index('"DOI": ""')])
    old_item, new_item = json.loads(before)[0], json.loads(after)[0]
    assert list(new_item)[: len(old_item)] == list(old_item)
    assert new_item["DOI"] == "10.1162/neco.1997.9.8.1735"
    assert list(new_item)[len(old_item) :] == ["abstract"]
    assert {k: v for k, v in new_item.items() if k not in ("DOI", "abstract")} == {
        k: v for k, v in old_item.items() if k != "DOI"
    }
    rest = before[before.index('\t},\n\t{\n\t\t"id": "Knuth:1984"') :]
    assert rest[: rest.rindex("}")] in after


def test_a_broken_json_target_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A truncated array cannot be added to: exit 1, its file and line named, nothing written."""
    target = tmp_path / "refs.json"
    text = REFS[".json"].read_text(encoding="utf-8")
    target.write_text(text[: text.index('"id": "Knuth:1984"') + 10], encoding="utf-8")
    before = target.read_bytes()
    result = into(target, NEW_PAPERS)
    assert result.exit_code == 1
    assert re.search(rf"{re.escape(str(target))}:\d+: the JSON breaks off here", result.stderr)
    assert target.read_bytes() == before
    assert not (tmp_path / "refs.json.bak").exists()


@pytest.mark.parametrize("line_ends", LINE_ENDS)
def test_ris_target_keeps_its_records_and_rispy_reads_it_all(
    tmp_path: Path, line_ends: Callable[[bytes], bytes]
) -> None:
    """New records follow the old ones in the file's line ends; rispy reads every record."""
    target = target_copy(tmp_path, ".ris", line_ends)
    before = target.read_bytes()
    result = into(target, EXAMPLE, NEW_PAPERS)
    assert result.exit_code == 0, result.stderr
    appended = added_text(before, target.read_bytes())
    newline = last_line_end(before)
    assert appended.startswith(newline + b"TY  - ")
    assert set(re.findall(rb"\r\n|\r|\n", appended)) == {newline}
    text = target.read_text(encoding="utf-8").replace("\r\n", "\n")
    records = rispy.loads(text[text.index("TY  - ") :])
    titles = [normalise_title(record["title"]) for record in records]
    assert len(set(titles)) == len(titles)
    assert titles[:2] == [normalise_title("Long Short-Term Memory"), "the texbook"]
    expected = set(titles_of(EXAMPLE) + titles_of(NEW_PAPERS)) | {"the texbook"}
    assert set(titles) == expected


def test_ris_update_existing_fills_the_empty_tag_and_adds_before_er(tmp_path: Path) -> None:
    """DO gets its value on its own line; AB goes in just before ER; other lines stay."""
    target = target_copy(tmp_path, ".ris", crlf)
    before = target.read_bytes().decode("utf-8")
    result = into(target, NEW_PAPERS, options=("--update-existing",))
    assert result.exit_code == 0, result.stderr
    after = target.read_bytes().decode("utf-8")
    expected = before.replace("DO  - \r\n", "DO  - 10.1162/neco.1997.9.8.1735\r\n", 1).replace(
        "N1  - Read this one twice.\r\nER  - ",
        "N1  - Read this one twice.\r\nAB  - A recurrent cell with gated memory that keeps "
        "error signals alive over long time lags.\r\nER  - ",
        1,
    )
    assert after.startswith(expected)
    text = after.replace("\r\n", "\n")
    record = rispy.loads(text[text.index("TY  - ") :])[0]
    assert record["doi"] == "10.1162/neco.1997.9.8.1735"


# --- Stable keys ---------------------------------------------------------------------


def colliding_papers() -> list[Paper]:
    """Two papers (made up for this test) whose keys would both be okafor2025sparse, and others."""
    return [
        Paper(
            title="Sparse Lanterns: Counting Photons with Tiny Transformers",
            authors=[Author(family="Okafor", given="Chi")],
            issued=PartialDate(2025, 3, 3),
            arxiv=ArxivId.parse("2503.00001"),
            kind=Kind.PREPRINT,
        ),
        Paper(
            title="Sparse Lanterns Revisited",
            authors=[Author(family="Okafor", given="Ada")],
            issued=PartialDate(2025),
            doi="10.1000/lanterns",
            kind=Kind.JOURNAL_ARTICLE,
            container_title="Journal of Examples",
        ),
        *example(),
    ]


def added_keys(target: Path, papers: list[Paper]) -> dict[str, str]:
    """The key each added paper would get, by title, from a dry run."""
    result = paperbib.update(target, papers, dry_run=True)
    return {normalise_title(p.title or ""): p.citation_key or "" for p in result.added}


@pytest.mark.parametrize("suffix", [".bib", ".json", ".ris"])
def test_keys_do_not_depend_on_the_order_of_the_papers(tmp_path: Path, suffix: str) -> None:
    """Shuffled input, same key for every paper, collision suffixes included."""
    target = target_copy(tmp_path, suffix, as_written)
    papers = colliding_papers() + list(paperbib.load(NEW_PAPERS))
    expected = added_keys(target, papers)
    assert {key for key in expected.values() if key.startswith("okafor")} == {
        "okafor2025sparsea",
        "okafor2025sparseb",
    }
    shuffler = random.Random(4)
    for _ in range(5):
        shuffled = papers[:]
        shuffler.shuffle(shuffled)
        assert added_keys(target, shuffled) == expected


def test_adding_or_removing_papers_that_do_not_collide_keeps_keys(tmp_path: Path) -> None:
    """The key a paper gets does not change when unrelated papers come or go."""
    target = target_copy(tmp_path, ".bib", as_written)
    papers = colliding_papers() + list(paperbib.load(NEW_PAPERS))
    everything = added_keys(target, papers)
    fewer = added_keys(target, papers[:2] + papers[5:])
    assert fewer.items() <= everything.items()
    assert len(fewer) == len(everything) - 3


def test_a_key_once_written_stays_when_a_colliding_paper_comes_later(tmp_path: Path) -> None:
    """Added alone, a paper keeps okafor2025sparse; its later namesake takes okafor2025sparsea.

    Added in one run, both would be suffixed (a and b in content order): within a
    run, no order-free rule can say which of the two deserves the bare key.
    """
    target = target_copy(tmp_path, ".bib", as_written)
    first, second = colliding_papers()[:2]
    (added,) = paperbib.update(target, [first]).added
    assert added.citation_key == "okafor2025sparse"
    (later,) = paperbib.update(target, [first, second]).added
    assert later.citation_key == "okafor2025sparsea"
    assert keys_of(target)[-2:] == ["okafor2025sparse", "okafor2025sparsea"]


@pytest.mark.parametrize("suffix", [".bib", ".json", ".ris"])
@pytest.mark.parametrize("line_ends", [as_written, crlf])
def test_running_again_changes_no_byte(
    tmp_path: Path, suffix: str, line_ends: Callable[[bytes], bytes]
) -> None:
    """The same inputs into the grown file add nothing, update nothing, and leave every byte."""
    target = target_copy(tmp_path, suffix, line_ends)
    options = ("--update-existing",)
    assert into(target, EXAMPLE, NEW_PAPERS, options=options).exit_code == 0
    grown = target.read_bytes()
    (tmp_path / f"refs{suffix}.bak").unlink()
    again = into(target, NEW_PAPERS, EXAMPLE, options=options)
    assert again.exit_code == 0, again.stderr
    assert target.read_bytes() == grown
    assert "added 0 papers" in again.stderr
    assert "0 updated" in again.stderr
    assert not (tmp_path / f"refs{suffix}.bak").exists()


@pytest.mark.parametrize("suffix", [".bib", ".json", ".ris"])
def test_the_seed_digest_finds_all_its_papers_in_its_own_export(
    seed_path: Path, tmp_path: Path, suffix: str
) -> None:
    """The real 45 papers (math, accents, odd titles) match their entries after a round trip."""
    target = tmp_path / f"seed{suffix}"
    assert into(target, seed_path).exit_code == 0
    exported = target.read_bytes()
    again = into(target, seed_path, options=("--update-existing",))
    assert again.exit_code == 0, again.stderr
    assert "added 0 papers" in again.stderr
    assert "(45 already there, 0 updated)" in again.stderr
    assert target.read_bytes() == exported


# --- The command line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--into", "refs.bib", "-o", "out.bib"), "--into and -o cannot be used together"),
        (("--dry-run",), "--dry-run needs --into"),
        (("--update-existing",), "--update-existing needs --into"),
        (("--into", "refs.txt"), "no exporter writes .txt files"),
        (("--into", "-"), "give the bibliography file to add to"),
    ],
)
def test_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...], message: str
) -> None:
    """Contradictory or incomplete --into options exit 2 with a message saying why."""
    monkeypatch.chdir(tmp_path)
    result = run("export", str(EXAMPLE), *options)
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_to_names_the_format_of_a_target_with_another_ending(tmp_path: Path) -> None:
    """--into refs.txt --to bibtex reads and writes the file as BibTeX."""
    target = tmp_path / "refs.txt"
    shutil.copy(REFS[".bib"], target)
    before = target.read_bytes()
    result = into(target, NEW_PAPERS, options=("--to", "bibtex"))
    assert result.exit_code == 0, result.stderr
    assert added_text(before, target.read_bytes()).startswith(b"\n@inproceedings{resnet-cvpr,")


def test_the_python_api_reports_what_it_did(tmp_path: Path) -> None:
    """paperbib.update returns the papers added and present, and a diff for a dry run."""
    target = target_copy(tmp_path, ".bib", as_written)
    papers = list(paperbib.load(NEW_PAPERS))
    planned = paperbib.update(target, papers, update_existing=True, dry_run=True)
    assert not planned.written
    assert planned.diff().startswith(f"--- {target}\n+++ {target}\n")
    done = paperbib.update(target, papers, update_existing=True)
    assert done.written
    assert done.backup == f"{target}.bak"
    assert done.new_text == planned.new_text == target.read_text(encoding="utf-8")
    assert [p.citation_key for p in done.added] == ["resnet-cvpr", "adam-arxiv"]
    assert {normalise_title(p.title or "") for p in done.present} == {
        normalise_title(papers[0].title or ""),
        normalise_title(papers[1].title or ""),
    }
    assert done.updated == ("devlin-etal-2019-bert", "hochreiter97")


def test_an_input_error_names_the_target(tmp_path: Path) -> None:
    """A target that is not UTF-8 is refused with its name; nothing is written."""
    target = tmp_path / "refs.bib"
    target.write_bytes("@misc{a, title = {Caf\u00e9}}\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"refs\.bib:1: not UTF-8"):
        paperbib.update(target, paperbib.load(NEW_PAPERS))
