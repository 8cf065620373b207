"""A running `faqbot run` process stops cleanly at SIGTERM and SIGINT (exit 0, gateway and
question log closed), and answers in progress at that moment finish first."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from fakediscord import DEFAULT_TOKEN, FakeDiscord
from faqbot_harness import TINY, Harness
from faqbot_process import free_port, http_get, start_faqbot
from loopback_hosts import Raw

from bot.discord_app.cogs.ask import STOPPING
from bot.discord_app.health import health
from bot.discord_app.runner import drain


async def _healthy(url: str, process: subprocess.Popen[str]) -> None:
    async with asyncio.timeout(30):
        while (await asyncio.to_thread(http_get, url))[0] != 200:
            assert process.poll() is None, process.communicate()
            await asyncio.sleep(0.2)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_signal_stops_the_running_bot_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    port = free_port()
    database = tmp_path / "data" / "faq.sqlite3"
    async with FakeDiscord() as fake:
        process = start_faqbot(fake.api_base, fake.gateway_url, ["run"], cwd=tmp_path, env={
            "DISCORD_TOKEN": DEFAULT_TOKEN, "KNOWLEDGE_DIR": str(TINY),
            "DATABASE_PATH": str(database), "USER_ID_SALT": "test-salt",
            "DEV_GUILD_ID": str(fake.guild.id), "HEALTH_PORT": str(port)})
        try:
            await _healthy(f"http://127.0.0.1:{port}/healthz", process)
            info = await fake.send_slash("ask", {"question": "how do i brew tea?"})
            record = await fake.wait_for_callback(info, timeout=10)
            assert record.json["data"]["embeds"]
            process.send_signal(sig)
            out, err = await asyncio.to_thread(process.communicate, timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        await asyncio.sleep(0.2)
        assert not fake.gateway.live  # the bot closed its gateway connection
        assert fake.violations == []
    assert process.returncode == 0, err
    assert "stopping: no new questions" in err
    assert "Traceback" not in err and "Traceback" not in out
    assert "voice will NOT be supported" not in err  # the bot has no voice: no warning
    # The question log was closed (SQLite removes its write-ahead log with the last
    # connection) with the question in it.
    assert not await asyncio.to_thread(Path(f"{database}-wal").exists)
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 1
    assert http_get(f"http://127.0.0.1:{port}/healthz")[0] == 0  # the health server is gone


async def test_stopping_finishes_answers_in_progress_and_turns_new_ones_away(
        harness: Harness) -> None:
    bot = harness.bot
    assert health(bot)[0] == 200
    with bot.in_flight.track():  # an answer in progress
        draining = asyncio.create_task(drain(bot, seconds=10))
        await asyncio.sleep(0.05)
        assert bot.stopping and not draining.done()  # waits for the answer in progress
        status, body = health(bot)
        assert (status, body["status"], body["stopping"]) == (503, "unavailable", True)
        info = await harness.fake.send_slash("ask", {"question": "how do i brew tea?"})
        record = await harness.fake.wait_for_callback(info)
        assert record.json["data"]["content"] == STOPPING
        assert record.json["data"]["flags"] & 64  # ephemeral
    await asyncio.wait_for(draining, 1)
    harness.assert_valid()


async def test_stopping_waits_no_longer_than_it_is_given(harness: Harness,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    with harness.bot.in_flight.track():
        await asyncio.wait_for(drain(harness.bot, seconds=0.2), 2)
    assert any("1 answers unfinished" in r.getMessage() for r in caplog.records)


def test_ctrl_c_while_the_model_downloads_stops_at_once(tmp_path: Path) -> None:
    # The download happens before the bot connects; Ctrl-C stops it there and then, as it
    # does `faqbot ask`, and the half-downloaded file goes with it.
    host = Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 23000000\r\n\r\n" + b"x" * 1000,
               stall=True)  # a mirror that starts sending the model, then goes silent
    data = tmp_path / "data"
    process = start_faqbot("http://127.0.0.1:9/api/v10", "ws://127.0.0.1:9", ["run"],
                           cwd=tmp_path, env={
                               "DISCORD_TOKEN": DEFAULT_TOKEN, "KNOWLEDGE_DIR": str(TINY),
                               "DATABASE_PATH": str(data / "faq.sqlite3"),
                               "USER_ID_SALT": "test-salt", "SEMANTIC": "1",
                               "SEMANTIC_MODEL_URL": host.base})
    folder = data / "models" / "all-MiniLM-L6-v2"
    try:
        until = time.monotonic() + 20
        while not list(folder.glob(".model.onnx.*.part")):  # the download is under way
            assert time.monotonic() < until and process.poll() is None, process.communicate()
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        host.close()
    assert process.returncode == 0, err
    assert "Traceback" not in out + err
    assert list(folder.iterdir()) == []
