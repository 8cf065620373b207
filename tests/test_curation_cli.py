"""`faqbot gaps`, `stats` and `export` over the question log the terminal chat writes (tiny KB)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny" / "kb"
UNANSWERED = "which graphics card should i buy for my gaming rig"


def faqbot(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "KNOWLEDGE"))}
    env["DATABASE_PATH"] = str(cwd / "log.sqlite3")
    env["KNOWLEDGE_DIR"] = str(TINY)
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def test_reports_before_anything_was_asked(tmp_path: Path) -> None:
    done = faqbot(tmp_path, "gaps")
    assert done.returncode == 0
    assert "No questions recorded yet" in done.stderr
    assert not (tmp_path / "log.sqlite3").exists()


def test_gaps_stats_and_export_after_a_chat(tmp_path: Path) -> None:
    questions = f"{UNANSWERED}\n{UNANSWERED}?\nwhich is cheaper, tea or coffee\n"
    assert faqbot(tmp_path, "chat", stdin=questions).returncode == 0

    gaps = faqbot(tmp_path, "gaps", "--days", "7")
    assert gaps.returncode == 0
    assert f'×2 "{UNANSWERED}' in gaps.stdout

    chart = tmp_path / "chart.png"
    stats = faqbot(tmp_path, "stats", "--chart", str(chart))
    assert stats.returncode == 0
    assert "Questions, last 30 days" in stats.stdout and ": 3" in stats.stdout
    assert Image.open(chart).format == "PNG"

    jsonl = faqbot(tmp_path, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [row["channel_id"] for row in rows] == ["terminal"] * 3
    assert rows[2]["verdict"] == "answer" and rows[2]["item_id"] == "row-price"
    assert all(row["user_id"] is None for row in rows)  # only a salted hash by default

    out = tmp_path / "log.csv"
    assert faqbot(tmp_path, "export", "--format", "csv", "--output", str(out)).returncode == 0
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 3 and table[0]["text"] == UNANSWERED

    assert faqbot(tmp_path, "gaps", "--days", "0").returncode == 2  # refused by argparse


def test_stats_and_gaps_show_the_help_forum(tmp_path: Path) -> None:
    import asyncio
    import datetime as dt

    from bot.store import FORUM_CHANNEL, QuestionRecord, Store

    def post(text: str, verdict: str, item_id: str | None) -> QuestionRecord:
        return QuestionRecord(asked_at=dt.datetime.now(dt.UTC), guild_id="1",
                              channel_id=FORUM_CHANNEL, user_id=5, text=text, verdict=verdict,
                              item_id=item_id, score=0.9 if item_id else 0.0,
                              knowledge_base=str(TINY))

    async def record() -> None:
        store = await Store.open(tmp_path / "log.sqlite3", salt="salt")
        try:
            await store.record_forum_post(1, post("is tea cheaper?", "answer", "row-price"),
                                          replied=True)
            await store.record_forum_post(2, post("is it cheaper", "answer", "row-price"),
                                          replied=True)
            await store.record_forum_post(3, post(UNANSWERED, "none", None), replied=False)
            await store.record_solved(1)
            await store.record_handover(2)
        finally:
            await store.close()

    asyncio.run(record())
    stats = faqbot(tmp_path, "stats")
    assert stats.returncode == 0
    assert ("Help forum: 3 posts · answered automatically 2 · handed over "
            "to a helper 1\nMarked solved after the bot's answer: "
            "1 (50% of those answered)") in stats.stdout
    assert "(row-price): solved 1 of 2" in stats.stdout
    gaps = faqbot(tmp_path, "gaps")
    assert UNANSWERED in gaps.stdout


def test_each_knowledge_base_has_its_own_questions_and_all_shows_every_one(
        tmp_path: Path) -> None:
    second = tmp_path / "second"  # another knowledge base: another folder
    shutil.copytree(TINY, second)
    assert faqbot(tmp_path, "chat", "--dir", str(second), stdin=f"{UNANSWERED} second\n"
                  "coffee beans or tea leaves\n1\n").returncode == 0
    assert faqbot(tmp_path, "chat", stdin=f"{UNANSWERED}\n").returncode == 0

    done = faqbot(tmp_path, "gaps")
    default = done.stdout
    assert f'"{UNANSWERED}"' in default and "second" not in default
    assert f"Questions to the knowledge base in {TINY} (--all" in done.stderr
    other = faqbot(tmp_path, "gaps", "--dir", str(second)).stdout
    assert f"{UNANSWERED} second" in other and f'"{UNANSWERED}"' not in other
    every = faqbot(tmp_path, "gaps", "--all").stdout
    assert f"{UNANSWERED} second" in every and f'"{UNANSWERED}"' in every

    stats = faqbot(tmp_path, "stats", "--dir", str(second)).stdout
    assert "suggestions clicked 1" in stats, stats
    rows = faqbot(tmp_path, "export", "--format", "jsonl", "--all").stdout.splitlines()
    assert [json.loads(row)["knowledge_base"] for row in rows] == [str(second)] * 2 + [
        str(TINY)]
    assert len(faqbot(tmp_path, "export", "--format", "jsonl").stdout.splitlines()) == 1


def test_export_and_chart_fail_without_losing_anything(tmp_path: Path) -> None:
    assert faqbot(tmp_path, "chat", stdin=f"{UNANSWERED}\n").returncode == 0
    log = tmp_path / "log.sqlite3"
    # The question log itself, or its salt, is never an export's output.
    for own in (log, tmp_path / "log.sqlite3.salt"):
        refused = faqbot(tmp_path, "export", "--output", str(own))
        assert refused.returncode == 1 and "is the question log itself" in refused.stderr
    assert faqbot(tmp_path, "gaps").stdout.count(UNANSWERED) == 1  # the log is whole
    # An output that cannot be written is named, not blamed on the log.
    missing = faqbot(tmp_path, "export", "--output", str(tmp_path / "missing" / "out.csv"))
    assert missing.returncode == 1
    assert f"cannot write {tmp_path / 'missing' / 'out.csv'}" in missing.stderr
    chart = faqbot(tmp_path, "stats", "--chart", str(tmp_path / "missing" / "chart.png"))
    assert chart.returncode == 1 and "Questions, last 30 days" in chart.stdout  # the report
    assert "cannot write the chart to" in chart.stderr
    # A log that cannot be read leaves an earlier export as it was.
    previous = tmp_path / "last-week.csv"
    previous.write_text("id,text\n1,precious\n", encoding="utf-8")
    log.write_bytes(b"not a database" * 400)
    failed = faqbot(tmp_path, "export", "--output", str(previous))
    assert failed.returncode == 1 and "question log cannot be read" in failed.stderr
    assert previous.read_text(encoding="utf-8") == "id,text\n1,precious\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_escape_sequence_a_member_typed_never_reaches_the_admins_terminal(
        tmp_path: Path) -> None:
    typed = "zzqx \x1b]0;pwned\x07\x1b[2J qqzv"
    assert faqbot(tmp_path, "chat", stdin=typed + "\n").returncode == 0
    for report in (faqbot(tmp_path, "gaps"), faqbot(tmp_path, "stats")):
        assert "\x1b" not in report.stdout and "\x07" not in report.stdout
        assert "zzqx \\x1b]0;pwned\\x07\\x1b[2J qqzv" in report.stdout


def test_an_export_goes_where_it_is_sent_with_the_users_umask(tmp_path: Path) -> None:
    assert faqbot(tmp_path, "chat", stdin=f"{UNANSWERED}\n").returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "KNOWLEDGE"))}
    env.update(DATABASE_PATH=str(tmp_path / "log.sqlite3"), KNOWLEDGE_DIR=str(TINY))

    def export(output: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "export", "--output", str(output)],
                              cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=60, check=False, umask=0o077)

    private = tmp_path / "new.csv"  # a new file: the umask decides, as for any program
    assert export(private).returncode == 0 and private.stat().st_mode & 0o777 == 0o600
    real = tmp_path / "exports" / "latest.csv"  # through a symlink: its target, kept a link
    real.parent.mkdir()
    real.write_text("", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    assert export(link).returncode == 0 and link.is_symlink()
    assert UNANSWERED in real.read_text(encoding="utf-8") and real.stat().st_mode & 0o777 == 0o640
    fifo = tmp_path / "pipe"  # `--output >(gzip > log.csv.gz)`
    os.mkfifo(fifo)
    reading = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert export(fifo).returncode == 0
        os.set_blocking(reading, True)
        got = b""
        while chunk := os.read(reading, 65536):
            got += chunk
    finally:
        os.close(reading)
    assert fifo.is_fifo() and UNANSWERED.encode() in got
