"""`faqbot doctor` against the stand-in: token, intents, servers, channels, forums, commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest
from fakediscord import DEFAULT_TOKEN, FakeDiscord
from faqbot_harness import TINY, make_settings

from bot.discord_app.doctor import discord_checks
from bot.doctor import BAD_MARK, OK_MARK, run_doctor


def _deny(channel: dict[str, object], guild_id: int, **permissions: bool) -> None:
    denied = discord.Permissions(**permissions).value
    channel["permission_overwrites"] = [
        {"id": str(guild_id), "type": 0, "allow": "0", "deny": str(denied)}]


def _lines(checks: list[object]) -> str:
    return "\n".join(str(check) for check in checks)


async def test_doctor_names_each_channel_it_cannot_answer_in(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        guild_id = fake.guild.id
        _deny(fake.state.add_text_channel(fake.guild, "announcements"), guild_id,
              send_messages=True)
        _deny(fake.state.add_text_channel(fake.guild, "staff"), guild_id, view_channel=True)
        fake.add_forum("help")
        _deny(fake.add_forum("showcase"), guild_id, send_messages_in_threads=True)
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY, dev_guild_id=guild_id)
        text = _lines(await discord_checks(settings, guild_wait=0.05))
    name = fake.guild.name
    assert f"{OK_MARK} token accepted: the bot is FakeBot" in text
    assert f"{OK_MARK} intents: the bot needs no privileged intent" in text
    assert f"{OK_MARK} in 1 server: {name}" in text
    assert f"{OK_MARK} DEV_GUILD_ID {guild_id} is {name}" in text
    assert (f"{BAD_MARK} {name}: mentions answered in 1 of 3 text channels; 1 hidden from it"
            in text)
    assert (f"{BAD_MARK} {name} #announcements: the bot sees it but lacks Send Messages"
            in text)
    assert "fix: give the bot's role Send Messages, Embed Links in #announcements" in text
    assert "#staff" not in text
    assert f"{OK_MARK} {name} forum #help: the bot can answer in its posts" in text
    assert f"{BAD_MARK} {name} forum #showcase: the bot lacks Send Messages In Threads" in text
    assert f"{BAD_MARK} /ask is not registered globally" in text
    assert "fix: run `faqbot sync --global` once" in text


async def test_doctor_all_clear_after_a_global_sync(tmp_path: Path) -> None:
    from bot.discord_app.runner import _sync

    async with FakeDiscord():
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY)
        await _sync(settings, None)
        checks = await asyncio.to_thread(run_doctor, settings)
    assert all(check.ok for check in checks), _lines(checks)
    assert "/ask is registered globally" in _lines(checks)
    assert f"data folder {tmp_path} is writable" in _lines(checks)


async def test_doctor_says_when_the_token_is_refused(tmp_path: Path) -> None:
    async with FakeDiscord(token="the-right-token-0123456789"):
        settings = make_settings(tmp_path, discord_token="bogus-token-0123")
        checks = await discord_checks(settings, guild_wait=0.05)
    assert len(checks) == 1 and not checks[0].ok
    assert str(checks[0]).startswith(f"{BAD_MARK} Discord refused the token (401 Unauthorized)")


async def test_doctor_without_servers_gives_the_invite_link(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        fake.state.guilds.clear()
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN, dev_guild_id=42)
        text = _lines(await discord_checks(settings, guild_wait=0.05))
    assert f"{BAD_MARK} the bot is in no server" in text
    assert f"fix: invite it: https://discord.com/oauth2/authorize?client_id={fake.application_id}"\
        in text
    assert f"{BAD_MARK} DEV_GUILD_ID 42: the bot is not in that server" in text


async def test_doctor_says_when_discord_is_unreachable(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from faqbot_process import refusing_port

    with refusing_port() as closed:
        monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{closed}/api/v10")
        checks = await discord_checks(make_settings(tmp_path, discord_token="bogus"),
                                      guild_wait=0.05)
    assert [check.ok for check in checks] == [False]
    assert str(checks[0]).startswith(f"{BAD_MARK} cannot reach Discord: the connection to "
                                     f"127.0.0.1:{closed} failed")


async def test_doctor_checks_each_help_forum(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        ready = fake.add_forum("help", tags=["Question", "Solved"])
        untagged = fake.add_forum("support", tags=["Question"])
        fake.grant_bot(discord.Permissions(manage_threads=True).value)
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY,
                                 help_forum_ids=frozenset({int(ready["id"]), int(untagged["id"]),
                                                           424242}))
        text = _lines(await discord_checks(settings, guild_wait=0.05))
    assert (f"{OK_MARK} help forum #help: new posts are answered, and Solved applies the tag "
            "'Solved'") in text
    assert f"{BAD_MARK} help forum #support has no tag named 'Solved'" in text
    assert "fix: add a tag 'Solved' to the forum, or set SOLVED_TAG to one of its tags" in text
    assert f"{BAD_MARK} HELP_FORUM_IDS 424242: the bot sees no forum with that id" in text


async def test_doctor_names_a_help_forum_where_tags_cannot_be_applied(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        forum = fake.add_forum("help", tags=["Solved"])
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY,
                                 help_forum_ids=frozenset({int(forum["id"])}))
        text = _lines(await discord_checks(settings, guild_wait=0.05))
    assert f"{BAD_MARK} help forum #help: the bot lacks Manage Threads there" in text
