"""Finding reader and exporter plugins through their entry points.

paperbib's own formats are declared as entry points of the paperbib
distribution, so naming a built-in format reads only paperbib's own metadata;
every installed distribution is scanned only for a name paperbib does not know,
for content no built-in reader recognises, and for ``paperbib formats``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import metadata
from typing import Any, Literal, cast

from attrs import frozen

from paperbib.errors import UndetectedFormatError, UnknownFormatError
from paperbib.plugins import Exporter, Reader

__all__ = [
    "Plugin",
    "exporter",
    "exporter_for_suffix",
    "load",
    "plugins",
    "reader",
    "sniff_reader",
]

Role = Literal["reader", "exporter"]
_GROUPS: dict[Role, str] = {"reader": "paperbib.readers", "exporter": "paperbib.exporters"}
_OWN_DISTRIBUTION = "paperbib"


@frozen
class Plugin:
    """A registered format: its name, its role and the distribution that provides it."""

    name: str
    role: Role
    distribution: str
    entry_point: metadata.EntryPoint

    @property
    def builtin(self) -> bool:
        return self.distribution == _OWN_DISTRIBUTION


def _plugins(entry_points: Iterable[metadata.EntryPoint], role: Role) -> tuple[Plugin, ...]:
    found = []
    for ep in entry_points:
        dist = ep.dist.name if ep.dist is not None else "?"
        found.append(Plugin(ep.name, role, dist, ep))
    return tuple(found)


@functools.cache
def _builtin(role: Role) -> tuple[Plugin, ...]:
    try:
        own = metadata.distribution(_OWN_DISTRIBUTION).entry_points
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return ()
    return _plugins(own.select(group=_GROUPS[role]), role)


@functools.cache
def plugins(role: Role) -> tuple[Plugin, ...]:
    """Every installed plugin of a role, built-ins first; a built-in name wins a clash."""
    builtin = _builtin(role)
    taken = {p.name for p in builtin}
    others = [
        p for p in _plugins(metadata.entry_points(group=_GROUPS[role]), role) if p.name not in taken
    ]
    return builtin + tuple(sorted(others, key=lambda p: p.name))


def _find(role: Role, name: str) -> Plugin:
    for plugin in _builtin(role):
        if plugin.name == name:
            return plugin
    for plugin in plugins(role):
        if plugin.name == name:
            return plugin
    raise UnknownFormatError(role, name, (p.name for p in plugins(role)))


def _load(plugin: Plugin, base: type) -> Any:
    """An instance of the plugin's class, checked to be a ``base``."""
    cls = plugin.entry_point.load()
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise TypeError(
            f"{plugin.distribution} registers {plugin.name!r} as a paperbib {plugin.role}, "
            f"but {plugin.entry_point.value} is not a {base.__name__} subclass"
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
    return _reader(_find("reader", name))


def exporter(name: str) -> Exporter:
    """The exporter registered as ``name``."""
    return _exporter(_find("exporter", name))


def _third_party(role: Role) -> tuple[Plugin, ...]:
    return tuple(p for p in plugins(role) if not p.builtin)


def sniff_reader(text: str, suffix: str, source: str) -> Reader:
    """The reader whose content check accepts ``text``, else the one claiming ``suffix``.

    Built-in readers are asked first, so that content they recognise never
    costs a scan of every installed distribution.
    """
    readers = [_reader(p) for p in _builtin("reader")]
    match = next((r for r in readers if r.sniff(text)), None)
    if match is None:
        others = [_reader(p) for p in _third_party("reader")]
        readers += others
        match = next((r for r in others if r.sniff(text)), None)
    if match is None and suffix:
        match = next((r for r in readers if suffix.lower() in r.suffixes), None)
    if match is None:
        raise UndetectedFormatError(source, (r.name for r in readers))
    return match


def exporter_for_suffix(suffix: str) -> Exporter | None:
    """The exporter that claims a file name ending, built-ins first."""
    for candidates in (_builtin("exporter"), _third_party("exporter")):
        for plugin in candidates:
            candidate = _exporter(plugin)
            if suffix and candidate.suffix == suffix.lower():
                return candidate
    return None
