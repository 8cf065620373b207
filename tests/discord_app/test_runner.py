"""`faqbot run`'s entry point (runner.serve) against the stand-in: starts, syncs, answers."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from fakediscord import DEFAULT_TOKEN, FakeDiscord, running
from faqbot_harness import TINY, make_settings

from bot.discord_app.runner import serve
from bot.semantic.setup import open_library

CHANNEL_MESSAGES = r"/channels/\d+/messages"


async def test_serve_starts_syncs_and_answers(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY, dev_guild_id=fake.guild.id)
        task = asyncio.create_task(serve(settings, open_library(settings)))
        try:
            commands = rf"/applications/\d+/guilds/{fake.guild.id}/commands"
            await fake.wait_for_request("PUT", commands, timeout=15)
            await fake.wait_until_connected(timeout=10)
            await asyncio.sleep(2.5)  # discord.py waits for guilds before READY
            names = {c["name"] for c in fake.commands(guild=True)}
            assert {"ask", "Find answer"} <= names

            info = await fake.send_slash("ask", {"question": "how do i brew tea?"})
            record = await fake.wait_for_callback(info, timeout=10)
            assert record.json["data"]["embeds"]

            bot_user = fake.bot_user
            message = await fake.send_message(f"<@{bot_user['id']}> is tea cheaper than coffee?",
                                              mentions=[bot_user])
            reply = await fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=10)
            assert str(reply.json["message_reference"]["message_id"]) == message["id"]

            info = await fake.send_message_command("Find answer", message)
            record = await fake.wait_for_callback(info, timeout=10)
            assert record.json["data"]["embeds"]
            assert fake.violations == []
            assert (tmp_path / "faq.sqlite3").exists()  # questions were recorded
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def test_make_bot_shards_when_asked_or_recommended(tmp_path: Path) -> None:
    from bot.core.library import Library
    from bot.discord_app.client import FaqBot, ShardedFaqBot
    from bot.discord_app.runner import make_bot
    from bot.recorder import Recorder

    library = Library.open(TINY)
    plain = make_settings(tmp_path)
    assert type(make_bot(plain, library, Recorder())) is FaqBot
    assert type(make_bot(plain, library, Recorder(), recommended=3)) is ShardedFaqBot
    sharded = make_bot(make_settings(tmp_path, shard_count=2), library, Recorder())
    assert isinstance(sharded, ShardedFaqBot) and sharded.shard_count == 2


async def test_sync_on_request_to_a_guild_and_globally(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from bot.discord_app.runner import _sync

    async with FakeDiscord() as fake:
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY, dev_guild_id=fake.guild.id)
        assert await _sync(settings, fake.guild.id) == 0
        assert {"ask", "compare", "kb", "Find answer"} <= {c["name"] for c in
                                                          fake.commands(guild=True)}
        assert fake.commands(guild=False) == []
        assert await _sync(settings, None) == 0
        assert {"ask", "kb"} <= {c["name"] for c in fake.commands(guild=False)}
        # The start-up sync to DEV_GUILD_ID is not repeated by `faqbot sync --global`.
        puts = fake.requests_matching("PUT", rf"/applications/\d+/guilds/{fake.guild.id}/commands")
        assert len(puts) == 1
        assert fake.violations == []
    assert "Synced" in capsys.readouterr().out


async def test_a_refused_dev_guild_sync_is_logged_and_the_bot_answers(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from bot.core.library import Library
    from bot.discord_app.client import FaqBot
    from bot.recorder import Recorder

    async with FakeDiscord() as fake:
        fake.fail_next("PUT", rf"/applications/\d+/guilds/{fake.guild.id}/commands", status=403)
        settings = make_settings(tmp_path, knowledge_dir=TINY,
                                 dev_guild_id=fake.guild.id)
        bot = FaqBot(settings, Library.open(TINY), Recorder())
        async with running(bot, fake):
            info = await fake.send_slash("ask", {"question": "how do i brew tea?"})
            record = await fake.wait_for_callback(info, timeout=10)
            assert record.json["data"]["embeds"]
    assert any("could not sync the commands to DEV_GUILD_ID" in r.getMessage()
               for r in caplog.records)


def test_run_bot_reports_discord_being_unavailable_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from types import SimpleNamespace

    import discord

    from bot.discord_app import runner

    async def unavailable(*_: object) -> None:
        raise discord.HTTPException(SimpleNamespace(status=503, reason="Service Unavailable"),
                                    "upstream connect error")

    monkeypatch.setattr(runner, "serve", unavailable)
    settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN, knowledge_dir=TINY)
    assert runner.run_bot(settings) == runner.EXIT_FAILED
    assert any(r.getMessage().startswith("could not connect to Discord: 503")
               for r in caplog.records)


async def test_forum_read_body_refused_by_discord_says_so_in_one_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """FORUM_READ_BODY=1 asks for the Message Content intent; the gateway closes with 4014
    when it is not switched on in the portal: one line saying so, exit 1, no traceback."""
    from bot.discord_app.runner import EXIT_FAILED, run_bot

    async with FakeDiscord(privileged_intents=0) as fake:
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY, forum_read_body=True,
                                 help_forum_ids=frozenset({1}))
        with caplog.at_level("INFO"):
            code = await asyncio.to_thread(run_bot, settings)
    assert code == EXIT_FAILED
    assert fake.connections[-1].close_code == 4014
    assert fake.connections[-1].intents is not None
    assert fake.connections[-1].intents & (1 << 15)
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "Message Content intent" in errors[0].getMessage()
    assert "developer portal" in errors[0].getMessage()
    assert "\n" not in errors[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records if r.levelno >= 20)
