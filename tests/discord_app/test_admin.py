"""`/kb reload|check|status` through the loopback stand-in: who may run them, and what they do."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import pytest
from fakediscord.records import RequestRecord

from bot.discord_app.kb_group import KbGroup, kb_group

if TYPE_CHECKING:
    from faqbot_harness import Harness  # the fixture's type; only for annotations

EPHEMERAL = 64
DEFERRED = 5
FOLLOWUP = r"/webhooks/\d+/[^/]+"
KB_FILE = "tiny.yaml"
OLD_TITLE = "Brewing tea"
NEW_TITLE = "Making tea"
QUESTION = "how do i brew tea"
MANAGE_GUILD = discord.Permissions(manage_guild=True).value


def data_of(record: RequestRecord) -> dict[str, Any]:
    return record.json.get("data", record.json)


def embed_of(record: RequestRecord) -> dict[str, Any]:
    embeds = data_of(record).get("embeds") or []
    assert len(embeds) == 1, data_of(record)
    return embeds[0]


def no_pings(record: RequestRecord) -> None:
    assert data_of(record)["allowed_mentions"]["parse"] == []


def retitle(folder: Path, old: str = OLD_TITLE, new: str = NEW_TITLE) -> None:
    path = folder / KB_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def break_folder(folder: Path, problems: int = 1) -> None:
    """A second file whose entries each lack an answer: `problems` problems, with lines."""
    entries = "".join(f"  - id: broken-{n}\n    title: Broken {n}\n    questions: [q {n}]\n"
                      for n in range(problems))
    (folder / "broken.yaml").write_text(f"document: Broken\nentries:\n{entries}",
                                        encoding="utf-8")


def moderator(harness: Harness) -> dict[str, Any]:
    """A member given Manage Server through a role, as a server would."""
    role = harness.fake.add_role("Moderators", permissions=MANAGE_GUILD)
    return harness.fake.add_user("mod", roles=[role])


def list_as_admin(harness: Harness, user: dict[str, Any]) -> None:
    """Put the user's id in ADMIN_USER_IDS (the bot reads its settings on every check)."""
    harness.bot.settings = dataclasses.replace(harness.bot.settings,
                                               admin_user_ids=frozenset({int(user["id"])}))


async def run_deferred(harness: Harness, name: str, **kwargs: Any) -> RequestRecord:
    """Run a deferred admin command; return its follow-up message request."""
    info = await harness.fake.send_slash(name, **kwargs)
    callback = await harness.fake.wait_for_callback(info)
    assert callback.json["type"] == DEFERRED
    assert callback.json["data"]["flags"] & EPHEMERAL
    return await harness.fake.wait_for_request("POST", FOLLOWUP, timeout=10)


async def ask_title(harness: Harness) -> str:
    return embed_of(await harness.slash("ask", {"question": QUESTION}))["title"]


# -- registration ---------------------------------------------------------------------------


async def test_kb_group_is_registered_for_managers_and_dms(harness: Harness) -> None:
    [kb] = [c for c in harness.fake.commands(guild=True) if c["name"] == "kb"]
    assert kb["default_member_permissions"] == str(MANAGE_GUILD)
    assert sorted(kb["contexts"]) == [0, 1, 2]
    assert {o["name"] for o in kb["options"]} >= {"reload", "check", "status"}
    assert isinstance(kb_group(harness.bot.tree), KbGroup)


# -- /kb reload -----------------------------------------------------------------------------


async def test_reload_by_a_moderator_swaps_in_a_good_change(harness: Harness) -> None:
    assert await ask_title(harness) == OLD_TITLE
    retitle(harness.knowledge_dir)
    followup = await run_deferred(harness, "kb reload", user=moderator(harness))
    embed = embed_of(followup)
    assert embed["title"] == "Knowledge base reloaded"
    assert "version 2" in embed["description"]
    assert "Edited (1): tea-brewing" in embed["description"]
    assert data_of(followup)["flags"] & EPHEMERAL
    no_pings(followup)
    assert harness.library.current.version == 2
    assert await ask_title(harness) == NEW_TITLE  # the next /ask sees it
    harness.assert_valid()


async def test_reload_reports_table_rows_changed(harness: Harness) -> None:
    retitle(harness.knowledge_dir, "Tens of cents", "Tens of pence")
    followup = await run_deferred(harness, "kb reload", permissions=MANAGE_GUILD)
    assert "Table rows changed (1): row-price" in embed_of(followup)["description"]
    harness.assert_valid()


async def test_reload_of_a_broken_folder_keeps_the_old_one(harness: Harness) -> None:
    retitle(harness.knowledge_dir)  # a good edit, but alongside a broken file
    break_folder(harness.knowledge_dir)
    followup = await run_deferred(harness, "kb reload", user=moderator(harness))
    embed = embed_of(followup)
    assert embed["title"].startswith("Reload refused")
    assert "broken.yaml:3:" in embed["description"]  # file:line
    assert "The previous knowledge base is still live." in embed["description"]
    assert embed["color"] == discord.Colour.red().value
    assert harness.library.current.version == 1
    assert await ask_title(harness) == OLD_TITLE  # the next /ask still sees the old one
    harness.assert_valid()


async def test_reload_of_files_that_loaded_before_this_branch_keeps_the_old_one(
        harness: Harness) -> None:
    # Each of these loaded once: a lone surrogate written as an escape (which no JSON body can
    # carry to Discord), a question asked twice, a file name with a line break.
    retitle(harness.knowledge_dir)
    (harness.knowledge_dir / "escaped.yaml").write_text(
        'entries:\n  - id: odd\n    title: "Odd \\ud800"\n    answer: A\n'
        f"    questions: [{QUESTION}]\n", encoding="utf-8")
    (harness.knowledge_dir / "line\nbreak.yaml").write_text("entries: 3\n", encoding="utf-8")
    followup = await run_deferred(harness, "kb reload", user=moderator(harness))
    description = embed_of(followup)["description"]
    assert "escaped.yaml:3:12: control character U+D800 is not allowed" in description
    assert f"question '{QUESTION}' is also a question of 'odd' (at " in description
    # Markdown-escaped (as written on Discord): the backslash of the escape shown is doubled.
    assert "line\\\\nbreak.yaml:1:10: 'entries' must be a list" in description
    assert "The previous knowledge base is still live." in description
    assert harness.library.current.version == 1
    assert await ask_title(harness) == OLD_TITLE
    harness.assert_valid()


async def test_many_problems_are_paged_within_limits(harness: Harness) -> None:
    break_folder(harness.knowledge_dir, problems=150)
    followup = await run_deferred(harness, "kb reload", permissions=MANAGE_GUILD)
    embed = embed_of(followup)
    assert embed["footer"]["text"].startswith("Page 1/")
    assert len(embed["description"]) <= 4096
    labels = [c["label"] for row in data_of(followup)["components"] for c in row["components"]]
    assert labels == ["◀ Previous", "Next ▶"]
    assert data_of(followup)["flags"] & EPHEMERAL
    harness.assert_valid()


async def test_reload_by_a_plain_member_is_refused_and_reloads_nothing(harness: Harness) -> None:
    retitle(harness.knowledge_dir)
    record = await harness.slash("kb reload")  # alice: an ordinary member
    assert record.json["type"] == 4
    assert data_of(record)["flags"] & EPHEMERAL
    assert "Manage Server" in data_of(record)["content"]
    no_pings(record)
    assert harness.library.current.version == 1
    assert await ask_title(harness) == OLD_TITLE
    harness.assert_valid()


async def test_every_kb_subcommand_refuses_a_plain_member(harness: Harness) -> None:
    # Covers subcommands added later (e.g. /kb gaps) too: the check is the group's.
    names = [command.name for command in kb_group(harness.bot.tree).commands]
    assert {"reload", "check", "status"} <= set(names)
    for name in names:
        record = await harness.slash(f"kb {name}", permissions=0)
        assert "Manage Server" in data_of(record)["content"], name
        assert data_of(record)["flags"] & EPHEMERAL
    assert harness.library.current.version == 1
    harness.assert_valid()


async def test_a_listed_admin_needs_no_permission(harness: Harness) -> None:
    retitle(harness.knowledge_dir)
    user = harness.fake.add_user("bot-owner")
    list_as_admin(harness, user)
    followup = await run_deferred(harness, "kb reload", user=user, permissions=0)
    assert embed_of(followup)["title"] == "Knowledge base reloaded"
    harness.assert_valid()


# -- /kb check and /kb status ---------------------------------------------------------------


async def test_check_validates_without_swapping(harness: Harness) -> None:
    followup = await run_deferred(harness, "kb check", permissions=MANAGE_GUILD)
    assert embed_of(followup)["title"] == "Knowledge files are valid"
    retitle(harness.knowledge_dir)
    break_folder(harness.knowledge_dir, problems=2)
    followup = await run_deferred(harness, "kb check", permissions=MANAGE_GUILD)
    embed = embed_of(followup)
    assert embed["title"] == "2 problems in the knowledge files"
    assert embed["description"].count("broken.yaml:") == 2
    assert harness.library.current.version == 1  # nothing swapped in, even the good edit
    assert await ask_title(harness) == OLD_TITLE
    harness.assert_valid()


async def test_status_shows_what_is_loaded(harness: Harness) -> None:
    record = await harness.slash("kb status", permissions=MANAGE_GUILD)
    assert data_of(record)["flags"] & EPHEMERAL
    text = embed_of(record)["description"]
    snapshot = harness.library.current
    assert f"**Entries:** {len(snapshot.kb.entries)}" in text
    assert "**Table rows:** 3" in text
    stamp = int(snapshot.loaded_at.timestamp())
    assert f"**Loaded:** <t:{stamp}:R> (<t:{stamp}:f>)\n" in text  # the core holds a datetime
    assert "**Version:** 1" in text
    limits = snapshot.kb.thresholds
    assert f"answer {limits.answer:.2f} · suggest {limits.suggest:.2f}" in text
    assert f"margin {limits.margin:.2f}" in text
    assert "**Matching:** lexical\n" in text
    assert KB_FILE in text
    no_pings(record)
    harness.assert_valid()


# -- in a DM ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kb reload", "kb check", "kb status"])
async def test_admin_commands_in_a_dm(harness: Harness, name: str) -> None:
    await harness.bot.tree.sync()  # global commands: what a DM can use
    retitle(harness.knowledge_dir)
    owner = harness.fake.owner  # all permissions in the server, but a DM has no server
    record = await harness.slash(name, user=owner, guild=False)
    assert data_of(record)["flags"] & EPHEMERAL
    assert "ADMIN_USER_IDS" in data_of(record)["content"]
    assert harness.library.current.version == 1

    listed = harness.fake.add_user("listed", member=False)
    list_as_admin(harness, listed)
    info = await harness.fake.send_slash(name, user=listed, guild=False)
    callback = await harness.fake.wait_for_callback(info)
    assert callback.json["data"]["flags"] & EPHEMERAL
    if callback.json["type"] == DEFERRED:
        followup = await harness.fake.wait_for_request("POST", FOLLOWUP, timeout=10)
        title = embed_of(followup)["title"]
    else:
        title = embed_of(callback)["title"]
    assert title in {"Knowledge base reloaded", "Knowledge files are valid",
                     "Knowledge base status"}
    assert harness.library.current.version == (2 if name == "kb reload" else 1)
    harness.assert_valid()


@pytest.mark.parametrize("command", ["kb reload", "kb check"])
async def test_problems_show_file_names_and_values_as_written(harness: Harness,
                                                              command: str) -> None:
    (harness.knowledge_dir / "**notes** [here](evil.example).yaml").write_text(
        "entries: 3\n", encoding="utf-8")
    (harness.knowledge_dir / "more.yaml").write_text(
        "entries:\n  - id: Bad__Id__Here\n    title: T\n    answer: A\n", encoding="utf-8")
    description = embed_of(await run_deferred(harness, command,
                                              permissions=MANAGE_GUILD))["description"]
    assert r"\*\*notes\*\* \[here](evil.example).yaml" in description  # no bold, no link
    assert r"id 'Bad\_\_Id\_\_Here' must be kebab-case" in description  # no underline
    harness.assert_valid()
