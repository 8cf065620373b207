"""Hand-over to a human after a 👎, end to end against the loopback stand-in."""

from __future__ import annotations

from pathlib import Path

from fakediscord.payloads import JSON
from forum_world import ANSWERED, EPHEMERAL, World, custom_id, custom_ids, world

HELPER_BUTTON = "faqbot:helper:"


async def ask_and_vote_down(w: World, *, asker: JSON | None = None, voter: JSON | None = None,
                            channel: JSON | None = None, guild: bool = True,
                            question: str = ANSWERED) -> JSON:
    """`asker` runs /ask, `voter` (the asker by default) presses 👎; the vote's answer, a
    message payload as the stand-in keeps it."""
    info = await w.fake.send_slash("ask", {"question": question}, user=asker, channel=channel,
                                   guild=guild)
    await w.fake.wait_for_callback(info)
    assert info.original_message_id is not None
    answer = w.fake.state.messages[info.original_message_id]
    down = custom_id(answer, "faqbot:vote:down:")
    vote = await w.fake.send_component(down, answer, user=voter or asker)
    record = await w.fake.wait_for_callback(vote)
    assert record.json["data"]["flags"] & EPHEMERAL
    assert vote.original_message_id is not None
    return w.fake.state.messages[vote.original_message_id]


async def test_a_thumbs_down_offers_a_helper_who_gets_the_question_in_a_thread(
        tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        offer = await ask_and_vote_down(w, question="@everyone " + ANSWERED)
        assert "A helper can take over" in offer["content"]
        helper = custom_id(offer, HELPER_BUTTON)
        click = await w.fake.send_component(helper, offer)
        deferred = await w.fake.wait_for_callback(click)
        assert deferred.json["type"] == 5 and deferred.json["data"]["flags"] & EPHEMERAL

        general = w.fake.channel["id"]
        opened = await w.fake.wait_for_request("POST", rf"/channels/{general}/threads")
        assert opened.status == 201
        assert opened.json["name"] == "@everyone " + ANSWERED
        thread_id = opened.response["id"]
        posted = await w.fake.wait_for_request("POST", rf"/channels/{thread_id}/messages")
        role = w.helpers["id"]
        assert posted.json["content"].startswith(f"<@&{role}> <@{w.fake.user['id']}> asked:")
        assert ANSWERED in posted.json["content"]
        mentions = posted.json["allowed_mentions"]
        assert mentions["parse"] == [] and [str(r) for r in mentions["roles"]] == [role]
        assert not mentions.get("users") and not mentions.get("replied_user")
        await w.fake.wait_for_request(
            "PUT", rf"/channels/{thread_id}/thread-members/{w.fake.user['id']}")
        told = await w.fake.wait_for_request("POST", r"/webhooks/\d+/[^/]+")
        assert f"/channels/{w.fake.guild.id}/{thread_id}" in told.json["content"]

        # Within 5 minutes the same member gets no second hand-over.
        second = await ask_and_vote_down(w, question="how long should tea steep")
        click = await w.fake.send_component(custom_id(second, HELPER_BUTTON), second)
        refused = await w.fake.wait_for_callback(click)
        assert refused.json["data"]["flags"] & EPHEMERAL
        assert "please wait 5 more minutes" in refused.json["data"]["content"]
        assert len(w.fake.requests_matching("POST", r"/channels/\d+/threads")) == 1
        w.assert_valid()


async def test_only_the_asker_is_offered_a_helper_and_never_in_dms(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        bob = w.fake.add_user("bob")
        by_other = await ask_and_vote_down(w, voter=bob)
        assert custom_ids(by_other) == []
        in_dm = await ask_and_vote_down(w, guild=False)
        assert custom_ids(in_dm) == []
        w.assert_valid()
    async with world(tmp_path / "2") as w, w.bot(helper_role_id=None):
        no_role = await ask_and_vote_down(w)
        assert custom_ids(no_role) == [] and "helper" not in no_role["content"]


async def test_in_a_thread_the_question_is_posted_there(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        thread, _ = w.fake.add_post(w.forum, "an old post")
        carol = w.fake.add_user("carol")
        offer = await ask_and_vote_down(w, asker=carol, channel=thread)
        click = await w.fake.send_component(custom_id(offer, HELPER_BUTTON), offer, user=carol)
        await w.fake.wait_for_callback(click)
        posted = await w.fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages")
        assert posted.json["content"].startswith(f"<@&{w.helpers['id']}> <@{carol['id']}>")
        assert w.fake.requests_matching("POST", r"/channels/\d+/threads") == []
        w.assert_valid()


async def test_a_thumbs_down_on_a_mention_answer_offers_a_helper(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        bot_user = w.fake.bot_user
        await w.fake.send_message(f"<@{bot_user['id']}> {ANSWERED}", mentions=[bot_user])
        reply = await w.fake.wait_for_request("POST", rf"/channels/{w.fake.channel['id']}/messages")
        answer = w.fake.state.messages[int(reply.response["id"])]
        vote = await w.fake.send_component(custom_id(answer, "faqbot:vote:down:"), answer)
        await w.fake.wait_for_callback(vote)
        assert vote.original_message_id is not None
        offer = w.fake.state.messages[vote.original_message_id]
        assert custom_id(offer, HELPER_BUTTON)
        w.assert_valid()


async def test_a_hand_over_that_could_not_be_posted_does_not_count(tmp_path: Path) -> None:
    """Refused a thread and the channel, the member is told; the 5 minutes are not used up,
    so once the bot may post again the next press hands the question over."""
    async with world(tmp_path) as w, w.bot():
        offer = await ask_and_vote_down(w)
        w.fake.fail_next("POST", r"/channels/\d+/threads", status=403)
        w.fake.fail_next("POST", r"/channels/\d+/messages", status=403)
        info = await w.fake.send_component(custom_id(offer, HELPER_BUTTON), offer)
        await w.fake.wait_for_callback(info)
        told = await w.fake.wait_for_request("POST", r"/webhooks/\d+/[^/]+", timeout=5)
        assert "could not post your question" in told.json["content"]
        again = await w.fake.send_component(custom_id(offer, HELPER_BUTTON), offer)
        await w.fake.wait_for_callback(again)
        asked = await w.fake.wait_for_request("POST", r"/webhooks/\d+/[^/]+", timeout=5)
        assert "I asked the helpers" in asked.json["content"]
        w.assert_valid()
