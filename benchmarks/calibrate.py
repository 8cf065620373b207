"""Calibrate the matcher's thresholds on every labelled question set, honestly.

Run: .venv/bin/python benchmarks/calibrate.py [--exclude NAME ...] [--top N] [--all]

Every question of tests/fixtures/*-questions.yaml is ranked once against the shipped knowledge
base; the verdict is then recomputed for each setting of a grid of (answer, suggest, margin)
thresholds (scores do not depend on the thresholds, only the verdict does). For each setting it
prints the pooled figures (all questions together) and each set's overall share right.

The choice principle (`choose`): among the settings that keep all three verdicts reachable (a
band of suggestions below `answer`, and a `margin` of at least MIN_MARGIN: below it a vague
one-word question such as "open", which half the items match about equally, gets an answer where
it should get "did you mean" choices) and whose pooled out-of-scope declined is at least 0.93,
the highest pooled overall; ties go to the better pooled in-scope top-3, then to the setting
with the best worst set (overall), then to the one nearest the middle of the tied settings (a
setting inside a plateau moves less when the knowledge base changes). When no setting declines
enough, the ones with the smallest shortfall are taken.

Leave one set out: for each set, the setting is chosen on all the other sets by the same
principle and reported on the left-out set, which is what the choice is worth on questions it
did not see. `--exclude` leaves sets out altogether (a blind set kept unseen while tuning).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.curation.evaluate import EvalQuestion, load_questions  # noqa: E402
from bot.core.knowledge.files import load_folder  # noqa: E402
from bot.core.knowledge.models import Thresholds  # noqa: E402
from bot.core.knowledge.schema import validate  # noqa: E402
from bot.core.matching.match import Verdict  # noqa: E402
from bot.core.matching.matcher import Matcher  # noqa: E402
from bot.core.matching.score import MAX_CANDIDATES, Scored  # noqa: E402

DECLINED = 0.93
MIN_MARGIN = 0.04
ANSWERS = [round(0.20 + 0.02 * i, 2) for i in range(22)]  # 0.20 … 0.62
SUGGESTS = [round(0.16 + 0.02 * i, 2) for i in range(20)]  # 0.16 … 0.54
MARGINS = [0.0, 0.02, 0.04, 0.06, 0.08, 0.10]


@dataclass(frozen=True, slots=True)
class Case:
    set: str
    question: EvalQuestion
    scored: list[Scored]


@dataclass(frozen=True, slots=True)
class Figures:
    n: int
    right: int
    in_scope: int
    top1: int
    top3: int
    out_scope: int
    declined: int

    @property
    def overall(self) -> float:
        return self.right / self.n if self.n else 1.0

    @property
    def top1_share(self) -> float:
        return self.top1 / self.in_scope if self.in_scope else 1.0

    @property
    def top3_share(self) -> float:
        return self.top3 / self.in_scope if self.in_scope else 1.0

    @property
    def declined_share(self) -> float:
        return self.declined / self.out_scope if self.out_scope else 1.0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(a + b for a, b in zip(self.counts(), other.counts(), strict=True)))

    def counts(self) -> tuple[int, ...]:
        return (self.n, self.right, self.in_scope, self.top1, self.top3, self.out_scope,
                self.declined)

    def line(self) -> str:
        return (f"{self.overall:6.1%} {self.top1_share:6.1%} {self.top3_share:6.1%} "
                f"{self.declined_share:6.1%}")


ZERO = Figures(0, 0, 0, 0, 0, 0, 0)


def grid() -> list[Thresholds]:
    return [Thresholds(answer=a, suggest=s, margin=m)
            for a in ANSWERS for s in SUGGESTS if s <= a for m in MARGINS]


def judge(matcher: Matcher, case: Case, limits: Thresholds) -> Figures:
    """The figures of one question under `limits` (as bot.core.curation.evaluate counts them)."""
    verdict, offered = matcher._decide(case.scored, limits)
    ids = [s.item.id for s in case.scored[:MAX_CANDIDATES]]
    wanted = case.question.ids
    if not wanted:
        ok = verdict is Verdict.NONE
        return Figures(1, ok, 0, 0, 0, 1, ok)
    got = ids[0] if verdict is Verdict.ANSWER and ids else None
    shown = [got, *offered] if got else (ids[:3] if verdict is Verdict.SUGGEST else [])
    ok = got in wanted
    top3 = any(i in wanted for i in shown[:3])
    return Figures(1, ok, 1, ok, top3, 0, 0)


def measure(matcher: Matcher, cases: Iterable[Case], limits: Thresholds
            ) -> dict[str, Figures]:
    out: dict[str, Figures] = {}
    for case in cases:
        out[case.set] = out.get(case.set, ZERO) + judge(matcher, case, limits)
    return out


def pooled(figures: dict[str, Figures], sets: Iterable[str]) -> Figures:
    total = ZERO
    for name in sets:
        total = total + figures.get(name, ZERO)
    return total


def choose(table: dict[Thresholds, dict[str, Figures]], sets: Sequence[str]) -> Thresholds:
    """The setting the stated principle picks, judged on `sets` only."""
    def shortfall(f: Figures) -> float:
        return max(0.0, DECLINED - f.declined_share)

    rows = [(limits, pooled(figures, sets), figures) for limits, figures in table.items()
            if limits.suggest < limits.answer and limits.margin >= MIN_MARGIN - 1e-9]
    least = min(shortfall(p) for _, p, _ in rows)
    feasible = [r for r in rows if shortfall(r[1]) <= least + 1e-12]
    best = max(r[1].overall for r in feasible)
    tied = [r for r in feasible if r[1].overall >= best - 1e-12]
    top3 = max(r[1].top3_share for r in tied)
    tied = [r for r in tied if r[1].top3_share >= top3 - 1e-12]
    worst = max(min(r[2][s].overall for s in sets) for r in tied)
    tied = [r for r in tied if min(r[2][s].overall for s in sets) >= worst - 1e-12]
    # The middle of the tied settings: nearest their mean, in each threshold's own grid steps.
    mean = [sum(getattr(r[0], k) for r in tied) / len(tied) for k in ("answer", "suggest",
                                                                        "margin")]
    return min(tied, key=lambda r: (
        sum(abs(getattr(r[0], k) - c) for k, c in zip(("answer", "suggest", "margin"), mean,
                                                        strict=True)),
        r[0].answer, r[0].suggest, r[0].margin))[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exclude", action="append", default=[],
                        help="leave out a set (its name without -questions.yaml)")
    parser.add_argument("--top", type=int, default=25,
                        help="settings listed, best pooled overall first (default 25)")
    parser.add_argument("--all", action="store_true", help="list every setting of the grid")
    args = parser.parse_args(argv)

    kb, problems = validate(load_folder(ROOT / "knowledge").files)
    if kb is None:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return 1
    matcher = Matcher.build(kb)
    cases: list[Case] = []
    sets: list[str] = []
    for path in sorted((ROOT / "tests" / "fixtures").glob("*-questions.yaml")):
        name = path.name.removesuffix("-questions.yaml")
        if name in args.exclude:
            continue
        sets.append(name)
        for question in load_questions(path):
            cases.append(Case(name, question, matcher._score(question.text, thorough=True)))

    table = {limits: measure(matcher, cases, limits) for limits in grid()}
    shipped = kb.thresholds
    chosen = choose(table, sets)

    def row(limits: Thresholds) -> str:
        figures = table.get(limits) or measure(matcher, cases, limits)
        sets_text = " ".join(f"{figures[s].overall:8.1%}" for s in sets)
        return (f"{limits.answer:5.2f} {limits.suggest:5.2f} {limits.margin:5.2f}  "
                f"{pooled(figures, sets).line()}  | {sets_text}")

    head = (f"{'ans':>5} {'sug':>5} {'marg':>5}  {'pool':>6} {'top1':>6} {'top3':>6} "
            f"{'decl':>6}  | " + " ".join(f"{s[:8]:>8}" for s in sets))
    print(f"{len(cases)} questions in {len(sets)} sets; {len(table)} settings; principle: max "
          f"pooled overall s.t. suggest < answer, margin >= {MIN_MARGIN:.2f}, declined >= "
          f"{DECLINED:.2f}; "
          "ties: top-3")
    print(head)
    listed = sorted(table, key=lambda t: (-pooled(table[t], sets).overall, t.answer,
                                          t.suggest, t.margin))
    for limits in listed if args.all else listed[: args.top]:
        print(row(limits))
    print("\nshipped:", row(shipped))
    print("chosen: ", row(chosen))
    print("\nchosen, per set (overall, top-1, top-3, declined):")
    for name in sets:
        print(f"  {name:10} {table[chosen][name].line()}")
    print(f"  {'pool':10} {pooled(table[chosen], sets).line()}")

    print("\nleave one set out (chosen on the others, reported on the one left out):")
    print(f"  {'set':10} {'ans':>5} {'sug':>5} {'marg':>5}  left-out: overall top-1 top-3 "
          f"declined   | with the overall choice")
    total_out, total_in = ZERO, ZERO
    for name in sets:
        others = [s for s in sets if s != name]
        pick = choose(table, others)
        out = table[pick][name]
        total_out = total_out + out
        total_in = total_in + table[chosen][name]
        print(f"  {name:10} {pick.answer:5.2f} {pick.suggest:5.2f} {pick.margin:5.2f}  "
              f"{out.line()}   | {table[chosen][name].line()}")
    print(f"  {'pool':10} {'':17}  {total_out.line()}   | {total_in.line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
