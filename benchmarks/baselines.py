"""Quality beside the baselines: faqbot and four lexical baselines on every set of the manifest.

Run: .venv/bin/python benchmarks/baselines.py [--set NAME ...] [--manifest FILE]
(needs the `bench` extra: pip install -e '.[bench]', which `make bench` installs).

For each question set of tests/fixtures/quality.yaml, its knowledge folder is loaded with the
project's loader, faqbot is measured exactly as `faqbot eval` measures it, and each baseline of
benchmarks/rankers.py ranks the same knowledge base. A baseline answers its best-ranked item when
that item's score reaches a decline threshold, and declines below it; the threshold is the one
that maximises the baseline's overall on the set (tuned on the very questions it is scored on,
so the baselines' figures are optimistic). Figures:
  overall   answered directly with a right id, or declined when out of scope
  top-1     in-scope questions answered directly with a right id
  top-3     in-scope questions with a right id among the first three shown (faqbot: its answer
            and suggestions; a baseline: its first three ranked items, whatever the threshold)
  declined  out-of-scope questions declined
A figure of faqbot's under the set's floor is marked with '<'.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality_sets import MANIFEST, QuestionSet, load_manifest  # noqa: E402
from benchmarks.rankers import BASELINES, Ranked  # noqa: E402
from bot.core.curation.evaluate import EvalQuestion, evaluate, load_questions  # noqa: E402
from bot.core.knowledge.load import load_knowledge  # noqa: E402
from bot.core.knowledge.models import KnowledgeBase  # noqa: E402
from bot.core.matching.matcher import Matcher  # noqa: E402


@dataclass(frozen=True, slots=True)
class Figures:
    overall: float
    top1: float
    top3: float
    declined: float
    threshold: float | None = None  # a baseline's tuned decline threshold


def tune(questions: Sequence[EvalQuestion], ranked: Sequence[Ranked]) -> Figures:
    """A baseline's figures at the decline threshold that maximises overall (the lowest such
    threshold on a tie). Answer when the best score is at least the threshold."""
    tops = [items[0][1] if items else 0.0 for items in ranked]
    candidates = sorted({*tops, float("inf")})
    best = max(candidates, key=lambda t: (_figures(questions, ranked, t).overall, -t))
    return _figures(questions, ranked, best)


def _figures(questions: Sequence[EvalQuestion], ranked: Sequence[Ranked],
             threshold: float) -> Figures:
    right = top1 = top3 = declined = 0
    for question, items in zip(questions, ranked, strict=True):
        answered = items[0][0] if items and items[0][1] >= threshold else None
        if question.ids:
            ok = answered in question.ids
            top1 += ok
            top3 += any(item_id in question.ids for item_id, _ in items[:3])
        else:
            ok = answered is None
            declined += ok
        right += ok
    in_scope = sum(1 for q in questions if q.ids)
    out_scope = len(questions) - in_scope
    return Figures(overall=right / len(questions), top1=_share(top1, in_scope),
                   top3=_share(top3, in_scope), declined=_share(declined, out_scope),
                   threshold=threshold)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def faqbot_figures(kb: KnowledgeBase, questions: list[EvalQuestion]) -> Figures:
    report = evaluate(Matcher.build(kb), questions)
    return Figures(report.overall, report.in_scope_top1, report.in_scope_top3,
                   report.out_of_scope_declined)


def measure(question_set: QuestionSet) -> dict[str, Figures]:
    """faqbot's figures and each baseline's, by name, on one set."""
    kb, problems = load_knowledge(question_set.knowledge)
    if kb is None:
        raise SystemExit(f"{question_set.name}: the knowledge base does not load: "
                         + "; ".join(str(p) for p in problems[:3]))
    questions = load_questions(question_set.questions)
    results = {"faqbot": faqbot_figures(kb, questions)}
    for name, make in BASELINES.items():
        rank = make(kb)
        results[name] = tune(questions, [rank(q.text) for q in questions])
    return results


def format_set(question_set: QuestionSet, questions: int, results: dict[str, Figures]) -> str:
    floors = question_set.floors
    lines = [f"{question_set.name} ({questions} questions; "
             f"{'tuned on' if question_set.tuned else 'never tuned on'}) — "
             f"{_relative(question_set.questions)} over {_relative(question_set.knowledge)}",
             f"  {'':<11} overall   top-1   top-3  declined  threshold"]
    for name, fig in results.items():
        cells = [(fig.overall, floors.overall), (fig.top1, floors.top1),
                 (fig.top3, floors.top3), (fig.declined, floors.declined)]
        marks = [f"{value:6.3f}{'<' if name == 'faqbot' and value < floor else ' '}"
                 for value, floor in cells]
        threshold = "" if fig.threshold is None else f"{fig.threshold:9.3f}"
        lines.append(f"  {name:<11} {marks[0]}  {marks[1]} {marks[2]}  {marks[3]}  {threshold}")
    return "\n".join(lines)


def format_summary(all_results: dict[str, dict[str, Figures]]) -> str:
    names = list(BASELINES)
    head = f"{'overall':<16} {'faqbot':>7} " + " ".join(f"{n:>10}" for n in names)
    lines = [head + "   best baseline  faqbot - best"]
    for set_name, results in all_results.items():
        best = max(names, key=lambda n: results[n].overall)
        gap = results["faqbot"].overall - results[best].overall
        lines.append(f"{set_name:<16} {results['faqbot'].overall:7.3f} "
                     + " ".join(f"{results[n].overall:10.3f}" for n in names)
                     + f"   {best:<13} {gap:+7.3f}")
    return "\n".join(lines)


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--set", action="append", dest="sets", metavar="NAME",
                        help="measure only this set (repeatable); default: every set")
    args = parser.parse_args()
    sets = load_manifest(args.manifest)
    unknown = set(args.sets or ()) - {s.name for s in sets}
    if unknown:
        raise SystemExit(f"no such set in {args.manifest}: {', '.join(sorted(unknown))}")
    chosen = [s for s in sets if not args.sets or s.name in args.sets]
    all_results: dict[str, dict[str, Figures]] = {}
    for question_set in chosen:
        results = measure(question_set)
        all_results[question_set.name] = results
        count = len(load_questions(question_set.questions))
        print(format_set(question_set, count, results), end="\n\n", flush=True)
    print(format_summary(all_results))


if __name__ == "__main__":
    main()
