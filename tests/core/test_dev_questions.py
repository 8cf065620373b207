"""The quality gate: the development questions against the shipped knowledge base.

A copy of ../shared/eval/dev-questions.yaml lives in tests/fixtures. The held-out sets were
written by the matcher's author and never copied into the knowledge base; they guard against
tuning to the development set alone (the second one at a lower bar, as it was written last).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.evaluate import evaluate, format_report, load_questions
from bot.core.loader import load_folder
from bot.core.matcher import Matcher
from bot.core.normalize import tokens
from bot.core.validate import validate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    kb, problems = validate(load_folder(ROOT / "knowledge").files)
    assert kb is not None, problems
    return Matcher.build(kb)


def test_development_questions_meet_the_quality_targets(matcher: Matcher) -> None:
    report = evaluate(matcher, load_questions(FIXTURES / "dev-questions.yaml"))
    text = format_report(report)
    assert report.overall >= 0.95, text
    assert report.in_scope_top3 >= 0.98, text
    assert report.out_of_scope_declined >= 0.93, text


@pytest.mark.parametrize(("name", "overall", "top3", "declined"), [
    ("heldout-questions.yaml", 0.95, 0.97, 0.95),
    ("heldout2-questions.yaml", 0.83, 0.91, 0.80),
    # Written blind (article and topic list only); floors a little under the achieved level
    # (blind 93.4/96.2/93.3%, blind2 90.0/93.3/100%, blind3 first score 82.7/90.0/75.0%;
    # raised when blind2 reached 100/100/100% and blind3 92.3/97.5/83.3%).
    ("blind-questions.yaml", 0.90, 0.93, 0.90),
    ("blind2-questions.yaml", 0.92, 0.95, 0.90),
    ("blind3-questions.yaml", 0.88, 0.93, 0.75),
    # Long chat questions with context and asides (first score 35.0/13.3/100%, 75.0/73.3/90%
    # once coverage stopped counting every aside in full).
    ("long-questions.yaml", 0.70, 0.70, 0.80),
    # Written by someone who never saw the knowledge base or the matcher (80.0/85.0/80.0%
    # when written, 90.0/90.0/95.0% before anyone tuned on it; 91.2/90.0/100% now).
    ("blind4-questions.yaml", 0.87, 0.87, 0.90),
    # The independent check now: written the same way, never opened by those who tune
    # (88.3/88.9/93.3% when written). Keep it unread when tuning, or it stops measuring.
    ("blind5-questions.yaml", 0.85, 0.85, 0.90),
])
def test_held_out_questions_do_not_regress(matcher: Matcher, name: str, overall: float,
                                           top3: float, declined: float) -> None:
    report = evaluate(matcher, load_questions(FIXTURES / name))
    text = format_report(report)
    assert report.overall >= overall, text
    assert report.in_scope_top3 >= top3, text
    assert report.out_of_scope_declined >= declined, text


def test_evaluation_questions_are_not_copied_into_the_knowledge_base(matcher: Matcher) -> None:
    phrasings = {p.plain for item in matcher.index.items for p in item.phrases}
    for name in ("dev-questions.yaml", "heldout-questions.yaml", "heldout2-questions.yaml",
                 "blind-questions.yaml", "blind2-questions.yaml", "blind3-questions.yaml",
                 "long-questions.yaml", "blind4-questions.yaml", "blind5-questions.yaml"):
        for question in load_questions(FIXTURES / name):
            if question.text in _WRITTEN_ALIKE:
                continue
            assert " ".join(tokens(question.text)) not in phrasings, (name, question.text)


# Blind questions that equal a knowledge-base phrasing (mostly a one-word keyword query) that
# was there before the blind sets were written without reading it: a coincidence, not a copy.
_WRITTEN_ALIKE = frozenset({
    "do open models release their training data", "examples of open models?",
    "is gpt-4o open source?", "transparency?", "local deployment?", "accountability?",
    "what's the middle ground between open and closed", "privacy?",
    "will open and closed models coexist", "customizability?",
    "what are some open weight models", "cost?",  # in the first knowledge base, before blind4
    "open vs closed ai",  # a KB phrasing before blind5 existed; its writer never read the KB
})
