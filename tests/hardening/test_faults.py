"""Faults: Discord rate limits, server errors and a dropped gateway, and a failing database.

Every question is answered exactly once (or, when Discord keeps failing, the failure is logged
and the bot answers the next question); the database failing never stops an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import discord.http
import discord.webhook.async_
import pytest
from fakediscord.state import InteractionInfo
from faqbot_harness import Harness
from hardening.helpers import (
    CHANNEL_MESSAGES,
    OK,
    callbacks,
    data_of,
    eventually,
    exactly_once,
    replies_to,
    settle,
    wait_ok_callback,
    wait_reply,
)

from bot.discord_app.notice import APOLOGY
from bot.store import Store

CALLBACK = r"/interactions/\d+/[^/]+/callback"
QUESTION = "how do i brew tea?"
DISCORD_DEADLINE = 3.0  # Discord forgets an interaction not answered within 3 seconds


class _FastAsyncio:
    """asyncio with sleeps 50 times shorter: discord.py's 1+3+5+7+9 s retry back-off in ms."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(delay / 50, result)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord.http, "asyncio", _FastAsyncio())
    monkeypatch.setattr(discord.webhook.async_, "asyncio", _FastAsyncio())


async def ask(harness: Harness, question: str = QUESTION, **kwargs: Any) -> InteractionInfo:
    return await harness.fake.send_slash("ask", {"question": question}, **kwargs)


async def mention(harness: Harness, question: str = QUESTION) -> dict[str, Any]:
    me = harness.fake.bot_user
    return await harness.fake.send_message(f"<@{me['id']}> {question}", mentions=[me])


def question_rows(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as conn:
        return int(conn.execute("SELECT count(*) FROM questions").fetchone()[0])


async def wait_rows(path: Path, expected: int, within: float = 5.0) -> int:
    await eventually(lambda: question_rows(path) >= expected, within)
    return question_rows(path)


# -- Discord: 429 ---------------------------------------------------------------------------


async def test_429_on_the_interaction_callback(harness: Harness) -> None:
    harness.fake.fail_next("POST", CALLBACK, 429, retry_after=0.2, times=2)
    info = await ask(harness)
    record = await wait_ok_callback(harness.fake, info)
    assert data_of(record)["embeds"]
    await settle()
    limited = harness.fake.requests_matching("POST", CALLBACK, status=429)
    assert len(limited) == 2
    assert len(callbacks(harness.fake, info)) == 1
    harness.assert_valid()


async def test_429_on_posting_a_reply(harness: Harness) -> None:
    harness.fake.fail_next("POST", CHANNEL_MESSAGES, 429, retry_after=0.2, times=2)
    message = await mention(harness)
    await wait_reply(harness.fake, message["id"])
    await settle()
    assert len(harness.fake.requests_matching("POST", CHANNEL_MESSAGES, status=429)) == 2
    assert len(replies_to(harness.fake, message["id"])) == 1
    harness.assert_valid()


async def test_global_429(harness: Harness) -> None:
    harness.fake.fail_next("POST", CHANNEL_MESSAGES, 429, retry_after=0.2, is_global=True)
    message = await mention(harness)
    await wait_reply(harness.fake, message["id"])
    info = await ask(harness)
    await wait_ok_callback(harness.fake, info)
    await settle()
    assert len(replies_to(harness.fake, message["id"])) == 1
    assert len(callbacks(harness.fake, info)) == 1


# -- Discord: 500 ---------------------------------------------------------------------------
# discord.py retries a 5xx on every route, the interaction callback (its webhook adapter)
# included, sleeping 1, 3, 5, 7, 9 s; after five it raises DiscordServerError.


async def test_500_once_on_the_interaction_callback_is_retried(harness: Harness) -> None:
    harness.fake.fail_next("POST", CALLBACK, 500)
    info = await ask(harness)
    record = await wait_ok_callback(harness.fake, info, timeout=DISCORD_DEADLINE)
    assert data_of(record)["embeds"]
    await settle()
    assert len(harness.fake.requests_matching("POST", CALLBACK, status=500)) == 1
    assert len(callbacks(harness.fake, info)) == 1


async def test_500_once_on_posting_a_reply_is_retried(harness: Harness) -> None:
    harness.fake.fail_next("POST", CHANNEL_MESSAGES, 502)
    message = await mention(harness)
    await wait_reply(harness.fake, message["id"], timeout=DISCORD_DEADLINE)
    await settle()
    assert len(replies_to(harness.fake, message["id"])) == 1


@pytest.mark.usefixtures("fast_retries")
async def test_callback_failing_five_times_gets_an_apology_and_the_bot_goes_on(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    harness.fake.fail_next("POST", CALLBACK, 500, times=5)
    info = await ask(harness)
    record = await wait_ok_callback(harness.fake, info)
    data = data_of(record)
    assert data["content"] == APOLOGY  # no traceback for the member
    assert data["flags"] & 64
    assert any("command /ask failed" in r.getMessage() for r in caplog.records)
    nxt = await ask(harness)
    assert data_of(await wait_ok_callback(harness.fake, nxt))["embeds"]
    assert len(callbacks(harness.fake, info)) == 1
    harness.assert_valid()


@pytest.mark.usefixtures("fast_retries")
async def test_callback_and_apology_failing_is_logged_and_the_bot_goes_on(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    harness.fake.fail_next("POST", CALLBACK, 500, times=10)
    info = await ask(harness)
    assert await eventually(lambda: harness.fake.faults[0].times == 0)
    await settle()
    assert callbacks(harness.fake, info) == []
    messages = [r.getMessage() for r in caplog.records]
    assert any("command /ask failed" in m for m in messages)
    assert any("could not tell the user about the error" in m for m in messages)
    nxt = await ask(harness)
    assert data_of(await wait_ok_callback(harness.fake, nxt))["embeds"]


@pytest.mark.usefixtures("fast_retries")
async def test_reply_failing_five_times_is_logged_and_the_bot_goes_on(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    harness.fake.fail_next("POST", CHANNEL_MESSAGES, 500, times=5)
    message = await mention(harness)
    assert await eventually(lambda: harness.fake.faults[0].times == 0)
    await settle()
    assert replies_to(harness.fake, message["id"]) == []
    assert any("could not reply to message" in r.getMessage() for r in caplog.records)
    nxt = await mention(harness)
    await wait_reply(harness.fake, nxt["id"])
    assert len(replies_to(harness.fake, nxt["id"])) == 1


# -- Discord: the gateway drops -------------------------------------------------------------


@pytest.mark.parametrize("code", [4000, 1006, 1011])
async def test_gateway_drop_mid_session_loses_and_repeats_nothing(harness: Harness,
                                                                  code: int) -> None:
    fake = harness.fake
    asked: list[InteractionInfo] = []
    said: list[dict[str, Any]] = []

    async def burst(n: int) -> None:
        for i in range(n):
            asked.append(await ask(harness, f"{QUESTION} {i}"))
            said.append(await mention(harness, f"how fine should i grind coffee {i}"))

    await burst(3)
    await fake.drop_gateway(code, wait=False)
    await burst(3)  # while the bot is away: replayed when it RESUMEs
    await fake.wait_until_connected()
    await burst(3)
    for info in asked:
        await wait_ok_callback(fake, info)
    for message in said:
        await wait_reply(fake, message["id"])
    await settle(0.5)
    per_interaction = Counter({info.id: len(callbacks(fake, info)) for info in asked})
    per_message = Counter({m["id"]: len(replies_to(fake, m["id"])) for m in said})
    exactly_once(per_interaction, [info.id for info in asked])
    exactly_once(per_message, [m["id"] for m in said])
    assert any(c.resume for c in fake.connections), "the bot did not RESUME"
    harness.assert_valid()


async def test_two_drops_in_a_row(harness: Harness) -> None:
    fake = harness.fake
    first = await ask(harness)
    await fake.drop_gateway(4000, wait=False)
    second = await ask(harness)
    await fake.wait_until_connected()
    await fake.drop_gateway(4000)
    third = await ask(harness)
    for info in (first, second, third):
        await wait_ok_callback(fake, info)
    await settle()
    assert [len(callbacks(fake, i)) for i in (first, second, third)] == [1, 1, 1]


# -- the database ---------------------------------------------------------------------------


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another process holds the write lock (as a long backup or a stuck writer would)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()


async def short_timeout_store(harness: Harness) -> Store:
    """The bot's recorder switched to a store on the same file that waits 0.2 s for locks."""
    store = await Store.open(harness.store.path, salt="test-salt", busy_timeout=0.2)
    harness.bot.recorder.store = store
    return store


def logged(caplog: pytest.LogCaptureFixture, *words: str) -> bool:
    return any(all(w in r.getMessage() for w in words) for r in caplog.records)


async def answered(harness: Harness, question: str = QUESTION) -> float:
    """Seconds from asking to the answer; the answer must carry the embed."""
    started = time.perf_counter()
    info = await ask(harness, question)
    record = await wait_ok_callback(harness.fake, info, timeout=DISCORD_DEADLINE + 2)
    assert data_of(record)["embeds"]
    return time.perf_counter() - started


async def test_database_locked_longer_than_its_busy_timeout(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    store = await short_timeout_store(harness)
    try:
        before = question_rows(store.path)
        with locked(store.path):
            assert await answered(harness) < DISCORD_DEADLINE
            message = await mention(harness)
            await wait_reply(harness.fake, message["id"])
        assert logged(caplog, "could not record a question", "locked")
        await answered(harness)  # the lock is gone: recording again
        assert await wait_rows(store.path, before + 1) == before + 1
        assert logged(caplog, "recording again")
    finally:
        await store.close()


async def test_database_locked_for_seconds_does_not_delay_the_answer(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """With the default 5 s busy timeout, waiting for the record would miss Discord's 3 s."""
    caplog.set_level(logging.INFO)
    path = harness.store.path
    before = question_rows(path)
    with locked(path):
        elapsed = await answered(harness)
        assert elapsed < DISCORD_DEADLINE, f"answered after {elapsed:.2f}s"
        assert logged(caplog, "could not record a question within")
        await asyncio.sleep(0.5)
    # The lock went before the busy timeout ran out: the question is recorded after all.
    assert await wait_rows(path, before + 1, within=6) == before + 1


async def test_database_read_only(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    store = harness.store
    before = question_rows(store.path)
    await store._run(lambda conn: conn.execute("PRAGMA query_only = ON"))
    await answered(harness)
    message = await mention(harness)
    await wait_reply(harness.fake, message["id"])
    assert logged(caplog, "could not record a question", "readonly")
    await store._run(lambda conn: conn.execute("PRAGMA query_only = OFF"))
    await answered(harness)
    assert await wait_rows(store.path, before + 1) == before + 1


async def test_database_full(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    store = harness.store

    def fill(conn: sqlite3.Connection) -> int:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        return int(conn.execute(f"PRAGMA max_page_count = {pages}").fetchone()[0])

    await store._run(fill)
    long_question = "how do i brew tea " * 400  # a page or two per row
    for _ in range(5):
        await answered(harness, long_question)
    assert logged(caplog, "could not record a question", "full")
    await store._run(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823"))
    before = question_rows(store.path)
    await answered(harness)
    assert await wait_rows(store.path, before + 1) == before + 1


async def test_database_closed(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    await harness.store.close()
    await answered(harness)
    message = await mention(harness)
    await wait_reply(harness.fake, message["id"])
    assert logged(caplog, "could not record a question", "closed")


async def test_votes_while_the_database_fails_are_answered(harness: Harness) -> None:
    info = await ask(harness, "which is cheaper, tea or coffee")
    record = await wait_ok_callback(harness.fake, info)
    components = data_of(record)["components"]
    custom_id = components[0]["components"][0]["custom_id"]
    await harness.store._run(lambda conn: conn.execute("PRAGMA query_only = ON"))
    assert info.original_message_id is not None
    message = harness.fake.state.messages[info.original_message_id]
    click = await harness.fake.send_component(custom_id, message)
    thanks = await wait_ok_callback(harness.fake, click)
    assert "could not be recorded" in data_of(thanks)["content"]
    assert [r for r in harness.fake.requests if r.status >= 500] == []
    assert len([r for r in callbacks(harness.fake, click) if r.status in OK]) == 1
