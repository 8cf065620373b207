"""The quality gate: every labelled question set of tests/fixtures/quality.yaml (the one
manifest the quality benchmark reads too) against its own knowledge base, at its floors.

The shipped knowledge base's sets are copies or were written for it (their provenance is in the
manifest); tests/fixtures/byo holds knowledge bases of other communities, imported the way an
admin would, with member questions. Floors sit a little under today's figures: raise them as the
matcher improves, never lower them to pass.
"""

from __future__ import annotations

import pytest

from benchmarks.quality_sets import QuestionSet, load_manifest
from bot.core.curation.evaluate import evaluate, format_report, load_questions
from bot.core.knowledge.load import load_knowledge
from bot.core.matching.matcher import Matcher
from bot.settings import SHIPPED_KNOWLEDGE

SETS = load_manifest()


@pytest.fixture(scope="module")
def matcher(shipped_matcher: Matcher) -> Matcher:
    return shipped_matcher


def _matcher_for(question_set: QuestionSet, shipped: Matcher) -> Matcher:
    if question_set.knowledge == SHIPPED_KNOWLEDGE.resolve():
        return shipped  # built once for the session (tests/conftest.py)
    kb, problems = load_knowledge(question_set.knowledge)
    assert kb is not None, [str(p) for p in problems]
    return Matcher.build(kb)


@pytest.mark.parametrize("question_set", SETS, ids=[s.name for s in SETS])
def test_every_question_set_meets_its_floors(question_set: QuestionSet,
                                             shipped_matcher: Matcher) -> None:
    """The quality gate: each set of tests/fixtures/quality.yaml over its own knowledge base,
    the shipped one's and those of other communities (tests/fixtures/byo) alike."""
    report = evaluate(_matcher_for(question_set, shipped_matcher),
                      load_questions(question_set.questions))
    text = f"{question_set.name}\n{format_report(report)}"
    floors = question_set.floors
    assert report.overall >= floors.overall, text
    assert report.in_scope_top1 >= floors.top1, text
    assert report.in_scope_top3 >= floors.top3, text
    assert report.out_of_scope_declined >= floors.declined, text


def test_the_development_set_keeps_the_issue_targets() -> None:
    """The dev set's floors never drop below the quality targets it was built to (0.95 overall,
    0.98 top-3, 0.93 declined): lowering them in the manifest does not pass this."""
    dev = next(s for s in SETS if s.name == "dev")
    assert dev.floors.overall >= 0.95
    assert dev.floors.top3 >= 0.98
    assert dev.floors.declined >= 0.93


def test_evaluation_questions_are_not_copied_into_the_knowledge_base(matcher: Matcher) -> None:
    phrasings = {p.plain for item in matcher.index.items for p in item.phrases}
    tokens = matcher.index.tokenizer.tokens
    shipped = [s for s in SETS if s.knowledge == SHIPPED_KNOWLEDGE.resolve()]
    assert len(shipped) == 14
    for question_set in shipped:
        for question in load_questions(question_set.questions):
            if question.text in _WRITTEN_ALIKE:
                continue
            assert " ".join(tokens(question.text)) not in phrasings, (question_set.name,
                                                                      question.text)


# Blind questions that equal a knowledge-base phrasing (mostly a one-word keyword query) that
# was there before the blind sets were written without reading it: a coincidence, not a copy.
_WRITTEN_ALIKE = frozenset({
    "do open models release their training data", "examples of open models?",
    "is gpt-4o open source?", "transparency?", "local deployment?", "accountability?",
    "what's the middle ground between open and closed", "privacy?",
    "will open and closed models coexist", "customizability?",
    "what are some open weight models", "cost?",  # in the first knowledge base, before blind4
    "open vs closed ai",  # a KB phrasing before blind5 existed; its writer never read the KB
    "data privacy open vs closed",  # likewise, in the knowledge base before blind6 existed
    "is gemini ultra open or closed?", "table?", "how are closed models priced",  # and blind8
})
