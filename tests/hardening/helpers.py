"""Shared checks for the hardening tests."""

# Waiting helpers take a bounded `timeout` on purpose (tests must never hang).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from fakediscord import FakeDiscord
from fakediscord.records import RequestRecord
from fakediscord.state import InteractionInfo

CHANNEL_MESSAGES = r"/channels/\d+/messages"
OK = range(200, 300)


def data_of(record: RequestRecord) -> dict[str, Any]:
    body = record.json or {}
    return body.get("data", body) if isinstance(body, dict) else {}


def assert_no_pings(record: RequestRecord) -> None:
    """allowed_mentions parses nothing and names no user or role; no reply ping."""
    allowed = data_of(record).get("allowed_mentions")
    assert allowed is not None, f"no allowed_mentions in {record.method} {record.path}"
    assert allowed.get("parse") == []
    assert not allowed.get("users")
    assert not allowed.get("roles")
    assert not allowed.get("replied_user")


def assert_nothing_echoed(record: RequestRecord, *fragments: str) -> None:
    """None of the member's raw text (mentions, breakers) comes back unescaped."""
    text = json.dumps(data_of(record), ensure_ascii=False)
    for fragment in fragments:
        if fragment.strip():
            assert fragment not in text, f"{fragment!r} echoed in {text[:300]}"


def callbacks(fake: FakeDiscord, info: InteractionInfo) -> list[RequestRecord]:
    """Every successful callback request for one interaction."""
    return [r for r in fake.requests_matching("POST", rf"/interactions/{info.id}/[^/]+/callback")
            if r.status in OK]


def replies_to(fake: FakeDiscord, message_id: int | str) -> list[RequestRecord]:
    """Every successful reply the bot posted to one message."""
    def refers(record: RequestRecord) -> bool:
        reference = (record.json or {}).get("message_reference") or {}
        return str(reference.get("message_id")) == str(message_id)

    return [r for r in fake.requests_matching("POST", CHANNEL_MESSAGES, predicate=refers)
            if r.status in OK]


async def wait_ok_callback(fake: FakeDiscord, info: InteractionInfo,
                           timeout: float = 5.0) -> RequestRecord:
    """The interaction's first successful callback."""
    return await fake.wait_for_request(
        "POST", rf"/interactions/{info.id}/[^/]+/callback",
        predicate=lambda r: r.status in OK, timeout=timeout)


async def wait_reply(fake: FakeDiscord, message_id: int | str,
                     timeout: float = 5.0) -> RequestRecord:
    """The bot's first successful reply to a message."""
    def refers(record: RequestRecord) -> bool:
        reference = (record.json or {}).get("message_reference") or {}
        return str(reference.get("message_id")) == str(message_id) and record.status in OK

    return await fake.wait_for_request("POST", CHANNEL_MESSAGES, predicate=refers,
                                       timeout=timeout)


def exactly_once(counts: Counter[Any], keys: list[Any]) -> None:
    wrong = {key: counts[key] for key in keys if counts[key] != 1}
    assert not wrong, f"answered other than once: {wrong}"


async def settle(seconds: float = 0.3) -> None:
    """Give the bot time to send anything it should not."""
    await asyncio.sleep(seconds)


async def eventually(check: Callable[[], bool], within: float = 5.0) -> bool:
    """Whether `check()` becomes true within `within` seconds (polled every 50 ms)."""
    for _ in range(round(within / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()
