"""A persistent cache of registry answers, so that a rerun asks only what is new.

One SQLite file holds the raw JSON of each answer under the request that
produced it (:func:`request_key`), with the time it was fetched; an answer older
than the TTL (30 days unless told otherwise) counts as absent. The file lives in
the user cache folder (``platformdirs.user_cache_dir("paperbib")``) unless a
path is given.

Every answer is written in its own transaction in WAL mode, so a run killed at
any moment (SIGKILL included) leaves a cache that opens and holds every answer
stored before the kill. A file that is not a paperbib cache, or cannot be
opened, is never modified or moved: it raises :class:`~paperbib.errors.EnrichError`
naming the path, since ``--cache`` may point at something precious by mistake.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from paperbib.errors import EnrichError

if TYPE_CHECKING:
    import sqlite3

__all__ = ["DEFAULT_TTL", "ResponseCache", "default_cache_path", "request_key"]

#: How long an answer is trusted: Crossref records change rarely, and a month
#: keeps reruns of the same digests free without serving stale records for long.
DEFAULT_TTL = dt.timedelta(days=30)

# PRAGMA application_id marks the file as ours ("pbib"), so that a foreign
# SQLite database given as --cache is refused instead of written into.
_APPLICATION_ID = 0x70626962
_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    fetched REAL NOT NULL
)
"""


def default_cache_path() -> Path:
    """Where the cache lives unless a path is given."""
    import platformdirs

    return platformdirs.user_cache_path("paperbib") / "crossref.sqlite3"


def request_key(method: str, params: Mapping[str, Any]) -> str:
    """The cache key of a request: its method and its parameters in sorted order."""
    return json.dumps([method, sorted(params.items())], ensure_ascii=False, separators=(",", ":"))


class ResponseCache:
    """Raw answers by request, in a SQLite file shared safely by threads.

    ``clock`` gives the current time in seconds since the epoch (tests move it).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        ttl: dt.timedelta = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        import sqlite3

        self.path = Path(path)
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: each statement below is its own transaction.
            self._db: sqlite3.Connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            raise self._unusable(f"cannot be opened ({error})") from error
        try:
            self._prepare()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise self._unusable(f"is not a usable SQLite file ({error})") from error

    def _prepare(self) -> None:
        (application_id,) = self._db.execute("PRAGMA application_id").fetchone()
        tables = self._db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        if application_id == 0 and not tables:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(
                f"BEGIN; PRAGMA application_id={_APPLICATION_ID}; {_SCHEMA}; COMMIT;"
            )
        elif application_id != _APPLICATION_ID:
            self._db.close()
            raise self._unusable("is a SQLite database that paperbib did not write")
        # A killed writer loses nothing committed: WAL with NORMAL sync survives
        # a process kill and only a power cut may drop the last answers.
        self._db.execute("PRAGMA synchronous=NORMAL")

    def _unusable(self, reason: str) -> EnrichError:
        return EnrichError(
            f"the cache {self.path} {reason}; delete or move it, "
            "or choose another file with --cache PATH, or run with --no-cache"
        )

    def get(self, key: str, *, ttl: dt.timedelta | None = None) -> str | None:
        """The stored answer to ``key``, or None when there is none younger than the TTL.

        ``ttl`` replaces the cache's own for this key: each source trusts its
        answers as long as its records stay current.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT body, fetched FROM responses WHERE key = ?", (key,)
            ).fetchone()
        limit = (self.ttl if ttl is None else ttl).total_seconds()
        if row is None or self._clock() - row[1] > limit:
            return None
        body: str = row[0]
        return body

    def put(self, key: str, body: str) -> None:
        """Store the answer to ``key``, replacing any older one."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, body, fetched) VALUES (?, ?, ?)",
                (key, body, self._clock()),
            )

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM responses").fetchone()
        return int(count)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
