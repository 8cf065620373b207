"""The verdict policy, on plain scores: what every matcher's confidence is read by."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.models import ComparisonTable, Entry, KnowledgeBase, TableRow, Thresholds
from bot.core.matching.match import Verdict
from bot.core.matching.policy import (
    ALTERNATIVES,
    OUTSCORED,
    RELATED,
    Ranked,
    alternatives,
    decide,
    decision,
    declining_score,
    links_by_id,
    related,
    thresholds_by_id,
)
from bot.core.matching.weights import Weights

LIMITS = Thresholds(answer=0.5, suggest=0.25, margin=0.125)  # exact in binary


@pytest.mark.parametrize(("best", "rival", "verdict"), [
    (0.9, 0.0, Verdict.ANSWER),
    (0.5, 0.375, Verdict.ANSWER),  # exactly the threshold and the margin
    (0.9, 0.85, Verdict.SUGGEST),  # no clear lead: ambiguous
    (0.25, 0.0, Verdict.SUGGEST),  # under `answer`, at `suggest`
    (0.2, 0.0, Verdict.NONE),
])
def test_thresholds_and_margin(best: float, rival: float, verdict: Verdict) -> None:
    assert decide(best, rival, LIMITS) is verdict


def test_two_items_answering_together_are_suggested_even_under_the_threshold() -> None:
    assert decide(0.2, 0.2, LIMITS, joint=True) is Verdict.SUGGEST


DECLINING = 0.9 + OUTSCORED * LIMITS.margin  # an out-of-scope topic's score above 0.9's


@pytest.mark.parametrize(("best", "rival", "given", "verdict"), [
    (0.9, 0.85, {}, Verdict.ANSWER),  # a thin lead: the lexical answer stands
    (0.25, 0.0, {}, Verdict.ANSWER),  # at `suggest`
    (0.2, 0.0, {}, Verdict.NONE),  # too weak on this scale: declined
    # Two items answering together, as the fused scale finds them close: the words'
    # verdict, which weighed the same words each explains, stands.
    (0.9, 0.0, {"split": True}, Verdict.ANSWER),
    (0.2, 0.2, {"joint": True}, Verdict.ANSWER),
    (0.9, 0.0, {"outside": DECLINING}, Verdict.NONE),  # an out-of-scope topic declines
])
def test_the_lexical_answer_agreed_on_is_answered_where_it_would_be_suggested(
        best: float, rival: float, given: dict[str, Any], verdict: Verdict) -> None:
    assert decide(best, rival, LIMITS, agreed=True, **given) is verdict
    if verdict is Verdict.ANSWER:
        assert decide(best, rival, LIMITS, **given) is Verdict.SUGGEST


def test_an_out_of_scope_topic_above_the_best_declines() -> None:
    above = 0.9 + OUTSCORED * LIMITS.margin
    assert decide(0.9, 0.0, LIMITS, outside=above) is Verdict.NONE
    assert decide(0.9, 0.0, LIMITS, outside=above - 0.01) is Verdict.ANSWER


def kb() -> KnowledgeBase:
    return KnowledgeBase(
        entries=(Entry(id="a", title="A", answer="a", related=("b",),
                       thresholds=Thresholds(0.9, 0.8, 0.0)),
                 Entry(id="b", title="B", answer="b"), Entry(id="c", title="C", answer="c")),
        table=ComparisonTable(id="t", title="T", columns=("x", "y"),
                              rows=(TableRow(id="r", factor="R", cells=("1", "2")),)),
        thresholds=Thresholds(0.4, 0.3, 0.05),
    )


def test_thresholds_are_an_items_own_else_the_knowledge_bases() -> None:
    limits = thresholds_by_id(kb())
    assert limits["a"] == Thresholds(0.9, 0.8, 0.0)
    assert {limits[i] for i in ("b", "c", "t", "r")} == {Thresholds(0.4, 0.3, 0.05)}


def test_links_go_both_ways_and_join_a_table_to_its_rows() -> None:
    links = links_by_id(kb())
    assert links["a"] == {"b"} and links["b"] == {"a"}
    assert "c" not in links  # linked to none
    assert links["t"] == {"r"} and links["r"] == {"t"}


def test_an_answers_alternatives_are_close_runner_ups_not_linked_to_it() -> None:
    w = Weights(alternative=0.75)
    links = {"a": frozenset({"b"})}
    ranked = [Ranked("a", 0.5), Ranked("b", 0.49), Ranked("c", 0.45), Ranked("d", 0.375),
              Ranked("e", 0.375), Ranked("f", 0.37)]
    # b is linked (the answer's "see also"); d reaches 0.75 × 0.5 exactly; e is one too many;
    # f is under the share.
    assert ALTERNATIVES == 2
    assert alternatives(ranked, LIMITS, links, w) == ("c", "d")
    assert alternatives(ranked[:1], LIMITS, links, w) == ()
    assert alternatives([], LIMITS, links, w) == ()


def test_a_decision_offers_alternatives_only_with_an_answer_and_among_those_shown() -> None:
    w = Weights(alternative=0.75)
    ranked = [Ranked("a", 0.5), Ranked("b", 0.45), Ranked("c", 0.4)]
    assert decision(ranked, LIMITS, {}, w, shown=4) == (Verdict.SUGGEST, ())  # lead < margin
    clear = [Ranked("a", 0.9), Ranked("b", 0.75), Ranked("c", 0.7)]
    assert decision(clear, LIMITS, {}, w, shown=4) == (Verdict.ANSWER, ("b", "c"))
    assert decision(clear, LIMITS, {}, w, shown=2) == (Verdict.ANSWER, ("b",))


def test_with_no_answer_the_closest_items_are_offered_when_they_explain_a_word() -> None:
    w = Weights(related=0.5)  # of suggest 0.25: from 0.125 up
    words = (0.25, 0.0)  # an item's share of each question word
    ranked = [Ranked("a", 0.2, words), Ranked("b", 0.125, words), Ranked("c", 0.15, (0.0, 0.0)),
              Ranked("d", 0.124, words), Ranked("e", 0.13, words)]
    # c matched letters only (no word of the question); d is under the floor; e is fourth.
    assert RELATED == 3
    assert related(ranked, LIMITS, w) == ("a", "b")
    assert related(ranked[1:2], LIMITS, w) == ("b",)
    assert related([Ranked("x", 0.2)], LIMITS, w) == ("x",)  # words unknown: the score alone
    assert related(ranked, LIMITS, w, outside=0.2) == ()  # a topic matches as well: declined
    assert related([], LIMITS, w) == ()
    assert decision(ranked, LIMITS, {}, w, shown=4) == (Verdict.NONE, ("a", "b"))
    suggested = [Ranked("a", 0.3, words), Ranked("b", 0.2, words)]
    assert decision(suggested, LIMITS, {}, w, shown=4) == (Verdict.SUGGEST, ())
    # Out-of-scope topics are scored from the related floor up, so one can decline there.
    assert declining_score(0.13, LIMITS, w) is not None
    assert declining_score(0.12, LIMITS, w) is None


def test_an_alternative_must_reach_the_suggest_threshold() -> None:
    w = Weights(alternative=0.75)
    ranked = [Ranked("a", 0.3), Ranked("b", 0.24), Ranked("c", 0.23)]
    assert alternatives(ranked, LIMITS, {}, w) == ()  # 0.24 ≥ 0.75 × 0.3 but < suggest 0.25
    assert alternatives(ranked, Thresholds(0.3, 0.2, 0.05), {}, w) == ("b", "c")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=0, max_size=6),
       st.sets(st.sampled_from("bcdef")), st.floats(0.0, 1.0))
def test_alternatives_are_close_unlinked_runner_ups_in_rank_order(
        scores: list[float], linked: set[str], share: float) -> None:
    ranked = [Ranked(name, score) for name, score in
              zip("abcdef", sorted(scores, reverse=True), strict=False)]
    links = {"a": frozenset(linked)}
    offered = alternatives(ranked, LIMITS, links, Weights(alternative=share))
    assert len(offered) <= ALTERNATIVES
    later = [r.id for r in ranked[1:]]
    assert [i for i in later if i in offered] == list(offered)  # runner-ups, in rank order
    by_id = {r.id: r.score for r in ranked}
    for item in offered:
        assert item not in linked
        assert by_id[item] >= max(LIMITS.suggest, share * ranked[0].score)
    # None left out that qualifies, up to the limit.
    qualifying = [i for i in later if i not in linked
                  and by_id[i] >= max(LIMITS.suggest, share * ranked[0].score)]
    assert list(offered) == qualifying[:ALTERNATIVES]


def test_declining_score_is_where_decide_starts_declining() -> None:
    limits = Thresholds(answer=0.4, suggest=0.2, margin=0.1)
    w = Weights()
    least = declining_score(0.5, limits, w)
    assert least == pytest.approx(0.5 + OUTSCORED * 0.1)
    assert decide(0.5, 0.0, limits, outside=least + 1e-9) is Verdict.NONE
    assert decide(0.5, 0.0, limits, outside=least - 1e-6) is Verdict.ANSWER
    # Too weak for any verdict but `none` (not even two items together): no topic matters.
    assert declining_score(limits.suggest * w.joint_share - 1e-6, limits, w) is None
    assert declining_score(limits.suggest * w.joint_share, limits, w) is not None
