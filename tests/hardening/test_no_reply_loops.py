"""No reply loops: messages from bots, webhooks and the bot itself get no reply, even when they
mention the bot or arrive by DM. A member's identical message, as a control, gets exactly one."""

from __future__ import annotations

from typing import Any

from fakediscord import payloads
from faqbot_harness import Harness
from hardening.helpers import CHANNEL_MESSAGES, replies_to, settle, wait_reply

QUESTION = "how do i brew tea?"


def mention(harness: Harness) -> str:
    return f"<@{harness.fake.bot_user['id']}> {QUESTION}"


async def assert_no_reply(harness: Harness, before: int) -> None:
    await settle(0.4)
    sent = harness.fake.requests_matching("POST", CHANNEL_MESSAGES)
    assert len(sent) == before, [r.json for r in sent[before:]]


async def control_gets_one_reply(harness: Harness) -> int:
    """A member's mention is answered once: the fake and the bot are live, so silence counts."""
    message = await harness.fake.send_message(mention(harness),
                                              mentions=[harness.fake.bot_user])
    await wait_reply(harness.fake, message["id"])
    await settle(0.2)
    assert len(replies_to(harness.fake, message["id"])) == 1
    return len(harness.fake.requests_matching("POST", CHANNEL_MESSAGES))


async def test_other_bots_get_no_reply(harness: Harness) -> None:
    before = await control_gets_one_reply(harness)
    other = harness.fake.state.add_user("otherbot", bot=True)
    harness.fake.state.add_member(harness.fake.guild, other)
    await harness.fake.send_message(mention(harness), author=other,
                                    mentions=[harness.fake.bot_user])
    await harness.fake.send_message(QUESTION, author=other, guild=False)
    await assert_no_reply(harness, before)


def webhook_message(harness: Harness, *, author_is_bot: bool) -> dict[str, Any]:
    state = harness.fake.state
    webhook_id = state.new_id()
    # A webhook's author is not a member; Discord may or may not flag it as a bot.
    author = payloads.user_payload(webhook_id, "Captain Hook", bot=author_is_bot)
    message = payloads.message_payload(
        state.new_id(), int(harness.fake.channel["id"]), author, content=mention(harness),
        guild_id=harness.fake.guild.id, mentions=[harness.fake.bot_user],
        webhook_id=webhook_id)
    state.messages[int(message["id"])] = message
    return message


async def test_webhooks_get_no_reply(harness: Harness) -> None:
    before = await control_gets_one_reply(harness)
    for author_is_bot in (False, True):
        message = webhook_message(harness, author_is_bot=author_is_bot)
        assert message["webhook_id"]
        await harness.fake.dispatch("MESSAGE_CREATE", message)
    await assert_no_reply(harness, before)


async def test_the_bot_itself_gets_no_reply(harness: Harness) -> None:
    before = await control_gets_one_reply(harness)
    me = harness.fake.bot_user
    # Its own message mentioning itself in a channel, and one in a member's DM channel.
    await harness.fake.send_message(mention(harness), author=me, mentions=[me])
    dm = harness.fake.dm_channel()
    message = payloads.message_payload(harness.fake.state.new_id(), int(dm["id"]), me,
                                       content=mention(harness), mentions=[me])
    await harness.fake.dispatch("MESSAGE_CREATE", message)
    await assert_no_reply(harness, before)


async def test_the_bots_own_answers_echoed_back_are_not_answered(harness: Harness) -> None:
    """Discord echoes every message the bot sends; an answer must not trigger another."""
    for _ in range(3):
        message = await harness.fake.send_message(mention(harness),
                                                  mentions=[harness.fake.bot_user])
        await wait_reply(harness.fake, message["id"])
    await harness.fake.send_slash("ask", {"question": QUESTION})
    # In a DM every message is a question: the bot's own answer there must not be one.
    message = await harness.fake.send_message(QUESTION, guild=False)
    await wait_reply(harness.fake, message["id"])
    await settle(0.5)
    sent = harness.fake.requests_matching("POST", CHANNEL_MESSAGES)
    assert len(sent) == 4
    assert all(r.json.get("message_reference") for r in sent)
