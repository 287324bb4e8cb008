"""What the loopback stand-ins share: a threaded HTTP server on 127.0.0.1 and its life cycle.

A stand-in subclasses :class:`LoopbackServer` and names its request handler,
a :class:`LoopbackHandler` whose ``owner`` is the running stand-in. Closing
stops the server, wakes handlers still waiting (latency, time-outs) through
``_stopping``, and shuts kept-alive connections, so that a client cannot reach
a stopped stand-in through one after a new one took the port.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self


class LoopbackHandler(BaseHTTPRequestHandler):
    owner: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read the stats, not a log."""

    def setup(self) -> None:
        super().setup()
        self.owner._connected(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.owner._disconnected(self.connection)


class LoopbackServer:
    """Serve on a free port of 127.0.0.1 from a thread of its own, until closed."""

    #: The serving thread's name.
    name: ClassVar[str]

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def handler(self) -> type[LoopbackHandler]:
        """The request handler class, bound to this stand-in."""
        raise NotImplementedError

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("the stand-in is already running")
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=self.name,
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; handlers still waiting (latency, time-outs) return at once."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._connections_lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def address(self) -> str:
        """``http://127.0.0.1:PORT`` while running."""
        if self._server is None:
            raise RuntimeError("the stand-in is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _connected(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def _disconnected(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)
