"""The bot's Prometheus metrics, in a registry of its own (one per bot, no global state)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.core.library import Library
from bot.recorder import Recorder

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Answers take milliseconds unless the machine is loaded; Discord's deadline is 3 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
DM_CHANNEL = "dm"


class _StateCollector(Collector):
    """Figures read when scraped: reloads, store write failures, gateway latency."""

    def __init__(self, library: Library, recorder: Recorder,
                 gateway_latency: Callable[[], float]) -> None:
        self.library = library
        self.recorder = recorder
        self.gateway_latency = gateway_latency

    def collect(self) -> Iterator[Metric]:
        yield CounterMetricFamily("faqbot_reloads", "Knowledge-base reloads that swapped in",
                                  value=self.library.reloads)
        yield CounterMetricFamily("faqbot_reload_failures",
                                  "Knowledge-base reloads refused (the previous one stayed live)",
                                  value=self.library.reload_failures)
        store = self.recorder.store
        yield CounterMetricFamily("faqbot_store_write_failures",
                                  "Writes to the question log that failed",
                                  value=store.write_failures if store is not None else 0)
        yield GaugeMetricFamily("faqbot_knowledge_version",
                                "Version of the live knowledge base (1 at start, +1 a reload)",
                                value=self.library.current.version)
        latency = self.gateway_latency()
        if math.isfinite(latency):
            yield GaugeMetricFamily("faqbot_gateway_latency_seconds",
                                    "Time between a gateway heartbeat and its acknowledgement",
                                    value=latency)


class Metrics:
    """Questions by verdict and channel, answer latency, and the collector above."""

    def __init__(self, library: Library, recorder: Recorder,
                 gateway_latency: Callable[[], float]) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter("faqbot_questions", "Questions answered, by verdict and channel",
                                 ("verdict", "channel"), registry=self.registry)
        self.answer_seconds = Histogram("faqbot_answer_seconds",
                                        "Time from a question's arrival to its answer sent",
                                        buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(_StateCollector(library, recorder, gateway_latency))

    def answered(self, verdict: str, channel_id: int | str | None, seconds: float) -> None:
        """One question answered (`channel_id` None in a DM, "forum" for a help-forum post)
        after `seconds`."""
        channel = DM_CHANNEL if channel_id is None else str(channel_id)
        self.questions.labels(verdict=verdict, channel=channel).inc()
        self.answer_seconds.observe(seconds)

    def text(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)
