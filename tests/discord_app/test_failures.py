"""Failures outside the bot are one line and a non-zero exit; the traceback is in the log only
at debug level. A channel where the bot may not reply is logged once and the bot carries on."""

from __future__ import annotations

import asyncio
import logging
import subprocess
from pathlib import Path

import discord
import pytest
from fakediscord import DEFAULT_TOKEN, FakeDiscord
from faqbot_harness import TINY, Harness, make_settings
from faqbot_process import refusing_port, start_faqbot

from bot.discord_app import client, runner

CHANNEL_MESSAGES = r"/channels/\d+/messages"


def _run_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"DISCORD_TOKEN": "bogus", "KNOWLEDGE_DIR": str(TINY),
            "DATABASE_PATH": str(tmp_path / "faq.sqlite3"), "USER_ID_SALT": "test-salt", **extra}


def _faqbot_run(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    with refusing_port() as closed:  # Discord "unreachable": nothing listens there
        process = start_faqbot(f"http://127.0.0.1:{closed}/api/v10",
                               f"ws://127.0.0.1:{closed}/", ["run"], cwd=tmp_path,
                               env=_run_env(tmp_path, **extra))
        out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_faqbot_run_with_discord_unreachable_says_so_in_one_line(tmp_path: Path) -> None:
    result = _faqbot_run(tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1, result.stderr
    assert "cannot reach Discord: the connection to 127.0.0.1:" in errors[0]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 3, result.stderr  # no wall of text
    assert "voice will NOT be supported" not in result.stderr


def test_the_traceback_is_there_at_debug_level(tmp_path: Path) -> None:
    result = _faqbot_run(tmp_path, LOG_LEVEL="DEBUG")
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "ClientConnectorError" in result.stderr


def _one_error(caplog: pytest.LogCaptureFixture) -> str:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].exc_info is None
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in caplog.records)
    return errors[0].getMessage()


@pytest.mark.parametrize(("base", "expected"), [
    ("http://faqbot-test.invalid/api/v10", "looking up faqbot-test.invalid:80 failed (DNS)"),
    ("http://127.0.0.1:{closed}/api/v10", "the connection to 127.0.0.1:{closed} failed"),
], ids=["dns", "refused"])
def test_unreachable_discord_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture, base: str,
                                         expected: str) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    with refusing_port() as closed:
        monkeypatch.setattr(discord.http.Route, "BASE", base.format(closed=closed))
        settings = make_settings(tmp_path, discord_token="bogus",
                                 knowledge_dir=TINY)
        assert runner.run_bot(settings) == runner.EXIT_FAILED
    line = _one_error(caplog)
    assert line.startswith("cannot reach Discord: ")
    assert expected.format(closed=closed) in line


async def test_a_tls_failure_is_one_line(tmp_path: Path,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    async with FakeDiscord() as fake:  # plain HTTP: a TLS handshake with it fails
        discord.http.Route.BASE = f"https://127.0.0.1:{fake.port}/api/v10"
        settings = make_settings(tmp_path, discord_token="bogus",
                                 knowledge_dir=TINY)
        status = await asyncio.to_thread(runner.run_bot, settings)
    assert status == runner.EXIT_FAILED
    assert "the secure connection to 127.0.0.1:" in _one_error(caplog)


async def test_a_refused_token_is_one_line(tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    async with FakeDiscord(token="the-right-token-0123456789"):
        settings = make_settings(tmp_path, discord_token="bogus",
                                 knowledge_dir=TINY)
        status = await asyncio.to_thread(runner.run_bot, settings)
    assert status == runner.EXIT_FAILED
    line = _one_error(caplog)
    assert line.startswith("Discord refused the token (401 Unauthorized)")
    assert "DISCORD_TOKEN" in line


async def test_a_refused_intent_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")

    def with_message_content(*, message_content: bool = False) -> discord.Intents:
        intents = discord.Intents.default()
        intents.message_content = True
        return intents

    monkeypatch.setattr(client, "default_intents", with_message_content)
    async with FakeDiscord(privileged_intents=0) as fake:
        settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                 knowledge_dir=TINY)
        status = await asyncio.to_thread(runner.run_bot, settings)
        assert fake.connections and fake.connections[-1].intents
    assert status == runner.EXIT_FAILED
    line = _one_error(caplog)
    assert "refused a privileged intent" in line and "4014" in line


async def test_a_health_port_in_use_is_one_line(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    async with FakeDiscord() as fake:
        blocker = await asyncio.start_server(lambda *_: None, "127.0.0.1", 0)
        port = blocker.sockets[0].getsockname()[1]
        try:
            settings = make_settings(tmp_path, discord_token=DEFAULT_TOKEN,
                                     knowledge_dir=TINY, health_port=port)
            status = await asyncio.to_thread(runner.run_bot, settings)
        finally:
            blocker.close()
        assert not fake.connections  # it stopped before connecting to the gateway
    assert status == runner.EXIT_FAILED
    assert f"cannot serve the health check: 127.0.0.1:{port}" in _one_error(caplog)


async def test_a_missing_permission_is_logged_once_and_the_bot_carries_on(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    fake = harness.fake
    fake.fail_next("POST", CHANNEL_MESSAGES, status=403, times=2)
    me = fake.bot_user
    for _ in range(2):
        await fake.send_message(f"<@{me['id']}> how do i brew tea?", mentions=[me])
        await fake.wait_for_request("POST", CHANNEL_MESSAGES, status=403, timeout=5)
    await fake.send_message(f"<@{me['id']}> how do i brew tea?", mentions=[me])
    reply = await fake.wait_for_request("POST", CHANNEL_MESSAGES, status=200, timeout=5)
    assert reply.json["embeds"]
    warnings = [r for r in caplog.records if "cannot reply in #" in r.getMessage()]
    assert len(warnings) == 1
    assert "Send Messages" in warnings[0].getMessage()
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
