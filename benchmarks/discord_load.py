"""Load through the Discord layer: 1,000 concurrent /ask interactions while the knowledge base
reloads every 100 ms, against the loopback stand-in (tests/fakediscord).

Run: .venv/bin/python benchmarks/discord_load.py [--questions N] [--reload-every S]

The real FaqBot (discord.py, the ask cog, the SQLite store) runs against FakeDiscord in one
process on 127.0.0.1; nothing reaches the internet. Two versions of the shipped knowledge base
are made, every title, answer, factor and document name of version A carrying "[A]" and of
version B "[B]"; a task swaps the live file between them and calls `library.reload()` (in a
thread, as /kb reload and the watcher do) every 100 ms. Then it checks:

- every interaction got exactly one successful callback and exactly one answer (none lost,
  none doubled, none late for Discord's 3 s deadline): the answer is the callback itself, or,
  when the bot is busy (more than 25 answers in progress), a "thinking…" callback and then one
  follow-up carrying the answer;
- every body was valid for Discord's OpenAPI description (checked after the run, off the
  clock: the stand-in's own validation costs more CPU than the bot's answer; pass
  --validate-live to check while serving);
- every answer comes from one version: its embeds and buttons carry one marker, never both;
- every question was recorded in the database (rows lost: 0).

Latency is from the moment the interaction was written to the bot's gateway socket to the
moment the stand-in finished handling the answer ("first response" is Discord's 3 s clock:
to the first callback). The stand-in shares the process, and Python's GIL, with the bot and
with the reloads (each ~0.1 s of CPU, so at one per 100 ms the library is reloading about
half the time): the figures are pessimistic.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from fakediscord import FakeDiscord, openapi, running  # noqa: E402
from fakediscord.records import RequestRecord  # noqa: E402
from faqbot_harness import make_settings  # noqa: E402

from bot.core.library import Library  # noqa: E402
from bot.discord_app.client import FaqBot  # noqa: E402
from bot.recorder import Recorder  # noqa: E402
from bot.settings import SHIPPED_KNOWLEDGE  # noqa: E402
from bot.store import Store  # noqa: E402

VERSIONS = ("A", "B")
MARKER = re.compile(r"\[(A|B)\]")
CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback")
FOLLOWUP = re.compile(r"/webhooks/\d+/([^/]+)")
DISCORD_DEADLINE = 3.0
USERS = 50
EXTRA_QUESTIONS = (
    "open", "models", "safety", "whats the weather in berlin tomorrow", "🦙🔓",
    "@everyone is llama open?", "which is cheaper, open or closed", "x" * 3000,
    "can a hospital run an open model on-premises", "who is accountable when an ai causes harm?",
)


# -- two marked versions of the knowledge base ---------------------------------------------


def mark(data: dict[str, Any], tag: str) -> dict[str, Any]:
    """Every text a reply can show carries [tag]: titles, answers, factors, the document."""
    marker = f"[{tag}]"
    if data.get("document"):
        data["document"] = f"{data['document']} {marker}"
    for entry in data.get("entries") or []:
        entry["title"] = f"{entry['title']} {marker}"
        if entry.get("answer"):
            entry["answer"] = f"{marker} {entry['answer']}"
    table = data.get("table")
    if table:
        table["title"] = f"{table['title']} {marker}"
        if table.get("answer"):
            table["answer"] = f"{marker} {table['answer']}"
        for row in table.get("rows") or []:
            row["factor"] = f"{row['factor']} {marker}"
    return data


def make_versions(source: Path, base: Path) -> dict[str, Path]:
    folders = {}
    for tag in VERSIONS:
        folder = base / f"version-{tag}"
        folder.mkdir(parents=True)
        for path in sorted(source.glob("*.y*ml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            text = yaml.safe_dump(mark(data, tag), sort_keys=False, allow_unicode=True,
                                  width=1000)
            (folder / path.name).write_text(text, encoding="utf-8")
        folders[tag] = folder
    return folders


def swap_in(version: Path, live: Path) -> None:
    """Replace the live files with a version's, each by an atomic rename."""
    for path in sorted(version.iterdir()):
        staged = live / f".{path.name}.staged"
        shutil.copyfile(path, staged)
        os.replace(staged, live / path.name)


def questions_pool() -> list[str]:
    pool: list[str] = []
    for name in ("dev-questions.yaml", "heldout-questions.yaml"):
        path = ROOT / "tests" / "fixtures" / name
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            pool.extend(str(q["q"]) for q in data.get("questions") or [] if q.get("q"))
    pool.extend(EXTRA_QUESTIONS)
    return pool


# -- the run ---------------------------------------------------------------------------------


@dataclasses.dataclass
class LoadResult:
    questions: int
    answered_once: int
    lost: int
    doubled: int
    late: int
    failed_callbacks: int
    violations: int
    mixed_versions: int
    unmarked_answers: int
    by_version: dict[str, int]
    reloads: int
    failed_reloads: int
    versions_seen: int
    dispatch_seconds: float
    total_seconds: float
    latencies: list[float]
    ack_latencies: list[float]
    deferred: int
    rows_recorded: int
    gateway_connections: int
    reload_seconds: list[float]

    @property
    def rows_lost(self) -> int:
        return self.questions - self.rows_recorded

    def percentile(self, p: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def lines(self) -> list[str]:
        return [
            f"questions sent: {self.questions}",
            f"answered exactly once: {self.answered_once}",
            f"lost: {self.lost}",
            f"answered twice or more: {self.doubled}",
            f"late for Discord's 3 s deadline: {self.late}",
            f"failed callbacks: {self.failed_callbacks}",
            f"acknowledged first (busy: 'thinking…', then the answer): {self.deferred}",
            f"OpenAPI violations: {self.violations}",
            f"answers mixing versions: {self.mixed_versions}",
            f"answers without a version marker: {self.unmarked_answers}",
            "answers by version: " + ", ".join(f"{k} {v}" for k, v in
                                                sorted(self.by_version.items())),
            f"reloads during the run: {self.reloads} (failed: {self.failed_reloads}; "
            f"snapshot versions seen: {self.versions_seen}; median reload "
            f"{statistics.median(self.reload_seconds or [0]) * 1000:.0f} ms)",
            f"gateway connections: {self.gateway_connections}",
            f"dispatch of all questions: {self.dispatch_seconds:.2f} s",
            f"total time: {self.total_seconds:.2f} s",
            f"throughput: {self.questions / self.total_seconds:.0f} questions/s",
            f"latency p50: {self.percentile(50) * 1000:.0f} ms",
            f"latency p99: {self.percentile(99) * 1000:.0f} ms",
            f"latency max: {max(self.latencies, default=float('nan')) * 1000:.0f} ms",
            f"first response (Discord's 3 s clock) p50: "
            f"{self.percentile(50, self.ack_latencies) * 1000:.0f} ms, p99: "
            f"{self.percentile(99, self.ack_latencies) * 1000:.0f} ms",
            f"rows recorded: {self.rows_recorded} (rows lost: {self.rows_lost})",
        ]

    @property
    def ok(self) -> bool:
        return (self.answered_once == self.questions and not self.lost and not self.doubled
                and not self.late and not self.failed_callbacks and not self.violations
                and not self.mixed_versions and not self.unmarked_answers
                and not self.failed_reloads and self.rows_lost == 0)


def texts_of(body: Any) -> Iterable[str]:
    """Every string in a callback body's embeds and components."""
    data = body.get("data", {}) if isinstance(body, dict) else {}

    def walk(value: Any) -> Iterable[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("custom_id", "url", "type", "color", "style"):
                    yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    yield from walk(data.get("embeds") or [])
    yield from walk(data.get("components") or [])


@contextlib.asynccontextmanager
async def started_bot(base: Path, live: Path, *, validate_live: bool = False
                      ) -> AsyncIterator[tuple[FaqBot, FakeDiscord, Store, Library]]:
    async with FakeDiscord(validate=validate_live) as fake:
        settings = make_settings(base, knowledge_dir=live, dev_guild_id=fake.guild.id,
                                 cooldown_rate=1_000_000)
        library = Library.open(live)
        store = await Store.open(settings.database_path, salt="load-salt")
        bot = FaqBot(settings, library, Recorder(store))
        try:
            async with running(bot, fake):
                yield bot, fake, store, library
        finally:
            await store.close()


async def run_load(n: int = 1000, reload_every: float = 0.1, give_up_after: float = 50.0,
                   base: Path | None = None, *, validate_live: bool = False) -> LoadResult:
    """Send `n` /ask interactions at once while reloading; check and measure (see module)."""
    with contextlib.ExitStack() as stack:
        if base is None:
            base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="faqbot-load-")))
        versions = make_versions(SHIPPED_KNOWLEDGE, base / "versions")
        live = base / "knowledge"
        live.mkdir()
        swap_in(versions["A"], live)
        async with started_bot(base, live, validate_live=validate_live) as (
                _bot, fake, store, library):
            return await _drive(fake, store, library, versions=versions, live=live, n=n,
                                reload_every=reload_every, give_up_after=give_up_after)
    raise AssertionError("unreachable")


async def _drive(fake: FakeDiscord, store: Store, library: Library, *,
                 versions: dict[str, Path], live: Path, n: int, reload_every: float,
                 give_up_after: float) -> LoadResult:
    users = [fake.add_user(f"member{i}") for i in range(USERS)]
    pool = questions_pool()
    sent_at: dict[int, float] = {}
    arrivals: dict[int, list[tuple[float, RequestRecord]]] = defaultdict(list)
    answers: dict[int, list[tuple[float, dict[str, Any]]]] = defaultdict(list)
    all_answered = asyncio.Event()
    original_add = fake.log.add

    def check_done() -> None:
        if len(sent_at) == n and all(answers.get(i) for i in sent_at):
            all_answered.set()

    async def add(record: RequestRecord) -> None:
        """Note each callback, and each answer: a type 4 callback or a deferred's follow-up."""
        now = time.perf_counter()
        ok = 200 <= record.status < 300
        if record.method == "POST" and (found := CALLBACK.fullmatch(record.path)):
            arrivals[int(found[1])].append((now, record))
            if ok and (record.json or {}).get("type") == 4:
                answers[int(found[1])].append((now, record.json))
        elif record.method == "POST" and ok and (found := FOLLOWUP.fullmatch(record.path)):
            info = fake.state.interaction_by_token(found[1])
            if info is not None:
                answers[info.id].append((now, {"data": record.json}))
        check_done()
        await original_add(record)

    fake.log.add = add  # type: ignore[method-assign]

    reloads = failed_reloads = 0
    reload_seconds: list[float] = []
    snapshot_versions = {library.current.version}
    stop = asyncio.Event()

    async def reloader() -> None:
        nonlocal reloads, failed_reloads
        turn = 1
        while not stop.is_set():
            swap_in(versions[VERSIONS[turn % 2]], live)
            begun = time.perf_counter()
            result = await asyncio.to_thread(library.reload)
            reload_seconds.append(time.perf_counter() - begun)
            reloads += 1
            failed_reloads += not result.ok
            snapshot_versions.add(result.snapshot.version)
            turn += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), reload_every)

    async def ask(i: int) -> None:
        info = await fake.send_slash("ask", {"question": pool[i % len(pool)]},
                                     user=users[i % len(users)])
        sent_at[info.id] = time.perf_counter()

    reloading = asyncio.create_task(reloader())
    await asyncio.sleep(reload_every)  # reloads are under way before the first question
    started = time.perf_counter()
    await asyncio.gather(*(ask(i) for i in range(n)))
    dispatched = time.perf_counter()
    check_done()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_answered.wait(), give_up_after)
    finished = time.perf_counter()
    await asyncio.sleep(0.5)  # anything answered twice shows up now
    stop.set()
    await reloading

    latencies: list[float] = []
    ack_latencies: list[float] = []
    by_version: dict[str, int] = defaultdict(int)
    answered_once = lost = doubled = failed = mixed = unmarked = deferred = 0
    for interaction_id, t0 in sent_at.items():
        records = arrivals.get(interaction_id, [])
        good = [(t, r) for t, r in records if 200 <= r.status < 300]
        failed += len(records) - len(good)
        deferred += any((r.json or {}).get("type") == 5 for _, r in good)
        given = answers.get(interaction_id, [])
        if not good or not given:
            lost += 1
            continue
        if len(good) > 1 or len(given) > 1:
            doubled += 1
            continue
        answered_once += 1
        ack_latencies.append(good[0][0] - t0)
        t, body = given[0]
        latencies.append(t - t0)
        markers = {m for text in texts_of(body) for m in MARKER.findall(text)}
        if len(markers) > 1:
            mixed += 1
        elif not markers:
            unmarked += 1
        else:
            by_version[markers.pop()] += 1
    late = sum(1 for info in fake.state.interactions.values() if info.expired)
    violations = len(fake.violations) + (0 if fake.validate else checked_afterwards(fake))
    rows = await _rows_recorded(store.path, n)
    return LoadResult(
        questions=n, answered_once=answered_once, lost=lost, doubled=doubled, late=late,
        failed_callbacks=failed, violations=violations, mixed_versions=mixed,
        unmarked_answers=unmarked, by_version=dict(by_version), reloads=reloads,
        failed_reloads=failed_reloads, versions_seen=len(snapshot_versions),
        dispatch_seconds=dispatched - started, total_seconds=finished - started,
        latencies=latencies, ack_latencies=ack_latencies, deferred=deferred,
        rows_recorded=rows,
        gateway_connections=len(fake.connections), reload_seconds=reload_seconds)


def checked_afterwards(fake: FakeDiscord) -> int:
    """Bodies Discord would refuse, validated after the run (off the clock), as the stand-in
    does live: the stand-in's own validation costs more CPU than the bot's answer does."""
    problems = 0
    for record in fake.requests:
        if record.json is None:
            continue
        _, found = openapi.validate(record.method, record.path, record.json, has_body=True)
        problems += bool(found)
    return problems


async def _rows_recorded(path: Path, expected: int) -> int:
    """Questions in the database, once the writes still queued have landed (up to 10 s)."""
    rows = 0
    for _ in range(100):
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as conn:
            rows = int(conn.execute("SELECT count(*) FROM questions").fetchone()[0])
        if rows >= expected:
            break
        await asyncio.sleep(0.1)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--reload-every", type=float, default=0.1, help="seconds")
    parser.add_argument("--give-up-after", type=float, default=15.0, help="seconds")
    parser.add_argument("--validate-live", action="store_true",
                        help="validate bodies while serving them (slower) instead of after")
    args = parser.parse_args()
    result = asyncio.run(run_load(args.questions, args.reload_every, args.give_up_after,
                                  validate_live=args.validate_live))
    for line in result.lines():
        print(line)
    print(f"cores: {os.cpu_count()}; median latency {statistics.median(result.latencies):.3f} s"
          if result.latencies else "no answers")
    print("RESULT: " + ("PASS" if result.ok else "FAIL"))
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
