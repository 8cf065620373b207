"""What the fake records: HTTP requests, schema violations, gateway connections, injected faults."""

# Waiting helpers take a bounded `timeout` on purpose (tests must never hang).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class UploadedFile:
    field: str  # "files[0]"
    filename: str
    content_type: str
    data: bytes


@dataclass
class RequestRecord:
    method: str
    path: str  # without the /api/v10 prefix, e.g. "/channels/1/messages"
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None  # the JSON body, or the multipart `payload_json`
    files: list[UploadedFile] = field(default_factory=list)
    template: str | None = None  # the OpenAPI path template it matched
    status: int = 0
    response: Any = None
    consumed: bool = False


@dataclass
class Violation:
    method: str
    path: str
    template: str
    body: Any
    problems: list[Any]

    def __str__(self) -> str:
        lines = [f"{self.method} {self.path} ({self.template}):"]
        lines += [
            f"  at {'/'.join(map(str, p.location)) or '<body>'}: {p.message}" for p in self.problems
        ]
        return "\n".join(lines)


@dataclass
class GatewayConnection:
    query: dict[str, str]
    path: str
    identify: dict[str, Any] | None = None
    resume: dict[str, Any] | None = None
    shard: list[int] | None = None
    intents: int | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None


@dataclass
class Fault:
    method: str
    path_regex: re.Pattern[str]
    status: int
    retry_after: float
    times: int
    is_global: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and self.method in {method, "*"}
            and self.path_regex.fullmatch(path) is not None
        )


Predicate = Callable[[RequestRecord], bool]


class RequestLog:
    """Completed requests in arrival order, with waiting for ones not consumed yet."""

    def __init__(self) -> None:
        self.records: list[RequestRecord] = []
        self._changed = asyncio.Condition()

    async def add(self, record: RequestRecord) -> None:
        self.records.append(record)
        async with self._changed:
            self._changed.notify_all()

    def matching(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        *,
        predicate: Predicate | None = None,
        status: int | None = None,
    ) -> list[RequestRecord]:
        pattern = re.compile(path_regex) if path_regex else None
        return [
            r
            for r in self.records
            if (method is None or r.method == method.upper())
            and (pattern is None or pattern.fullmatch(r.path))
            and (status is None or r.status == status)
            and (predicate is None or predicate(r))
        ]

    async def wait_for(
        self,
        method: str | None,
        path_regex: str | None,
        *,
        predicate: Predicate | None = None,
        status: int | None = None,
        timeout: float = 5.0,
    ) -> RequestRecord:
        def find() -> RequestRecord | None:
            for record in self.matching(method, path_regex, predicate=predicate, status=status):
                if not record.consumed:
                    record.consumed = True
                    return record
            return None

        async def wait() -> RequestRecord:
            async with self._changed:
                while (found := find()) is None:
                    await self._changed.wait()
                return found

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            seen = "\n".join(f"  {r.method} {r.path} -> {r.status}" for r in self.records)
            raise AssertionError(
                f"no {method} {path_regex} request within {timeout}s; requests so far:\n{seen}"
            ) from None
