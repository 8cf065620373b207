"""Members ask through Discord: the real discord.py client against the loopback stand-in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fakediscord.records import RequestRecord
from faqbot_harness import Harness

EPHEMERAL = 64
CHANNEL_MESSAGES = r"/channels/\d+/messages"


def embed_of(record: RequestRecord) -> dict[str, Any]:
    data = record.json.get("data", record.json)
    embeds = data.get("embeds") or []
    assert len(embeds) == 1, data
    return embeds[0]


def buttons_of(record: RequestRecord) -> list[dict[str, Any]]:
    data = record.json.get("data", record.json)
    return [c for row in data.get("components") or [] for c in row["components"]]


def no_pings(record: RequestRecord) -> None:
    data = record.json.get("data", record.json)
    assert data["allowed_mentions"]["parse"] == []
    assert not data["allowed_mentions"].get("users")
    assert not data["allowed_mentions"].get("roles")


async def test_commands_are_synced_to_the_dev_guild(harness: Harness) -> None:
    names = {(c["name"], c.get("type", 1)) for c in harness.fake.commands(guild=True)}
    assert ("ask", 1) in names
    assert ("Find answer", 3) in names
    assert harness.fake.commands(guild=False) == []  # never synced globally at start
    for command in harness.fake.commands(guild=True):
        assert command.get("description") or command.get("type") == 3


async def test_ask_answers_with_an_embed(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "which is cheaper, tea or coffee"})
    assert record.json["type"] == 4
    embed = embed_of(record)
    assert embed["title"].startswith("Price per cup")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "A few cents" in fields["Price per cup"]
    assert "Tens of cents" in fields["Price per cup"]
    assert "Comparison" in embed["footer"]["text"]
    assert not record.json["data"].get("flags")  # public by default
    labels = [b.get("label") for b in buttons_of(record)]
    assert labels == ["Helpful", "Not helpful"]
    no_pings(record)
    harness.assert_valid()


async def test_ask_ephemeral_and_entry_answer(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "how long should tea steep in the pot",
                                         "ephemeral": True})
    embed = embed_of(record)
    assert embed["title"] == "Brewing tea"
    assert "three minutes" in embed["description"]
    assert record.json["data"]["flags"] & EPHEMERAL
    assert any(f["name"] == "See also" for f in embed.get("fields", []))
    harness.assert_valid()


async def test_none_answer_is_friendly_and_never_guesses(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "whats the weather in berlin tomorrow"})
    embed = embed_of(record)
    assert embed["title"] == "No answer in the knowledge base"
    assert "/topics" in embed["description"]
    assert buttons_of(record) == []
    harness.assert_valid()


async def test_everyone_in_a_question_pings_nobody(harness: Harness) -> None:
    question = "@everyone @here <@&123> <@456> how do i brew tea?"
    record = await harness.slash("ask", {"question": question})
    no_pings(record)
    harness.assert_valid()


async def suggest_record(harness: Harness, **kwargs: Any) -> RequestRecord:
    """Ask vaguer and vaguer questions until the bot offers choices."""
    for question in ("coffee beans or tea leaves", "tea leaves coffee beans", "tea coffee"):
        record = await harness.slash("ask", {"question": question}, **kwargs)
        if embed_of(record)["title"] == "Did you mean…":
            return record
    pytest.fail("no question produced a did-you-mean reply")


async def click_as_stranger_then_asker(harness: Harness, record: RequestRecord,
                                       custom_id: str) -> RequestRecord:
    """Presses a button of the reply `record` sent: a stranger is refused, ephemerally; the
    asker's press is answered, and that answer is returned."""
    info = harness.fake.state.interaction_by_token(record.path.split("/")[3])
    assert info is not None and info.original_message_id is not None
    message = harness.fake.state.messages[info.original_message_id]
    stranger = harness.fake.add_user("stranger")
    click = await harness.fake.send_component(custom_id, message, user=stranger)
    refused = await harness.fake.wait_for_callback(click)
    assert refused.json["data"]["flags"] & EPHEMERAL
    assert "Only the person who asked" in refused.json["data"]["content"]
    click = await harness.fake.send_component(custom_id, message)
    return await harness.fake.wait_for_callback(click)


async def test_did_you_mean_click_by_the_asker_and_by_someone_else(harness: Harness) -> None:
    record = await suggest_record(harness)
    buttons = buttons_of(record)
    assert 1 <= len(buttons) <= 3
    shown = await click_as_stranger_then_asker(harness, record, buttons[0]["custom_id"])
    assert shown.json["type"] == 7  # UPDATE_MESSAGE: the choices become the answer
    title = embed_of(shown)["title"]
    assert title != "Did you mean…"
    assert title.split(":")[0] in buttons[0]["label"]
    harness.assert_valid()


async def test_an_answers_alternatives_are_buttons_the_asker_can_pick(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "what temperature for coffee"})
    embed = embed_of(record)
    offered = next(f for f in embed["fields"] if f["name"] == "Not it? Maybe one of these:")
    buttons = buttons_of(record)
    labels = [b.get("label") for b in buttons]
    assert labels[-2:] == ["Helpful", "Not helpful"]  # the votes stay
    picks = buttons[:-2]
    assert 1 <= len(picks) <= 2
    assert all(b["label"][3:] in offered["value"] for b in picks)
    shown = await click_as_stranger_then_asker(harness, record, picks[0]["custom_id"])
    assert shown.json["type"] == 7  # UPDATE_MESSAGE: the message becomes the picked answer
    assert embed_of(shown)["title"].split(":")[0] in picks[0]["label"]
    assert [b.get("label") for b in buttons_of(shown)] == ["Helpful", "Not helpful"]
    harness.assert_valid()


async def test_autocomplete_offers_questions(harness: Harness) -> None:
    info = await harness.fake.send_autocomplete("ask", {"question": "how do i br"}, "question")
    record = await harness.fake.wait_for_callback(info)
    assert record.json["type"] == 8
    choices = record.json["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert all(len(c["name"]) <= 100 and c["value"] for c in choices)
    harness.assert_valid()


async def test_mention_gets_a_reply(harness: Harness) -> None:
    bot_user = harness.fake.bot_user
    await harness.fake.send_message(f"<@{bot_user['id']}> how do i fix a flat tyre?",
                                    mentions=[bot_user])
    record = await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES)
    assert record.json["message_reference"]["message_id"]
    assert embed_of(record)["title"]
    no_pings(record)
    assert record.json["allowed_mentions"].get("replied_user") is False
    harness.assert_valid()


async def test_dm_gets_a_reply(harness: Harness) -> None:
    await harness.fake.send_message("is tea cheaper than coffee?", guild=False)
    record = await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES)
    assert embed_of(record)["title"]
    harness.assert_valid()


async def test_other_bots_and_unmentioned_messages_are_ignored(harness: Harness) -> None:
    other_bot = harness.fake.state.add_user("otherbot", bot=True)
    await harness.fake.send_message("how do i brew tea?", author=other_bot, guild=False)
    await harness.fake.send_message("how do i brew tea?")  # no mention in a channel
    await asyncio.sleep(0.3)
    assert harness.fake.requests_matching("POST", CHANNEL_MESSAGES) == []


async def test_find_answer_context_menu(harness: Harness) -> None:
    asker = harness.fake.add_user("asker")
    message = await harness.fake.send_message("how fine should i grind coffee?",
                                              author=asker)
    info = await harness.fake.send_message_command("Find answer", message)
    record = await harness.fake.wait_for_callback(info)
    assert record.json["type"] == 4
    assert embed_of(record)["title"]
    no_pings(record)
    harness.assert_valid()


async def test_cooldown_is_told_politely_and_ephemerally(harness: Harness) -> None:
    rate = harness.bot.settings.cooldown_rate
    for _ in range(rate):
        record = await harness.slash("ask", {"question": "how do i brew tea"})
        assert not (record.json["data"].get("flags") or 0) & EPHEMERAL
    record = await harness.slash("ask", {"question": "how do i brew tea"})
    assert record.json["data"]["flags"] & EPHEMERAL
    assert "please wait" in record.json["data"]["content"]
    harness.assert_valid()


async def test_vote_is_recorded_once_and_changeable(harness: Harness) -> None:
    record = await harness.slash("ask", {"question": "which is cheaper, tea or coffee"})
    up, down = (b["custom_id"] for b in buttons_of(record))
    info = harness.fake.state.interaction_by_token(record.path.split("/")[3])
    assert info is not None and info.original_message_id is not None
    message = harness.fake.state.messages[info.original_message_id]
    for custom_id in (up, up, down):
        click = await harness.fake.send_component(custom_id, message)
        thanks = await harness.fake.wait_for_callback(click)
        assert thanks.json["data"]["flags"] & EPHEMERAL
    stats = await harness.store.stats(1)
    per_item = {s.item_id: s for s in stats.items}
    assert (per_item["row-price"].up, per_item["row-price"].down) == (0, 1)
    harness.assert_valid()


async def test_no_answer_offers_the_closest_entries_to_pick(harness: Harness) -> None:
    """Thresholds no question reaches: the bot has no answer, says so, and offers the entry
    that came closest as a button; the asker's pick turns the reply into that answer."""
    with (harness.knowledge_dir / "tiny.yaml").open("a", encoding="utf-8") as kb:
        kb.write("matcher:\n  answer: 0.95\n  suggest: 0.95\n")
    assert harness.library.reload().ok
    record = await harness.slash("ask", {"question": "steeping tea leaves"})
    embed = embed_of(record)
    assert embed["title"] == "No answer in the knowledge base"
    assert "came closest" in embed["description"] and "three minutes" not in embed["description"]
    [button] = buttons_of(record)
    assert button["label"] == "1. Brewing tea"
    shown = await click_as_stranger_then_asker(harness, record, button["custom_id"])
    assert shown.json["type"] == 7 and embed_of(shown)["title"] == "Brewing tea"
    harness.assert_valid()
