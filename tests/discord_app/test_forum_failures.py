"""Help forums when Discord refuses: a reply that could not be sent is not counted, a helper
who could not be called may be called again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from forum_world import ANSWERED, SUGGESTED, custom_id, world
from test_ask_edges import Broken
from test_forum import HELP_BUTTON, PICK_BUTTON, ephemeral, forum_row

from bot.discord_app.notice import APOLOGY


async def test_a_reply_refused_in_a_post_is_not_counted_as_answered(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        w.fake.fail_next("POST", r"/channels/\d+/messages", status=403)  # a locked post
        thread, _ = await w.fake.open_post(w.forum, ANSWERED)
        await w.fake.wait_for_request("POST", rf"/channels/{thread['id']}/messages", status=403)
        for _ in range(50):
            row = await forum_row(w, thread)
            if row is not None and row[0] == 0:
                break
            await asyncio.sleep(0.05)
        assert row is not None and row[0] == 0  # recorded (a gap to look at), not replied
        stats = await w.store.stats(1)
        assert stats.forum.answered == 0
        w.assert_valid()


async def test_still_need_help_that_failed_can_be_pressed_again(tmp_path: Path) -> None:
    async with world(tmp_path) as w, w.bot():
        thread, _ = await w.fake.open_post(w.forum, ANSWERED)
        message = await w.reply_in(thread)
        # The interaction gone (answered too late: 404 Unknown interaction).
        w.fake.fail_next("POST", r"/interactions/\d+/[^/]+/callback", status=404)
        info = await w.fake.send_component(custom_id(message, HELP_BUTTON), message)
        await w.fake.wait_for_request("POST", rf"/interactions/{info.id}/[^/]+/callback",
                                      status=404)
        for _ in range(50):
            row = await forum_row(w, thread)
            if row is not None and row[3] == 0:
                break
            await asyncio.sleep(0.05)
        assert row is not None and row[3] == 0  # not counted as handed over
        again = await w.fake.send_component(custom_id(message, HELP_BUTTON), message)
        record = await w.fake.wait_for_callback(again)
        assert "still needs help" in record.json["data"]["content"]
        row = await forum_row(w, thread)
        assert row is not None and row[3] == 1
        w.assert_valid()


async def test_a_button_that_fails_inside_tells_the_member(tmp_path: Path) -> None:
    """discord.py only logs a failure of a button that works after a restart: the member is
    told, as a view's buttons tell them."""
    async with world(tmp_path) as w, w.bot() as bot:
        thread, _ = await w.fake.open_post(w.forum, SUGGESTED)
        message = await w.reply_in(thread)
        bot.library = Broken(bot.library)  # type: ignore[assignment]
        info = await w.fake.send_component(custom_id(message, PICK_BUTTON), message)
        told = (await w.fake.wait_for_callback(info)).json
        assert ephemeral(told) and told["data"]["content"] == APOLOGY
        w.assert_valid()
