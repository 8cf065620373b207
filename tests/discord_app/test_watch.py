"""KB_WATCH: changes on disk are reloaded once they settle; a broken file keeps the live KB."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from faqbot_harness import TINY

from bot.core.library import Library, ReloadResult
from bot.discord_app.watch import KnowledgeWatcher, folder_signature

if TYPE_CHECKING:
    from faqbot_harness import Harness  # the fixture's type; only for annotations

FAST = {"interval": 0.02, "settle": 0.1}
KB_FILE = "tiny.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(TINY, target)
    return target


def retitle(folder: Path, old: str, new: str) -> None:
    path = folder / KB_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def wait_for(condition: Callable[[], object], limit: float = 5.0) -> None:
    """Poll `condition` until it holds; fail after `limit` seconds (tests never hang)."""
    deadline = asyncio.get_running_loop().time() + limit
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_signature_sees_edits_and_new_files(folder: Path) -> None:
    before = folder_signature(folder)
    assert {name for name, _, _ in before} == {KB_FILE}
    (folder / "extra.yml").write_text("entries: []\n", encoding="utf-8")
    (folder / "notes.txt").write_text("ignored\n", encoding="utf-8")
    after = folder_signature(folder)
    assert {name for name, _, _ in after} == {KB_FILE, "extra.yml"}
    assert folder_signature(folder / "missing") == frozenset()


def test_signature_skips_what_the_loader_skips(folder: Path) -> None:
    before = folder_signature(folder)
    (folder / ".faq.yaml").write_text("entries: []\n", encoding="utf-8")  # an editor's file
    (folder / "drafts").mkdir()
    (folder / "drafts" / "next.yaml").write_text("entries: []\n", encoding="utf-8")
    assert folder_signature(folder) == before


async def test_a_change_is_reloaded_once_after_it_settles(folder: Path) -> None:
    library = Library.open(folder)
    results: list[ReloadResult] = []
    watcher = KnowledgeWatcher(library, on_reload=results.append, **FAST)
    watcher.start()
    try:
        await asyncio.sleep(0.1)
        assert results == []  # nothing changed, nothing reloaded
        # A burst of writes, as an editor or a git checkout makes: one reload.
        for n in range(3):
            retitle(folder, "Brewing tea" if n == 0 else f"Tea {n - 1}",
                    f"Tea {n}")
            await asyncio.sleep(0.03)
        await wait_for(lambda: results)
        await asyncio.sleep(0.3)
        assert len(results) == 1
        assert results[0].ok
        assert results[0].diff.edited == ("tea-brewing",)
        assert library.current.kb.entry("tea-brewing").title == "Tea 2"
        assert library.current.version == 2
    finally:
        await watcher.stop()
    assert not watcher.running


async def test_a_broken_file_is_logged_and_the_live_kb_stays(
        folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    library = Library.open(folder)
    live = library.current
    results: list[ReloadResult] = []
    watcher = KnowledgeWatcher(library, on_reload=results.append, **FAST)
    watcher.start()
    try:
        await asyncio.sleep(0.05)
        with caplog.at_level(logging.WARNING, logger="bot.discord_app.watch"):
            (folder / "broken.yaml").write_text("entries:\n  - id: [oops\n", encoding="utf-8")
            await wait_for(lambda: results)
        assert not results[0].ok
        assert library.current is live
        messages = [r.getMessage() for r in caplog.records]
        assert any("broken.yaml:" in m for m in messages)
        assert any("previous knowledge base is still live" in m for m in messages)
        # Fixing it reloads again.
        (folder / "broken.yaml").unlink()
        retitle(folder, "Brewing tea", "Fixed tea")
        await wait_for(lambda: len(results) >= 2)
        assert results[-1].ok
        assert library.current.kb.entry("tea-brewing").title == "Fixed tea"
    finally:
        await watcher.stop()


async def test_stop_is_idempotent_and_start_twice_is_one_task(folder: Path) -> None:
    watcher = KnowledgeWatcher(Library.open(folder), **FAST)
    await watcher.stop()
    watcher.start()
    watcher.start()
    assert watcher.running
    await watcher.stop()
    await watcher.stop()
    assert not watcher.running


# -- KB_WATCH=1 in the running bot, through the loopback stand-in ------------------------------


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return {"kb_watch": True}


async def ask_title(harness: Harness) -> str:
    record = await harness.slash("ask", {"question": "how do i brew tea"})
    return record.json["data"]["embeds"][0]["title"]


async def test_watch_mode_in_the_running_bot(harness: Harness,
                                             caplog: pytest.LogCaptureFixture) -> None:
    watcher = harness.bot.watcher
    assert watcher is not None and watcher.running
    watcher.interval, watcher.settle = 0.02, 0.1  # the loop reads them on every turn
    assert await ask_title(harness) == "Brewing tea"

    retitle(harness.knowledge_dir, "Brewing tea", "Making tea")
    await wait_for(lambda: harness.library.current.version == 2)
    assert await ask_title(harness) == "Making tea"

    with caplog.at_level(logging.WARNING, logger="bot.discord_app.watch"):
        (harness.knowledge_dir / "broken.yaml").write_text("entries:\n  - title: x\n",
                                                           encoding="utf-8")
        await wait_for(lambda: watcher.reloads >= 2)
    assert harness.library.current.version == 2  # the broken file left the live one in place
    assert await ask_title(harness) == "Making tea"
    assert any("broken.yaml:" in r.getMessage() for r in caplog.records)
    harness.assert_valid()

    await harness.bot.close()  # closing the bot stops the watcher
    assert not watcher.running
