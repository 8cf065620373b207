"""Autocomplete for factors and topics, on a small fixture knowledge base (tests/fixtures/club)."""

from __future__ import annotations

import pytest

from bot.core.knowledge.models import Entry, KnowledgeBase
from bot.core.matching.complete import MAX_CHOICES, factor_choices, topic_choices


@pytest.fixture(scope="module")
def kb(club_kb: KnowledgeBase) -> KnowledgeBase:
    return club_kb


def test_empty_input_lists_every_factor_in_table_order(kb: KnowledgeBase) -> None:
    assert kb.table is not None
    choices = factor_choices(kb, "")
    assert [item_id for _, item_id in choices] == [row.id for row in kb.table.rows]
    assert [label for label, _ in choices] == [row.factor for row in kb.table.rows]


@pytest.mark.parametrize(("typed", "row_id"), [
    ("cost", "factor-cost"),
    ("pric", "factor-cost"),            # an alias, by prefix
    ("packing list", "factor-gear"),    # the alias "packing-list"
    ("endurence", "factor-fitness"),    # a typo
    ("equipmnt", "factor-gear"),
    ("factor-safety", "factor-safety-rules"),  # the id
    ("  SAFETY ", "factor-safety-rules"),
])
def test_factor_by_name_alias_id_or_typo(kb: KnowledgeBase, typed: str, row_id: str) -> None:
    choices = factor_choices(kb, typed)
    assert choices, typed
    assert choices[0][1] == row_id


def test_nonsense_offers_nothing(kb: KnowledgeBase) -> None:
    assert factor_choices(kb, "xyzzy") == []
    assert topic_choices(kb, "qqqqqq") == []


def test_topics_at_most_25_in_kb_order_when_empty(kb: KnowledgeBase) -> None:
    choices = topic_choices(kb, "")
    assert len(choices) == min(MAX_CHOICES, len(kb.ids))
    assert [item_id for _, item_id in choices] == list(kb.ids[:MAX_CHOICES])
    assert all(len(label) <= 100 for label, _ in choices)


@pytest.mark.parametrize(("typed", "item_id"), [
    ("fitness", "factor-fitness"),
    ("acountability", "leader-accountability"),
    ("trips-table", "trips-table"),
    ("at a glance", "trips-table"),
])
def test_topic_by_title_or_id(kb: KnowledgeBase, typed: str, item_id: str) -> None:
    choices = topic_choices(kb, typed)
    assert choices[0][1] == item_id
    assert item_id in choices[0][0]  # the label names the id as well as the title


def test_limit_is_respected(kb: KnowledgeBase) -> None:
    assert len(topic_choices(kb, "open", limit=3)) <= 3
    assert len(topic_choices(kb, "", limit=99)) <= MAX_CHOICES


def test_at_most_25_of_a_larger_knowledge_base() -> None:
    many = KnowledgeBase(entries=tuple(Entry(id=f"topic-{n}", title=f"Topic {n}", answer="A.")
                                       for n in range(MAX_CHOICES + 5)))
    assert [item_id for _, item_id in topic_choices(many, "")] == \
        [f"topic-{n}" for n in range(MAX_CHOICES)]
    assert len(topic_choices(many, "topic", limit=99)) == MAX_CHOICES


def test_no_table_no_factors() -> None:
    assert factor_choices(KnowledgeBase(entries=()), "cost") == []
