"""Repo-wide invariants of the command tree, as Discord received it at start-up."""

from __future__ import annotations

from collections import Counter
from typing import Any

from faqbot_harness import Harness

CHAT_INPUT, MESSAGE = 1, 3
SUBCOMMAND = 1


def walk_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for option in options:
        found.append(option)
        found.extend(walk_options(option.get("options") or []))
    return found


async def test_every_command_is_described_and_uniquely_named(harness: Harness) -> None:
    commands = harness.fake.commands(guild=True)
    names = Counter((c["name"], c.get("type", CHAT_INPUT)) for c in commands)
    assert all(count == 1 for count in names.values()), names
    expected = {"ask", "compare", "topics", "explain", "kb", "Find answer"}
    assert expected <= {c["name"] for c in commands}
    for command in commands:
        if command.get("type", CHAT_INPUT) == CHAT_INPUT:
            assert command["description"].strip(), command["name"]
        for option in walk_options(command.get("options") or []):
            assert option["description"].strip(), (command["name"], option["name"])
        siblings = Counter(o["name"] for o in command.get("options") or [])
        assert all(count == 1 for count in siblings.values()), command["name"]


async def test_admin_group_holds_every_admin_command(harness: Harness) -> None:
    kb = next(c for c in harness.fake.commands(guild=True) if c["name"] == "kb")
    subcommands = {o["name"] for o in kb["options"] if o["type"] == SUBCOMMAND}
    assert subcommands == {"reload", "check", "status", "gaps", "stats"}
    assert kb["default_member_permissions"] == str(1 << 5)  # Manage Server; checked in code too
