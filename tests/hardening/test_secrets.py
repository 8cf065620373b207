"""The token never shows: not in logs (ours or discord.py's, at DEBUG), reprs, error messages,
exception text that reaches the logs, or what `faqbot run` prints when Discord refuses it.

Everything runs against the loopback stand-in: nothing here can reach discord.com.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from fakediscord import FakeDiscord, running
from faqbot_harness import TINY, make_settings
from hardening.helpers import wait_ok_callback, wait_reply

from bot.core.library import Library
from bot.discord_app.client import FaqBot
from bot.discord_app.runner import EXIT_FAILED, run_bot
from bot.logs import REDACTED, configure_logging
from bot.recorder import Recorder
from bot.settings import Settings, SettingsError
from bot.store import Store

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.faqbot-hardening-SECRET-token-0123456789abcdef"
SALT = "faqbot-hardening-secret-salt-value"
CALLBACK = r"/interactions/\d+/[^/]+/callback"


@dataclasses.dataclass
class Logs:
    raw: io.StringIO  # every record as logged, no redaction: what discord.py itself says
    redacted: io.StringIO  # what `configure_logging` writes to stderr

    def text(self) -> str:
        return self.raw.getvalue() + self.redacted.getvalue()


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Logs]:
    """Everything at DEBUG, discord.py's loggers included, captured twice."""
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    raw, stderr = io.StringIO(), io.StringIO()
    raw_handler = logging.StreamHandler(raw)
    raw_handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    monkeypatch.setattr(sys, "stderr", stderr)
    handler = configure_logging("DEBUG", secrets=[TOKEN, SALT])
    root.addHandler(raw_handler)
    # The configured handler redacts in place, so the raw handler must see records first.
    root.handlers.remove(raw_handler)
    root.handlers.insert(0, raw_handler)
    try:
        yield Logs(raw, stderr)
    finally:
        root.removeHandler(handler)
        root.removeHandler(raw_handler)
        root.setLevel(saved[0])


def assert_secret_free(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
        assert SALT not in text
        # Nor a recognisable piece of it, in any case.
        for piece in (*TOKEN.split("."), TOKEN.upper(), TOKEN.lower()):
            assert len(piece) < 8 or piece not in text, piece


# -- a whole session ------------------------------------------------------------------------


async def test_a_session_at_debug_never_logs_the_token(tmp_path: Path, logs: Logs) -> None:
    async with FakeDiscord(token=TOKEN) as fake:  # the stand-in checks the token too
        settings = make_settings(tmp_path, discord_token=TOKEN, user_id_salt=SALT,
                                 dev_guild_id=fake.guild.id, knowledge_dir=TINY)
        store = await Store.open(settings.database_path, salt=SALT)
        bot = FaqBot(settings, Library.open(settings.knowledge_dir), Recorder(store))
        try:
            async with running(bot, fake, token=TOKEN):
                assert fake.connections[0].identify is not None
                assert fake.connections[0].identify["token"] == TOKEN  # it was really sent
                info = await fake.send_slash("ask", {"question": "how do i brew tea?"})
                await wait_ok_callback(fake, info)
                me = fake.bot_user
                message = await fake.send_message(f"<@{me['id']}> is tea cheaper than coffee?",
                                                  mentions=[me])
                await wait_reply(fake, message["id"])
                await fake.drop_gateway(4000)  # the RESUME payload carries the token again
                assert any(c.resume and c.resume.get("token") == TOKEN
                           for c in fake.connections)
                fake.fail_next("POST", CALLBACK, 400)  # an error, logged with a traceback
                info = await fake.send_slash("ask", {"question": "how fine should i grind coffee?"})
                await asyncio.sleep(0.5)
                reprs = [repr(bot), str(bot), repr(bot.http), repr(bot.ws), repr(settings),
                         str(settings), repr(bot.settings), repr(bot.recorder), repr(store),
                         repr(bot._connection)]
        finally:
            await store.close()
    assert "command /ask failed" in logs.redacted.getvalue()
    assert "discord.gateway" in logs.raw.getvalue()  # discord.py's DEBUG lines were captured
    assert_secret_free(logs.text(), *reprs)


# -- `faqbot run` when Discord refuses the token --------------------------------------------


async def test_a_refused_token_is_reported_without_it(tmp_path: Path, logs: Logs) -> None:
    async with FakeDiscord(token="the-token-discord-expects-0123456789") as fake:
        settings = make_settings(tmp_path, discord_token=TOKEN, user_id_salt=SALT,
                                 dev_guild_id=fake.guild.id, knowledge_dir=TINY)
        # run_bot is what `faqbot run` calls; it runs its own event loop, so in a thread.
        status = await asyncio.to_thread(run_bot, settings)
        refused = fake.requests_matching("GET", "/users/@me", status=401)
    assert status == EXIT_FAILED
    assert refused, "the login never reached the stand-in"
    assert "Discord refused the token" in logs.redacted.getvalue()
    assert_secret_free(logs.text())


async def test_login_failure_text_has_no_token(tmp_path: Path) -> None:
    async with FakeDiscord(token="the-token-discord-expects-0123456789"):
        settings = make_settings(tmp_path, discord_token=TOKEN)
        bot = FaqBot(settings, Library.open(TINY), Recorder())
        with pytest.raises(discord.LoginFailure) as failure:
            async with bot:
                await bot.login(TOKEN)
    assert_secret_free(str(failure.value), repr(failure.value),
                       "".join(failure.exconly()), str(failure.getrepr()))


# -- settings -------------------------------------------------------------------------------


def test_settings_repr_and_str_hide_the_token_and_salt() -> None:
    settings = Settings.from_mapping({"DISCORD_TOKEN": TOKEN, "USER_ID_SALT": SALT})
    assert settings.discord_token == TOKEN
    assert_secret_free(repr(settings), str(settings), f"{settings}", f"{settings!r}",
                       repr([settings]), repr({"s": settings}))


@pytest.mark.parametrize("name", ["DEV_GUILD_ID", "ADMIN_USER_IDS", "SHARD_COUNT",
                                  "RETENTION_DAYS", "COOLDOWN_RATE", "COOLDOWN_SECONDS",
                                  "KB_WATCH", "STORE_USER_IDS", "LOG_LEVEL"])
def test_settings_errors_never_quote_the_token(name: str) -> None:
    """Even the token pasted into the wrong setting is not repeated in the error message."""
    with pytest.raises(SettingsError) as error:
        Settings.from_mapping({"DISCORD_TOKEN": TOKEN, "USER_ID_SALT": SALT, name: TOKEN})
    assert name in str(error.value)
    assert_secret_free(str(error.value), repr(error.value))


def test_settings_errors_still_show_short_bad_values() -> None:
    with pytest.raises(SettingsError, match="'12x'"):
        Settings.from_mapping({"DEV_GUILD_ID": "12x"})


# -- discord.py's own loggers through configure_logging ------------------------------------


@pytest.mark.parametrize("name", ["discord.client", "discord.http", "discord.gateway",
                                  "discord.webhook.async_", "discord.state", "bot.cli", ""])
def test_records_carrying_the_token_are_redacted(name: str, logs: Logs) -> None:
    logger = logging.getLogger(name)
    logger.debug("static login with %s", TOKEN)
    logger.info("payload %r", {"op": 2, "d": {"token": TOKEN}})
    logger.warning(f"f-string {TOKEN}")
    try:
        raise discord.LoginFailure(f"bad token {TOKEN}")
    except discord.LoginFailure:
        logger.exception("login failed for %s", "Bot " + TOKEN)
    logger.error("with stack", stack_info=True, extra={"token": TOKEN})
    out = logs.redacted.getvalue()
    assert_secret_free(out)
    assert out.count(REDACTED) >= 5
    assert "Traceback" in out
