"""The real FaqBot against the loopback stand-in for Discord: pieces tests and benchmarks share."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakediscord import FakeDiscord, running
from fakediscord.records import RequestRecord

from bot.core.library import Library
from bot.discord_app.client import FaqBot
from bot.recorder import Recorder
from bot.semantic.setup import open_library
from bot.settings import Settings
from bot.store import Store

ADMIN_ID = 900000000000000001
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny" / "kb"  # adapter tests' knowledge


@dataclass
class Harness:
    """A running bot and the fake Discord it talks to."""

    bot: FaqBot
    fake: FakeDiscord
    library: Library
    store: Store
    knowledge_dir: Path

    async def slash(self, name: str, options: dict[str, Any] | None = None,
                    **kwargs: Any) -> RequestRecord:
        """Run /name and return the interaction's callback request."""
        info = await self.fake.send_slash(name, options, **kwargs)
        return await self.fake.wait_for_callback(info)

    def assert_valid(self) -> None:
        """Every body the bot sent was valid for Discord's OpenAPI description."""
        assert self.fake.violations == [], "\n".join(map(str, self.fake.violations))


def make_settings(tmp_path: Path, **changes: Any) -> Settings:
    base = Settings(knowledge_dir=tmp_path / "knowledge", database_path=tmp_path / "faq.sqlite3",
                    user_id_salt="test-salt", admin_user_ids=frozenset({ADMIN_ID}))
    return dataclasses.replace(base, **changes)


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A copy of the tiny knowledge base, which a test may edit (never the shipped one: editing
    that must not break the adapter tests)."""
    folder = tmp_path / "knowledge"
    shutil.copytree(TINY, folder)
    return folder


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    """Override in a test module to change the bot's settings."""
    return {}


@pytest.fixture
async def harness(tmp_path: Path, knowledge_dir: Path,
                  settings_changes: dict[str, Any]) -> AsyncIterator[Harness]:
    async with FakeDiscord() as fake:
        settings = make_settings(tmp_path, **{"dev_guild_id": fake.guild.id,
                                              "knowledge_dir": knowledge_dir,
                                              **settings_changes})
        library = open_library(settings)  # the knowledge folder, matched as settings ask
        store = await Store.open(settings.database_path, salt="test-salt")
        bot = FaqBot(settings, library, Recorder(store))
        try:
            async with running(bot, fake):
                yield Harness(bot, fake, library, store, knowledge_dir)
        finally:
            await store.close()
