"""The semantic layer's quality gate on the shipped knowledge base: it must not make it worse."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.curation.evaluate import evaluate, format_report, load_questions
from bot.core.knowledge.models import KnowledgeBase
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
