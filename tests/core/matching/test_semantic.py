"""The semantic layer's fusion: lexical and semantic scores → one calibrated Match."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pytest
from recording_encoder import Recording

from bot.core.curation.evaluate import format_why
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase, Thresholds
from bot.core.matching.match import Verdict
from bot.core.matching.matcher import Matcher
from bot.core.matching.policy import OUTSCORED
from bot.core.matching.semantic import (
    FUSED_DEFAULTS,
    FusedMatcher,
    Fusion,
    is_slip,
    item_texts,
    opening_of,
)
from bot.core.matching.weights import Weights
from bot.semantic.encoder import OnnxEncoder
from bot.semantic.index import VectorIndex

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def community() -> KnowledgeBase:
    kb, problems = load_knowledge(FIXTURES / "semantic" / "kb")
    assert kb is not None, problems
    return kb


@pytest.fixture(scope="module")
def fused(community: KnowledgeBase, encoder: OnnxEncoder) -> FusedMatcher:
    return FusedMatcher(Matcher.build(community), VectorIndex.build(community, encoder, None))


def test_calibrated_cosine_maps_floor_to_0_and_ceiling_to_1() -> None:
    fusion = Fusion(floor=0.2, ceiling=0.8)
    assert fusion.calibrated(-1.0) == 0.0
    assert fusion.calibrated(0.2) == 0.0
    assert fusion.calibrated(0.5) == pytest.approx(0.5)
    assert fusion.calibrated(0.8) == 1.0
    assert fusion.calibrated(1.0) == 1.0
    values = [fusion.calibrated(c / 100) for c in range(-100, 101)]
    assert values == sorted(values)


def test_fused_score_is_a_convex_combination_in_the_unit_interval() -> None:
    fusion = Fusion(lexical=0.5, floor=0.2, ceiling=0.8)
    assert fusion.fused(1.0, 1.0) == 1.0
    assert fusion.fused(0.0, 0.0) == 0.0
    assert fusion.fused(0.6, 0.5) == pytest.approx(0.5 * 0.6 + 0.5 * 0.5)
    for lexical in (0.0, 0.3, 1.0):
        for cosine in (-0.5, 0.1, 0.45, 0.9):
            assert 0.0 <= fusion.fused(lexical, cosine) <= 1.0


def test_item_texts_are_title_questions_keywords_and_the_answers_opening(
        community: KnowledgeBase) -> None:
    texts = dict(item_texts(community))
    assert texts["direct-messages"] == [
        "Sending direct messages", "how do i DM someone", "dm, direct message",
        "Right-click the member's name and choose Message to start a private conversation."]
    assert texts["out-of-scope:1"] == ["Weather forecasts",
                                       "what will the weather be like tomorrow"]
    assert set(texts) == {*community.ids, "out-of-scope:1"}


def test_item_texts_of_a_table_and_its_rows() -> None:
    tiny, problems = load_knowledge(FIXTURES / "tiny" / "kb")
    assert tiny is not None, problems
    texts = dict(item_texts(tiny))
    assert texts["drinks-table"][0] == "Tea and coffee compared"
    assert any("Tea:" in t and "Coffee:" in t for t in texts["row-caffeine"])


def test_the_opening_of_an_answer_is_plain_text_cut_at_a_word() -> None:
    assert opening_of("**Bold** and `code`\n\n> quoted") == "Bold and code quoted"
    long = "word " * 200
    opening = opening_of(long)
    assert len(opening) <= 300
    assert opening.endswith("word")


def test_a_question_sharing_no_word_with_its_entry_is_found(community: KnowledgeBase,
                                                             fused: FusedMatcher) -> None:
    question = "how can i pm a user"
    lexical = Matcher.build(community).match(question)
    # No word in common: the lexical side has only letters to go on, and declines.
    assert lexical.verdict is Verdict.NONE
    assert lexical.best is None or lexical.best.id != "direct-messages"
    match = fused.match(question)
    assert match.verdict is Verdict.SUGGEST
    assert match.suggestions[0] == "direct-messages"


def test_meaning_lifts_a_weak_lexical_match_to_an_answer(community: KnowledgeBase,
                                                         fused: FusedMatcher) -> None:
    question = "whats a boost, is it like a retweet"
    assert Matcher.build(community).match(question).verdict is not Verdict.ANSWER
    match = fused.match(question)
    assert (match.verdict, match.answer_id) == (Verdict.ANSWER, "server-boosts")


def test_an_exact_question_still_gets_its_answer(fused: FusedMatcher) -> None:
    match = fused.match("how do i DM someone?")
    assert match.answer_id == "direct-messages"
    # Word for word and in meaning; only the letters part (the question against the entry's
    # whole text, answer included) keeps it under 1.
    assert match.score >= 0.75


@pytest.mark.parametrize("question", ["", "   ", "hi", "thanks!", "123"])
def test_small_talk_and_empty_questions_get_no_candidates(fused: FusedMatcher,
                                                          question: str) -> None:
    match = fused.match(question)
    assert (match.verdict, match.candidates) == (Verdict.NONE, ())
    assert fused.explain(question) == ()


@pytest.mark.parametrize("question", ["zzz", "qq xx"])
def test_words_no_item_shares_a_letter_run_with_are_declined(fused: FusedMatcher,
                                                           question: str) -> None:
    # Read as words (not small talk), yet no item is scored lexically at all.
    assert fused.lexical.read(question).words
    assert fused.lexical.lexical(fused.lexical.read(question), 4) is not None
    match = fused.match(question)
    assert match.verdict is Verdict.NONE
    assert all(c.id in fused.kb.ids for c in match.candidates)
    assert all(c.id in fused.kb.ids or c.id.startswith("out-of-scope:")
               for c in fused.explain(question))


@pytest.mark.parametrize("question", ["what will the weather be like tomorrow?",
                                      "what is the capital of france", "best pizza topping"])
def test_out_of_scope_and_unrelated_questions_are_declined(fused: FusedMatcher,
                                                           question: str) -> None:
    assert fused.match(question).verdict is Verdict.NONE


def test_an_out_of_scope_topic_above_a_close_item_declines(fused: FusedMatcher,
                                                          community: KnowledgeBase) -> None:
    # The item alone would be offered (it reaches `suggest`), so the topic is scored, and it
    # outscores the item by more than OUTSCORED of a margin.
    question = "will the weather be good for my server boost tomorrow"
    scores = {c.id: c.score for c in fused.explain(question, 3)}
    assert scores["server-boosts"] >= community.thresholds.suggest
    assert scores["out-of-scope:1"] - scores["server-boosts"] >= OUTSCORED * 0.05
    assert fused.match(question).verdict is Verdict.NONE
    bare = dataclasses.replace(community, out_of_scope=())
    alone = FusedMatcher(Matcher.build(bare), fused.semantic)
    assert alone.match(question).verdict is not Verdict.NONE


def test_a_fusion_of_meaning_alone_still_declines_out_of_scope(fused: FusedMatcher) -> None:
    alone = FusedMatcher(fused.lexical, fused.semantic, Fusion(lexical=0.0))
    assert alone.match("will the weather be good for my server boost tomorrow").verdict \
        is Verdict.NONE
    assert alone.match("how do i DM someone?").answer_id == "direct-messages"


def test_an_out_of_scope_topic_is_named_in_explanations(fused: FusedMatcher) -> None:
    ids = [c.id for c in fused.explain("what will the weather be like tomorrow?")]
    assert ids[0] == "out-of-scope:1"


def test_candidates_are_items_with_scores_in_the_unit_interval(fused: FusedMatcher,
                                                               community: KnowledgeBase) -> None:
    for question in ("block a spammer", "copy an array", "bedrock on my phone", "dm", "boost"):
        match = fused.match(question)
        scores = [c.score for c in match.candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 < s <= 1.0 for s in scores)
        assert {c.id for c in match.candidates} <= set(community.ids)


def test_why_shows_both_parts_of_every_candidates_score(fused: FusedMatcher) -> None:
    text = format_why(fused, "how can i pm a user")
    candidates = fused.explain("how can i pm a user")
    assert candidates
    for candidate in candidates:
        head = candidate.reasons[0]
        assert "lexical" in head and "semantic" in head and "cosine" in head
        assert candidate.reasons[1].startswith("closest text: ")
    assert 'closest text: "how do i DM someone"' in text
    assert "verdict: suggest → direct-messages" in text


def test_a_runner_up_linked_by_related_does_not_make_it_ambiguous(fused: FusedMatcher) -> None:
    # "blocking" is related to "direct-messages": close behind, it is no rival.
    match = fused.match("how do i message someone privately")
    assert match.answer_id == "direct-messages"


def test_completion_is_the_lexical_matchers(fused: FusedMatcher) -> None:
    assert fused.complete("how do i bl") == fused.lexical.complete("how do i bl")


def test_an_items_own_thresholds_are_its_verdicts(tmp_path: Path,
                                                  encoder: OnnxEncoder) -> None:
    text = (FIXTURES / "semantic" / "kb" / "community.yaml").read_text(encoding="utf-8")
    strict = text.replace("      - what are server boosts\n",
                          "      - what are server boosts\n    matcher: {answer: 0.99}\n")
    assert strict != text
    (tmp_path / "community.yaml").write_text(strict, encoding="utf-8")
    kb, problems = load_knowledge(tmp_path)
    assert kb is not None, problems
    fused = FusedMatcher(Matcher.build(kb), VectorIndex.build(kb, encoder, None))
    match = fused.match("whats a boost, is it like a retweet")
    assert (match.verdict, match.suggestions[0]) == (Verdict.SUGGEST, "server-boosts")


def test_a_knowledge_base_setting_no_thresholds_gets_the_layers_defaults(
        community: KnowledgeBase, encoder: OnnxEncoder) -> None:
    plain = dataclasses.replace(community, thresholds=Thresholds())  # as if it set none
    vectors = VectorIndex.build(plain, encoder, None)
    fused = FusedMatcher(Matcher.build(plain), vectors)
    # A margin is a lead in lexical confidence: on the fused scale, `Fusion.lexical` of it.
    assert fused.limits() == fused.limits("server-boosts") == dataclasses.replace(
        FUSED_DEFAULTS, margin=FUSED_DEFAULTS.margin * fused.fusion.lexical)
    assert fused.lexical.limits() == Thresholds()
    assert "(answer ≥ 0.15, suggest ≥ 0.15)" in format_why(fused, "what are server boosts")
    question = "how to pm someone"  # shares no word with the entry: the layer answers it
    assert fused.lexical.match(question).verdict is Verdict.NONE
    score = fused.match(question).score
    for answer, verdict in ((score - 0.01, Verdict.ANSWER), (score + 0.01, Verdict.NONE)):
        defaults = Thresholds(answer=answer, suggest=answer, margin=0.0)
        matcher = FusedMatcher(Matcher.build(plain), vectors, Fusion(defaults=defaults))
        assert matcher.match(question).verdict is verdict
    own = FusedMatcher(Matcher.build(community), vectors)  # the fixture's own thresholds
    assert community.thresholds != Thresholds()
    assert own.limits() == own.limits("server-boosts") == dataclasses.replace(
        community.thresholds, margin=community.thresholds.margin * own.fusion.lexical)


def test_a_suggestion_of_the_lexical_answer_is_an_answer(community: KnowledgeBase,
                                                          encoder: OnnxEncoder) -> None:
    # The layer ranks first the item the words answer with on their own, and finds its lead
    # thin (here: any lead is): the words' answer stands. Found by meaning alone, or too weak
    # on the fused scale, a question gets the layer's own verdict.
    plain = dataclasses.replace(community, thresholds=Thresholds())
    vectors = VectorIndex.build(plain, encoder, None)

    def fused(answer: float, margin: float) -> FusedMatcher:
        defaults = Thresholds(answer=answer, suggest=answer, margin=margin)
        return FusedMatcher(Matcher.build(plain), vectors, Fusion(defaults=defaults))

    agreed, alone = "whats a boost, is it like a retweet", "how to pm someone"
    thin = fused(0.15, 1.0)  # no lead is enough
    assert thin.lexical.match(agreed).answer_id == "server-boosts"
    match = thin.match(agreed)
    assert (match.verdict, match.answer_id) == (Verdict.ANSWER, "server-boosts")
    assert thin.lexical.match(alone).verdict is Verdict.NONE
    assert (thin.match(alone).verdict, thin.match(alone).suggestions[0]) == (
        Verdict.SUGGEST, "direct-messages")
    assert fused(0.99, 0.0).match(agreed).verdict is Verdict.NONE  # too weak: declined


def test_a_question_spanning_two_items_offers_both(encoder: OnnxEncoder) -> None:
    # The lexical matcher's two-halves rules (policy.verdict), on fused scores.
    from tests.core.matching.test_matcher import _pair_kb

    def fused_with(limits: Thresholds) -> FusedMatcher:
        kb = _pair_kb(limits)
        return FusedMatcher(Matcher.build(kb), VectorIndex.build(kb, encoder, None))

    # Neither reaches `suggest`, each comes within joint_share of it, and between them they
    # cover the question's words: both are offered.
    fused = fused_with(Thresholds(answer=0.95, suggest=0.7, margin=0.0))
    match = fused.match("gizmo price or widget repair")
    assert all(Weights().joint_share * 0.7 <= c.score < 0.7 for c in match.candidates[:2])
    assert match.verdict is Verdict.SUGGEST
    assert {"gizmo-price", "widget"} <= set(match.suggestions)
    # Two items covering the same words do not cover the question together.
    assert fused.match("gizmo doohickey flurbtastic").verdict is Verdict.NONE
    # The best would be answered on its score, but it explains half the question: suggest.
    fused = fused_with(Thresholds(answer=0.35, suggest=0.3, margin=0.0))
    match = fused.match("price or repair")
    assert match.candidates[0].score >= 0.35
    assert match.verdict is Verdict.SUGGEST
    assert {"gizmo-price", "widget"} <= set(match.suggestions)


def test_an_answers_alternatives_follow_the_lexical_rule(encoder: OnnxEncoder) -> None:
    # policy.alternatives on fused scores: a close runner-up is offered, unless linked.
    from tests.core.matching.test_matcher import shop_kb

    def fused_with(related: tuple[str, ...]) -> FusedMatcher:
        kb = shop_kb(related=related)
        return FusedMatcher(Matcher.build(kb), VectorIndex.build(kb, encoder, None))

    match = fused_with(()).match("open on sunday")
    assert (match.answer_id, match.alternatives) == ("holidays", ("hours",))
    assert fused_with(()).match("when do you open").alternatives == ()  # a clear lead
    linked = fused_with(("hours",)).match("open on sunday")
    assert (linked.answer_id, linked.alternatives) == ("holidays", ())


class FailsOnce(Recording):
    """The real encoder, except that it fails on one question (as onnxruntime can, out of
    memory)."""

    def __init__(self, encoder: OnnxEncoder, failing: str) -> None:
        super().__init__(encoder)
        self.failing = failing

    def encode_question(self, text: str) -> np.ndarray:
        if text == self.failing:
            raise MemoryError("Failed to allocate memory for requested buffer of size 98304")
        return super().encode_question(text)


def test_the_model_reads_the_question_with_its_typos_corrected(
        community: KnowledgeBase, encoder: OnnxEncoder) -> None:
    heard = Recording(encoder)
    fused = FusedMatcher(Matcher.build(community), VectorIndex.build(community, heard, None))
    fused.match("how do i copy a lsit")
    fused.explain("Blok them? BLOK!")
    # where the reader splits words: at any character but a letter or a digit
    fused.match("my_lsit, lsitする")
    # "audit" is a word of the model's own, though the lexical reader takes it for "audio"
    fused.match("can we audit the server")
    # a letter changed for another is no typing slip: it as often makes another word
    fused.match("can i blick someone")
    assert heard.questions == ["how do i copy a list", "block them? block!", "my_list, listする",
                               "can we audit the server", "can i blick someone"]
    assert not encoder.knows("lsit") and encoder.knows("audit")
    assert not encoder.knows("blick")


@pytest.mark.parametrize(("typed", "meant", "slip"), [
    ("radom", "random", True),  # a letter left out
    ("thhing", "thing", True),  # a letter doubled
    ("staitc", "static", True),  # two neighbours swapped
    ("fucntion", "function", True),
    ("args", "arms", False),  # a letter changed: another word as often as a typo
    ("decode", "decide", False),
    ("codec", "code", False),  # a letter added that doubles none
    ("resit", "rest", False),
    ("permissive", "permission", False),  # two letters changed
    ("tset", "test", True),
    ("abc", "abc", False),
])
def test_a_typing_slip_is_a_letter_left_out_doubled_or_swapped(typed: str, meant: str,
                                                               slip: bool) -> None:
    assert is_slip(typed, meant) is slip


def test_a_question_that_cannot_be_encoded_is_matched_lexically(
        community: KnowledgeBase, encoder: OnnxEncoder,
        caplog: pytest.LogCaptureFixture) -> None:
    question = "how do i DM someone"
    lexical = Matcher.build(community)
    index = VectorIndex.build(community, FailsOnce(encoder, question), None)
    fused = FusedMatcher(lexical, index)
    with caplog.at_level(logging.WARNING, logger="bot.semantic.index"):
        assert fused.match(question) == lexical.match(question)
        assert fused.explain(question) == lexical.explain(question)
    assert [r.getMessage() for r in caplog.records] == [
        "a question could not be encoded (Failed to allocate memory for requested buffer of "
        "size 98304); it is matched lexically"] * 2
    assert fused.match("how can i pm a user") != lexical.match("how can i pm a user")
