"""KB_WATCH: reload the knowledge folder when its files change on disk, debounced.

It polls the files' (name, mtime_ns, size) about once a second: portable, no native watcher
and no extra dependency for a folder of a handful of YAML files. A change is reloaded once the
folder has stayed the same for `settle` seconds, so that an editor's save (often several
writes) or a `git pull` touching many files gives one reload. The reload is the library's:
validated, swapped in one step; a broken file is logged and the live knowledge base stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import stat
import time
from collections.abc import Callable
from pathlib import Path

from bot.core.knowledge.files import is_knowledge_name
from bot.core.library import Library, ReloadResult

log = logging.getLogger(__name__)

Signature = frozenset[tuple[str, int, int]]


def folder_signature(folder: Path) -> Signature:
    """(name, mtime_ns, size) of every file the loader would read; empty when the folder is
    gone. Like the loader, it skips sub-folders and hidden names (editors' lock and swap files)."""
    found: set[tuple[str, int, int]] = set()
    try:
        paths = [p for p in folder.iterdir() if is_knowledge_name(p.name)]
    except OSError:
        return frozenset()
    for path in paths:
        try:
            info = path.stat()
        except OSError:  # deleted between listing and stat: the next poll sees it gone
            continue
        if stat.S_ISREG(info.st_mode):
            found.add((path.name, info.st_mtime_ns, info.st_size))
    return frozenset(found)


class KnowledgeWatcher:
    """An asyncio task that polls the folder and reloads the library after changes settle."""

    def __init__(self, library: Library, *, interval: float = 1.0, settle: float = 0.5,
                 on_reload: Callable[[ReloadResult], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.library = library
        self.interval = interval
        self.settle = settle
        self.on_reload = on_reload
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self.reloads = 0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._task = asyncio.create_task(self._run(), name="faqbot-kb-watch")
        log.info("watching %s for knowledge changes", self.library.folder)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        folder = self.library.folder
        seen = await asyncio.to_thread(folder_signature, folder)
        pending: Signature | None = None
        changed_at = 0.0
        while True:
            await asyncio.sleep(self.interval if pending is None else min(self.interval,
                                                                           self.settle / 2))
            try:
                now_sig = await asyncio.to_thread(folder_signature, folder)
            except Exception:  # never let the watcher die on a file-system hiccup
                log.exception("could not scan %s", folder)
                continue
            if now_sig != (pending if pending is not None else seen):
                pending, changed_at = now_sig, self._clock()  # (still) changing: wait for calm
                continue
            if pending is not None and self._clock() - changed_at >= self.settle:
                seen, pending = pending, None
                await self._reload()

    async def _reload(self) -> None:
        try:
            result = await asyncio.to_thread(self.library.reload)
        except Exception:
            log.exception("knowledge reload after a file change failed; the live one stays")
            return
        self.reloads += 1
        if result.ok:
            log.info("knowledge files changed: reloaded version %d. %s",
                     result.snapshot.version, result.diff.summary().replace("\n", "; "))
        else:
            for problem in result.problems:
                log.warning("knowledge file problem: %s", problem)
            log.warning("knowledge files changed but do not validate (%d problems); the "
                        "previous knowledge base is still live", len(result.problems))
        if self.on_reload is not None:
            self.on_reload(result)
