"""A JSON document read one value at a time, so one broken item never loses the others.

A top-level array is decoded item by item with ``raw_decode``, counting lines
as it goes (once over the text, not from the start for every item), so that a
truncated download keeps every complete item and each problem names its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from paperbib.model import Problem
from paperbib.plugins import ReadContext

__all__ = ["JsonValue", "first_value", "json_values", "skip_space"]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonValue(NamedTuple):
    """A decoded value: its place in the top-level array (None for a lone value) and line."""

    number: int | None
    line: int
    value: Any


def skip_space(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def first_value(head: str) -> Any:
    """The first value of a document's head, or of its array; None when it does not decode."""
    head = head.lstrip("\ufeff \t\r\n")
    start = 1 if head.startswith("[") else 0
    try:
        return _DECODER.raw_decode(head, skip_space(head, start))[0]
    except json.JSONDecodeError:
        return None


def json_values(text: str, context: ReadContext) -> Iterator[JsonValue | Problem]:
    """Each item of a top-level array, or the document's one value, and the problems met."""
    text = text.removeprefix("\ufeff")
    start = skip_space(text, 0)
    if not text.startswith("[", start):
        try:
            value, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as error:
            yield _broken(error, text, "the JSON", context)
            return
        yield JsonValue(None, text.count("\n", 0, start) + 1, value)
        yield from _trailing(text, end, context)
        return
    position = skip_space(text, start + 1)
    if text.startswith("]", position):
        yield from _trailing(text, position + 1, context)
        return
    line, counted_to, index = 1, 0, 0
    while True:
        line += text.count("\n", counted_to, position)
        counted_to = position
        try:
            value, end = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield _broken(error, text, f"item {index}", context, line)
            return
        yield JsonValue(index, line, value)
        position = skip_space(text, end)
        if text.startswith(",", position):
            position = skip_space(text, position + 1)
            index += 1
        elif text.startswith("]", position):
            yield from _trailing(text, position + 1, context)
            return
        else:
            gap = json.JSONDecodeError("Expecting ',' delimiter", text, position)
            yield _broken(gap, text, f"the text after item {index}", context, line)
            return


def _broken(
    error: json.JSONDecodeError,
    text: str,
    what: str,
    context: ReadContext,
    line: int | None = None,
) -> Problem:
    """The problem of JSON that cannot be decoded, saying whether the file was cut off.

    ``line`` is where the broken item starts, when there is one; the items
    before it have been read.
    """
    where = f"line {error.lineno}, column {error.colno}"
    kept = "" if line is None else "; the items before it were read"
    if error.msg.startswith("Unterminated string") or error.pos >= len(text.rstrip()):
        message = f"{what} is cut off at {where}: the file looks truncated{kept}; download it again"
    else:
        reason = error.msg.removesuffix(" at")  # the decoder's "Invalid control character at"
        message = f"{what} is not valid JSON ({reason} at {where}){kept}; fix or remove it"
    return Problem(context.source, error.lineno if line is None else line, message)


def _trailing(text: str, end: int, context: ReadContext) -> Iterator[Problem]:
    rest = skip_space(text, end)
    if rest < len(text):
        yield Problem(
            context.source,
            text.count("\n", 0, rest) + 1,
            "there is more text after the end of the JSON; "
            "it was not read (are two downloads pasted into one file?)",
        )
