"""The response cache: persistence, TTL, refusal of foreign files, and kill safety."""

from __future__ import annotations

import datetime as dt
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from paperbib.enrich.cache import ResponseCache, default_cache_path, request_key
from paperbib.errors import EnrichError


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_answers_survive_closing_and_reopening(tmp_path: Path) -> None:
    """An answer stored by one run is there for the next one."""
    path = tmp_path / "cache.sqlite3"
    with ResponseCache(path) as cache:
        cache.put("k", '{"a": 1}')
    with ResponseCache(path) as cache:
        assert cache.get("k") == '{"a": 1}'
        assert cache.get("other") is None


def test_answers_older_than_the_ttl_count_as_absent(tmp_path: Path) -> None:
    """An answer is served until its TTL has passed, then no longer."""
    clock = Clock()
    with ResponseCache(tmp_path / "c.sqlite3", ttl=dt.timedelta(days=30), clock=clock) as cache:
        cache.put("k", "[]")
        clock.now += dt.timedelta(days=29).total_seconds()
        assert cache.get("k") == "[]"
        clock.now += dt.timedelta(days=2).total_seconds()
        assert cache.get("k") is None
        cache.put("k", "[1]")
        assert cache.get("k") == "[1]"


def test_request_keys_ignore_parameter_order() -> None:
    """The same request written with its parameters in another order has the same key."""
    one = request_key("search", {"query": "deep nets", "rows": 5})
    other = request_key("search", {"rows": 5, "query": "deep nets"})
    assert one == other
    assert one != request_key("search", {"query": "deep nets", "rows": 6})
    assert one != request_key("work", {"query": "deep nets", "rows": 5})


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A corrupt file raises an error naming it and saying what to do; it is left unchanged."""
    path = tmp_path / "notes.txt"
    path.write_bytes(b"my thesis notes, not a database\n" * 200)
    before = path.read_bytes()
    with pytest.raises(EnrichError, match=re.escape(str(tmp_path / "notes.txt"))) as caught:
        ResponseCache(path)
    assert "--no-cache" in str(caught.value)
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A SQLite file paperbib did not write is not written into."""
    path = tmp_path / "library.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE books (title TEXT)")
    before = path.read_bytes()
    with pytest.raises(EnrichError, match="did not write"):
        ResponseCache(path)
    assert path.read_bytes() == before


def test_a_directory_cannot_be_the_cache(tmp_path: Path) -> None:
    """A path that cannot be opened as a file gives a clear error, not a sqlite3 traceback."""
    with pytest.raises(EnrichError, match="cannot be opened"):
        ResponseCache(tmp_path)


def test_the_default_file_is_in_the_user_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a path the cache goes to the platform's user cache folder for paperbib."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = default_cache_path()
    if sys.platform.startswith("linux"):
        assert path == tmp_path / "paperbib" / "crossref.sqlite3"
    with ResponseCache(path) as cache:
        cache.put("k", "[]")
    assert path.exists()


def test_threads_share_one_cache(tmp_path: Path) -> None:
    """Concurrent writers and readers neither fail nor lose answers."""
    with ResponseCache(tmp_path / "c.sqlite3") as cache:

        def work(thread: int) -> None:
            for i in range(50):
                cache.put(f"{thread}-{i}", str(i))
                assert cache.get(f"{thread}-{i}") == str(i)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(cache) == 300


WRITER = """
import sys
from paperbib.enrich.cache import ResponseCache
cache = ResponseCache(sys.argv[1])
i = 0
while True:
    cache.put(f"key-{i}", "x" * 2000)
    print(i, flush=True)
    i += 1
"""


def test_a_writer_killed_mid_write_leaves_every_stored_answer(tmp_path: Path) -> None:
    """SIGKILL mid-write: the file opens, passes its integrity check, keeps every finished put."""
    path = tmp_path / "c.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    finished = -1
    for line in writer.stdout:
        finished = int(line)
        if finished >= 300:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with ResponseCache(path) as cache:
        assert all(cache.get(f"key-{i}") == "x" * 2000 for i in range(finished + 1))
