"""Properties over arbitrary text: the matcher and the renderers never fail, and keep their word.

The Matcher is built once for the module from a small fixture knowledge base that uses every part
of the format (tests/fixtures/club).
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching.match import Match, Verdict
from bot.core.matching.matcher import Matcher
from bot.core.matching.policy import ALTERNATIVES, RELATED
from bot.core.replies.plain_text import reply_to_text
from bot.core.replies.render import render_item, render_match, render_topics
from bot.core.replies.reply import Reply, ReplyKind

CLUB = Path(__file__).resolve().parents[2] / "fixtures" / "club" / "kb"  # as club_kb loads it
MAX_SUGGESTIONS = 3
SLOW = 0.5  # seconds: generous for a noisy two-core machine


@pytest.fixture(scope="module")
def kb(club_kb: KnowledgeBase) -> KnowledgeBase:
    return club_kb


@pytest.fixture(scope="module")
def matcher(club_kb: KnowledgeBase) -> Matcher:
    return Matcher.build(club_kb)


def _kb_words() -> list[str]:
    loaded, problems = load_knowledge(CLUB)
    assert loaded is not None and problems == []
    text = " ".join(" ".join((e.title, *e.questions, *e.keywords)) for e in loaded.entries)
    return sorted(set(re.findall(r"[\w'-]+", text.lower())))


KB_WORDS = _kb_words()

# Arbitrary text, text made of the knowledge base's own words (so that answers and
# suggestions happen too), and the two mixed with punctuation, emoji and control characters.
any_text = st.text(max_size=600)
kb_question = st.lists(st.sampled_from(KB_WORDS), min_size=1, max_size=12).map(" ".join)
noise = st.sampled_from(["", "?", "!!", " @everyone ", "<@123>", "```", "\u202e", "\u200b",
                         "🙂", "\x00", "\n", "||", "**", "`", "  ", "'", "-"])
mixed = st.lists(st.one_of(kb_question, noise, st.text(max_size=20)), max_size=8).map("".join)
questions = st.one_of(any_text, kb_question, mixed)


def check_match(match: Match, kb: KnowledgeBase) -> None:
    scores = [c.score for c in match.candidates]
    assert all(0.0 <= s <= 1.0 and not math.isnan(s) for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert 0.0 <= match.score <= 1.0
    assert all(kb.find(c.id) is not None for c in match.candidates)
    assert len(match.suggestions) <= MAX_SUGGESTIONS
    if match.verdict is Verdict.ANSWER:
        assert match.answer_id is not None and match.best is not None
        assert match.answer_id == match.best.id
        assert match.suggestions == ()
        others = [c.id for c in match.candidates[1:]]
        assert len(match.alternatives) <= ALTERNATIVES
        assert all(i in others for i in match.alternatives)
    elif match.verdict is Verdict.SUGGEST:
        assert match.answer_id is None
        assert 1 <= len(match.suggestions) <= MAX_SUGGESTIONS
        assert match.alternatives == ()
    else:
        assert match.answer_id is None
        assert match.suggestions == ()
        assert match.alternatives == ()
        assert len(match.related) <= RELATED
        first = [c.id for c in match.candidates[:RELATED]]  # some, in their order
        assert list(match.related) == [i for i in first if i in match.related]
    if match.verdict is not Verdict.NONE:
        assert match.related == ()


def check_reply(reply: Reply, match: Match) -> None:
    assert reply.title
    expected = {Verdict.ANSWER: ReplyKind.ANSWER, Verdict.SUGGEST: ReplyKind.SUGGEST,
                Verdict.NONE: ReplyKind.NONE}[match.verdict]
    assert reply.kind is expected
    if reply.kind is ReplyKind.ANSWER:
        assert reply.item_id == match.answer_id
    if reply.kind is ReplyKind.SUGGEST:
        assert [c.id for c in reply.choices] == list(match.suggestions)
    elif reply.kind is ReplyKind.ANSWER:
        assert [c.id for c in reply.choices] == list(match.alternatives)
    else:
        assert [c.id for c in reply.choices] == list(match.related)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions)
@example("")
@example("   \t\n ")
@example("x" * 10_000)
@example("gear " * 2_000)
@example("\u202eesrever\u200b\u200d\ufeff")
@example("@everyone @here <@&1> <@!2> <#3>")
@example("🙂🙃🤖" * 50)
@example("```\n" * 100)
def test_match_and_render_any_text(matcher: Matcher, kb: KnowledgeBase, question: str) -> None:
    started = time.perf_counter()
    match = matcher.match(question)
    reply = render_match(kb, match)
    text = reply_to_text(reply)
    elapsed = time.perf_counter() - started
    check_match(match, kb)
    check_reply(reply, match)
    assert reply.title in text
    assert elapsed < SLOW, f"{elapsed:.3f}s for a {len(question)}-character question"


@settings(max_examples=150, deadline=None)
@given(kb_question)
def test_questions_in_the_kb_words_get_consistent_verdicts(matcher: Matcher, kb: KnowledgeBase,
                                                           question: str) -> None:
    match = matcher.match(question)
    check_match(match, kb)
    again = matcher.match(question)
    assert again == match  # deterministic


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_render_item_of_any_id(kb: KnowledgeBase, item_id: str) -> None:
    assume(item_id not in kb.ids)
    assert render_item(kb, item_id) is None


def test_render_item_of_every_id(kb: KnowledgeBase) -> None:
    for item_id in kb.ids:
        reply = render_item(kb, item_id)
        assert reply is not None
        assert reply.kind is ReplyKind.ANSWER
        assert reply.item_id == item_id
        assert reply.title
        assert item_id not in {c.id for c in reply.see_also}
        assert reply_to_text(reply)


def test_render_topics_names_every_id(kb: KnowledgeBase) -> None:
    reply = render_topics(kb)
    for item_id in kb.ids:
        assert f"`{item_id}`" in reply.body
    assert reply_to_text(reply)


@settings(max_examples=100, deadline=None)
@given(questions, st.integers(min_value=1, max_value=200))
def test_reply_to_text_at_any_width(matcher: Matcher, kb: KnowledgeBase, question: str,
                                    width: int) -> None:
    reply = render_match(kb, matcher.match(question))
    text = reply_to_text(reply, width)
    assert reply.title in text
