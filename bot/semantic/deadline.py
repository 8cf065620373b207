"""A time limit on a whole HTTP download, headers included.

A socket timeout bounds one wait only: a host that sends a byte every few seconds, of its
headers or of its body, is never silent for long and would hold the bot's start for hours.
`Deadline` opens the connections itself and, when the time is up, shuts their sockets, which
ends any read waiting on them.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import urllib.request
from functools import partial
from types import TracebackType
from typing import Any


class Deadline:
    """`opener()` fetches within `seconds` from entering the `with` block; after them,
    `passed` is true and every read of its connections fails or ends."""

    def __init__(self, seconds: float) -> None:
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._end)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._timer.cancel()

    def opener(self) -> urllib.request.OpenerDirector:
        """urllib's opener (redirects, proxies, HTTPS as `urlopen`), its connections watched."""
        return urllib.request.build_opener(_Handler(self))

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` when the time is up (at once, if it is already)."""
        with self._lock:
            self._sockets.append(sock)
            if self.passed:
                _shut(sock)

    def _end(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed meanwhile
        sock.shutdown(socket.SHUT_RDWR)


class _Watched(http.client.HTTPConnection):
    """A connection that gives its socket to its download's deadline."""

    def __init__(self, host: str, *, deadline: Deadline, **options: Any) -> None:
        super().__init__(host, **options)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _WatchedTLS(_Watched, http.client.HTTPSConnection):
    """The same over TLS (the MRO runs HTTPSConnection's connect inside _Watched's)."""


class _Handler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """urllib's own handler of both schemes (so `build_opener` leaves its defaults out), on
    connections the deadline watches."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_Watched, deadline=self._deadline), req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_WatchedTLS, deadline=self._deadline), req)
