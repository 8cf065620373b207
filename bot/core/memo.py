"""Bounded memos of pure functions, kept across the builds of one process, so that a reload
redoes only what changed. A memo that is full forgets its oldest value; `forget_all` empties
every module-level memo (a benchmark timing a first build calls it)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_REGISTERED: list[Memo[Any, Any]] = []


class Memo(Generic[K, V]):
    """Values by key, at most `limit` of them; safe to share between threads (reloads run in
    one). `registered` memos are emptied by `forget_all`."""

    def __init__(self, limit: int, *, registered: bool = True) -> None:
        self._values: OrderedDict[K, V] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()
        if registered:
            _REGISTERED.append(self)

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def put(self, key: K, value: V) -> V:
        with self._lock:
            while len(self._values) >= self._limit:
                self._values.popitem(last=False)
            self._values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def forget_all() -> None:
    """Empty every module-level memo, so that the next build is a first one."""
    for memo in _REGISTERED:
        memo.clear()
