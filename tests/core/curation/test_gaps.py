"""Grouping unanswered questions by similarity."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.curation.gaps import GapGroup, GapQuestion, group_questions
from bot.core.text import fold

T0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)

ASKED = [
    ("How do I reset my password?", T0, ("account",)),
    ("how do i reset my password", T0 + dt.timedelta(hours=1), ()),
    ("reset my password??", T0 + dt.timedelta(hours=2), ("account", "login")),
    ("How do I reset my password?", T0 + dt.timedelta(hours=3), ("login",)),
    ("What's the server IP?", T0, ()),
    ("what is the server ip", T0 + dt.timedelta(days=1), ()),
    ("Can I get a refund", T0, ("billing",)),
    ("how do I change my username", T0, ()),
]


def test_similar_questions_group_most_frequent_first() -> None:
    groups = group_questions([GapQuestion(*row) for row in ASKED])
    assert [g.count for g in groups] == [4, 2, 1, 1]
    password, ip = groups[0], groups[1]
    assert password.example == "How do I reset my password?"  # the most common phrasing
    assert set(password.texts) == {"How do I reset my password?", "how do i reset my password",
                                   "reset my password??"}
    assert password.last_asked == T0 + dt.timedelta(hours=3)
    assert password.candidates == ("account", "login")  # first choices weigh more
    assert ip.example == "What's the server IP?"  # equal counts and lengths: text order
    assert {g.example for g in groups[2:]} == {"Can I get a refund",
                                               "how do I change my username"}


def test_different_questions_sharing_words_stay_apart() -> None:
    groups = group_questions([("how do I reset my password",), ("how do I change my username",),
                              ("how",), ("password",)])
    assert len(groups) == 4


def test_grouping_is_deterministic_whatever_the_order() -> None:
    expected = group_questions([GapQuestion(*row) for row in ASKED])
    for seed in range(20):
        shuffled = list(ASKED)
        random.Random(seed).shuffle(shuffled)
        assert group_questions([GapQuestion(*row) for row in shuffled]) == expected


def test_plain_tuples_with_iso_times_and_empty_ids() -> None:
    groups = group_questions([
        ("where is it", "2025-03-01T10:00:00.000000Z", "a", None, ""),
        ("where is it?", "2025-03-02T10:00:00Z", "b"),
        ("where is it", "not a time"),
        ("!!!",),  # nothing left after normalising: skipped
    ])
    assert groups == [GapGroup("where is it", 3, ("where is it", "where is it?"),
                               dt.datetime(2025, 3, 2, 10, tzinfo=dt.UTC), ("a", "b"))]


def test_bounds_on_texts_and_candidates() -> None:
    rows = [(f"where is the thing number {i}", None, f"item-{i}") for i in range(30)]
    [group] = group_questions(rows, threshold=50, max_texts=5, max_candidates=3)
    assert group.count == 30
    assert len(group.texts) == 5
    assert len(group.candidates) == 3


def test_threshold_controls_grouping() -> None:
    rows = [("when is the next event",), ("when is the next meetup",)]
    assert len(group_questions(rows, threshold=70)) == 1
    assert len(group_questions(rows, threshold=95)) == 2
    assert group_questions([]) == []


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40), max_size=40))
def test_every_question_lands_in_exactly_one_group(texts: list[str]) -> None:
    groups = group_questions([(t,) for t in texts])
    assert sum(g.count for g in groups) == sum(1 for t in texts if fold(t))
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
