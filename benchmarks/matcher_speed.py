"""Matcher speed: index build time, per-question p50/p99 latency and peak memory.

Run: .venv/bin/python benchmarks/matcher_speed.py [--questions N]

Knowledge bases of 25, 1,000 and 10,000 entries are generated deterministically
(random.Random(seed)) from a large invented vocabulary mixed with common English, with alternate
questions, keywords, answers, synonyms and a comparison table, and the shipped knowledge base is
measured too. Questions are perturbed phrasings of entries (dropped words, typos, chat noise)
plus unrelated messages. Single-threaded; times from time.perf_counter_ns.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.loader import load_folder  # noqa: E402
from bot.core.matcher import Matcher  # noqa: E402
from bot.core.memo import forget_all  # noqa: E402
from bot.core.models import ComparisonTable, Entry, KnowledgeBase, TableRow  # noqa: E402
from bot.core.validate import validate  # noqa: E402


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


def measure(name: str, kb: KnowledgeBase, count: int, rounds: int) -> None:
    """Build time and peak memory of one build, then `rounds` rounds of `count` questions, each
    round on a matcher built afresh (so no round profits from another's caches). The round
    with the median p99 is printed, and every round's p99 after it: on a shared machine one
    round can be slowed by other processes."""
    forget_all()  # a first build: nothing remembered from another
    gc.collect()
    start = time.perf_counter_ns()
    Matcher.build(kb)
    build_ms = (time.perf_counter_ns() - start) / 1e6
    # Memory is measured on a second first build: tracemalloc slows building several times.
    forget_all()
    gc.collect()
    tracemalloc.start()
    Matcher.build(kb)
    _, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    questions = questions_for(kb, count)
    results = sorted((_round(kb, questions) for _ in range(rounds)), key=lambda r: r[1])
    p50, p99, worst, cpu99, c99 = results[len(results) // 2]
    every = "/".join(f"{r[1]:.2f}" for r in results)  # sorted by p99 above
    items = len(kb.ids)
    print(f"{name:>18}  items {items:>6}  build {build_ms:7.1f} ms  "
          f"p50 {p50:6.3f} ms  p99 {p99:6.3f} ms (cpu {cpu99:6.3f}; rounds {every})  "
          f"max {worst:6.2f} ms  complete p99 {c99:5.2f} ms  build peak "
          f"{build_peak / 2**20:6.1f} MiB")


def _round(kb: KnowledgeBase, questions: list[str]) -> tuple[float, float, float, float, float]:
    """p50, p99, max, cpu p99 and autocomplete p99 (ms) of one round on a fresh matcher."""
    gc.collect()
    matcher = Matcher.build(kb)
    for question in questions[:50]:
        matcher.match(question)  # warm the typo cache a little, as a running bot would be
    times: list[int] = []
    cpu: list[int] = []
    for question in questions:
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        matcher.match(question)
        times.append(time.perf_counter_ns() - t0)
        cpu.append(time.thread_time_ns() - c0)
    p50, p99, worst = _percentiles(times)
    _, cpu99, _ = _percentiles(cpu)
    complete_times: list[int] = []
    for question in questions[:200]:
        t0 = time.perf_counter_ns()
        matcher.complete(question[: max(1, len(question) // 2)])
        complete_times.append(time.perf_counter_ns() - t0)
    _, c99, _ = _percentiles(complete_times)
    return p50, p99, worst, cpu99, c99


def _percentiles(values: list[int]) -> tuple[float, float, float]:
    """p50, p99 and max, in milliseconds."""
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return ordered[len(ordered) // 2] / 1e6, p99 / 1e6, ordered[-1] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of questions per knowledge base, each on a fresh matcher")
    args = parser.parse_args()
    result = load_folder(ROOT / "knowledge")
    shipped, problems = validate(result.files)
    if shipped is None:
        raise SystemExit(f"shipped knowledge base does not load: {problems[:3]}")
    print(f"python {sys.version.split()[0]}, single thread, {args.questions} questions a round, "
          f"{args.rounds} rounds (the median round's figures); "
          f"load average {os.getloadavg()[0]:.2f} (wall-clock times include preemption by other "
          "processes; 'cpu' is this thread's own time)")
    measure("shipped", shipped, args.questions, args.rounds)
    for size in (25, 1_000, 10_000):
        measure(f"generated {size:,}", generate_kb(size), args.questions, args.rounds)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process (maxrss): {maxrss:.1f} MiB")


if __name__ == "__main__":
    main()
