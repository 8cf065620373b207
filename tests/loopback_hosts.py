"""A raw HTTP host on 127.0.0.1 for the model download's tests: the same bytes to every
connection, then (as asked) a trickle, or silence until the test closes it."""

from __future__ import annotations

import socket
import threading
import time


class Raw:
    """A loopback server that answers every connection with the same bytes, then closes."""

    def __init__(self, answer: bytes, *, trickle: bool = False, stall: bool = False) -> None:
        self.trickle = trickle  # then 100 bytes every 20 ms, for 10 seconds at most
        self.stall = stall  # then nothing, the connection open until `close` (a stalled host)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.url = f"{self.base}model.onnx"
        self.answer = answer
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(self.answer)
                for _ in range(500 if self.trickle else 0):
                    time.sleep(0.02)
                    try:
                        connection.sendall(b"x" * 100)
                    except OSError:
                        break
                if self.stall:
                    self.closed.wait(60)

    def close(self) -> None:
        self.closed.set()
        self.sock.close()
