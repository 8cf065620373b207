"""Matcher speed beside BM25 baselines timed in the same run: per-question p50/p99, first answer.

Run: .venv/bin/python benchmarks/matcher_speed.py [--questions N] [--rounds N] [--kb NAME ...]

Knowledge bases: the shipped one, the two byo FAQs of tests/fixtures/byo, and generated ones of
25, 1,000 and 10,000 entries (deterministic, random.Random(seed): a large invented vocabulary
mixed with common English, alternate questions, keywords, answers, synonyms and a comparison
table). Questions: every labelled question of tests/fixtures/quality.yaml asked of that knowledge
base, then perturbed phrasings of its entries (dropped words, typos, chat noise) and unrelated
messages up to --questions.

Per question, faqbot's `Matcher.match` and two BM25 baselines over the same items (the text of
benchmarks/rankers.py's item_texts, its word tokens) are timed one right after the other, so all
see the same machine load: rank_bm25.BM25Okapi (k1 1.5, b 0.75; get_scores scores every item,
then the top 3 as its get_top_n takes them), and rankers.BM25 (an inverted index whose weights
are made at build; only items sharing a word are scored; the top 3). Single thread;
time.perf_counter_ns (wall) and time.thread_time_ns (this thread's CPU time, which preemption
by other processes does not inflate). Each round builds everything afresh; the round with the
median p99 is printed. The first build and the first answer (load the folder + Matcher.build +
the first match) are timed in a fresh Python process, as a bot starting. Only the matcher's
public API is used: Matcher.build(kb) and matcher.match(question).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy
from rank_bm25 import BM25Okapi

STARTED_NS = time.perf_counter_ns()  # before the project's modules are imported
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality_sets import load_manifest  # noqa: E402
from benchmarks.rankers import BM25, item_texts, words  # noqa: E402
from bot.core.curation.evaluate import load_questions  # noqa: E402
from bot.core.knowledge.load import load_knowledge  # noqa: E402
from bot.core.knowledge.models import ComparisonTable, Entry, KnowledgeBase, TableRow  # noqa: E402
from bot.core.matching.matcher import Matcher  # noqa: E402

IMPORTED_NS = time.perf_counter_ns()
FIXTURES = ROOT / "tests" / "fixtures"
FOLDERS = {
    "shipped": ROOT / "knowledge",
    "discordpy-faq": FIXTURES / "byo" / "discordpy-faq" / "knowledge",
    "python-faq": FIXTURES / "byo" / "python-faq" / "knowledge",
}
GENERATED = {"generated 25": 25, "generated 1,000": 1_000, "generated 10,000": 10_000}


def _split(text: str) -> list[str]:
    return text.split()


COMMON = _split(
    "model data cost open closed run train safety privacy license access user developer team "
    "company server cloud api token price speed quality support update version release weight "
    "network memory storage policy rule limit account game player score team match city "
    "weather food travel music movie book school student research paper code tool plugin"
)
TEMPLATES = (
    "how do i {a} the {b}", "what is {a} {b}", "can i {a} {b} with {c}", "why is {a} so {b}",
    "{a} vs {b}", "is there a {a} for {b}", "where can i find {a} {b}", "does {a} support {b}",
    "how much does {a} {b} cost", "what happens if {a} {b} fails", "{a} {b} {c} explained",
    "best way to {a} {b}", "who handles {a} for {b}", "when should i use {a} or {b}",
)
NOISE = ("hi", "hey", "pls", "thanks", "lol", "quick question", "anyone know", "@faqbot")
SYLLABLES = _split(
    "ka ri to ne mo sa lu vi de pa zo qu ex an or el ib um yt gr st tr pl fl br cr dr "
    "ol en ar ix on us io ea ai ou"
)


def invent_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate_kb(size: int, seed: int = 7) -> KnowledgeBase:
    """A knowledge base of `size` entries (the last 5 ids are table rows) with varied text."""
    rng = random.Random(seed)
    vocabulary = invent_words(rng, max(400, size * 4)) + COMMON * 3

    def words(n: int) -> list[str]:
        return [rng.choice(vocabulary) for _ in range(n)]

    def question(topic: list[str]) -> str:
        picks = [rng.choice(topic) if rng.random() < 0.7 else rng.choice(vocabulary)
                 for _ in range(3)]
        return rng.choice(TEMPLATES).format(a=picks[0], b=picks[1], c=picks[2])

    entries: list[Entry] = []
    rows_wanted = 5 if size >= 10 else 0
    for n in range(size - rows_wanted - (1 if rows_wanted else 0)):
        topic = words(8)
        entries.append(Entry(
            id=f"entry-{n}",
            title=" ".join(topic[:rng.randint(2, 5)]).capitalize(),
            answer=" ".join(words(rng.randint(25, 60))) + ".",
            questions=tuple(question(topic) for _ in range(rng.randint(4, 10))),
            keywords=tuple(" ".join(words(rng.randint(1, 2))) for _ in range(rng.randint(2, 6))),
        ))
    table = None
    if rows_wanted:
        rows = tuple(
            TableRow(id=f"factor-{n}", factor=" ".join(words(2)).capitalize(),
                     cells=(" ".join(words(4)), " ".join(words(4))),
                     aliases=(" ".join(words(1)),), questions=(question(words(6)),),
                     keywords=tuple(words(3)))
            for n in range(rows_wanted))
        table = ComparisonTable(id="comparison", title="Comparison at a glance",
                                columns=("Left", "Right"), rows=rows,
                                questions=("compare them side by side",),
                                keywords=("comparison", "table"))
    synonyms = {rng.choice(vocabulary): tuple(" ".join(words(rng.randint(1, 2)))
                                              for _ in range(3))
                for _ in range(min(60, size))}
    return KnowledgeBase(entries=tuple(entries), table=table, synonyms=synonyms)


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def questions_for(kb: KnowledgeBase, count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    phrasings = [q for e in kb.entries for q in e.questions] or [e.title for e in kb.entries]
    out: list[str] = []
    for n in range(count):
        if n % 4 == 3:
            out.append(" ".join(rng.choice([*COMMON, "pizza", "weather", "joke", "nickname"])
                                for _ in range(rng.randint(2, 8))))
            continue
        words = rng.choice(phrasings).split()
        words = [typo(rng, w) if rng.random() < 0.15 else w for w in words
                 if rng.random() > 0.15]
        if rng.random() < 0.3:
            words.insert(0, rng.choice(NOISE))
        out.append(" ".join(words) + rng.choice(("", "?", "??", " pls")))
    return out


def load_kb(name: str) -> KnowledgeBase:
    """A knowledge base by its name in FOLDERS (loaded with the project's loader) or GENERATED."""
    if name in GENERATED:
        return generate_kb(GENERATED[name])
    kb, problems = load_knowledge(FOLDERS[name])
    if kb is None:
        raise SystemExit(f"{name}: the knowledge base does not load: {problems[:3]}")
    return kb


def questions_of(name: str, kb: KnowledgeBase, count: int) -> list[str]:
    """The labelled questions asked of this knowledge base, then generated ones, `count` in all."""
    folder = FOLDERS.get(name)
    labelled = [q.text for s in load_manifest() if s.knowledge == folder
                for q in load_questions(s.questions)]
    return (labelled + questions_for(kb, count))[:count]


def answerers(kb: KnowledgeBase) -> dict[str, Callable[[str], object]]:
    """faqbot's matcher and the two BM25 baselines, each built afresh, by name."""
    texts = item_texts(kb)
    ids, docs = list(texts), [words(text) for text in texts.values()]
    reference = BM25Okapi(docs, k1=1.5, b=0.75)

    def rank_bm25_top3(question: str) -> list[str]:
        """rank_bm25's get_top_n, returning ids: score every item, sort, keep 3."""
        scores = reference.get_scores(words(question))
        return [ids[n] for n in numpy.argsort(scores)[::-1][:3]]

    return {"faqbot": Matcher.build(kb).match, "rank_bm25": rank_bm25_top3,
            "index": partial(BM25(ids, docs).rank, limit=3)}


def time_round(kb: KnowledgeBase, questions: list[str]) -> dict[str, tuple[list[int], list[int]]]:
    """One round, everything built afresh: each question's wall and CPU time (ns) by answerer,
    the answerers timed one right after the other on each question."""
    gc.collect()
    answer = answerers(kb)
    for question in questions[:50]:  # warm up, as a running bot would be
        for ask in answer.values():
            ask(question)
    times: dict[str, tuple[list[int], list[int]]] = {name: ([], []) for name in answer}
    for question in questions:
        for name, ask in answer.items():
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            ask(question)
            times[name][0].append(time.perf_counter_ns() - t0)
            times[name][1].append(time.thread_time_ns() - c0)
    return times


def percentile(values: list[int], q: float) -> float:
    """The q-quantile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] / 1e6


def first_answer(name: str) -> dict[str, float]:
    """Run this script in a fresh process to time its first build and first answer (ms)."""
    start = time.perf_counter_ns()
    done = subprocess.run([sys.executable, __file__, "--first", name], check=True,
                          capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout)
    figures["process"] = (time.perf_counter_ns() - start) / 1e6
    return figures


def _first(name: str) -> None:
    """In the fresh process: load, build, answer one question; print the times as JSON."""
    t0 = time.perf_counter_ns()
    kb = load_kb(name)
    load_ns = time.perf_counter_ns() - t0
    question = questions_of(name, kb, 1)[0]
    t1 = time.perf_counter_ns()
    matcher = Matcher.build(kb)
    t2 = time.perf_counter_ns()
    matcher.match(question)
    t3 = time.perf_counter_ns()
    print(json.dumps({"import": (IMPORTED_NS - STARTED_NS) / 1e6, "load": load_ns / 1e6,
                      "build": (t2 - t1) / 1e6, "match": (t3 - t2) / 1e6}))


def per_question(name: str, count: int, rounds: int) -> str:
    """A row of per-question figures: p50 and p99 of faqbot and of both BM25s, and ratios."""
    kb = load_kb(name)
    questions = questions_of(name, kb, count)
    results = [time_round(kb, questions) for _ in range(rounds)]

    def median_round(key: str) -> tuple[float, float, float]:
        """p50, p99 and CPU p99 of the round with the median p99."""
        figures = sorted(((percentile(r[key][0], 0.50), percentile(r[key][0], 0.99),
                           percentile(r[key][1], 0.99)) for r in results),
                         key=lambda f: f[1])
        return figures[len(figures) // 2]

    ours, ref, index = (median_round(key) for key in ("faqbot", "rank_bm25", "index"))
    return _row(name, len(kb.ids), len(questions),
                f"{ours[0]:.3f}", f"{ref[0]:.3f}", f"{index[0]:.3f}",
                f"{ours[1]:.3f}", f"{ref[1]:.3f}", f"{ours[1] / ref[1]:.1f}x",
                f"{index[1]:.3f}", f"{ours[1] / index[1]:.1f}x",
                f"{ours[2] / ref[2]:.1f}x", f"{ours[2] / index[2]:.1f}x")


WIDTHS = (6, 6, 8, 10, 7, 8, 10, 7, 7, 7, 10, 7)


def _row(*cells: object) -> str:
    """The per-question table's columns: a name, then right-aligned figures."""
    name, *rest = cells
    return f"{name!s:<17}" + "".join(f"{cell!s:>{w}}" for cell, w in zip(rest, WIDTHS, strict=True))


def start_up(name: str) -> str:
    """A row of start-up figures, from a fresh process."""
    first = first_answer(name)
    load = 0.0 if name in GENERATED else first["load"]
    answer = load + first["build"] + first["match"]
    shown_load = "generated" if name in GENERATED else f"{load:9.0f}"
    return (f"{name:<17}{shown_load:>9} {first['build']:12.0f} {first['match']:12.0f} "
            f"{answer:13.0f} {first['import']:8.0f} {first['process']:8.0f}")


def main() -> None:
    names = [*FOLDERS, *GENERATED]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000,
                        help="questions a round (default 2000)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds a knowledge base, each on a fresh matcher and BM25")
    parser.add_argument("--kb", action="append", choices=names, metavar="NAME",
                        help=f"only this knowledge base (repeatable): {', '.join(names)}")
    parser.add_argument("--first", choices=names, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first:
        _first(args.first)
        return
    chosen = args.kb or names
    print(f"python {sys.version.split()[0]}, single thread; load average "
          f"{os.getloadavg()[0]:.2f} at start (compare figures within one run only)")
    print(textwrap.fill(
        f"Per question (ms, wall clock; {args.rounds} rounds of up to {args.questions} "
        "questions, each on a fresh build; the round with the median p99): faqbot's "
        "Matcher.match beside two BM25 baselines timed one after the other on each question: "
        "rank_bm25 (BM25Okapi.get_scores, then the top 3) and index (benchmarks/rankers.py: "
        "an inverted index with weights made at build, the top 3). Ratios: faqbot / BM25; "
        "'cpu p99': the same ratios of this thread's CPU time, which other processes do not "
        "inflate.", width=100, initial_indent="\n"))
    print(f"{'':<29}{'p50':<25}{'p99':<39}{'cpu p99 ratio':>17}")
    print(_row("knowledge base", "items", "asked", "faqbot", "rank_bm25", "index", "faqbot",
               "rank_bm25", "ratio", "index", "ratio", "rank_bm25", "index"))
    for name in chosen:
        print(per_question(name, args.questions, args.rounds), flush=True)
    print(textwrap.fill(
        "Start-up (ms, a fresh Python process each): load the folder (a generated knowledge "
        "base is made, untimed), the first Matcher.build, the first match; first answer = "
        "load + build + match; imports of the matcher's modules; the whole process from spawn "
        "to exit.", width=100, initial_indent="\n"))
    print(f"{'knowledge base':<17}{'load':>9} {'first build':>12} {'first match':>12} "
          f"{'first answer':>13} {'imports':>8} {'process':>8}")
    for name in chosen:
        print(start_up(name), flush=True)


if __name__ == "__main__":
    main()
