"""The live knowledge base: reload = load → validate → index → swap in one step, or keep the old."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import ComparisonTable, Item, KnowledgeBase, TableRow
from bot.core.knowledge.problems import KnowledgeError, Problem
from bot.core.matching.match import Match
from bot.core.matching.matcher import Matcher
from bot.core.matching.semantic import AnyMatcher
from bot.core.memo import BuildMemory
from bot.core.replies.render import render_match
from bot.core.replies.reply import Reply

Build = Callable[[KnowledgeBase, BuildMemory | None], AnyMatcher]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One consistent version of the knowledge base and its index: answer from one of these."""

    kb: KnowledgeBase
    matcher: AnyMatcher
    version: int
    loaded_at: dt.datetime

    def answer(self, question: str) -> tuple[Match, Reply]:
        """The one answer pipeline every adapter calls: match, then the reply to show."""
        match = self.matcher.match(question)
        return match, render_match(self.kb, match)


@dataclass(frozen=True, slots=True)
class KnowledgeDiff:
    """What a reload changed, by id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    rows_changed: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()  # knowledge-base-wide parts changed: "synonyms", …

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.edited or self.rows_changed
                    or self.settings)

    def summary(self) -> str:
        if self.empty:
            return "No changes."
        parts = []
        for label, ids in (("Added", self.added), ("Removed", self.removed),
                           ("Edited", self.edited), ("Table rows changed", self.rows_changed)):
            if ids:
                parts.append(f"{label} ({len(ids)}): {', '.join(ids)}")
        if self.settings:
            parts.append(f"Changed: {', '.join(self.settings)}")
        return "\n".join(parts)


class BuildFailed(Exception):
    """A build that could not make the matcher a knowledge base needs (the semantic layer's
    vectors, on a reload): the reload is refused, and the message says why."""


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    snapshot: Snapshot
    problems: tuple[Problem, ...] = ()
    diff: KnowledgeDiff = field(default_factory=KnowledgeDiff)


def diff_knowledge(old: KnowledgeBase, new: KnowledgeBase) -> KnowledgeDiff:
    """Entries and table rows added, removed or edited between two knowledge bases, and the
    knowledge-base-wide parts (synonyms, thresholds, out-of-scope topics, lexicon) that
    changed."""
    old_items = _items(old)
    new_items = _items(new)
    rows = {item.id for kb in (old, new) for item in kb.items() if isinstance(item, TableRow)}
    added = tuple(i for i in new_items if i not in old_items)
    removed = tuple(i for i in old_items if i not in new_items)
    edited = tuple(i for i in new_items if i in old_items and old_items[i] != new_items[i])
    settings = tuple(name for name, changed in (
        ("synonyms", dict(old.synonyms) != dict(new.synonyms)),
        ("matcher thresholds", old.thresholds != new.thresholds),
        ("out-of-scope topics", old.out_of_scope != new.out_of_scope),
        ("lexicon", old.lexicon != new.lexicon),
    ) if changed)
    return KnowledgeDiff(
        added=tuple(i for i in added if i not in rows),
        removed=tuple(i for i in removed if i not in rows),
        edited=tuple(i for i in edited if i not in rows),
        rows_changed=tuple(i for i in (*added, *removed, *edited) if i in rows),
        settings=settings,
    )


def _items(kb: KnowledgeBase) -> dict[str, Item]:
    # Compare the table without its rows: a row edit is reported as the row's change.
    return {item.id: dataclasses.replace(item, rows=()) if isinstance(item, ComparisonTable)
            else item for item in kb.items()}


class Library:
    """Holds the current Snapshot; a reload that fails leaves it untouched."""

    def __init__(self, folder: Path, snapshot: Snapshot,
                 clock: Callable[[], dt.datetime] = utc_now,
                 build: Build = Matcher.build, memory: BuildMemory | None = None) -> None:
        self.folder = folder
        # What this library's loads and builds remember, so a reload redoes only what changed.
        self._memory = memory or BuildMemory()
        self._snapshot = snapshot
        self._clock = clock
        self._build = build  # the matcher of a knowledge base: lexical, or semantic too
        self._reload_lock = threading.Lock()
        self.reloads = 0  # reloads that swapped in a new version (for metrics)
        self.reload_failures = 0  # reloads refused: the files did not validate

    @classmethod
    def open(cls, folder: Path, clock: Callable[[], dt.datetime] = utc_now,
             build: Build = Matcher.build) -> Library:
        """Load a folder; raise KnowledgeError with every problem when it does not validate."""
        memory = BuildMemory()
        kb, problems = load_knowledge(folder, memory)
        if kb is None:
            raise KnowledgeError(problems)
        now = clock()
        return cls(folder, Snapshot(kb, build(kb, memory), 1, now), clock, build, memory)

    @property
    def current(self) -> Snapshot:
        return self._snapshot

    def check(self) -> list[Problem]:
        """Validate the files on disk without swapping anything in."""
        _, problems = load_knowledge(self.folder, self._memory)
        return problems

    def reload(self) -> ReloadResult:
        """Load, validate and index the folder, then swap it in; on failure keep the old one."""
        with self._reload_lock:
            old = self._snapshot
            kb, problems = load_knowledge(self.folder, self._memory)
            if kb is None:
                self.reload_failures += 1
                return ReloadResult(ok=False, snapshot=old, problems=tuple(problems))
            try:
                matcher = self._build(kb, self._memory)
            except BuildFailed as exc:  # the live knowledge base, and its matcher, stay
                self.reload_failures += 1
                return ReloadResult(ok=False, snapshot=old,
                                    problems=(Problem(str(self.folder), 1, 1, str(exc)),))
            snapshot = Snapshot(kb, matcher, old.version + 1, self._clock())
            self._snapshot = snapshot  # one reference assignment: readers see old or new
            self.reloads += 1
            return ReloadResult(ok=True, snapshot=snapshot, diff=diff_knowledge(old.kb, kb))
