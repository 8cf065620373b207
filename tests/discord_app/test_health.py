"""HEALTH_PORT: /healthz says whether the bot is connected with a live knowledge base;
/metrics counts questions, answer latency, reloads, store write failures, gateway latency."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

from faqbot_harness import TINY, Harness
from faqbot_process import http_get
from prometheus_client.parser import text_string_to_metric_families

from bot.core.library import Library
from bot.discord_app.health import HealthServer
from bot.discord_app.metrics import Metrics
from bot.recorder import Recorder


def _samples(text: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text.decode())
            for sample in family.samples}


async def test_health_answers_while_connected_and_not_after(harness: Harness) -> None:
    from bot.discord_app.health import HealthServer

    server = HealthServer(harness.bot, "127.0.0.1", 0)
    await server.start()
    url = f"http://127.0.0.1:{server.port}"
    try:
        status, body = await asyncio.to_thread(http_get, url + "/healthz")
        assert status == 200
        assert json.loads(body)["gateway"] == "connected"
        assert json.loads(body)["knowledge_base"]["live"] is True
        await harness.bot.close()
        status, body = await asyncio.to_thread(http_get, url + "/healthz")
        assert status == 503
        assert json.loads(body) | {"knowledge_base": None} == {
            "status": "unavailable", "gateway": "disconnected", "knowledge_base": None,
            "stopping": False}
    finally:
        await server.stop()


async def test_metrics_count_questions_reloads_and_store_failures(harness: Harness) -> None:
    server = HealthServer(harness.bot, "127.0.0.1", 0)
    await server.start()
    try:
        info = await harness.fake.send_slash("ask", {"question": "how do i brew tea?"})
        await harness.fake.wait_for_callback(info)
        info = await harness.fake.send_slash("ask", {"question": "zzzz qqqq"})
        await harness.fake.wait_for_callback(info)
        harness.library.reload()
        (harness.knowledge_dir / "broken.yaml").write_text("entries: [", encoding="utf-8")
        harness.library.reload()
        await harness.store.close()  # every write from now on fails
        await harness.bot.recorder.question(guild_id=None, channel_id=1, user_id=1, text="x",
                                            match=harness.library.current.matcher.match("x"))
        status, text = await asyncio.to_thread(http_get, f"http://127.0.0.1:{server.port}/metrics")
    finally:
        await server.stop()
    assert status == 200
    samples = _samples(text)
    channel = str(harness.fake.channel["id"])
    assert samples[("faqbot_questions_total",
                    (("channel", channel), ("verdict", "answer")))] == 1
    assert samples[("faqbot_questions_total", (("channel", channel), ("verdict", "none")))] == 1
    assert samples[("faqbot_answer_seconds_count", ())] == 2
    assert samples[("faqbot_answer_seconds_bucket", (("le", "+Inf"),))] == 2
    assert samples[("faqbot_reloads_total", ())] == 1
    assert samples[("faqbot_reload_failures_total", ())] == 1
    assert samples[("faqbot_store_write_failures_total", ())] == 1
    assert samples[("faqbot_knowledge_version", ())] == 2


def test_gateway_latency_is_reported_once_known(tmp_path: Path) -> None:
    library = Library.open(TINY)
    latency = [math.nan]
    metrics = Metrics(library, Recorder(), lambda: latency[0])
    assert not any(name == "faqbot_gateway_latency_seconds" for name, _ in
                   _samples(metrics.text()))
    latency[0] = 0.042
    assert _samples(metrics.text())[("faqbot_gateway_latency_seconds", ())] == 0.042
    metrics.answered("suggest", None, 0.01)
    assert _samples(metrics.text())[("faqbot_questions_total",
                                     (("channel", "dm"), ("verdict", "suggest")))] == 1
