"""Measure the matcher on a labelled question set, and format `faqbot eval` / `faqbot why`."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.knowledge.models import one_line
from bot.core.knowledge.nodes import Node
from bot.core.knowledge.parse import parse_text
from bot.core.matching.match import Verdict
from bot.core.matching.semantic import AnyMatcher


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    """A question and every id that would be a right answer; no ids means "decline"."""

    text: str
    ids: tuple[str, ...]


FORMAT = """\
A question set is a YAML file with a `questions` list; each question has its text (`q`) and
the ids of the entries or table rows that answer it right (`ids`). No ids (or an empty list)
means the bot should decline it: the knowledge base does not answer it.

  questions:
    - q: how do I get started?
      ids: [getting-started]
    - q: which option is cheaper?
      ids: [pricing, comparison-table]       # either is right
    - q: what's the weather in Berlin?       # out of scope: should be declined
      ids: []

Figures: overall (right answers and right declines), in-scope top-1 (answered with a wanted
id), top-3 (a wanted id answered, offered under the answer ("Not it?"), among the did-you-mean
choices, or offered with no answer as the entries that came closest), out-of-scope declined,
and each miss with what the bot did instead."""


@dataclass(frozen=True, slots=True)
class Miss:
    question: str
    wanted: tuple[str, ...]
    got: str | None  # the answer given, else the best candidate
    verdict: str
    score: float
    # did-you-mean choices, those offered under the answer, or with no answer
    suggestions: tuple[str, ...] = ()
    declined_by: str | None = None  # the out-of-scope topic that declined the question

    def __iter__(self) -> Any:
        return iter((self.question, self.wanted, self.got, self.verdict, self.score))


def _known_keys(node: Node, allowed: set[str], what: str) -> None:
    """Raise ValueError at the first key of `node` (a mapping) that is not `allowed`."""
    for key, where in node.key_locations.items():
        if key not in allowed:
            raise ValueError(f"{where}: {what}: unknown key '{one_line(str(key))}' (allowed: "
                             f"{', '.join(sorted(allowed))})")


@dataclass(frozen=True, slots=True)
class EvalReport:
    overall: float
    in_scope_top1: float
    in_scope_top3: float
    out_of_scope_declined: float
    misses: list[Miss]
    p50_ms: float
    p99_ms: float
    total: int
    in_scope: int
    out_of_scope: int
    right: int
    declined_by_topic: int = 0  # out-of-scope questions an out-of-scope topic declined


def load_questions(path: Path, known_ids: Collection[str] | None = None) -> list[EvalQuestion]:
    """Read `questions: [{q: ..., ids: [...]}]`, parsed as safely as a knowledge file; raise
    ValueError naming what is wrong (`path:line:column: message`, where there is a place). With
    `known_ids`, an id that is not one of them is wrong too: it could never be answered."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    parsed, problems = parse_text(str(path), data)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValueError(f"{min(problems)}{more}")
    root = parsed.root if parsed is not None else None
    listed = root.value.get("questions") if root is not None and root.is_map else None
    if root is None or listed is None or not listed.is_list:
        raise ValueError(f"{path}: expected a mapping with a 'questions' list")
    _known_keys(root, {"questions"}, "the file")
    out: list[EvalQuestion] = []
    for n, item in enumerate(listed.value, start=1):
        where = f"{item.location}: question {n}"
        if not item.is_map or "q" not in item.value:
            raise ValueError(f"{where} must be a mapping with 'q' and 'ids'")
        # A typo ('id:' for 'ids:') would make it a question to decline, silently.
        _known_keys(item, {"q", "ids"}, f"question {n}")
        text_node, ids_node = item.value["q"], item.value.get("ids")
        text = text_node.value
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{text_node.location}: question {n}: 'q' must be non-empty text")
        ids = [] if ids_node is None or ids_node.value is None else ids_node.value
        if not isinstance(ids, list) or not all(isinstance(i.value, str) for i in ids):
            raise ValueError(f"{where} ({text!r}): 'ids' must be a list of ids")
        for node in ids:
            if known_ids is not None and node.value not in known_ids:
                raise ValueError(f"{node.location}: question {n} ({text!r}): id "
                                 f"'{node.value}' is not in the knowledge base")
        out.append(EvalQuestion(text, tuple(i.value for i in ids)))
    if not out:
        raise ValueError(f"{path}: no questions")
    return out


def evaluate(matcher: AnyMatcher, questions: list[EvalQuestion]) -> EvalReport:
    """Run every question once and score the verdicts."""
    right = top1 = top3 = declined = by_topic = 0
    misses: list[Miss] = []
    times: list[float] = []
    for question in questions:
        start = time.perf_counter_ns()
        match = matcher.match(question.text)
        times.append((time.perf_counter_ns() - start) / 1e6)
        got = match.answer_id
        if question.ids:
            # What the member sees to pick from: the answer and its alternatives, the
            # suggestions, or (no answer) the items offered as maybe related.
            shown = [got, *match.alternatives] if got else [*match.suggestions, *match.related]
            ok = got in question.ids
            top1 += ok
            top3 += any(i in question.ids for i in shown[:3])
        else:
            ok = match.verdict is Verdict.NONE
            declined += ok
        topic = declining_topic(matcher, question.text) if match.verdict is Verdict.NONE else None
        by_topic += bool(topic) and not question.ids
        right += ok
        if not ok:
            best = match.best
            misses.append(Miss(question.text, question.ids, got or (best.id if best else None),
                               match.verdict.value, match.score,
                               match.suggestions or match.offered, topic))
    in_scope = sum(1 for q in questions if q.ids)
    out_scope = len(questions) - in_scope
    times.sort()
    return EvalReport(
        overall=_share(right, len(questions)),
        in_scope_top1=_share(top1, in_scope),
        in_scope_top3=_share(top3, in_scope),
        out_of_scope_declined=_share(declined, out_scope),
        misses=misses,
        p50_ms=_percentile(times, 0.50),
        p99_ms=_percentile(times, 0.99),
        total=len(questions), in_scope=in_scope, out_of_scope=out_scope, right=right,
        declined_by_topic=by_topic,
    )


def declining_topic(matcher: AnyMatcher, question: str) -> str | None:
    """The out-of-scope topic that declined a question: the one ranked above every item."""
    candidates = matcher.explain(question, limit=1)
    if not candidates:
        return None
    topic = matcher.kb.out_of_scope_topic(candidates[0].id)
    return topic.topic if topic is not None else None


def format_report(report: EvalReport) -> str:
    if report.out_of_scope:
        topics = (f"; {report.declined_by_topic} by an out-of-scope topic"
                  if report.declined_by_topic else "")
        declined = (f"{report.out_of_scope_declined:6.1%}  ("
                    f"{round(report.out_of_scope_declined * report.out_of_scope)}/"
                    f"{report.out_of_scope}{topics})")
    else:
        declined = "     -  (the set has no out-of-scope questions: ids: [])"
    if report.in_scope:
        top1 = f"{report.in_scope_top1:6.1%}  ({report.in_scope} questions)"
        top3 = f"{report.in_scope_top3:6.1%}"
    else:
        top1 = top3 = "     -  (the set has no in-scope questions)"
    lines = [
        f"overall               {report.overall:6.1%}  ({report.right}/{report.total})",
        f"in-scope top-1        {top1}",
        f"in-scope top-3        {top3}",
        f"out-of-scope declined {declined}",
        f"latency p50 {report.p50_ms:.3f} ms, p99 {report.p99_ms:.3f} ms",
    ]
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for miss in report.misses:
            wanted = ", ".join(miss.wanted) if miss.wanted else "no answer (out of scope)"
            lines.append(f"  - {miss.question!r}\n      wanted {wanted}; {_what_it_did(miss)}")
    return "\n".join(lines)


def _what_it_did(miss: Miss) -> str:
    """What the bot did with a missed question, in words that cannot be read as a hit."""
    if miss.verdict == Verdict.ANSWER.value:
        return f"got the answer {miss.got} (score {miss.score:.2f}{_offered(miss, 'under it')})"
    if miss.verdict == Verdict.SUGGEST.value:
        among = "; a wanted id is among them" if set(miss.wanted) & set(miss.suggestions) else ""
        return (f"got did-you-mean {', '.join(miss.suggestions)} and no answer (best score "
                f"{miss.score:.2f}{among})")
    if miss.declined_by is not None:
        return f"declined by the out-of-scope topic {miss.declined_by!r}"
    if miss.got is None:
        return "declined: no candidate matched"
    return (f"declined: no answer (best candidate {miss.got}, score {miss.score:.2f}, too "
            f"low{_offered(miss, 'as closest')})")


def _offered(miss: Miss, how: str) -> str:
    """What a miss offered beside its verdict (nothing: ""), and whether a wanted id was."""
    if not miss.suggestions:
        return ""
    among = ", a wanted id among them" if set(miss.wanted) & set(miss.suggestions) else ""
    return f"; offered {', '.join(miss.suggestions)} {how}{among}"


def format_why(matcher: AnyMatcher, question: str) -> str:
    """The top 5 candidates with their scores and what matched."""
    match = matcher.match(question)
    candidates = matcher.explain(question, limit=5)
    head = f"verdict: {match.verdict.value}"
    if match.answer_id:
        head += f" → {match.answer_id}"
        if match.alternatives:
            head += f" (offered under it: {', '.join(match.alternatives)})"
    elif match.suggestions:
        head += " → " + ", ".join(match.suggestions)
    elif match.related:
        head += f" (offered as closest: {', '.join(match.related)})"
    lines = [head]
    if not candidates:
        lines.append("no candidate matched any word of the question")
    for n, cand in enumerate(candidates, start=1):
        topic = matcher.kb.out_of_scope_topic(cand.id)
        if topic is not None:
            lines.append(f"{n}. {cand.id} — out of scope: {topic.topic}  score "
                         f"{cand.score:.2f} (declines a question it matches best)")
            lines.extend(f"     {reason}" for reason in cand.reasons)
            continue
        limits = matcher.limits(cand.id)
        lines.append(f"{n}. {cand.id} — {matcher.kb.title_of(cand.id)}  score {cand.score:.2f} "
                     f"(answer ≥ {limits.answer:.2f}, suggest ≥ {limits.suggest:.2f})")
        lines.extend(f"     {reason}" for reason in cand.reasons)
    return "\n".join(lines)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(q * len(values)))]
