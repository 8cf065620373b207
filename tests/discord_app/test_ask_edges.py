"""What members type, and how a mention is read: invisible questions, the bot's role, reply
pings, a failure inside answering, Find answer on someone's message."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fakediscord.events import Where, message_create_payload
from fakediscord.records import RequestRecord
from faqbot_harness import Harness
from test_ask import CHANNEL_MESSAGES, EPHEMERAL, buttons_of, embed_of, no_pings

from bot.discord_app.notice import APOLOGY

EMBED_LINKS = 1 << 14
INVISIBLE = ["\u200b\u200b", "\u200b \u2060 \ufeff", "\u3000\u00a0"]


async def mention(harness: Harness, text: str) -> RequestRecord:
    me = harness.fake.bot_user
    await harness.fake.send_message(f"<@{me['id']}> {text}", mentions=[me])
    return await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=10)


async def recorded(harness: Harness) -> int:
    return (await harness.store.stats(1)).total


@pytest.mark.parametrize("question", INVISIBLE, ids=["zero-width", "mixed", "spaces"])
async def test_an_invisible_question_gets_the_hint_and_is_not_recorded(
        harness: Harness, question: str) -> None:
    record = await harness.slash("ask", {"question": question})
    data = record.json["data"]
    assert data["flags"] & EPHEMERAL and "Ask me a question" in data["content"]
    record = await mention(harness, question)
    assert "Ask me a question" in record.json["content"]
    assert await recorded(harness) == 0
    harness.assert_valid()


# Whether Discord shows such a message's text to a bot without the Message Content intent is
# not documented: the stand-in does not, so this bot has the intent.
@pytest.mark.parametrize("settings_changes", [{"forum_read_body": True}])
async def test_a_mention_of_the_bots_own_role_is_a_mention(harness: Harness) -> None:
    """Discord's @ list offers the bot's managed role beside the bot."""
    role = next(r for r in harness.fake.guild.roles if (r.get("tags") or {}).get("bot_id"))
    await harness.fake.send_message(f"<@&{role['id']}> how do i brew tea?")
    record = await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=5)
    assert embed_of(record)["title"] == "Brewing tea"
    no_pings(record)
    harness.assert_valid()


async def test_a_reply_to_the_bot_that_does_not_name_it_is_no_question(harness: Harness) -> None:
    """A reply pings its author by default, so the bot is in `mentions`; "thanks!" under an
    answer is not asked of the knowledge base (nothing is sent, nothing recorded)."""
    answer = (await mention(harness, "how do i brew tea?")).response
    fake = harness.fake
    message = message_create_payload(fake.state, Where(fake.state, fake.user, guild=True,
                                                       channel=None),
                                     "thanks, that worked!", [fake.bot_user])
    message["type"] = 19  # a reply
    message["message_reference"] = {"type": 0, "message_id": answer["id"],
                                    "channel_id": answer["channel_id"],
                                    "guild_id": str(fake.guild.id)}
    message["referenced_message"] = answer
    await fake.dispatch("MESSAGE_CREATE", message)
    await asyncio.sleep(0.5)
    assert len(fake.requests_matching("POST", CHANNEL_MESSAGES)) == 1
    assert await recorded(harness) == 1
    harness.assert_valid()


class Broken:
    """A library whose knowledge base cannot be read: answering raises."""

    def __init__(self, real: Any) -> None:
        self.real = real

    @property
    def current(self) -> Any:
        raise RuntimeError("the knowledge base exploded")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.mark.parametrize("where", ["mention", "dm"])
async def test_a_failure_while_answering_a_message_is_told_and_the_bot_goes_on(
        harness: Harness, where: str) -> None:
    harness.bot.library = Broken(harness.library)  # type: ignore[assignment]
    if where == "mention":
        record = await mention(harness, "how do i brew tea?")
    else:
        await harness.fake.send_message("how do i brew tea?", guild=False)
        record = await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=5)
    assert record.json["content"] == APOLOGY  # no traceback for the member
    no_pings(record)
    harness.bot.library = harness.library
    await harness.fake.send_message("how do i brew tea?", guild=False)
    again = await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=5)
    assert embed_of(again)["title"] == "Brewing tea"
    harness.assert_valid()


async def test_find_answer_leaves_the_bots_mention_out_of_the_question(
        harness: Harness) -> None:
    me = harness.fake.bot_user
    asker = harness.fake.add_user("asker")
    message = await harness.fake.send_message(f"<@{me['id']}>", author=asker, mentions=[me])
    await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=5)  # the hint
    info = await harness.fake.send_message_command("Find answer", message)
    record = await harness.fake.wait_for_callback(info)
    assert record.json["data"]["flags"] & EPHEMERAL  # a mention alone has no text to answer
    message = await harness.fake.send_message(f"<@{me['id']}> how do i brew tea?",
                                              author=asker, mentions=[me])
    await harness.fake.wait_for_request("POST", CHANNEL_MESSAGES, timeout=5)
    info = await harness.fake.send_message_command("Find answer", message)
    await harness.fake.wait_for_callback(info)
    texts = await harness.store._run(
        lambda conn: [row[0] for row in conn.execute("SELECT text FROM questions")])
    assert texts == ["how do i brew tea?", "how do i brew tea?"]
    harness.assert_valid()


async def test_find_answer_choices_are_the_askers_too(harness: Harness) -> None:
    """Find answer records the message's author as the asker: they may pick a choice, as
    may the member who ran it; a third is refused."""
    author = harness.fake.add_user("author")
    message = await harness.fake.send_message("tea leaves coffee beans", author=author)
    info = await harness.fake.send_message_command("Find answer", message)
    record = await harness.fake.wait_for_callback(info)
    assert embed_of(record)["title"] == "Did you mean…"
    state = harness.fake.state.interaction_by_token(record.path.split("/")[3])
    assert state is not None and state.original_message_id is not None
    reply = harness.fake.state.messages[state.original_message_id]
    pick = buttons_of(record)[0]["custom_id"]
    stranger = harness.fake.add_user("stranger")
    click = await harness.fake.send_component(pick, reply, user=stranger)
    refused = await harness.fake.wait_for_callback(click)
    assert "Only the person who asked" in refused.json["data"]["content"]
    click = await harness.fake.send_component(pick, reply, user=author)
    shown = await harness.fake.wait_for_callback(click)
    assert shown.json["type"] == 7 and embed_of(shown)["title"] != "Did you mean…"
    harness.assert_valid()


async def test_where_the_bot_may_not_embed_links_it_answers_in_text(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """Discord does not show a bot's embeds without Embed Links: the answer is the text."""
    fake = harness.fake
    for role in fake.guild.roles:
        role["permissions"] = str(int(role["permissions"]) & ~EMBED_LINKS)
        await fake.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(fake.guild.id), "role": role})
    await asyncio.sleep(0.1)
    for _ in range(2):
        record = await mention(harness, "how do i brew tea?")
        assert not record.json.get("embeds")
        text = record.json["content"]
        assert text.startswith("**Brewing tea**") and "three minutes" in text
        assert "helpful" in str(record.json["components"]).lower()  # the votes stay
        no_pings(record)
    warned = [r for r in caplog.records if "no Embed Links" in r.getMessage()]
    assert len(warned) == 1  # once per channel
    harness.assert_valid()
