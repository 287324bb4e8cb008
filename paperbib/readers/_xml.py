"""XML for the feed readers: defused, and with the line each element starts on.

A feed comes from the network or from a file someone saved, and either may
hold an XML bomb (entities that expand to gigabytes) or an external entity
that reads a local file. defusedxml refuses any entity declaration before
anything is expanded, and such an input is refused whole, as an
:class:`~paperbib.errors.InputError` naming the file and the line.

ElementTree keeps no line numbers, and problems must cite lines, so the tree
is built through a target that asks expat for its current line as each
element starts. A document that breaks off (a truncated download) keeps the
elements it completed before the break, and says where the break is.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from paperbib.errors import InputError

__all__ = ["ATOM", "Document", "parse"]

#: The Atom namespace, as ElementTree spells it in tags.
ATOM = "{http://www.w3.org/2005/Atom}"


class _Builder:
    """An ElementTree target that notes each element's line and whether it closed."""

    def __init__(self) -> None:
        self.builder = TreeBuilder()
        self.expat: Any = None  # set once the parser exists
        self.root: Element | None = None
        self.lines: dict[Element, int] = {}
        self.closed: set[Element] = set()

    def start(self, tag: str, attributes: dict[str, str]) -> Element:
        element = self.builder.start(tag, attributes)
        if self.root is None:
            self.root = element
        self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        element = self.builder.end(tag)
        self.closed.add(element)
        return element

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> Element:
        return self.builder.close()


class Document:
    """A parsed document: its root, where each element starts, and where parsing stopped."""

    def __init__(self, builder: _Builder, broken: tuple[int, str] | None) -> None:
        self.root = builder.root
        self._lines = builder.lines
        self._closed = builder.closed
        #: The line and the reason where the document breaks off, if it does.
        self.broken = broken

    def line(self, element: Element) -> int:
        return self._lines[element]

    def complete(self, element: Element) -> bool:
        """Whether the element was closed before any break in the document."""
        return element in self._closed


def _refusal(error: Exception) -> str:
    from defusedxml import EntitiesForbidden, ExternalReferenceForbidden

    why = (
        "paperbib never expands XML entities: they are how XML bombs blow up "
        "and how external entities read local files; a real feed declares none"
    )
    if isinstance(error, EntitiesForbidden):
        return f"refused: the document declares the entity {error.name!r}; {why}"
    if isinstance(error, ExternalReferenceForbidden):
        return f"refused: the document refers to the external entity {error.sysid!r}; {why}"
    return f"refused: {error}; {why}"


def parse(text: str, source: str) -> Document:
    """Parse ``text``; entities refused, a break in the document recorded, not raised."""
    from xml.parsers.expat import ErrorString

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    builder = _Builder()
    parser = DefusedXMLParser(target=builder)
    builder.expat = parser.parser
    broken = None
    try:
        parser.feed(text)
        parser.close()
    except DefusedXmlException as error:
        raise InputError(source, _refusal(error), builder.expat.CurrentLineNumber) from None
    except ParseError as error:
        line, _ = error.position
        broken = (line, ErrorString(error.code))
    return Document(builder, broken)
