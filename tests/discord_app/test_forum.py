"""Help forums end to end: the real discord.py client against the loopback stand-in."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
from fakediscord.payloads import JSON
from forum_world import (
    ANSWERED,
    EPHEMERAL,
    MANAGE_THREADS,
    SUGGESTED,
    UNANSWERED,
    World,
    custom_id,
    custom_ids,
    until,
    verdict_of,
    world,
)

from bot.core.matching.match import Verdict

SOLVED_BUTTON, HELP_BUTTON, PICK_BUTTON = "faqbot:forum:solved:", "faqbot:forum:help:", "faqbot:fp:"


async def click(w: World, prefix: str, message: JSON, user: JSON | None = None) -> JSON:
    """Presses the button starting with `prefix` on `message`; the callback's body."""
    info = await w.fake.send_component(custom_id(message, prefix), message, user=user)
    record = await w.fake.wait_for_callback(info)
    assert record.status in (200, 204), record.response
    body: JSON = record.json
    return body


def ephemeral(body: JSON) -> bool:
    return body["type"] == 4 and bool(body["data"].get("flags", 0) & EPHEMERAL)


def thread_tags(w: World, thread: JSON) -> list[str]:
    tags: list[str] = w.fake.state.channels[int(thread["id"])]["applied_tags"]
    return tags


async def forum_row(w: World, thread: JSON) -> tuple[object, ...] | None:
    def read(conn: object) -> tuple[object, ...] | None:
        row = conn.execute(  # type: ignore[attr-defined]
            "SELECT p.replied, p.solved_at IS NOT NULL, p.solved_item, "
            "p.handed_over_at IS NOT NULL, q.channel_id, q.verdict, q.text FROM forum_posts p "
            "LEFT JOIN questions q ON q.id = p.question_id WHERE p.thread_id = ?",
            (thread["id"],)).fetchone()
        return None if row is None else tuple(row)

    return await w.store._run(read)


# --------------------------------------------------------------------------- the reply


async def test_a_new_post_gets_one_answer_with_two_buttons(tmp_path: Path) -> None:
    assert verdict_of(ANSWERED) is Verdict.ANSWER
    async with world(tmp_path) as w, w.bot() as bot:
        thread, _ = await w.fake.open_post(w.forum, ANSWERED.capitalize() + "?")
        message = await w.reply_in(thread)
        assert bot.metrics.registry.get_sample_value(
            "faqbot_questions_total", {"verdict": "answer", "channel": "forum"}) == 1
        assert message["embeds"][0]["title"] == "Brewing tea"
        assert "three minutes" in message["embeds"][0]["description"]
        labels = [c["label"] for row in message["components"] for c in row["components"]]
        assert labels == ["Solved", "Still need help"]
        request = w.posted_in(thread)[0]
        assert request.json["allowed_mentions"]["parse"] == []
        assert "message_reference" not in request.json
        # The post gone from discord.py's cache and created again: no second reply.
        gone = {key: thread[key] for key in ("id", "guild_id", "parent_id", "type")}
        await w.fake.dispatch("THREAD_DELETE", gone)
        await w.fake.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        sentinel, _ = await w.fake.open_post(w.forum, "how long should tea steep")
        await w.reply_in(sentinel)
        assert len(w.posted_in(thread)) == 1
        assert await forum_row(w, thread) == (1, 0, None, 0, "forum", "answer",
                                              "How do i brew tea?")
        w.assert_valid()


async def test_suggestions_then_the_posters_pick(tmp_path: Path) -> None:
    assert verdict_of(SUGGESTED) is Verdict.SUGGEST
    async with world(tmp_path) as w, w.bot():
        bob = w.fake.add_user("bob")
        thread, _ = await w.fake.open_post(w.forum, SUGGESTED)
        message = await w.reply_in(thread)
        assert message["embeds"][0]["title"] == "These might help:"
        picks = [cid for cid in custom_ids(message) if cid.startswith(PICK_BUTTON)]
        assert 1 <= len(picks) <= 3
        assert custom_ids(message)[-2:] == [SOLVED_BUTTON + thread["id"],
                                            HELP_BUTTON + thread["id"]]
        pick = f"{PICK_BUTTON}{thread['id']}:coffee-grinding"
        assert pick in picks

        info = await w.fake.send_component(pick, message, user=bob)
        refused = (await w.fake.wait_for_callback(info)).json
        assert ephemeral(refused) and "Only the member who opened" in refused["data"]["content"]

        info = await w.fake.send_component(pick, message)  # alice opened the post
        shown = (await w.fake.wait_for_callback(info)).json
        assert shown["type"] == 7  # the reply turns into that answer, in the post
        assert shown["data"]["embeds"][0]["title"] == "Grinding coffee"
        edited = w.fake.state.messages[int(message["id"])]
        assert custom_ids(edited) == [SOLVED_BUTTON + thread["id"], HELP_BUTTON + thread["id"]]

        w.fake.grant_bot(MANAGE_THREADS)
        await click(w, SOLVED_BUTTON, edited)
        row = await forum_row(w, thread)
        assert row is not None and row[:3] == (1, 1, "coffee-grinding")
        w.assert_valid()


async def test_an_answers_alternatives_are_picks_in_the_post(tmp_path: Path) -> None:
    question = "What temperature for coffee?"  # answered, with a close runner-up offered
    async with world(tmp_path) as w, w.bot():
        thread, _ = await w.fake.open_post(w.forum, question)
        message = await w.reply_in(thread)
        embed = message["embeds"][0]
        assert embed["title"] != "These might help:"
        assert any(f["name"] == "Not it? Maybe one of these:" for f in embed["fields"])
        picks = [cid for cid in custom_ids(message) if cid.startswith(PICK_BUTTON)]
        assert 1 <= len(picks) <= 2
        assert custom_ids(message)[-2:] == [SOLVED_BUTTON + thread["id"],
                                            HELP_BUTTON + thread["id"]]
        info = await w.fake.send_component(picks[0], message)
        shown = (await w.fake.wait_for_callback(info)).json
        assert shown["type"] == 7  # the reply turns into the picked answer
        assert shown["data"]["embeds"][0]["title"] != embed["title"]
        w.assert_valid()


async def test_no_answer_stays_silent_but_lands_in_gaps(tmp_path: Path) -> None:
    assert verdict_of(UNANSWERED) is Verdict.NONE
    async with world(tmp_path) as w, w.bot():
        thread, _ = await w.fake.open_post(w.forum, UNANSWERED)
        sentinel, _ = await w.fake.open_post(w.forum, ANSWERED)
        await w.reply_in(sentinel)
        assert w.posted_in(thread) == []
        assert await forum_row(w, thread) == (0, 0, None, 0, "forum", "none", UNANSWERED)
        gaps = await w.store.gaps(1)
        assert [g.example for g in gaps] == [UNANSWERED]


async def test_posts_the_bot_must_ignore(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        before, _ = w.fake.add_post(w.forum, ANSWERED)  # listed in GUILD_CREATE's threads
        archived, first = w.fake.add_post(w.forum, "how long should tea steep")
        w.fake.guild.threads.remove(archived)  # not listed: a THREAD_CREATE would be new to it
        other_forum = w.fake.add_forum("off-topic", ["Solved"])
        async with w.bot():
            await w.fake.dispatch("THREAD_CREATE", {**archived, "newly_created": True})
            await w.fake.dispatch("MESSAGE_CREATE", first)
            unlisted, _ = await w.fake.open_post(other_forum, ANSWERED)
            robot = w.fake.add_user("robot")
            robot["bot"] = True
            by_bot, _ = await w.fake.open_post(w.forum, ANSWERED, author=robot)
            by_me, _ = await w.fake.open_post(w.forum, ANSWERED, author=w.fake.bot_user)
            sentinel, _ = await w.fake.open_post(w.forum, ANSWERED)
            await w.reply_in(sentinel)
            for thread in (before, archived, unlisted, by_bot, by_me):
                assert w.posted_in(thread) == [], thread["name"]
                assert await forum_row(w, thread) is None
        w.assert_valid()


async def test_body_is_read_only_with_forum_read_body(tmp_path: Path) -> None:
    title = "Help needed"
    assert verdict_of(title) is Verdict.NONE
    async with world(tmp_path) as w:
        async with w.bot():
            assert not w.fake.connections[-1].intents & (1 << 15)  # no Message Content asked
            off, _ = await w.fake.open_post(w.forum, title, ANSWERED)
            sentinel, _ = await w.fake.open_post(w.forum, ANSWERED)
            await w.reply_in(sentinel)
            assert w.posted_in(off) == []
        async with w.bot(forum_read_body=True):
            assert w.fake.connections[-1].intents & (1 << 15)
            on, _ = await w.fake.open_post(w.forum, title, ANSWERED)
            message = await w.reply_in(on)
            assert message["embeds"][0]["title"] == "Brewing tea"
            row = await forum_row(w, on)
            assert row is not None and row[6] == f"{title}\n{ANSWERED}"
        w.assert_valid()


async def test_the_first_message_early_late_or_missing(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Discord may deliver the first message before THREAD_CREATE, or (rarely) not at all:
    then the bot fetches it."""
    from bot.discord_app.cogs import forum as forum_cog

    monkeypatch.setattr(forum_cog, "STARTER_WAIT", 0.2)
    title = "Help needed"
    async with world(tmp_path) as w, w.bot(forum_read_body=True):
        early, first = w.fake.add_post(w.forum, title, ANSWERED)
        await w.fake.dispatch("MESSAGE_CREATE", first)
        await w.fake.dispatch("THREAD_CREATE", {**early, "newly_created": True})
        assert (await w.reply_in(early))["embeds"][0]["title"] == "Brewing tea"
        missing, _ = w.fake.add_post(w.forum, title, ANSWERED)
        await w.fake.dispatch("THREAD_CREATE", {**missing, "newly_created": True})
        assert (await w.reply_in(missing))["embeds"][0]["title"] == "Brewing tea"
        fetched = await w.fake.wait_for_request(
            "GET", rf"/channels/{missing['id']}/messages/{missing['id']}")
        assert fetched.status == 200
        # The first message deleted at once: the title alone, and a bot's post stays ignored.
        robot = w.fake.add_user("robot")
        robot["bot"] = True
        for author, question in ((robot, ANSWERED), (w.fake.user, "how long should tea steep")):
            gone, _ = w.fake.add_post(w.forum, question, author=author)
            del w.fake.state.messages[int(gone["id"])]
            await w.fake.dispatch("THREAD_CREATE", {**gone, "newly_created": True})
            await w.fake.wait_for_request(  # who opened it, asked of the member list
                "GET", rf"/guilds/\d+/members/{author['id']}")
        message = await w.reply_in(gone)
        assert message["embeds"][0]["title"] == "Brewing tea"
        assert len(w.fake.requests_matching("POST", r"/channels/\d+/messages")) == 3
        w.assert_valid()


# ------------------------------------------------------------------------------ Solved


async def test_solved_by_the_poster_keeps_the_other_tags(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot() as bot:
        w.fake.grant_bot(MANAGE_THREADS)
        thread, _ = await w.fake.open_post(w.forum, ANSWERED, tags=["Bug", "Question"])
        message = await w.reply_in(thread)
        body = await click(w, SOLVED_BUTTON, message)
        assert body["type"] == 4 and not body["data"].get("flags")
        assert "Marked as solved" in body["data"]["content"]
        assert body["data"]["allowed_mentions"]["parse"] == []
        patch = await w.fake.wait_for_request("PATCH", rf"/channels/{thread['id']}")
        assert patch.json == {"applied_tags": w.tag_ids("Bug", "Question", "Solved")}
        assert thread_tags(w, thread) == w.tag_ids("Bug", "Question", "Solved")
        row = await forum_row(w, thread)
        assert row is not None and row[:3] == (1, 1, "tea-brewing")
        post = bot.get_channel(int(thread["id"]))
        assert isinstance(post, discord.Thread)
        await until(lambda: len(post.applied_tags) == 3, "THREAD_UPDATE reaches the bot")
        again = await click(w, SOLVED_BUTTON, message)
        assert ephemeral(again) and "already" in again["data"]["content"]
        w.assert_valid()


async def test_solved_by_a_stranger_is_refused_and_by_a_moderator_applied(
        tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        w.fake.grant_bot(MANAGE_THREADS)
        moderators = w.fake.add_role("Moderators", permissions=MANAGE_THREADS)
        moderator = w.fake.add_user("mod", roles=[moderators])
        stranger = w.fake.add_user("bob")
        thread, _ = await w.fake.open_post(w.forum, ANSWERED)
        message = await w.reply_in(thread)
        refused = await click(w, SOLVED_BUTTON, message, user=stranger)
        assert ephemeral(refused) and "Only the member who opened" in refused["data"]["content"]
        assert w.fake.requests_matching("PATCH", rf"/channels/{thread['id']}") == []
        done = await click(w, SOLVED_BUTTON, message, user=moderator)
        assert "Marked as solved" in done["data"]["content"]
        assert thread_tags(w, thread) == w.tag_ids("Solved")
        w.assert_valid()


async def test_a_post_with_five_tags_gives_one_way(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        w.fake.grant_bot(MANAGE_THREADS)
        five = ["Bug", "Question", "Hardware", "Software", "Urgent"]
        thread, _ = await w.fake.open_post(w.forum, ANSWERED, tags=five)
        message = await w.reply_in(thread)
        await click(w, SOLVED_BUTTON, message)
        patch = await w.fake.wait_for_request("PATCH", rf"/channels/{thread['id']}")
        assert patch.json["applied_tags"] == w.tag_ids(*five[:4], "Solved")
        assert patch.status == 200
        w.assert_valid()


async def test_the_stand_in_refuses_six_tags(tmp_path: Path) -> None:
    """The check the test above relies on: six tags on a post is a 400 and a violation."""
    async with world(tmp_path) as w, w.bot() as bot:
        w.fake.grant_bot(MANAGE_THREADS)
        thread, _ = await w.fake.open_post(w.forum, UNANSWERED)
        post = await bot.fetch_channel(int(thread["id"]))
        assert isinstance(post, discord.Thread)
        tags = [discord.Object(id=int(t)) for t in w.tag_ids(*[t["name"] for t in
                                                             w.forum["available_tags"]])]
        with pytest.raises(discord.HTTPException) as refused:
            await post.edit(applied_tags=tags)  # type: ignore[arg-type]
        assert refused.value.status == 400
        assert len(w.fake.violations) == 1
        w.fake.violations.clear()


async def test_missing_tag_or_permission_is_explained(tmp_path: Path) -> None:
    async with world(tmp_path, tags=["Bug"]) as w, w.bot():
        thread, _ = await w.fake.open_post(w.forum, ANSWERED)
        message = await w.reply_in(thread)
        w.fake.grant_bot(MANAGE_THREADS)
        body = await click(w, SOLVED_BUTTON, message)
        assert ephemeral(body) and "no tag called “Solved”" in body["data"]["content"]
        assert w.fake.requests_matching("PATCH", None) == []
        row = await forum_row(w, thread)
        assert row is not None and row[1] == 1  # the poster said so: it counts as solved
    async with world(tmp_path / "2") as w, w.bot():  # the bot may not manage threads
        thread, _ = await w.fake.open_post(w.forum, ANSWERED)
        message = await w.reply_in(thread)
        body = await click(w, SOLVED_BUTTON, message)
        assert ephemeral(body) and "Manage Threads" in body["data"]["content"]
        patch = await w.fake.wait_for_request("PATCH", rf"/channels/{thread['id']}")
        assert patch.status == 403
        w.assert_valid()


# ------------------------------------------------------------------- Still need help


async def test_still_need_help_pings_the_helper_role_once(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        stranger = w.fake.add_user("bob")
        thread, _ = await w.fake.open_post(w.forum, "@everyone " + ANSWERED)
        message = await w.reply_in(thread)
        refused = await click(w, HELP_BUTTON, message, user=stranger)
        assert ephemeral(refused) and "Only the member who opened" in refused["data"]["content"]
        body = await click(w, HELP_BUTTON, message)
        assert body["type"] == 4 and not body["data"].get("flags")
        role = w.helpers["id"]
        assert body["data"]["content"].startswith(f"<@&{role}> <@{w.fake.user['id']}>")
        mentions = body["data"]["allowed_mentions"]
        assert mentions["parse"] == []  # no @everyone, no users, no roles by parsing
        assert [str(r) for r in mentions["roles"]] == [role]
        assert not mentions.get("users")
        assert not mentions.get("replied_user")  # and it is no reply to ping anyone in
        again = await click(w, HELP_BUTTON, message)
        assert ephemeral(again) and "already" in again["data"]["content"]
        row = await forum_row(w, thread)
        assert row is not None and row[3] == 1
        w.assert_valid()


async def test_still_need_help_without_a_helper_role(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot(helper_role_id=None):
        thread, _ = await w.fake.open_post(w.forum, ANSWERED)
        message = await w.reply_in(thread)
        body = await click(w, HELP_BUTTON, message)
        assert "A helper will take a look" in body["data"]["content"]
        assert body["data"]["allowed_mentions"] == {"parse": []}
        w.assert_valid()


# ---------------------------------------------------------------------------- restart


async def test_buttons_work_after_a_restart(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        w.fake.grant_bot(MANAGE_THREADS)
        async with w.bot():
            thread, _ = await w.fake.open_post(w.forum, ANSWERED, tags=["Bug"])
            message = await w.reply_in(thread)
            suggested, _ = await w.fake.open_post(w.forum, SUGGESTED)
            suggestion = await w.reply_in(suggested)
        async with w.bot():  # a new process: no view in memory, the post from GUILD_CREATE
            done = await click(w, SOLVED_BUTTON, message)
            assert "Marked as solved" in done["data"]["content"]
            assert thread_tags(w, thread) == w.tag_ids("Bug", "Solved")
            help_body = await click(w, HELP_BUTTON, message)
            assert f"<@&{w.helpers['id']}>" in help_body["data"]["content"]
            pick = await click(w, f"{PICK_BUTTON}{suggested['id']}:coffee-grinding", suggestion)
            assert pick["type"] == 7
            # The restarted bot does not answer the old posts again.
            sentinel, _ = await w.fake.open_post(w.forum, ANSWERED)
            await w.reply_in(sentinel)
            assert len(w.posted_in(thread)) == 1
        async with w.bot():
            again = await click(w, HELP_BUTTON, message)  # once per post, across restarts
            assert ephemeral(again) and "already" in again["data"]["content"]
        w.assert_valid()


# ---------------------------------------------------------------------------- figures


async def test_kb_stats_shows_the_deflection_figures(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        w.fake.grant_bot(MANAGE_THREADS)
        solved, _ = await w.fake.open_post(w.forum, ANSWERED)
        await click(w, SOLVED_BUTTON, await w.reply_in(solved))
        handed, _ = await w.fake.open_post(w.forum, "how long should tea steep")
        await click(w, HELP_BUTTON, await w.reply_in(handed))
        silent, _ = await w.fake.open_post(w.forum, UNANSWERED)
        sentinel, _ = await w.fake.open_post(w.forum, "how fine should i grind coffee")
        await w.reply_in(sentinel)
        info = await w.fake.send_slash("kb stats", {}, user=w.fake.owner)
        await w.fake.wait_for_callback(info)
        followup = await w.fake.wait_for_request("POST", r"/webhooks/\d+/[^/]+")
        text = followup.json["embeds"][0]["description"]
        assert ("Help forum: 4 posts · answered automatically 3 · handed over "
                "to a helper 1\nMarked solved after the bot's answer: "
                "1 (33% of those answered)") in text
        assert "Brewing tea (tea-brewing): solved 1 of 2" in text
        assert UNANSWERED in text  # the post the bot could not answer is a gap
        assert await forum_row(w, silent) is not None
        w.assert_valid()


GARDEN = """\
entries:
  - id: watering
    title: Watering the garden
    answer: |
{steps}
    questions: [how do i water the garden]
  - id: pruning
    title: Pruning roses
    answer: Cut just above an outward-facing bud in late winter.
    questions: [when should i prune roses]
"""


async def test_a_long_answer_has_the_rest_one_button_away(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    steps = "\n".join(f"      Step {n}: water bed {n} slowly, at the roots, before noon."
                      for n in range(1, 160))
    (kb / "garden.yaml").write_text(GARDEN.format(steps=steps), encoding="utf-8")
    async with world(tmp_path) as w:
        async with w.bot(knowledge_dir=kb):
            thread, _ = await w.fake.open_post(w.forum, "How do I water the garden?")
            message = await w.reply_in(thread)
            [embed] = message["embeds"]
            assert embed["title"] == "Watering the garden"
            assert embed["footer"]["text"].startswith("Page 1/")
            pages = int(embed["footer"]["text"].split("/")[-1])
            assert pages >= 2 and "Step 1:" in embed["description"]
            assert custom_ids(message) == ["faqbot:fr:watering", SOLVED_BUTTON + thread["id"],
                                           HELP_BUTTON + thread["id"]]
            # A short answer gets no such button.
            short, _ = await w.fake.open_post(w.forum, "When should I prune roses?")
            assert custom_ids(await w.reply_in(short)) == [SOLVED_BUTTON + short["id"],
                                                           HELP_BUTTON + short["id"]]
        async with w.bot(knowledge_dir=kb):  # a restart: the button still works
            # Anyone may read the rest, privately, from the second page on, and turn pages.
            bob = w.fake.add_user("bob")
            info = await w.fake.send_component("faqbot:fr:watering", message, user=bob)
            record = await w.fake.wait_for_callback(info)
            assert ephemeral(record.json)
            [second] = record.json["data"]["embeds"]
            assert second["title"] == "Watering the garden (continued)"
            assert second["footer"]["text"] == f"Page 2/{pages}"
            seen = [embed["description"], second["description"]]
            state = w.fake.state.interaction_by_token(record.path.split("/")[3])
            assert state is not None and state.original_message_id is not None
            for number in range(3, pages + 1):
                shown = w.fake.state.messages[state.original_message_id]
                turn = await w.fake.send_component(custom_ids(shown)[-1], shown, user=bob)
                turned = (await w.fake.wait_for_callback(turn)).json
                assert turned["type"] == 7
                [page] = turned["data"]["embeds"]
                assert page["footer"]["text"] == f"Page {number}/{pages}"
                seen.append(page["description"])
            text = "\n".join(seen)
            assert all(f"Step {n}:" in text for n in range(1, 160))
        (kb / "garden.yaml").write_text(GARDEN.format(steps="      Short now.").replace(
            "id: watering", "id: irrigation"), encoding="utf-8")
        async with w.bot(knowledge_dir=kb):  # the answer gone: the button says so
            info = await w.fake.send_component("faqbot:fr:watering", message)
            gone = (await w.fake.wait_for_callback(info)).json
            assert ephemeral(gone)
            assert "no longer in the knowledge base" in gone["data"]["content"]
        w.assert_valid()


def test_a_long_answer_fits_in_one_embed_within_every_limit() -> None:
    from bot.core.replies.reply import Reply, ReplyKind
    from bot.discord_app.forum_buttons import forum_message

    long, _ = forum_message(1, Reply(kind=ReplyKind.ANSWER, title="Long", body="word " * 3000,
                                     footer="Source"))
    assert (long.footer.text or "").startswith("Source · Page 1/")
    assert len(long) <= 6000
    crowded, _ = forum_message(1, Reply(kind=ReplyKind.ANSWER, title="T" * 300,
                                        body="word " * 3000, footer="F" * 3000))
    assert len(crowded) <= 6000 and len(crowded.footer.text or "") <= 2048
