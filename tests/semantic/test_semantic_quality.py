"""The semantic layer's quality gate: it must not make the shipped knowledge base worse, and must
lift knowledge bases written the way admins write them (one question an entry, or imported)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.curation.evaluate import evaluate, format_report, load_questions
from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching.match import Verdict
from bot.core.matching.matcher import Matcher
from bot.core.matching.semantic import FusedMatcher
from bot.semantic.encoder import OnnxEncoder
from bot.semantic.index import VectorIndex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# blind7 and blind10 are kept unread by those who tune (see tests/core/test_dev_questions.py).
SETS = sorted(p for p in FIXTURES.glob("*-questions.yaml")
              if p.name not in ("blind7-questions.yaml", "blind10-questions.yaml"))


@pytest.fixture(scope="module")
def fused(shipped_kb: KnowledgeBase, shipped_matcher: Matcher,
          encoder: OnnxEncoder) -> FusedMatcher:
    return FusedMatcher(shipped_matcher, VectorIndex.build(shipped_kb, encoder, None))


def test_the_development_set_stays_above_its_floor(fused: FusedMatcher) -> None:
    report = evaluate(fused, load_questions(FIXTURES / "dev-questions.yaml"))
    assert report.overall >= 0.95, format_report(report)
    assert report.in_scope_top3 >= 0.98, format_report(report)
    assert report.out_of_scope_declined >= 0.93, format_report(report)


def test_every_set_together_is_no_worse_than_lexical(fused: FusedMatcher,
                                                     shipped_matcher: Matcher) -> None:
    questions = [q for path in SETS for q in load_questions(path)]
    lexical = evaluate(shipped_matcher, questions)
    semantic = evaluate(fused, questions)
    # 94.2% with the layer, 94.1% without, when this gate was written (780 questions).
    assert semantic.overall >= lexical.overall - 0.01, format_report(semantic)


# Each set of tests/fixtures/byo and blind-byo (see their READMEs) with its floor with the layer:
# a little under its figure when this gate was written, and what it then scored without it.
# (The Minecraft server's set scores 0.868 either way.)
LIFTED = {
    "byo/discordpy-faq": 0.75,  # 0.764 with the layer, 0.723 without
    "byo/python-faq": 0.78,  # 0.793, 0.690 (0.770 before the model read typos corrected)
    "blind-byo/bakery-shop": 0.85,  # 0.875, 0.800
    "blind-byo/open-source-cli": 0.70,  # 0.720, 0.660
    "blind-byo/tabletop-club": 0.70,  # 0.722, 0.648 (never tuned on)
    "blind-byo/uni-course": 0.74,  # 0.759, 0.722 (never tuned on)
    "blind-byo/home-automation": 0.78,  # 0.800, 0.693 (never tuned on)
    "blind-byo/indie-game": 0.73,  # 0.768, 0.679 (written 2026-12-08, never tuned on)
    "blind-byo/running-club": 0.70,  # 0.727, 0.691 (idem)
    "blind-byo/japanese-study": 0.71,  # 0.745, 0.691 (idem)
}


@pytest.mark.parametrize(("folder", "floor"), LIFTED.items())
def test_the_layer_lifts_knowledge_bases_written_as_admins_write_them(
        folder: str, floor: float, encoder: OnnxEncoder) -> None:
    kb, problems = load_knowledge(FIXTURES / folder / "knowledge")
    assert kb is not None, problems
    questions = load_questions(FIXTURES / folder / "questions.yaml")
    lexical = evaluate(Matcher.build(kb), questions)
    semantic = evaluate(FusedMatcher(Matcher.build(kb), VectorIndex.build(kb, encoder, None)),
                        questions)
    assert semantic.overall >= floor, format_report(semantic)
    assert semantic.overall > lexical.overall, format_report(semantic)


@pytest.mark.parametrize("question", [
    "when was gemma first released",  # blind8: the out-of-scope topic of release dates
    "how many parameters does gemini ultra have",  # blind8
    "how many gpus did google use to train gemma",  # blind6
])
def test_a_question_the_words_give_to_an_out_of_scope_topic_stays_declined(
        fused: FusedMatcher, shipped_matcher: Matcher, question: str) -> None:
    # The item's text is as alike in meaning as the topic's: meaning cannot overrule words
    # that name what the knowledge base declines.
    assert shipped_matcher.match(question).verdict is Verdict.NONE
    assert shipped_matcher.explain(question, 1)[0].id.startswith("out-of-scope:")
    match = fused.match(question)
    assert (match.verdict, match.offered) == (Verdict.NONE, ())
