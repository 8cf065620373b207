"""Hostile questions through /ask, a mention, a DM and "Find answer", and through the core.

Whatever a member types, a reply comes within a bounded time, it pings nobody, its body is one
Discord accepts, and none of the member's text comes back unescaped.
"""

from __future__ import annotations

import time

import pytest
from faqbot_harness import TINY, Harness
from hardening.helpers import (
    assert_no_pings,
    assert_nothing_echoed,
    callbacks,
    replies_to,
    wait_ok_callback,
    wait_reply,
)

from bot.core.knowledge.models import KnowledgeBase
from bot.core.library import Library
from bot.core.matching.matcher import Matcher
from bot.core.replies.render import render_match
from bot.discord_app.embeds import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    build_pages,
)

LONG = ("How long should tea steep, and how fine should I grind my coffee? " * 200)[:10_000]

HOSTILE: dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n\u00a0\u3000  \r\n ",
    "10000 characters": LONG,
    "10000 characters one word": "a" * 10_000,
    "control characters": "\x00\x01\x07\x08\x1b[31mis tea\x7f cheap\x1f?\x0b\x0c\u0085",
    "zero-width and rtl override": "\u200bis\u200c te\u200da\u2060 cheap\ufeff? "
                                   "\u202egnp.exe\u202c \u2066x\u2069 \u200f\u200e",
    "everyone and here": "@everyone @here is tea cheap?",
    "role and user mentions": "<@&123456789012345678> <@234567890123456789> "
                              "<@!345678901234567890> <#456789012345678901> is coffee strong?",
    "markdown breakers": "**bold __under ~~strike ||spoiler|| > quote `tick [link](http://x.y)"
                         " # Heading\n- list\n\\ escape *",
    "code block breakers": "```\n```python\nprint('hi')\n``` ```` ~~~ ` `` is tea cheap",
    "emoji only": "🦙🔓🤖🙂👍🏽👨‍👩‍👧‍👦🇪🇺",
    "custom emoji and timestamps": "<:llama:123456789012345678> <a:spin:1> <t:0:R> </ask:1>",
    "invisible only": "\u200b\u200c\u200d\u2060\ufeff",
    "combining marks": "l\u0336l\u0336a\u0336m\u0336a\u0336" + "\u0301" * 500,
    "sql and html": "'; DROP TABLE questions; -- <script>alert(1)</script> %s %d {0}",
    "newlines only": "\n" * 500,
}

# Raw fragments that must never come back in what the bot sends.
ECHO_FRAGMENTS = ("@everyone", "@here", "<@&123456789012345678>", "<@234567890123456789>",
                  "<@!345678901234567890>", "<script>", "DROP TABLE", "gnp.exe", "||spoiler||")

REPLY_WITHIN = 5.0  # seconds for a reply over loopback, generous for a busy machine
LONG_WITHIN = 3.0  # seconds from a 10,000-character question to its answer
CORE_WITHIN = 0.5  # seconds for matching, rendering and building the embeds of one question

CASES = list(HOSTILE.items())
IDS = list(HOSTILE)


def check_sent(harness: Harness, record: object) -> None:
    assert_no_pings(record)  # type: ignore[arg-type]
    assert_nothing_echoed(record, *ECHO_FRAGMENTS)  # type: ignore[arg-type]
    harness.assert_valid()
    assert harness.fake.unhandled == []


# One bot per way of asking, every hostile question in turn (a bot per question is slow).


async def test_ask(harness: Harness) -> None:
    for name, question in CASES:
        started = time.perf_counter()
        info = await harness.fake.send_slash("ask", {"question": question})
        record = await wait_ok_callback(harness.fake, info, timeout=REPLY_WITHIN)
        elapsed = time.perf_counter() - started
        check_sent(harness, record)
        data = record.json["data"]
        assert data.get("embeds") or data.get("content"), name
        assert len(data.get("content") or "") <= CONTENT_LIMIT, name
        if len(question) >= 10_000:
            assert elapsed < LONG_WITHIN, f"{name}: {elapsed:.2f}s"
        assert len(callbacks(harness.fake, info)) == 1, name


async def test_mention(harness: Harness) -> None:
    bot_user = harness.fake.bot_user
    for name, question in CASES:
        started = time.perf_counter()
        message = await harness.fake.send_message(f"<@{bot_user['id']}> {question}",
                                                  mentions=[bot_user])
        record = await wait_reply(harness.fake, message["id"], timeout=REPLY_WITHIN)
        elapsed = time.perf_counter() - started
        check_sent(harness, record)
        if len(question) >= 10_000:
            assert elapsed < LONG_WITHIN, f"{name}: {elapsed:.2f}s"
        assert len(replies_to(harness.fake, message["id"])) == 1, name


async def test_dm(harness: Harness) -> None:
    for name, question in CASES:
        message = await harness.fake.send_message(question, guild=False)
        record = await wait_reply(harness.fake, message["id"], timeout=REPLY_WITHIN)
        check_sent(harness, record)
        assert len(replies_to(harness.fake, message["id"])) == 1, name


async def test_find_answer(harness: Harness) -> None:
    asker = harness.fake.add_user("asker")
    for name, question in CASES:
        message = await harness.fake.send_message(question, author=asker)
        info = await harness.fake.send_message_command("Find answer", message)
        record = await wait_ok_callback(harness.fake, info, timeout=REPLY_WITHIN)
        check_sent(harness, record)
        assert len(callbacks(harness.fake, info)) == 1, name


# -- the core, without Discord ------------------------------------------------------------


@pytest.fixture(scope="module")
def core() -> tuple[KnowledgeBase, Matcher]:
    snapshot = Library.open(TINY).current
    return snapshot.kb, snapshot.matcher


@pytest.mark.parametrize(("name", "question"), CASES, ids=IDS)
def test_core(core: tuple[KnowledgeBase, Matcher], name: str, question: str) -> None:
    kb, matcher = core
    started = time.perf_counter()
    match = matcher.match(question)
    reply = render_match(kb, match)
    pages = build_pages(reply)
    elapsed = time.perf_counter() - started
    assert elapsed < CORE_WITHIN, f"{elapsed:.3f}s"
    assert pages
    for page in pages:
        assert len(page) <= EMBED_TOTAL_LIMIT
        assert len(page.description or "") <= DESCRIPTION_LIMIT
        text = repr(page.to_dict())
        for fragment in ECHO_FRAGMENTS:
            assert fragment not in text
