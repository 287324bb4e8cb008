"""Finding reader and exporter plugins through their entry points.

paperbib's own formats are declared as entry points of the paperbib
distribution, like any plugin's. Naming or recognising a built-in format reads
only paperbib's own ``entry_points.txt``, found beside the package without
importing :mod:`importlib.metadata` (whose import alone costs about as much as
importing click, on every start of the command). Every installed distribution
is scanned, through :mod:`importlib.metadata`, only for a name paperbib does
not know, for content no built-in reader recognises, and for ``paperbib formats``.

Recognising content asks the Daily Papers page reader first, as the format
paperbib is mostly given: recognising it then imports no other reader.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

from paperbib._version import __version__
from paperbib.errors import UndetectedFormatError, UnknownFormatError
from paperbib.plugins import Exporter, Reader

__all__ = [
    "Plugin",
    "Role",
    "exporter",
    "exporter_for_suffix",
    "find",
    "load",
    "plugins",
    "reader",
    "sniff_reader",
]

Role = Literal["reader", "exporter", "source"]
_GROUPS: dict[Role, str] = {
    "reader": "paperbib.readers",
    "exporter": "paperbib.exporters",
    "source": "paperbib.sources",
}
_OWN_DISTRIBUTION = "paperbib"
# paperbib's own metadata folder, as installers name it: paperbib-<version>.dist-info.
_OWN_DIST_INFO = re.compile(r"paperbib-[^-]+\.dist-info")


# A named tuple, not an attrs class, which would cost about a millisecond of start-up.
class Plugin(NamedTuple):
    """A registered format: its name, its role, the distribution that provides it,
    and its entry point's ``module:attribute``."""

    name: str
    role: Role
    distribution: str
    value: str

    @property
    def builtin(self) -> bool:
        return self.distribution == _OWN_DISTRIBUTION

    def load_class(self) -> Any:
        """The object the entry point names."""
        module, _, attribute = self.value.partition(":")
        found: Any = importlib.import_module(module.strip())
        for part in attribute.strip().split(".") if attribute.strip() else ():
            found = getattr(found, part)
        return found


def _own_entry_points_file() -> Path | None:
    # This version's folder is looked for first, which takes no folder listing.
    for entry in sys.path:
        path = os.path.join(entry or ".", f"paperbib-{__version__}.dist-info", "entry_points.txt")
        if os.path.isfile(path):
            return Path(path)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, or a folder that went away
            continue
        for name in names:
            if _OWN_DIST_INFO.fullmatch(name):
                return Path(entry or ".", name, "entry_points.txt")
    return None


@functools.cache
def _own_entry_points() -> dict[str, list[tuple[str, str]]]:
    """paperbib's own entry points, by group: the ``name = value`` lines of each section.

    Read by hand, as setuptools writes the file, rather than with configparser,
    whose import costs more than reading the file.
    """
    path = _own_entry_points_file()
    if path is None or not path.is_file():  # a source tree that is not installed
        return {}
    groups: dict[str, list[tuple[str, str]]] = {}
    entries: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            entries = groups.setdefault(line[1:-1].strip(), [])
        elif "=" in line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            entries.append((name.strip(), value.strip()))
    return groups


@functools.cache
def _builtin(role: Role) -> tuple[Plugin, ...]:
    entries = _own_entry_points().get(_GROUPS[role], [])
    return tuple(Plugin(name, role, _OWN_DISTRIBUTION, value) for name, value in entries)


def _installed(role: Role) -> Iterator[Plugin]:
    from importlib import metadata  # only here: see the module docstring

    for ep in metadata.entry_points(group=_GROUPS[role]):
        dist = ep.dist.name if ep.dist is not None else "?"
        yield Plugin(ep.name, role, dist, ep.value)


@functools.cache
def plugins(role: Role) -> tuple[Plugin, ...]:
    """Every installed plugin of a role, built-ins first; a built-in name wins a clash."""
    builtin = _builtin(role)
    taken = {p.name for p in builtin}
    others = [p for p in _installed(role) if p.name not in taken and not p.builtin]
    return builtin + tuple(sorted(others, key=lambda p: p.name))


def find(role: Role, name: str) -> Plugin:
    """The plugin registered as ``name`` for ``role``, built-ins first."""
    for plugin in _builtin_then_third_party(role):
        if plugin.name == name:
            return plugin
    raise UnknownFormatError(role, name, (p.name for p in plugins(role)))


def _load(plugin: Plugin, base: type) -> Any:
    """An instance of the plugin's class, checked to be a ``base``."""
    cls = plugin.load_class()
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise TypeError(
            f"{plugin.distribution} registers {plugin.name!r} as a paperbib {plugin.role}, "
            f"but {plugin.value} is not a {base.__name__} subclass"
        )
    return cls()


def _reader(plugin: Plugin) -> Reader:
    return cast(Reader, _load(plugin, Reader))


def _exporter(plugin: Plugin) -> Exporter:
    return cast(Exporter, _load(plugin, Exporter))


def load(plugin: Plugin) -> Reader | Exporter:
    """An instance of a registered plugin."""
    return _reader(plugin) if plugin.role == "reader" else _exporter(plugin)


def reader(name: str) -> Reader:
    """The reader registered as ``name``."""
    return _reader(find("reader", name))


def exporter(name: str) -> Exporter:
    """The exporter registered as ``name``."""
    return _exporter(find("exporter", name))


def _third_party(role: Role) -> tuple[Plugin, ...]:
    return tuple(p for p in plugins(role) if not p.builtin)


def _builtin_then_third_party(role: Role) -> Iterator[Plugin]:
    """Built-ins, then, only if the caller asks for more, everything else installed."""
    yield from _builtin(role)
    yield from _third_party(role)


# Asked first when recognising content: the format paperbib is mostly given.
_SNIFFED_FIRST = "hf-page"


def _sniffing_order() -> Iterator[Plugin]:
    builtin = _builtin("reader")
    first = [plugin for plugin in builtin if plugin.name == _SNIFFED_FIRST]
    yield from first
    yield from (plugin for plugin in builtin if plugin not in first)
    yield from _third_party("reader")


def sniff_reader(text: str, suffix: str, source: str) -> Reader:
    """The reader whose content check accepts ``text``, else the one claiming ``suffix``.

    Readers are loaded one at a time, the Daily Papers page reader first, then
    the other built-ins, until one accepts the content: recognising a built-in
    format never loads every reader nor scans every installed distribution.
    No other reader's check accepts a page, so asking its reader first changes
    what recognising costs, not what it finds.
    """
    asked: dict[Plugin, Reader] = {}
    for plugin in _sniffing_order():
        candidate = _reader(plugin)
        if candidate.sniff(text):
            return candidate
        asked[plugin] = candidate
    # When no content check accepts, the entry points' order decides who claims a suffix.
    readers = [asked[plugin] for plugin in _builtin_then_third_party("reader")]
    ending = suffix.lower()
    match = next((r for r in readers if ending and ending in r.suffixes), None)
    if match is None:
        raise UndetectedFormatError(source, (r.name for r in readers))
    return match


def exporter_for_suffix(suffix: str) -> Exporter | None:
    """The exporter that claims a file name ending, built-ins first."""
    for plugin in _builtin_then_third_party("exporter"):
        candidate = _exporter(plugin)
        if suffix and candidate.suffix == suffix.lower():
            return candidate
    return None
