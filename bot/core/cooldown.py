"""A per-key sliding-window rate limit: at most `rate` hits per `per` seconds."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable

MAX_TRACKED_KEYS = 100_000


class Cooldown:
    """Remembers recent hits per key; `hit` says how long to wait when over the limit."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("rate must be at least 1 and per above 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}

    def hit(self, key: Hashable) -> float | None:
        """Count a hit for `key`; None when allowed, else the seconds until the next is."""
        now = self._clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= MAX_TRACKED_KEYS:
                self._forget_idle(now)
            hits = self._hits[key] = deque()
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) >= self.rate:
            return self.per - (now - hits[0])
        hits.append(now)
        return None

    def forget_last(self, key: Hashable) -> None:
        """Take back `key`'s last counted hit (what it was counted for did not happen)."""
        hits = self._hits.get(key)
        if hits:
            hits.pop()

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, hits in self._hits.items() if not hits or now - hits[-1] >= self.per]
        for key in idle:
            del self._hits[key]
