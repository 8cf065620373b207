"""Help forums through the Discord layer: a burst of new posts against the loopback stand-in.

Run: .venv/bin/python benchmarks/forum_posts.py [--file FILE] [--rounds N]

The real FaqBot (discord.py, the forum cog, the SQLite store) watches one forum of a FakeDiscord
in the same process on 127.0.0.1. Every question of a question file (default: blind10, written
without reading the knowledge base; `ids: []` means out of scope) becomes the title of a post,
opened as Discord sends it (THREAD_CREATE, then its first message): first one at a time, then
all at once, `--rounds` times over. It prints:

- latency from the post's THREAD_CREATE to the bot's reply being stored, over replied posts,
  first one post at a time (each waits for the reply to the one before), then in the burst
  (where it is mostly the time the stand-in takes to send the whole burst);
- what the bot did with the posts: answered, suggested, stayed silent, and whether exactly the
  posts the matcher answers or suggests for got one reply each (none twice, none in the rest);
- deflection on the file: in-scope posts answered with a right entry, answered wrongly,
  suggested with a right entry among the choices; out-of-scope posts left silent;
- forum rows in the store, and request bodies Discord's OpenAPI description refuses.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from fakediscord import FakeDiscord, openapi, running  # noqa: E402
from faqbot_harness import make_settings  # noqa: E402

from bot.core.library import Library  # noqa: E402
from bot.core.matching.match import Match, Verdict  # noqa: E402
from bot.discord_app.client import FaqBot  # noqa: E402
from bot.recorder import Recorder  # noqa: E402
from bot.settings import SHIPPED_KNOWLEDGE  # noqa: E402
from bot.store import Store  # noqa: E402

DEFAULT_FILE = ROOT / "tests" / "fixtures" / "blind10-questions.yaml"
TITLE_LIMIT = 100  # Discord's limit on a post title


def load_questions(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(str(q["q"])[:TITLE_LIMIT], tuple(q.get("ids") or ()))
            for q in data.get("questions") or [] if q.get("q")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(path: Path, rounds: int) -> int:
    questions = load_questions(path) * rounds
    matcher = Library.open(SHIPPED_KNOWLEDGE).current.matcher
    expected = [matcher.match(title) for title, _ in questions]
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord(validate=False) as fake:
            forum = fake.add_forum("help", ["Solved"])
            settings = make_settings(Path(tmp), knowledge_dir=SHIPPED_KNOWLEDGE,
                                     help_forum_ids=frozenset({int(forum["id"])}))
            store = await Store.open(settings.database_path, salt="bench")
            bot = FaqBot(settings, Library.open(SHIPPED_KNOWLEDGE), Recorder(store))
            try:
                async with running(bot, fake):
                    sentinel = next(t for (t, _), m in zip(questions, expected, strict=True)
                                    if m.verdict is Verdict.ANSWER)
                    one_by_one = await sequential(fake, forum, questions, expected)
                    figures = await burst(fake, forum, questions, expected, sentinel)
                    rows = await store._run(lambda conn: conn.execute(
                        "SELECT COUNT(*) FROM forum_posts").fetchone()[0])
            finally:
                await store.close()
            # Validation is off while serving (it costs the stand-in more CPU than the bot's
            # answer); every body the bot sent is checked now.
            refused = sum(bool(openapi.validate(r.method, r.path, r.json,
                                                has_body=r.json is not None)[1])
                          for r in fake.requests)
    report(one_by_one, figures, questions=questions, expected=expected, rows=rows,
           refused=refused)
    return 0


async def sequential(fake: FakeDiscord, forum: dict[str, object],
                     questions: list[tuple[str, tuple[str, ...]]],
                     expected: list[Match]) -> list[float]:
    """One post at a time, each answered (or not) before the next opens: latency unloaded."""
    latencies = []
    for (title, _), match in zip(questions, expected, strict=True):
        opened = time.perf_counter()
        thread, _ = await fake.open_post(forum, title)
        if match.verdict is not Verdict.NONE:
            latencies.append(await replied(fake, thread["id"], opened))
    return latencies


@dataclasses.dataclass
class Burst:
    latencies: list[float]
    elapsed: float
    replies: list[int]  # the bot's messages in each post, in the order opened


async def burst(fake: FakeDiscord, forum: dict[str, object],
                questions: list[tuple[str, tuple[str, ...]]], expected: list[Match],
                sentinel_title: str) -> Burst:
    waits: list[asyncio.Task[float]] = []
    threads = []
    start = time.perf_counter()
    for (title, _), match in zip(questions, expected, strict=True):
        opened = time.perf_counter()
        thread, _ = await fake.open_post(forum, title)
        threads.append(thread)
        if match.verdict is not Verdict.NONE:
            waits.append(asyncio.create_task(replied(fake, thread["id"], opened)))
    latencies = await asyncio.gather(*waits)
    elapsed = time.perf_counter() - start
    sentinel, _ = await fake.open_post(forum, sentinel_title)  # answered after every other
    await fake.wait_for_request("POST", rf"/channels/{sentinel['id']}/messages", timeout=30)
    replies = [len(fake.requests_matching("POST", rf"/channels/{t['id']}/messages"))
               for t in threads]
    return Burst(list(latencies), elapsed, replies)


async def replied(fake: FakeDiscord, thread_id: object, opened: float) -> float:
    await fake.wait_for_request("POST", rf"/channels/{thread_id}/messages", timeout=60)
    return time.perf_counter() - opened


def report(one_by_one: list[float], figures: Burst, *,
           questions: list[tuple[str, tuple[str, ...]]], expected: list[Match], rows: int,
           refused: int) -> None:
    latencies = figures.latencies
    should = [m.verdict is not Verdict.NONE for m in expected]
    got = figures.replies
    exact = sum((n == 1) == s and n <= 1 for n, s in zip(got, should, strict=True))
    if one_by_one:
        print(f"one post at a time: THREAD_CREATE → reply stored: p50 "
              f"{statistics.median(one_by_one) * 1000:.1f} ms, p95 "
              f"{percentile(one_by_one, 0.95) * 1000:.1f} ms, max "
              f"{max(one_by_one) * 1000:.1f} ms ({len(one_by_one)} replies)")
    print(f"{len(questions)} posts in one burst ({figures.elapsed:.2f} s until the last "
          f"reply); replied to {sum(n > 0 for n in got)}, silent in {sum(n == 0 for n in got)}")
    print(f"one reply exactly where the matcher answers or suggests, none elsewhere: "
          f"{exact}/{len(questions)}; posts with two replies: {sum(n > 1 for n in got)}")
    if latencies:
        print(f"in the burst, THREAD_CREATE → reply stored: p50 "
              f"{statistics.median(latencies) * 1000:.0f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms")
    in_scope = [(m, ids) for m, (_, ids) in zip(expected, questions, strict=True) if ids]
    out_scope = [m for m, (_, ids) in zip(expected, questions, strict=True) if not ids]
    right = sum(m.verdict is Verdict.ANSWER and m.answer_id in ids for m, ids in in_scope)
    wrong = sum(m.verdict is Verdict.ANSWER and m.answer_id not in ids for m, ids in in_scope)
    hinted = sum(m.verdict is Verdict.SUGGEST and bool(set(m.suggestions) & set(ids))
                 for m, ids in in_scope)
    silent = sum(m.verdict is Verdict.NONE for m in out_scope)
    n = max(len(in_scope), 1)
    print(f"in scope ({len(in_scope)}): answered right {right / n:.1%}, answered wrongly "
          f"{wrong / n:.1%}, a right entry among the suggestions {hinted / n:.1%}")
    if out_scope:
        print(f"out of scope ({len(out_scope)}): left silent {silent / len(out_scope):.1%}")
    print(f"forum rows in the store: {rows} (posts opened: {2 * len(questions) + 1}); "
          f"bodies Discord would refuse: {refused}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    return asyncio.run(run(args.file, args.rounds))


if __name__ == "__main__":
    raise SystemExit(main())
