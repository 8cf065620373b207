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


# Out-of-scope questions of blind7, blind9 and blind10: a topic scores above every item, by
# less than it takes to decline on its own (a quarter margin).
@pytest.mark.parametrize("question", [
    "what timezone is this server run on",
    "how do i set up a minecraft server for me and my friends",
    "how much does it cost to rent an h100 per hour",
])
def test_nothing_is_offered_when_an_out_of_scope_topic_matches_better(
        kb: KnowledgeBase, question: str) -> None:
    from bot.core.matching.match import Verdict
    from bot.core.matching.matcher import Matcher

    matcher = Matcher.build(kb)
    match = matcher.match(question)
    [first] = matcher.explain(question, 1)
    assert first.id.startswith("out-of-scope:")
    assert (match.verdict, match.related) == (Verdict.NONE, ())
