"""Inputs decode whatever encoding quirks users have; outputs are never half-written."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

import paperbib
from paperbib import io
from paperbib.errors import InputError, OutputError


def test_bom_crlf_and_cr_line_ends_are_normalised() -> None:
    """A UTF-8 BOM goes, and CRLF or lone CR line ends become LF."""
    assert io.decode(b"\xef\xbb\xbfa\r\nb\rc\n", "x") == "a\nb\nc\n"


def test_utf16_with_bom_is_read() -> None:
    """A UTF-16 file (as some Windows editors save) decodes to the same text."""
    assert io.decode("Åberg\r\n".encode("utf-16"), "x") == "Åberg\n"


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t"])
def test_empty_input_is_an_error_that_names_the_file(data: bytes) -> None:
    """An empty or blank input is refused with a message naming it."""
    with pytest.raises(InputError, match=r"^digest\.txt: the input is empty"):
        io.decode(data, "digest.txt")


def test_binary_input_is_refused() -> None:
    """A binary file (here a PDF header with NUL bytes) is refused, not parsed as text."""
    with pytest.raises(InputError, match="binary file"):
        io.decode(b"%PDF-1.7\n\x00\x01\x02", "paper.pdf")


def test_text_given_as_a_string_is_normalised_like_a_file() -> None:
    """``loads`` of a string drops a BOM, ends lines with LF and refuses blank or binary text."""
    assert io.normalise("\ufeffa\r\nb\rc\n", "x") == "a\nb\nc\n"
    with pytest.raises(InputError, match=r"^<string>: the input is empty"):
        paperbib.loads(" \r\n\t")
    with pytest.raises(InputError, match="binary file"):
        paperbib.loads("%PDF-1.7\n\x00\x01")


def test_undecodable_bytes_report_their_line() -> None:
    """Bytes that are not UTF-8 are reported with the line they stand on."""
    with pytest.raises(InputError) as caught:
        io.decode(b"ok\nfine\ncaf\xe9\n", "latin1.txt")
    assert caught.value.line == 3
    assert str(caught.value).startswith("latin1.txt:3: not UTF-8")


def test_missing_file_and_folder_are_clear(tmp_path: Path) -> None:
    """A missing file or a folder given as input gets its own message."""
    with pytest.raises(InputError, match="no such file"):
        io.read_input(tmp_path / "absent.txt")
    with pytest.raises(InputError, match="folder"):
        io.read_input(tmp_path)


def test_write_replaces_an_existing_file(tmp_path: Path) -> None:
    """Writing replaces the file's content, keeps its mode and leaves no temp file."""
    target = tmp_path / "refs.bib"
    target.write_text("old")
    target.chmod(0o640)
    io.write_output(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


def test_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the old file is untouched and the temp file is removed."""
    target = tmp_path / "refs.bib"
    target.write_text("precious")

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="No space left on device; nothing was changed"):
        io.write_output(target, "new")
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


def test_unwritable_location_is_an_output_error(tmp_path: Path) -> None:
    """A path under a regular file cannot be written, and says so."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match=r"file/out\.bib: cannot write"):
        io.write_output(blocker / "out.bib", "x")


def test_device_is_written_in_place_not_replaced() -> None:
    """/dev/null is written into, never renamed over."""
    io.write_output("/dev/null", "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_named_pipe_is_written_in_place(tmp_path: Path) -> None:
    """A named pipe receives the text and stays a pipe."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    io.write_output(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
