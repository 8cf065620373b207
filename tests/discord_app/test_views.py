"""Buttons of the bot's own views (did-you-mean choices, alternatives, pages) pressed after a
restart: the view died with the old process, and the member is told so."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from fakediscord.records import RequestRecord
from forum_world import EPHEMERAL, SUGGESTED, UNANSWERED, World, world
from test_ask import buttons_of, embed_of

from bot.discord_app import views
from bot.discord_app.views import EXPIRED, EXPIRING

MANAGE_GUILD = 1 << 5


def original_message(w: World, record: RequestRecord) -> dict[str, object]:
    state = w.fake.state.interaction_by_token(record.path.split("/")[3])
    assert state is not None and state.original_message_id is not None
    message: dict[str, object] = w.fake.state.messages[state.original_message_id]
    return message


async def test_a_choice_pressed_after_a_restart_says_the_buttons_expired(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with world(tmp_path) as w:
        async with w.bot():
            info = await w.fake.send_slash("ask", {"question": SUGGESTED})
            record = await w.fake.wait_for_callback(info)
            assert embed_of(record)["title"] == "Did you mean…"
            choice = buttons_of(record)[0]["custom_id"]
            assert choice.startswith(EXPIRING)
            message = original_message(w, record)
            # Before the restart the live view answers, and the fallback stays silent.
            info = await w.fake.send_component(choice, message)
            picked = await w.fake.wait_for_callback(info)
            assert picked.json["type"] == 7
            info = await w.fake.send_slash("ask", {"question": SUGGESTED})
            record = await w.fake.wait_for_callback(info)
            message = original_message(w, record)
        # The margin for a clock ahead of Discord's would cover this quick restart.
        monkeypatch.setattr(views, "CLOCK_SKEW", timedelta(0))
        async with w.bot():
            for button in buttons_of(record):
                info = await w.fake.send_component(button["custom_id"], message)
                told = await w.fake.wait_for_callback(info)
                assert told.json["data"]["flags"] & EPHEMERAL
                assert told.json["data"]["content"] == EXPIRED
        w.assert_valid()


async def test_a_gaps_menu_used_after_a_restart_says_it_expired(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with world(tmp_path) as w:
        async with w.bot():
            info = await w.fake.send_slash("ask", {"question": UNANSWERED})
            await w.fake.wait_for_callback(info)
            info = await w.fake.send_slash("kb gaps", {"days": 7}, permissions=MANAGE_GUILD)
            await w.fake.wait_for_callback(info)
            listing = await w.fake.wait_for_request("POST", r"/webhooks/\d+/[^/]+", timeout=5)
            message = listing.response
            [menu] = [c for row in message["components"] for c in row["components"]
                      if c["type"] == 3]
            assert menu["custom_id"].startswith(EXPIRING)
        monkeypatch.setattr(views, "CLOCK_SKEW", timedelta(0))
        async with w.bot():
            info = await w.fake.send_component(menu["custom_id"], message, component_type=3,
                                               values=[menu["options"][0]["value"]])
            told = await w.fake.wait_for_callback(info)
            assert told.json["data"]["content"] == EXPIRED
        w.assert_valid()


async def test_a_live_choice_gets_one_answer_whatever_the_clock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A host clock far ahead of Discord's makes a fresh message look older than the start:
    the live view answers, and the fallback, seeing it did, stays silent."""
    monkeypatch.setattr(views, "CLOCK_SKEW", timedelta(seconds=-30))
    monkeypatch.setattr(views, "LIVE_VIEW_GRACE", 0.3)
    async with world(tmp_path) as w, w.bot():
        info = await w.fake.send_slash("ask", {"question": SUGGESTED})
        record = await w.fake.wait_for_callback(info)
        message = original_message(w, record)
        info = await w.fake.send_component(buttons_of(record)[0]["custom_id"], message)
        picked = await w.fake.wait_for_callback(info)
        assert picked.json["type"] == 7
        await asyncio.sleep(0.6)
        assert [r for r in w.fake.requests if EXPIRED in str(r.json)] == []
        w.assert_valid()
