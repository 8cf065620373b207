"""`faqbot doctor`'s Discord checks: the token, the intents, the servers and the permissions."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from bot.core.forum import find_tag
from bot.discord_app.client import default_intents
from bot.discord_app.failures import PORTAL, describe
from bot.doctor import Check
from bot.settings import Settings

log = logging.getLogger(__name__)

READY_SECONDS = 30.0
# What answering a mention in a channel (a reply with an embed) or in a forum post needs.
TEXT_NEEDS = ("view_channel", "send_messages", "embed_links", "read_message_history")
FORUM_NEEDS = ("view_channel", "send_messages_in_threads", "embed_links", "read_message_history")
HELP_FORUM_NEEDS = (*FORUM_NEEDS, "manage_threads")  # a help forum: Solved applies a tag
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, embed_links=True,
    attach_files=True, read_message_history=True)
PRIVILEGED = (("message content", "gateway_message_content"),
              ("server members", "gateway_guild_members"), ("presence", "gateway_presence"))


def invite_url(application_id: int) -> str:
    return (f"https://discord.com/oauth2/authorize?client_id={application_id}"
            f"&scope=bot+applications.commands&permissions={INVITE_PERMISSIONS.value}")


def _names(permissions: discord.Permissions, needed: tuple[str, ...]) -> list[str]:
    return [name.replace("_", " ").title() for name in needed
            if not getattr(permissions, name)]


async def discord_checks(settings: Settings, *, guild_wait: float = 2.0) -> list[Check]:
    """Log in, read the application, connect to the gateway once, and look at every server
    (discord.py waits `guild_wait` seconds after the last server arrives before it is ready)."""
    token = settings.discord_token or ""
    intents = default_intents()
    client = discord.Client(intents=intents, guild_ready_timeout=guild_wait)
    checks: list[Check] = []
    async with client:
        try:
            await client.login(token)
        except Exception as exc:
            return [_failure("token", exc)]
        try:
            await _check_logged_in(client, settings, intents, checks)
        except Exception as exc:  # Discord or the network failed half-way: say so and stop
            checks.append(_failure("a Discord check", exc))
    return checks


async def _check_logged_in(client: discord.Client, settings: Settings,
                           intents: discord.Intents, checks: list[Check]) -> None:
    app = await client.application_info()
    checks.append(Check(True, f"token accepted: the bot is {client.user} (application "
                              f"{app.id})"))
    checks.append(_intents(app, intents))
    connection = asyncio.create_task(client.connect(reconnect=False))
    try:
        failure = await _ready(client, connection)
        if failure is not None:
            checks.append(failure)
            return
        checks.extend(await _commands(client, app, settings))
        checks.extend(_servers(client, app, settings))
    finally:
        await client.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await connection


def _failure(what: str, exc: Exception) -> Check:
    line = describe(exc)
    if line is None:
        raise exc
    log.debug("doctor: %s failed", what, exc_info=exc)
    return Check(False, line)


def _intents(app: discord.AppInfo, intents: discord.Intents) -> Check:
    enabled = [name for name, flag in PRIVILEGED
               if getattr(app.flags, flag) or getattr(app.flags, flag + "_limited")]
    asked = [name for name, flag in (("message content", "message_content"),
                                     ("server members", "members"), ("presence", "presences"))
             if getattr(intents, flag)]
    missing = [name for name in asked if name not in enabled]
    if missing:
        return Check(False, f"intents: the bot asks for {', '.join(missing)}, which the "
                            "application does not have enabled",
                     f"enable it at {PORTAL} → your app → Bot → Privileged Gateway Intents")
    extra = f" (enabled but unused: {', '.join(enabled)})" if enabled else ""
    return Check(True, f"intents: the bot needs no privileged intent{extra}")


async def _ready(client: discord.Client, task: asyncio.Task[None]) -> Check | None:
    """Wait until the gateway connection `task` is ready; a Check when that fails."""
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=READY_SECONDS,
                                     return_when=asyncio.FIRST_COMPLETED)
        if ready in done:
            return None
        if task in done and task.exception() is not None:
            exc = task.exception()
            assert isinstance(exc, Exception)
            return _failure("the gateway", exc)
        return Check(False, f"the gateway did not get ready within {READY_SECONDS:.0f} s",
                     "check the network, then https://discordstatus.com")
    finally:
        ready.cancel()


async def _commands(client: discord.Client, app: discord.AppInfo,
                    settings: Settings) -> list[Check]:
    checks: list[Check] = []
    registered = {c["name"] for c in await client.http.get_global_commands(app.id)}
    if "ask" in registered:
        checks.append(Check(True, "/ask is registered globally: it works in every server the "
                                  "bot is in and in DMs (interactions need no channel "
                                  "permission)"))
    else:
        where = " outside DEV_GUILD_ID" if settings.dev_guild_id else ""
        checks.append(Check(False, f"/ask is not registered globally: members{where} do not "
                                   "see the slash commands", "run `faqbot sync --global` once"))
    guild_id = settings.dev_guild_id
    if guild_id is not None and client.get_guild(guild_id) is not None:
        try:
            await client.http.get_guild_commands(app.id, guild_id)
        except discord.Forbidden:
            checks.append(Check(False, f"DEV_GUILD_ID {guild_id}: the bot may not add commands "
                                       "there (no applications.commands scope)",
                                f"invite it again: {invite_url(app.id)}"))
    return checks


def _servers(client: discord.Client, app: discord.AppInfo, settings: Settings) -> list[Check]:
    guilds = sorted(client.guilds, key=lambda g: g.name.casefold())
    checks: list[Check] = []
    if not guilds:
        checks.append(Check(False, "the bot is in no server", f"invite it: {invite_url(app.id)}"))
    else:
        names = ", ".join(g.name for g in guilds)
        checks.append(Check(True, f"in {len(guilds)} server{'s' if len(guilds) != 1 else ''}: "
                                  f"{names}"))
    dev = settings.dev_guild_id
    if dev is not None:
        guild = client.get_guild(dev)
        if guild is None:
            checks.append(Check(False, f"DEV_GUILD_ID {dev}: the bot is not in that server",
                                f"invite it there ({invite_url(app.id)}) or correct DEV_GUILD_ID"))
        else:
            checks.append(Check(True, f"DEV_GUILD_ID {dev} is {guild.name}: commands are "
                                      "synced there at every start"))
    for guild in guilds:
        checks.extend(_channels(guild))
    checks.extend(_help_forums(client, settings))
    return checks


def _help_forums(client: discord.Client, settings: Settings) -> list[Check]:
    """Each forum of HELP_FORUM_IDS: seen, answerable, with the Solved tag and Manage Threads
    (which applying the tag needs)."""
    checks: list[Check] = []
    for forum_id in sorted(settings.help_forum_ids):
        forum = client.get_channel(forum_id)
        if not isinstance(forum, discord.ForumChannel):
            checks.append(Check(False, f"HELP_FORUM_IDS {forum_id}: the bot sees no forum "
                                       "with that id",
                                "correct HELP_FORUM_IDS (a forum channel's id), or give the "
                                "bot's role View Channel in that forum"))
            continue
        where = f"help forum #{forum.name}"
        missing = _names(forum.permissions_for(forum.guild.me), HELP_FORUM_NEEDS)
        if missing:
            checks.append(Check(False, f"{where}: the bot lacks {', '.join(missing)} there",
                                f"give the bot's role {', '.join(missing)} in the forum's "
                                "permissions"))
        tags = [(tag.id, tag.name) for tag in forum.available_tags]
        if find_tag(tags, settings.solved_tag) is None:
            checks.append(Check(False, f"{where} has no tag named {settings.solved_tag!r}: "
                                       "Solved cannot mark posts",
                                f"add a tag {settings.solved_tag!r} to the forum, or set "
                                "SOLVED_TAG to one of its tags"))
        elif not missing:
            checks.append(Check(True, f"{where}: new posts are answered, and Solved applies "
                                      f"the tag {settings.solved_tag!r}"))
    return checks


def _channels(guild: discord.Guild) -> list[Check]:
    me = guild.me
    checks: list[Check] = []
    texts = guild.text_channels
    visible = [c for c in texts if c.permissions_for(me).view_channel]
    lacking = [(c, _names(c.permissions_for(me), TEXT_NEEDS)) for c in visible]
    lacking = [(c, missing) for c, missing in lacking if missing]
    answered = len(visible) - len(lacking)
    hidden = len(texts) - len(visible)
    note = f"; {hidden} hidden from it (mentions there are not seen)" if hidden else ""
    checks.append(Check(not lacking, f"{guild.name}: mentions answered in {answered} of "
                                     f"{len(texts)} text channels{note}"))
    for channel, missing in lacking:
        checks.append(Check(False, f"{guild.name} #{channel.name}: the bot sees it but lacks "
                                   f"{', '.join(missing)}, so mentions there go unanswered",
                            f"give the bot's role {', '.join(missing)} in #{channel.name}'s "
                            "permissions (or server-wide)"))
    for forum in guild.forums:
        missing = _names(forum.permissions_for(me), FORUM_NEEDS)
        if missing:
            checks.append(Check(False, f"{guild.name} forum #{forum.name}: the bot lacks "
                                       f"{', '.join(missing)} there",
                                f"give the bot's role {', '.join(missing)} in the forum's "
                                "permissions"))
        else:
            checks.append(Check(True, f"{guild.name} forum #{forum.name}: the bot can answer "
                                      "in its posts"))
    return checks
