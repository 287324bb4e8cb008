"""Reading inputs and writing outputs, written once for every plugin.

Inputs: stdin as ``-``, a BOM, UTF-16, CRLF and CR line ends, and clear errors
for empty, binary and undecodable files. Outputs: a regular file is replaced
atomically (temp file in the same folder, fsync, rename), so a failed run never
truncates it; anything else (``/dev/stdout``, a pipe) is written in place.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
import sys
from pathlib import Path

from paperbib.errors import InputError, OutputError

__all__ = ["STDIO", "decode", "normalise", "plain_line_ends", "read_input", "write_output"]

#: The path that stands for stdin or stdout.
STDIO = "-"

# Real text digests never hold NUL; binary files (PDF, images, archives) almost always do.
_SNIFF_BYTES = 8192


def decode(data: bytes, source: str) -> str:
    """Decode an input's bytes to text with ``\\n`` line ends, or say why not."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return normalise(data.decode("utf-16"), source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if b"\0" in data[:_SNIFF_BYTES]:
            raise _binary(source) from None
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            source,
            f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
            line,
        ) from None
    return normalise(text, source)


def normalise(text: str, source: str) -> str:
    """Text as readers take it: no BOM, ``\\n`` line ends; binary and empty inputs refused."""
    if "\0" in text[:_SNIFF_BYTES]:
        raise _binary(source)
    text = plain_line_ends(text)
    if not text or text.isspace():  # isspace stops at the first letter; strip copies
        raise InputError(source, "the input is empty; there is nothing to read")
    return text


def plain_line_ends(text: str) -> str:
    """``text`` without a BOM and with ``\\n`` line ends, as readers take it."""
    text = text.removeprefix("\ufeff")
    # Most inputs have no CR at all; the search is much cheaper than a replace.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _binary(source: str) -> InputError:
    return InputError(source, "this is a binary file, not a text digest; give a text or JSON file")


def read_input(path: str | os.PathLike[str]) -> tuple[str, str]:
    """Return the decoded text of ``path`` (``-`` for stdin) and the name to cite it by."""
    if os.fspath(path) == STDIO:
        return decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
    source = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "this is a folder; give a file") from None
    except OSError as error:
        raise InputError(source, f"cannot read: {error.strerror}") from None
    return decode(data, source), source


def write_output(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` (``-`` for stdout) without ever truncating on failure."""
    data = text.encode("utf-8")
    if os.fspath(path) == STDIO:
        # Bytes, so that neither the locale's encoding nor newline translation
        # (CRLF in RIS) can change what is written.
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(f"{target}: cannot write: {error.strerror}") from None
    try:
        if mode is not None and not stat.S_ISREG(mode):
            # A device or a pipe cannot be renamed over: write straight into it.
            with target.open("wb") as stream:
                stream.write(data)
            return
        _replace_atomically(target, data, None if mode is None else stat.S_IMODE(mode))
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(f"{target}: cannot write: {reason}; nothing was changed") from None


def _replace_atomically(target: Path, data: bytes, mode: int | None) -> None:
    import tempfile  # here: writing to stdout or a pipe, the common case, never needs it

    folder = target.parent
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is None:
            # mkstemp creates 0600; a new output should get the usual umask-based mode.
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
