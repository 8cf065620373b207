"""Autocomplete for factors and topics, on the shipped knowledge base."""

from __future__ import annotations

import pytest

from bot.core.knowledge.models import KnowledgeBase
from bot.core.library import Library
from bot.core.matching.complete import MAX_CHOICES, factor_choices, topic_choices
from bot.settings import SHIPPED_KNOWLEDGE


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return Library.open(SHIPPED_KNOWLEDGE).current.kb


def test_empty_input_lists_every_factor_in_table_order(kb: KnowledgeBase) -> None:
    assert kb.table is not None
    choices = factor_choices(kb, "")
    assert [item_id for _, item_id in choices] == [row.id for row in kb.table.rows]
    assert [label for label, _ in choices] == [row.factor for row in kb.table.rows]


@pytest.mark.parametrize(("typed", "row_id"), [
    ("cost", "factor-cost"),
    ("pric", "factor-cost"),            # an alias, by prefix
    ("fine tuning", "factor-customizability"),
    ("custmizability", "factor-customizability"),  # a typo
    ("privcy", "factor-data-privacy"),
    ("factor-safety", "factor-safety-enforcement"),  # the id
    ("  SAFETY ", "factor-safety-enforcement"),
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
    ("privacy", "factor-data-privacy"),
    ("acountability", "closed-accountability"),
    ("comparison-table", "comparison-table"),
    ("at a glance", "comparison-table"),
])
def test_topic_by_title_or_id(kb: KnowledgeBase, typed: str, item_id: str) -> None:
    choices = topic_choices(kb, typed)
    assert choices[0][1] == item_id
    assert item_id in choices[0][0]  # the label names the id as well as the title


def test_limit_is_respected(kb: KnowledgeBase) -> None:
    assert len(topic_choices(kb, "open", limit=3)) <= 3
    assert len(topic_choices(kb, "", limit=99)) <= MAX_CHOICES


def test_no_table_no_factors() -> None:
    assert factor_choices(KnowledgeBase(entries=()), "cost") == []
