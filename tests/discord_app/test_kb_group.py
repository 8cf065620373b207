"""The shared `/kb` group: the cogs that add to it load and unload in any order.

What syncs is what Discord accepts: the stand-in validates every body against the OpenAPI
description."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands
from faqbot_harness import Harness

from bot.discord_app.cogs.admin import AdminCog
from bot.discord_app.cogs.curation import CurationCog
from bot.discord_app.kb_group import KbGroup, kb_group

MANAGE_GUILD = discord.Permissions(manage_guild=True).value
FOLLOWUP = r"/webhooks/\d+/[^/]+"
EVERY = {"reload", "check", "status", "gaps", "stats"}
COGS = {"AdminCog": AdminCog, "CurationCog": CurationCog}


async def resync(harness: Harness) -> None:
    """Sync the commands to the test server as the bot does at start (DEV_GUILD_ID): the global
    ones, copied to the server afresh."""
    guild = discord.Object(id=harness.fake.guild.id)
    harness.bot.tree.clear_commands(guild=guild)
    harness.bot.tree.copy_global_to(guild=guild)
    await harness.bot.tree.sync(guild=guild)


def synced_kb(harness: Harness) -> dict[str, Any] | None:
    """The /kb command as the test server last received it (None: not registered)."""
    found = [c for c in harness.fake.commands(guild=True) if c["name"] == "kb"]
    assert len(found) <= 1
    return found[0] if found else None


async def reload_cogs(harness: Harness, order: list[str]) -> None:
    """Unload both /kb cogs, then load them again in `order`, and sync."""
    for name in COGS:
        await harness.bot.remove_cog(name)
    assert harness.bot.tree.get_command("kb") is None  # the last cog out took the group along
    for name in order:
        await harness.bot.add_cog(COGS[name](harness.bot))
    await resync(harness)


async def run_admin(harness: Harness, name: str, options: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
    """Run `/kb name` as a member with Manage Server; the reply's first embed."""
    info = await harness.fake.send_slash(name, options or {}, permissions=MANAGE_GUILD)
    callback = await harness.fake.wait_for_callback(info)
    if callback.json["type"] == 5:  # deferred: the reply is a follow-up
        record = await harness.fake.wait_for_request("POST", FOLLOWUP, timeout=10)
        return record.json["embeds"][0]  # type: ignore[no-any-return]
    return callback.json["data"]["embeds"][0]  # type: ignore[no-any-return]


def test_kb_group_is_made_once_per_tree() -> None:
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    group = kb_group(tree)
    assert isinstance(group, KbGroup)
    assert kb_group(tree) is group
    assert tree.get_command("kb") is group
    other: app_commands.CommandTree[Any] = app_commands.CommandTree(
        discord.Client(intents=discord.Intents.none()))
    assert kb_group(other) is not group  # one per bot: no state shared between bots


def test_a_foreign_kb_command_is_named_not_used() -> None:
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(
        discord.Client(intents=discord.Intents.none()))
    tree.add_command(app_commands.Group(name="kb", description="someone else's"))
    with pytest.raises(TypeError, match="not the admin group"):
        kb_group(tree)


@pytest.mark.parametrize("order", [["AdminCog", "CurationCog"], ["CurationCog", "AdminCog"]])
async def test_kb_cogs_load_in_any_order(harness: Harness, order: list[str]) -> None:
    at_start = synced_kb(harness)  # as synced at start-up
    assert at_start is not None
    await reload_cogs(harness, order)
    kb = synced_kb(harness)
    assert kb is not None
    assert {o["name"] for o in kb["options"]} == EVERY
    by_name = {o["name"]: o for o in at_start["options"]}
    assert {o["name"]: o for o in kb["options"]} == by_name  # the same subcommands as at start
    assert {k: v for k, v in kb.items() if k not in {"options", "id", "version"}} == {
        k: v for k, v in at_start.items() if k not in {"options", "id", "version"}}
    assert (await run_admin(harness, "kb status"))["title"] == "Knowledge base status"
    assert (await run_admin(harness, "kb reload"))["title"] == "Knowledge base reloaded"
    gaps = await run_admin(harness, "kb gaps", {"days": 7})
    assert gaps["title"]
    record = await harness.slash("kb check")  # a plain member: the group's check still runs
    assert "Manage Server" in record.json["data"]["content"]
    harness.assert_valid()


async def test_unloading_one_cog_leaves_the_others_commands(harness: Harness) -> None:
    await harness.bot.remove_cog("CurationCog")
    await resync(harness)
    kb = synced_kb(harness)
    assert kb is not None
    assert {o["name"] for o in kb["options"]} == {"reload", "check", "status"}
    assert (await run_admin(harness, "kb status"))["title"] == "Knowledge base status"

    await harness.bot.remove_cog("AdminCog")
    await resync(harness)
    assert synced_kb(harness) is None  # no empty group left behind
    await harness.bot.add_cog(CurationCog(harness.bot))
    await resync(harness)
    kb = synced_kb(harness)
    assert kb is not None
    assert {o["name"] for o in kb["options"]} == {"gaps", "stats"}
    assert kb["default_member_permissions"] == str(MANAGE_GUILD)
    harness.assert_valid()
