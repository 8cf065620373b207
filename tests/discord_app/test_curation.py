"""The curation loop through the stand-in: an unanswered question shows in /kb gaps, one select
adds it to an entry, and the next /ask answers it; /kb stats; refusals for members."""

from __future__ import annotations

import io
from typing import Any

import discord
from fakediscord.records import RequestRecord
from faqbot_harness import Harness
from PIL import Image

EPHEMERAL = 64
FOLLOWUP = r"/webhooks/\d+/[^/]+"
MANAGE_GUILD = discord.Permissions(manage_guild=True).value
QUESTION = "which graphics card should i buy for my gaming rig"
TARGET = "tea-brewing"


def data_of(record: RequestRecord) -> dict[str, Any]:
    return record.json.get("data", record.json)


async def followup(harness: Harness) -> RequestRecord:
    return await harness.fake.wait_for_request("POST", FOLLOWUP, timeout=10)


async def admin_slash(harness: Harness, name: str, options: dict[str, Any] | None = None
                      ) -> RequestRecord:
    """Run an admin /kb command with Manage Server; return its deferred follow-up."""
    info = await harness.fake.send_slash(name, options or {}, permissions=MANAGE_GUILD)
    deferred = await harness.fake.wait_for_callback(info)
    assert deferred.json["type"] == 5
    return await followup(harness)


async def test_gap_is_listed_fixed_in_one_click_and_then_answered(harness: Harness) -> None:
    before = await harness.slash("ask", {"question": QUESTION})
    assert data_of(before)["embeds"][0]["title"] == "No answer in the knowledge base"

    gaps = await admin_slash(harness, "kb gaps", {"days": 7})
    body = data_of(gaps)
    assert body["flags"] & EPHEMERAL
    assert QUESTION in body["embeds"][0]["description"]
    selects = [c for row in body["components"] for c in row["components"] if c["type"] == 3]
    assert selects, body
    assert any(o["value"] == TARGET for o in selects[0]["options"])
    message = gaps.response  # the follow-up message, as the stand-in created it

    click = await harness.fake.send_component(selects[0]["custom_id"], message,
                                              component_type=3, values=[TARGET])
    deferred = await harness.fake.wait_for_callback(click)
    assert deferred.json["type"] == 6  # deferred update: the gaps message stays
    result = await followup(harness)
    assert result.json["flags"] & EPHEMERAL
    assert "Added" in result.json["content"] or "added" in result.json["content"]

    text = (harness.knowledge_dir / "tiny.yaml").read_text(encoding="utf-8")
    assert QUESTION in text
    after = await harness.slash("ask", {"question": QUESTION})
    assert data_of(after)["embeds"][0]["title"] == "Brewing tea"

    gaps = await admin_slash(harness, "kb gaps", {"days": 7})
    assert QUESTION not in data_of(gaps)["embeds"][0]["description"]  # fixed gaps drop off
    harness.assert_valid()


async def test_stats_shows_figures_and_a_chart(harness: Harness) -> None:
    await harness.slash("ask", {"question": "which is cheaper, tea or coffee"})
    await harness.slash("ask", {"question": QUESTION})
    stats = await admin_slash(harness, "kb stats")
    assert stats.json["embeds"][0]["image"]["url"] == "attachment://questions-per-day.png"
    assert "Questions, last 30 days" in stats.json["embeds"][0]["description"]
    assert len(stats.files) == 1
    image = Image.open(io.BytesIO(stats.files[0].data))
    assert image.format == "PNG" and image.width >= 400
    harness.assert_valid()


async def test_members_cannot_see_gaps_or_stats(harness: Harness) -> None:
    for name in ("kb gaps", "kb stats"):
        record = await harness.slash(name, {})
        assert record.json["data"]["flags"] & EPHEMERAL
        assert "Only admins" in record.json["data"]["content"]
    harness.assert_valid()


def test_an_add_outcome_fits_one_message_however_long() -> None:
    from pathlib import Path

    from bot.discord_app.curation import outcome_text
    from bot.discord_app.embeds import CONTENT_LIMIT
    from bot.knowledge_edit import AppendResult

    problems = tuple(f"kb.yaml:{n}:1: " + "x" * 400 for n in range(1, 20))
    result = AppendResult(False, "@everyone " + "*why* " * 400, Path("kb.yaml"), "a", "q",
                          problems)
    text = outcome_text(result)
    assert len(text) <= CONTENT_LIMIT
    assert text.startswith("@\u200beveryone \\*why\\*")  # members' words can't ping or format
    assert text.endswith("\n```") and "kb.yaml:1:1:" in text


async def test_a_file_broken_by_hand_meanwhile_is_named_as_the_likely_cause(
        harness: Harness) -> None:
    await harness.slash("ask", {"question": QUESTION})
    gaps = await admin_slash(harness, "kb gaps", {"days": 7})
    [select, *_] = [c for row in data_of(gaps)["components"] for c in row["components"]
                    if c["type"] == 3]
    path = harness.knowledge_dir / "tiny.yaml"
    broken = path.read_text(encoding="utf-8") + "  - id: [unclosed\n"
    path.write_text(broken, encoding="utf-8")  # saved half-edited between the list and the pick
    click = await harness.fake.send_component(select["custom_id"], gaps.response,
                                              component_type=3, values=[TARGET])
    await harness.fake.wait_for_callback(click)
    result = await followup(harness)
    assert f"No knowledge file defines '{TARGET}' now: it was removed, or its file does not " \
           "load (/kb check says which)." in result.json["content"]
    assert path.read_text(encoding="utf-8") == broken  # left alone
    harness.assert_valid()
