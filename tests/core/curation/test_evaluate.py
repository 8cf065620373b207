"""evaluate: loading question sets, the figures, the misses, and the `why` text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.curation.evaluate import (
    EvalQuestion,
    EvalReport,
    Miss,
    evaluate,
    format_report,
    format_why,
    load_questions,
)
from bot.core.knowledge.models import Entry, KnowledgeBase, Thresholds
from bot.core.matching.match import Verdict
from bot.core.matching.matcher import Matcher


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
    ("questions: [", r"questions.yaml:1:13: YAML syntax: .* not closed"),
    ("[" * 10_000, r"questions.yaml:1:\d+: values are nested more than 50 levels deep"),
    ("questions: !!python/object/apply:os.system [true]\n",
     r"questions.yaml:1:12: tag !!python/object/apply:os.system is not allowed"),
    ("questions:\n  - q: a\n    q: b\n", r"questions.yaml:3:5: duplicate key 'q'"),
    ("questions:\n  - q: \"\\ud800\"\n", r"questions.yaml:2:8: control character U\+D800"),
    ("l0: &l0 [a]\n" + "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n"
                               for n in range(1, 10)) + "questions: *l9\n",
     r"questions.yaml:\d+:\d+: anchors '&' and aliases '\*' expand this file"),
    ("- just a list\n", "'questions' list"),
    ("questions: {}\n", "'questions' list"),
    ("questions: []\n", "no questions"),
    ("questions:\n  - ids: [a]\n", "question 1"),
    ("questions:\n  - q: ''\n    ids: []\n", "non-empty text"),
    ("questions:\n  - q: fine\n    ids: a\n", "'ids' must be a list"),
    ("questions:\n  - q: fine\n    ids: [1]\n", "'ids' must be a list"),
    # A typo would make the question one to decline, silently.
    ("questions:\n  - q: fine\n    id: [cost]\n",
     r"questions.yaml:3:5: question 1: unknown key 'id' \(allowed: ids, q\)"),
    ("questions:\n  - q: fine\n    ids: [cost]\nquestoins: []\n",
     r"questions.yaml:4:1: the file: unknown key 'questoins' \(allowed: questions\)"),
])
def test_bad_files_raise_value_error_naming_the_problem(tmp_path: Path, text: str,
                                                        message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_questions(write(tmp_path, text))


def test_ids_not_in_the_knowledge_base_are_named_where_they_are(tmp_path: Path) -> None:
    path = write(tmp_path, "questions:\n  - q: how much?\n    ids: [cost, csot]\n")
    with pytest.raises(ValueError, match=r"questions.yaml:3:17: question 1 \('how much\?'\): "
                                         r"id 'csot' is not in the knowledge base"):
        load_questions(path, known_ids={"cost", "pricing"})
    assert load_questions(path) == [EvalQuestion("how much?", ("cost", "csot"))]


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


def test_top3_counts_the_alternatives_offered_under_a_wrong_answer() -> None:
    shop = Matcher.build(KnowledgeBase(entries=(
        Entry(id="hours", title="Opening hours", answer="We open at nine and close at six.",
              questions=("when are you open",)),
        Entry(id="holidays", title="Holiday hours", answer="On public holidays we open at ten.",
              questions=("are you open on holidays",)),
    )))
    assert shop.match("open on sunday").alternatives == ("hours",)
    report = evaluate(shop, [EvalQuestion("open on sunday", ("hours",))])
    assert (report.in_scope_top1, report.in_scope_top3) == (0.0, 1.0)
    assert report.misses[0].suggestions == ("hours",)
    assert format_why(shop, "open on sunday").startswith(
        "verdict: answer → holidays (offered under it: hours)\n")
    assert ("got the answer holidays (score " in format_report(report)
            and "; offered hours under it, a wanted id among them)" in format_report(report))


def test_top3_counts_the_entries_offered_with_no_answer() -> None:
    shop = Matcher.build(KnowledgeBase(entries=(
        Entry(id="hours", title="Opening hours", answer="We open at nine and close at six.",
              questions=("when are you open",)),
        Entry(id="returns", title="Returns", answer="Bring the receipt within 30 days.",
              questions=("can i return something",)),
    ), thresholds=Thresholds(answer=0.9, suggest=0.9, margin=0.01)))
    match = shop.match("are you open")
    assert (match.verdict, match.related) == (Verdict.NONE, ("hours",))
    report = evaluate(shop, [EvalQuestion("are you open", ("hours",))])
    assert (report.overall, report.in_scope_top1, report.in_scope_top3) == (0.0, 0.0, 1.0)
    assert "; offered hours as closest, a wanted id among them)" in format_report(report)
    assert format_why(shop, "are you open").startswith(
        "verdict: none (offered as closest: hours)\n")


def test_format_report_lists_figures_and_misses(matcher: Matcher) -> None:
    report = evaluate(matcher, [EvalQuestion("are closed models safer", ("cost",)),
                                EvalQuestion("hi", ())])
    text = format_report(report)
    for label in ("overall", "in-scope top-1", "in-scope top-3", "out-of-scope declined",
                  "p50", "p99", "misses (1)", "'are closed models safer'", "wanted cost",
                  "got the answer safety (score"):
        assert label in text


def test_the_report_never_reads_a_miss_as_a_hit() -> None:
    misses = [Miss("how to join", ("how-to-join",), "how-to-join", "none", 0.18),
              Miss("weather", ("cost",), None, "none", 0.0),
              Miss("price privacy", ("safety",), "privacy", "suggest", 0.41, ("privacy", "cost")),
              Miss("cost or privacy", ("cost",), "privacy", "suggest", 0.43, ("privacy", "cost")),
              Miss("gpu prices", ("cost",), None, "none", 0.0, (), "Provider prices"),
              Miss("hello", (), "cost", "answer", 0.7)]
    report = EvalReport(overall=0.0, in_scope_top1=0.0, in_scope_top3=0.25,
                        out_of_scope_declined=0.0, misses=misses, p50_ms=0.1, p99_ms=0.2,
                        total=6, in_scope=5, out_of_scope=1, right=0)
    text = format_report(report)
    assert ("wanted how-to-join; declined: no answer (best candidate how-to-join, score 0.18, "
            "too low)") in text
    assert "wanted cost; declined: no candidate matched" in text
    assert "wanted safety; got did-you-mean privacy, cost and no answer (best score 0.41)" in text
    assert "and no answer (best score 0.43; a wanted id is among them)" in text
    assert "wanted cost; declined by the out-of-scope topic 'Provider prices'" in text
    assert "wanted no answer (out of scope); got the answer cost (score 0.70)" in text
    assert "out-of-scope declined   0.0%  (0/1)" in text


def test_a_set_without_out_of_scope_questions_says_so(matcher: Matcher) -> None:
    text = format_report(evaluate(matcher, [EvalQuestion("how much does it cost", ("cost",))]))
    assert "out-of-scope declined      -  (the set has no out-of-scope questions" in text
    assert "100.0% (0 questions)" not in text


def test_the_report_says_when_an_out_of_scope_topic_declined(club_kb: KnowledgeBase) -> None:
    priced = "what does the outdoor store charge for boots"
    report = evaluate(Matcher.build(club_kb), [EvalQuestion(priced, ()),
                                               EvalQuestion(priced, ("factor-cost",))])
    assert report.declined_by_topic == 1
    text = format_report(report)
    assert "out-of-scope declined 100.0%  (1/1; 1 by an out-of-scope topic)" in text
    assert ("wanted factor-cost; declined by the out-of-scope topic 'What outdoor shops charge "
            "for gear'") in text


def test_format_why_shows_candidates_scores_and_reasons(matcher: Matcher) -> None:
    text = format_why(matcher, "how much does it cots")
    assert text.startswith("verdict: answer → cost")
    assert "1. cost — Cost to access  score" in text
    assert 'read as "cost"' in text
    assert "no candidate" in format_why(matcher, "hi there!")  # small talk asks nothing
