"""The quality gate: the development questions against the shipped knowledge base.

A copy of ../shared/eval/dev-questions.yaml lives in tests/fixtures. The held-out sets were
written by the matcher's author and never copied into the knowledge base; they guard against
tuning to the development set alone (the second one at a lower bar, as it was written last).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.evaluate import evaluate, format_report, load_questions
from bot.core.matcher import Matcher
from bot.core.normalize import tokens

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def matcher(shipped_matcher: Matcher) -> Matcher:
    return shipped_matcher


def test_development_questions_meet_the_quality_targets(matcher: Matcher) -> None:
    report = evaluate(matcher, load_questions(FIXTURES / "dev-questions.yaml"))
    text = format_report(report)
    assert report.overall >= 0.95, text
    assert report.in_scope_top3 >= 0.98, text
    assert report.out_of_scope_declined >= 0.93, text


@pytest.mark.parametrize(("name", "overall", "top3", "declined"), [
    # Floors a little under what each set scores now (overall / top-3 / declined); the history
    # of each is in the commit log. Sets the matcher was tuned on score higher than unseen ones.
    ("heldout-questions.yaml", 0.95, 0.97, 0.95),  # 100 / 100 / 100
    ("heldout2-questions.yaml", 0.88, 0.88, 0.90),  # 93.3 / 91.7 / 100
    # Written blind (article and topic list only), then tuned on.
    ("blind-questions.yaml", 0.93, 0.95, 0.93),  # 97.8 / 98.1 / 100
    ("blind2-questions.yaml", 0.95, 0.95, 0.93),  # 100 / 100 / 100
    ("blind3-questions.yaml", 0.92, 0.95, 0.83),  # 98.1 / 100 / 91.7 (82.7 at first sight)
    # Long chat questions with context and asides (35.0% overall at first sight).
    ("long-questions.yaml", 0.85, 0.85, 0.80),  # 92.5 / 93.3 / 90.0
    # Written by helpers who never saw the knowledge base or the matcher; the first figure is
    # what each scored when written, before anyone tuned on it.
    ("blind4-questions.yaml", 0.90, 0.90, 0.90),  # 80.0 then; 93.8 / 95.0 / 95.0 now
    ("blind5-questions.yaml", 0.88, 0.90, 0.93),  # 88.3 then; 93.3 / 95.6 / 100 now
    ("blind6-questions.yaml", 0.80, 0.78, 0.95),  # 62.5 then; 85.0 / 83.3 / 100 now
    ("blind8-questions.yaml", 0.90, 0.93, 0.90),  # 93.8 then (dev-like); 95.0 / 98.3 / 95.0 now
    ("blind9-questions.yaml", 0.78, 0.75, 0.95),  # 76.2 then (never read it); 83.8 / 80.0 / 100
    # Never opened by those who tune: blind7 (indirect and non-expert questions; 56.2% overall
    # when written, 75.0 / 75.0 / 95.0 now) and blind10 (a mix, written after the last tuning:
    # 87.5 / 93.3 / 95.0 at first sight). Keep them unread when tuning, or they stop measuring.
    ("blind7-questions.yaml", 0.70, 0.70, 0.90),
    ("blind10-questions.yaml", 0.82, 0.88, 0.90),
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
                 "long-questions.yaml", "blind4-questions.yaml", "blind5-questions.yaml",
                 "blind6-questions.yaml", "blind7-questions.yaml", "blind8-questions.yaml",
                 "blind9-questions.yaml", "blind10-questions.yaml"):
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
    "data privacy open vs closed",  # likewise, in the knowledge base before blind6 existed
    "is gemini ultra open or closed?", "table?", "how are closed models priced",  # and blind8
})
