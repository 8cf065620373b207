"""A process killed while writing leaves a readable database holding every committed row."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from store_helpers import question

from bot.store import Store

CHILD = textwrap.dedent("""
    import asyncio, datetime as dt, sys
    from pathlib import Path
    from bot.store import QuestionRecord, Store

    async def main() -> None:
        store = await Store.open(Path(sys.argv[1]), salt="s")
        print("ready", flush=True)
        n = 0
        while True:
            n += 1
            record = QuestionRecord(dt.datetime.now(dt.UTC), "g", "c", n, f"q{n} " + "x" * 500,
                                    "none", None, 0.0)
            row_id = await store.record_question(record)
            if row_id is not None:
                print(row_id, flush=True)  # printed only after the commit returned

    asyncio.run(main())
""")


def test_sigkill_mid_write_keeps_every_committed_row(db_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)], stdout=subprocess.PIPE, text=True,
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert child.stdout is not None
    committed: list[int] = []
    try:
        assert child.stdout.readline().strip() == "ready"
        while len(committed) < 300:
            committed.append(int(child.stdout.readline()))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    # Lines the child printed before it died are committed too.
    committed.extend(int(line) for line in child.stdout.read().split())
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row_id for (row_id,) in conn.execute("SELECT id FROM questions")}
    assert set(committed) <= stored
    assert len(committed) >= 300
    assert asyncio.run(reopen_and_count(db_path)) == len(stored) + 1


async def reopen_and_count(db_path: Path) -> int:
    store = await Store.open(db_path, salt="s")  # the store opens it and writes again
    now = dt.datetime.now(dt.UTC)
    assert await store.record_question(question(asked_at=now)) is not None
    stats = await store.stats(2, now=now)
    await store.close()
    return stats.total
