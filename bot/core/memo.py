"""Bounded memos of pure functions, and `BuildMemory`: what one library remembers between its
builds, so that a reload redoes only what changed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from bot.core.loader import ParsedFile
    from bot.core.matching.fit import Digest
    from bot.core.matching.index import Phrase
    from bot.core.matching.synonyms import SynonymFinder
    from bot.core.models import Lexicon
    from bot.core.problems import Problem

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Values by key, at most `limit` of them (the oldest is forgotten first); safe to share
    between threads (reloads run in one)."""

    def __init__(self, limit: int) -> None:
        self._values: OrderedDict[K, V] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def put(self, key: K, value: V) -> V:
        with self._lock:
            while len(self._values) >= self._limit:
                self._values.popitem(last=False)
            self._values[key] = value
        return value

    def __len__(self) -> int:
        return len(self._values)


Synonyms = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class BuildMemory:
    """What a library remembers between the builds of its knowledge base: each a pure function
    of its key, bounded. One Library owns one and passes it to every load and build; a one-off
    load or build (the CLI's) gets none and remembers nothing."""

    # Parsed files by name and content digest (the trees are never modified once parsed).
    parsed: Memo[tuple[str, bytes], tuple[ParsedFile | None, tuple[Problem, ...]]] = field(
        default_factory=lambda: Memo(16))
    # Knowledge-base texts split into words (before respelling, which depends on the lexicon).
    split: Memo[str, tuple[str, ...]] = field(default_factory=lambda: Memo(200_000))
    # Synonym finders by lexicon and synonyms: a finder keeps what it found in the texts.
    finders: Memo[tuple[Lexicon, Synonyms], SynonymFinder] = field(
        default_factory=lambda: Memo(4))
    # Phrasing digests (see matching.fit), shared by equal phrasings.
    digests: Memo[Phrase, Digest] = field(default_factory=lambda: Memo(50_000))
