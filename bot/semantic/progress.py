"""A one-line text progress bar for a download, redrawn in place on a terminal."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30
MIB = 1 << 20


class Progress:
    """`label [#####.....]  45%  10.4/23.0 MiB`, redrawn at most ten times a second; on a
    stream that is not a terminal, only the finished line is written."""

    def __init__(self, label: str, total: int, out: TextIO | None) -> None:
        self.label = label
        self.total = total
        self.out = out
        self.done_bytes = 0
        self._drawn = 0.0
        self._live = bool(out is not None and out.isatty())

    def advance(self, count: int) -> None:
        self.done_bytes += count
        now = time.monotonic()
        if self._live and now - self._drawn >= 0.1:
            self._drawn = now
            self._draw("\r")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """A download that failed ends the line it drew, so that what is printed next (why
        it failed) starts a line of its own."""
        if kind is not None and self._live and self._drawn and self.out is not None:
            self.out.write("\n")
            self.out.flush()

    def done(self) -> None:
        if self.out is not None:
            self._draw("\r" if self._live else "")
            self.out.write("\n")
            self.out.flush()

    def line(self) -> str:
        if self.total:
            share = min(1.0, self.done_bytes / self.total)
            filled = round(share * WIDTH)
            return (f"{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%} "
                    f"{self.done_bytes / MIB:.1f}/{self.total / MIB:.1f} MiB")
        return f"{self.label} {self.done_bytes / MIB:.1f} MiB"

    def _draw(self, start: str) -> None:
        assert self.out is not None
        self.out.write(start + self.line())
        self.out.flush()
