"""evaluate: loading question sets, the figures, the misses, and the `why` text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.evaluate import (
    EvalQuestion,
    evaluate,
    format_report,
    format_why,
    load_questions,
)
from bot.core.matcher import Matcher
from bot.core.models import Entry, KnowledgeBase


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    entries = (
        Entry(id="cost", title="Cost to access", answer="Open models are free.",
              questions=("how much does it cost",), keywords=("price",)),
        Entry(id="privacy", title="Data privacy", answer="Run locally to keep data.",
              questions=("is my data private",)),
        Entry(id="safety", title="Safety controls", answer="Providers filter content.",
              questions=("are closed models safer",), keywords=("guardrails",)),
    )
    return Matcher.build(KnowledgeBase(entries=entries))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_questions(tmp_path: Path) -> None:
    path = write(tmp_path, "questions:\n  - q: how much?\n    ids: [cost]\n  - q: hi\n    ids: []\n"
                           "  - q: no ids given\n")
    assert load_questions(path) == [
        EvalQuestion("how much?", ("cost",)), EvalQuestion("hi", ()),
        EvalQuestion("no ids given", ()),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("questions: [", "invalid YAML"),
    ("- just a list\n", "'questions' list"),
    ("questions: {}\n", "'questions' list"),
    ("questions: []\n", "no questions"),
    ("questions:\n  - ids: [a]\n", "question 1"),
    ("questions:\n  - q: ''\n    ids: []\n", "non-empty text"),
    ("questions:\n  - q: fine\n    ids: a\n", "'ids' must be a list"),
    ("questions:\n  - q: fine\n    ids: [1]\n", "'ids' must be a list"),
])
def test_bad_files_raise_value_error_naming_the_problem(tmp_path: Path, text: str,
                                                        message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_questions(write(tmp_path, text))


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        load_questions(tmp_path / "nope.yaml")
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValueError, match="UTF-8"):
        load_questions(path)


def test_evaluate_counts_answers_suggestions_and_declines(matcher: Matcher) -> None:
    questions = [
        EvalQuestion("how much does it cost", ("cost",)),          # right
        EvalQuestion("is my data private", ("privacy",)),           # right
        EvalQuestion("are closed models safer", ("cost",)),         # wrong answer
        EvalQuestion("what's the weather in berlin", ()),           # declined: right
        EvalQuestion("guardrails", ()),                             # answered: wrong
    ]
    report = evaluate(matcher, questions)
    assert (report.total, report.in_scope, report.out_of_scope, report.right) == (5, 3, 2, 3)
    assert report.overall == pytest.approx(3 / 5)
    assert report.in_scope_top1 == pytest.approx(2 / 3)
    assert report.in_scope_top3 == pytest.approx(2 / 3)
    assert report.out_of_scope_declined == pytest.approx(1 / 2)
    assert [m.question for m in report.misses] == ["are closed models safer", "guardrails"]
    _, wanted, got, verdict, score = report.misses[0]
    assert (wanted, got, verdict) == (("cost",), "safety", "answer")
    assert 0 < score <= 1
    assert 0 <= report.p50_ms <= report.p99_ms


def test_format_report_lists_figures_and_misses(matcher: Matcher) -> None:
    report = evaluate(matcher, [EvalQuestion("are closed models safer", ("cost",)),
                                EvalQuestion("hi", ())])
    text = format_report(report)
    for label in ("overall", "in-scope top-1", "in-scope top-3", "out-of-scope declined",
                  "p50", "p99", "misses (1)", "'are closed models safer'", "wanted cost",
                  "got safety"):
        assert label in text


def test_format_why_shows_candidates_scores_and_reasons(matcher: Matcher) -> None:
    text = format_why(matcher, "how much does it cots")
    assert text.startswith("verdict: answer → cost")
    assert "1. cost — Cost to access  score" in text
    assert 'read as "cost"' in text
    assert "no candidate" in format_why(matcher, "hi bot")
