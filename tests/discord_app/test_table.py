"""`/compare`, `/topics` and `/explain` through the loopback stand-in for Discord."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fakediscord.records import RequestRecord
from PIL import Image

from bot.core.replies.reply import TableView
from bot.discord_app.cogs import table as table_cog
from bot.discord_app.table_image import render_table_png

if TYPE_CHECKING:
    from faqbot_harness import Harness  # the fixture's type; only for annotations

EPHEMERAL = 64
CHANNEL_MESSAGE = 4
DEFERRED_MESSAGE = 5
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
FOLLOWUP = r"/webhooks/\d+/[^/]+"


def data_of(record: RequestRecord) -> dict[str, Any]:
    return record.json.get("data", record.json)


def embeds_of(record: RequestRecord) -> list[dict[str, Any]]:
    return data_of(record).get("embeds") or []


def buttons_of(record: RequestRecord) -> list[dict[str, Any]]:
    return [c for row in data_of(record).get("components") or [] for c in row["components"]]


def no_pings(record: RequestRecord) -> None:
    mentions = data_of(record)["allowed_mentions"]
    assert mentions["parse"] == []
    assert not mentions.get("users") and not mentions.get("roles")


def fields_of(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def original_message(harness: Harness, record: RequestRecord) -> dict[str, Any]:
    info = harness.fake.state.interaction_by_token(record.path.split("/")[3])
    assert info is not None and info.original_message_id is not None
    return harness.fake.state.messages[info.original_message_id]


# -- /compare -----------------------------------------------------------------------------


async def test_compare_shows_the_whole_table_one_field_per_row(harness: Harness) -> None:
    record = await harness.slash("compare")
    assert record.json["type"] == CHANNEL_MESSAGE
    [embed] = embeds_of(record)
    assert embed["title"] == "Tea and coffee compared"
    fields = fields_of(embed)
    kb = harness.library.current.kb
    assert kb.table is not None
    for row in kb.table.rows:  # every row, both sides, labelled with the column names
        value = fields[row.factor]
        for column, cell in zip(kb.table.columns, row.cells, strict=True):
            assert f"**{column}:** {cell}" in value
    assert all(f.get("inline") is False for f in embed["fields"])
    assert not data_of(record).get("flags")
    no_pings(record)
    harness.assert_valid()


async def test_compare_one_factor_by_alias(harness: Harness) -> None:
    record = await harness.slash("compare", {"factor": "cost"})
    [embed] = embeds_of(record)
    assert embed["title"] == "Price per cup: Tea vs Coffee"
    fields = fields_of(embed)
    assert "**Tea:** A few cents" in fields["Price per cup"]
    assert "**Coffee:** Tens of cents" in fields["Price per cup"]
    assert [name for name in fields if name != "See also"] == ["Price per cup"]
    no_pings(record)
    harness.assert_valid()


async def test_compare_by_the_id_autocomplete_sends(harness: Harness) -> None:
    info = await harness.fake.send_autocomplete("compare", {"factor": "caff"}, "factor")
    completion = await harness.fake.wait_for_callback(info)
    assert completion.json["type"] == AUTOCOMPLETE_RESULT
    choices = completion.json["data"]["choices"]
    assert choices[0] == {"name": "Caffeine", "value": "row-caffeine"}
    record = await harness.slash("compare", {"factor": choices[0]["value"]})
    [embed] = embeds_of(record)
    assert embed["title"].startswith("Caffeine:")
    harness.assert_valid()


async def test_compare_autocomplete_empty_lists_every_factor(harness: Harness) -> None:
    info = await harness.fake.send_autocomplete("compare", {"factor": ""}, "factor")
    choices = (await harness.fake.wait_for_callback(info)).json["data"]["choices"]
    kb = harness.library.current.kb
    assert kb.table is not None
    assert [c["value"] for c in choices] == [row.id for row in kb.table.rows]
    harness.assert_valid()


async def test_compare_unknown_factor_is_an_ephemeral_error(harness: Harness) -> None:
    record = await harness.slash("compare", {"factor": "vibes"})
    [embed] = embeds_of(record)
    assert embed["title"] == "Unknown factor"
    assert "Price per cup" in embed["description"]
    assert data_of(record)["flags"] & EPHEMERAL
    no_pings(record)
    harness.assert_valid()


async def test_compare_image_is_a_phone_sized_png(harness: Harness) -> None:
    record = await harness.slash("compare", {"image": True})
    assert record.json["type"] == CHANNEL_MESSAGE
    [upload] = record.files
    assert upload.filename == "comparison.png"
    assert upload.data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(upload.data))
    image.verify()
    width, height = Image.open(io.BytesIO(upload.data)).size
    assert 600 <= width <= 1200 and 300 <= height <= 3000
    assert 10_000 < len(upload.data) < 2_000_000
    [embed] = embeds_of(record)
    assert embed["image"]["url"] == "attachment://comparison.png"
    assert embed["title"] == "Tea and coffee compared"
    assert [a["filename"] for a in data_of(record)["attachments"]] == ["comparison.png"]
    no_pings(record)
    harness.assert_valid()


async def test_compare_one_factor_as_image_ephemeral(harness: Harness) -> None:
    record = await harness.slash("compare", {"factor": "cost", "image": True, "ephemeral": True})
    [upload] = record.files
    assert Image.open(io.BytesIO(upload.data)).size[1] < 600  # one row: a short picture
    assert data_of(record)["flags"] & EPHEMERAL
    harness.assert_valid()


async def test_compare_image_slower_than_the_wait_is_deferred_then_sent(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_render(view: TableView, title: str) -> bytes:
        time.sleep(0.3)
        return render_table_png(view, title)

    monkeypatch.setattr(table_cog, "IMAGE_WAIT", 0.05)
    monkeypatch.setattr(table_cog, "render_table_png", slow_render)
    record = await harness.slash("compare", {"image": True, "ephemeral": True})
    assert record.json["type"] == DEFERRED_MESSAGE
    assert data_of(record)["flags"] & EPHEMERAL
    sent = await harness.fake.wait_for_request("POST", FOLLOWUP, timeout=10)
    [upload] = sent.files
    assert upload.filename == "comparison.png"
    assert upload.data.startswith(b"\x89PNG\r\n\x1a\n")
    [embed] = embeds_of(sent)
    assert embed["image"]["url"] == "attachment://comparison.png"
    no_pings(sent)
    harness.assert_valid()


# -- /topics and /explain -------------------------------------------------------------------


async def test_topics_lists_every_group_in_one_page(harness: Harness) -> None:
    record = await harness.slash("topics")
    [embed] = embeds_of(record)
    kb = harness.library.current.kb
    assert embed["title"] == f"Topics I know ({len(kb.ids)})"
    for entry in kb.entries:
        assert f"`{entry.id}`" in embed["description"]
        assert f"**{entry.group}**" in embed["description"]
    assert buttons_of(record) == []  # fits one embed: no pager
    harness.assert_valid()


def add_many_topics(folder: Path, count: int = 90) -> None:
    entries = "\n".join(
        f"""  - id: extra-topic-{n:03d}
    group: Extra group {n // 30}
    title: An extra topic with a rather long title to fill pages, number {n:03d}
    answer: Extra answer number {n}.
    questions:
      - what about extra topic number {n}
""" for n in range(count))
    (folder / "extra.yaml").write_text(f"document: Extras\n\nentries:\n{entries}",
                                       encoding="utf-8")


async def test_topics_pages_with_buttons_when_long(harness: Harness) -> None:
    add_many_topics(harness.knowledge_dir)
    result = harness.library.reload()
    assert result.ok, result.problems
    record = await harness.slash("topics")
    [first] = embeds_of(record)
    assert first["footer"]["text"].startswith("Page 1/")
    pages = int(first["footer"]["text"].split("/")[-1])
    assert pages >= 2
    buttons = buttons_of(record)
    assert [b["label"] for b in buttons] == ["◀ Previous", "Next ▶"]
    assert buttons[0].get("disabled") is True
    message = original_message(harness, record)
    seen = [first["description"]]
    for number in range(2, pages + 1):
        click = await harness.fake.send_component(buttons[1]["custom_id"], message)
        turned = await harness.fake.wait_for_callback(click)
        assert turned.json["type"] == UPDATE_MESSAGE
        [embed] = embeds_of(turned)
        assert embed["footer"]["text"] == f"Page {number}/{pages}"
        seen.append(embed["description"])
        message = original_message(harness, record)
    text = "\n".join(seen)
    for n in (0, 45, 89):
        assert f"`extra-topic-{n:03d}`" in text
    assert "**Extra group 2**" in text
    for embed_text in seen:
        assert len(embed_text) <= 4096
    harness.assert_valid()


async def test_explain_shows_one_entry(harness: Harness) -> None:
    record = await harness.slash("explain", {"topic": "flat-tyre"})
    [embed] = embeds_of(record)
    assert embed["title"] == "Fixing a flat tyre"
    assert embed["description"]
    no_pings(record)
    harness.assert_valid()


async def test_explain_autocomplete_then_by_title(harness: Harness) -> None:
    info = await harness.fake.send_autocomplete("explain", {"topic": "fixng a flat"}, "topic")
    choices = (await harness.fake.wait_for_callback(info)).json["data"]["choices"]
    assert choices[0]["value"] == "flat-tyre"
    assert len(choices) <= 25
    record = await harness.slash("explain", {"topic": "fixing a flat tyre"})  # a title, typed
    assert embeds_of(record)[0]["title"] == "Fixing a flat tyre"
    table = await harness.slash("explain", {"topic": "drinks-table"})
    assert fields_of(embeds_of(table)[0])["Price per cup"]
    harness.assert_valid()


async def test_explain_unknown_topic_is_an_ephemeral_error(harness: Harness) -> None:
    record = await harness.slash("explain", {"topic": "no-such-topic"})
    [embed] = embeds_of(record)
    assert embed["title"] == "Unknown topic"
    assert data_of(record)["flags"] & EPHEMERAL
    harness.assert_valid()
