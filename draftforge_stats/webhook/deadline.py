"""Hold an HTTP attempt to a deadline in wall time, not per read.

httpx's timeouts apply to each network operation: a server that sends one byte every few
seconds never trips a read timeout, and holds the caller as long as it likes. A
:class:`Deadline` is passed to httpx as the request's ``trace`` extension, which hands it each
socket the attempt connects; when the deadline passes, a timer thread shuts those sockets
down, which ends any read or write blocked on them at once. The caller then sees an
``httpx`` network error and asks :attr:`Deadline.expired` whether that was the deadline.

No output; the only side effect is shutting down sockets this module was handed.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

__all__ = ["Deadline"]

_CONNECTED = ("connection.connect_tcp.complete", "connection.start_tls.complete")


class Deadline:
    """Shuts the sockets of a request down when its time is up (use it as a context manager)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._expired = False
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True

    @property
    def expired(self) -> bool:
        with self._lock:
            return self._expired

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` hook: keep each new connection's socket."""
        if event not in _CONNECTED:
            return
        stream = info.get("return_value")
        get_extra_info = getattr(stream, "get_extra_info", None)
        sock = get_extra_info("socket") if get_extra_info is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self._expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket.shutdown on the file descriptor itself, also for a TLS socket: SSLSocket's
    # own shutdown would tear down its TLS state under the thread that is reading it.
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
