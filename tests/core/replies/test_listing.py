"""`faqbot kb list` data: every entry, the table and each row, with their text."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import Entry, KnowledgeBase
from bot.core.replies.listing import list_items

TINY = Path(__file__).resolve().parents[2] / "fixtures" / "tiny" / "kb"
CLUB = Path(__file__).resolve().parents[2] / "fixtures" / "club" / "kb"


def load(folder: Path) -> KnowledgeBase:
    kb, problems = load_knowledge(folder)
    assert problems == []
    assert kb is not None
    return kb


def test_every_entry_and_row_is_listed_with_its_text() -> None:
    kb = load(TINY)
    items = list_items(kb)
    assert [item["id"] for item in items] == list(kb.ids)
    by_id = {item["id"]: item for item in items}
    for item in items:
        assert set(item) >= {"id", "kind", "title", "questions", "keywords", "answer"}

    tea = by_id["tea-brewing"]
    assert tea == {
        "id": "tea-brewing", "kind": "entry", "title": "Brewing tea", "group": "Drinks",
        "questions": ["how do i brew tea", "how long should tea steep"],
        "keywords": ["tea", "steep", "brew", "leaves"],
        "answer": "Steep the leaves for three minutes in water just off the boil.",
    }

    table = by_id["drinks-table"]
    assert table["kind"] == "table"
    assert table["title"] == "Tea and coffee compared"
    assert table["questions"] == ["compare tea and coffee"]
    answer = str(table["answer"])
    assert answer.startswith("How tea and coffee differ.")
    for text in ("Caffeine", "About 95 mg a cup", "Price per cup", "Tens of cents"):
        assert text in answer

    row = by_id["row-caffeine"]
    assert row["kind"] == "table-row"
    assert row["title"] == "Caffeine"
    assert row["questions"] == ["which has more caffeine, tea or coffee"]
    assert row["keywords"] == ["caffeine", "stimulant", "mg"]  # aliases first, no repeats
    assert row["answer"] == "Tea: About 40 mg a cup; Coffee: About 95 mg a cup"


def test_listing_is_json_serialisable() -> None:
    for folder in (TINY, CLUB):
        items = list_items(load(folder))
        assert items
        for item in items:
            assert json.loads(json.dumps(item)) == item


def test_listing_without_a_table() -> None:
    kb = KnowledgeBase(entries=(Entry(id="a", title="Alpha", answer="A."),))
    assert [item["id"] for item in list_items(kb)] == ["a"]
