"""The shipped knowledge base loads clean and covers every topic the evaluation expects."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.knowledge.models import KnowledgeBase
from bot.settings import SHIPPED_KNOWLEDGE

ROOT = Path(__file__).resolve().parent.parent
TOPICS = ROOT / "tests" / "fixtures" / "topics.yaml"
TABLE_ROWS = {
    "factor-cost",
    "factor-customizability",
    "factor-data-privacy",
    "factor-frontier-capability",
    "factor-safety-enforcement",
}


@pytest.fixture(scope="module")
def kb(shipped_kb: KnowledgeBase) -> KnowledgeBase:
    return shipped_kb  # loaded with no problem at all (tests/conftest.py)


def test_the_default_folder_is_the_shipped_one() -> None:
    assert SHIPPED_KNOWLEDGE == ROOT / "knowledge"


def test_covers_every_topic_id(kb: KnowledgeBase) -> None:
    topics = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]
    assert set(kb.ids) == set(topics)
    assert len(kb.ids) == len(set(kb.ids))


def test_the_table_has_the_five_rows(kb: KnowledgeBase) -> None:
    assert kb.table is not None
    assert {row.id for row in kb.table.rows} == TABLE_ROWS
    assert len(kb.table.rows) == 5
    assert kb.table.columns == ("Open models", "Closed models")
    for row in kb.table.rows:
        assert len(row.cells) == 2
        assert all(cell.strip() for cell in row.cells)


def test_every_entry_names_its_source_section(kb: KnowledgeBase) -> None:
    assert kb.table is not None
    for item in (*kb.entries, kb.table):
        assert item.source is not None, item.id
        assert item.source.document == "A Fundamental Divide in AI Development", item.id
        assert item.source.section, item.id


def test_every_entry_can_be_found(kb: KnowledgeBase) -> None:
    for item in kb.entries:
        assert item.questions, item.id
        assert item.answer.strip(), item.id
    for row in kb.table.rows if kb.table else ():
        assert row.questions, row.id
