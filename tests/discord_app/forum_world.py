"""A fake Discord with a help forum (tags, a helper role) and the real FaqBot on the tiny
knowledge base: what the forum and hand-over tests share."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakediscord import FakeDiscord, running
from fakediscord.payloads import JSON
from fakediscord.records import RequestRecord
from faqbot_harness import make_settings

from bot.core.library import Library
from bot.core.matching.match import Verdict
from bot.discord_app.client import FaqBot
from bot.recorder import Recorder
from bot.store import Store

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny" / "kb"
EPHEMERAL = 64
MANAGE_THREADS = 1 << 34
TAGS = ["Solved", "Bug", "Question", "Hardware", "Software", "Urgent"]

ANSWERED = "how do i brew tea"  # each checked against the matcher by `verdict_of`
SUGGESTED = "tea leaves coffee beans"
UNANSWERED = "my printer is on fire"


@dataclass
class World:
    fake: FakeDiscord
    forum: JSON
    helpers: JSON
    store: Store
    tmp_path: Path

    @contextlib.asynccontextmanager
    async def bot(self, **changes: Any) -> AsyncIterator[FaqBot]:
        """The bot listening to the forum, pinging `helpers`; stopped on the way out (the
        store stays open, so a second bot is a restart)."""
        values: dict[str, Any] = {
            "knowledge_dir": TINY,
            "dev_guild_id": self.fake.guild.id,
            "help_forum_ids": frozenset({int(self.forum["id"])}),
            "helper_role_id": int(self.helpers["id"]),
        }
        values.update(changes)
        bot = FaqBot(make_settings(self.tmp_path, **values),
                     Library.open(values["knowledge_dir"]), Recorder(self.store))
        async with running(bot, self.fake):
            yield bot

    async def reply_in(self, thread: JSON) -> JSON:
        """The message the bot posted in `thread` (waits for it, 10 s at most)."""
        record = await self.fake.wait_for_request(
            "POST", rf"/channels/{thread['id']}/messages", timeout=10.0)
        assert record.status == 200, record.response
        message: JSON = record.response
        return message

    def posted_in(self, thread: JSON) -> list[RequestRecord]:
        return self.fake.requests_matching("POST", rf"/channels/{thread['id']}/messages")

    def tag_ids(self, *names: str, forum: JSON | None = None) -> list[str]:
        tags = {t["name"]: t["id"] for t in (forum or self.forum)["available_tags"]}
        return [tags[name] for name in names]

    def assert_valid(self) -> None:
        assert self.fake.violations == [], "\n".join(map(str, self.fake.violations))


async def until(condition: Callable[[], bool], what: str) -> None:
    """Waits (5 s at most) until `condition()` holds: a gateway event reaching the bot."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not within 5 s: {what}")


def verdict_of(question: str) -> Verdict:
    return Library.open(TINY).current.matcher.match(question).verdict


def custom_ids(message: JSON) -> list[str]:
    return [c["custom_id"] for row in message.get("components") or []
            for c in row["components"] if "custom_id" in c]


def custom_id(message: JSON, prefix: str) -> str:
    found = [cid for cid in custom_ids(message) if cid.startswith(prefix)]
    assert found, f"no {prefix}… button in {custom_ids(message)}"
    return found[0]


@contextlib.asynccontextmanager
async def world(tmp_path: Path, tags: list[str] | None = None) -> AsyncIterator[World]:
    async with FakeDiscord() as fake:
        forum = fake.add_forum("help", TAGS if tags is None else tags)
        helpers = fake.add_role("Helpers")
        store = await Store.open(tmp_path / "faq.sqlite3", salt="test-salt")
        try:
            yield World(fake, forum, helpers, store, tmp_path)
        finally:
            await store.close()
