"""Properties of the matcher over arbitrary text, on a small fixture knowledge base that uses
every part of the format (tests/fixtures/club)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core.knowledge.models import Entry, KnowledgeBase
from bot.core.matching.match import Verdict
from bot.core.matching.matcher import Matcher
from bot.core.matching.score import MAX_CANDIDATES, Scored

chat_words = st.sampled_from([
    "tent", "hike", "cost", "boots", "day-pack", "vs", "?", "<@123>", "@faqbot", "🤖", "é",
    "https://x.y/z", "\u200b", "\u202e", "\x00", "head-torch", "acountability", "the", "hi",
])
texts = st.one_of(
    st.text(max_size=300),
    st.lists(chat_words, max_size=40).map(" ".join),
    st.text(alphabet=st.characters(categories=["Cf", "Cc", "Zs", "So", "Mn"]), max_size=100),
)


@pytest.fixture(scope="module")
def matcher(club_kb: KnowledgeBase) -> Matcher:
    return Matcher.build(club_kb)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(text=texts)
@example(text="")
@example(text="   \t\n")
@example(text="x" * 10_000)
@example(text="cost " * 5_000)
@example(text="\u202e\u200b\x00\x07")
@example(text="🤖🔥💯")
@example(text="<@123> <#456> <:emo:789> @faqbot @everyone")
def test_match_never_fails_and_keeps_its_word(matcher: Matcher, text: str) -> None:
    start = time.perf_counter()
    match = matcher.match(text)
    assert time.perf_counter() - start < 0.5
    assert match.question == text
    assert isinstance(match.verdict, Verdict)
    assert len(match.candidates) <= 5
    assert all(0.0 <= c.score <= 1.0 for c in match.candidates)
    scores = [c.score for c in match.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(match.suggestions) <= 3
    if match.verdict is Verdict.ANSWER:
        assert match.answer_id in matcher.kb.ids
    if match.verdict is Verdict.NONE:
        assert match.answer_id is None and match.suggestions == ()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_explain_and_complete_never_fail(matcher: Matcher, text: str) -> None:
    for candidate in matcher.explain(text):
        assert candidate.reasons
    choices = matcher.complete(text)
    assert len(choices) <= 25
    labels = [label for label, _ in choices]
    assert len(labels) == len(set(labels))
    assert all(len(label) <= 100 and item in matcher.kb.ids for label, item in choices)



# -- the pruned ranking against an exhaustive one ------------------------------------------

VOCABULARY = ("tent", "boots", "hike", "stove", "map", "rain", "river", "camp")
phrases = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4).map(" ".join)
entries = st.lists(st.tuples(phrases, st.lists(phrases, max_size=2), phrases),
                   min_size=6, max_size=10)


@settings(max_examples=200, deadline=None)
@given(drafts=entries, linked=st.sets(st.integers(1, 9), max_size=6), question=phrases)
def test_the_pruned_ranking_keeps_the_exact_best_items_and_rival(
        drafts: list[tuple[str, list[str], str]], linked: set[int], question: str) -> None:
    # `rank` scores only the items whose bound can still reach the ones shown, yet the
    # verdict must see what scoring every item shows: the same first items with the same
    # scores, and the same rival (the best item not linked to the first, wherever it ranks).
    ids = [f"e{n}" for n in range(len(drafts))]
    kb = KnowledgeBase(entries=tuple(
        Entry(id=ids[n], title=title, answer=answer, questions=tuple(asked),
              related=tuple(ids[j] for j in sorted(linked) if j < len(ids)) if n == 0 else ())
        for n, (title, asked, answer) in enumerate(drafts)))
    matcher = Matcher.build(kb)
    scorer, read = matcher.scorer, matcher.reader.read
    pruned = scorer.rank(read(question))
    every = scorer.rank(read(question), keep=len(ids))
    shown = MAX_CANDIDATES
    assert [(s.item.id, s.score) for s in pruned[:shown]] == \
        [(s.item.id, s.score) for s in every[:shown]]

    def rival(ranked: list[Scored]) -> float:
        top = ranked[0].item
        return next((s.score for s in ranked[1:] if not scorer.linked(top, s.item)), 0.0)

    if every:
        assert rival(pruned) == rival(every)
