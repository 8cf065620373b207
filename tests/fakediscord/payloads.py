"""Builders for Discord API objects, shaped like what Discord sends (API v10)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from typing import Any

import discord

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permissions an ordinary member gets through @everyone in the fake guild.
EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_application_commands=True,
    use_external_emojis=True,
    change_nickname=True,
    connect=True,
    speak=True,
).value
# The bot's managed role: what a typical invite link grants a FAQ bot.
BOT_PERMISSIONS = (
    discord.Permissions(EVERYONE_PERMISSIONS)
    | discord.Permissions(manage_messages=True, create_public_threads=True)
).value
ALL_PERMISSIONS = discord.Permissions.all().value


class SnowflakeFactory:
    """Time-based, strictly increasing snowflakes (so `snowflake_time` gives 'now')."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._last = 0

    def __call__(self) -> int:
        with self._lock:
            ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
            value = (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
            value = max(value, self._last + 1)
            self._last = value
            return value


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def user_payload(user_id: int, username: str, *, bot: bool = False) -> JSON:
    data: JSON = {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": None if bot else username.capitalize(),
        "avatar": None,
        "avatar_decoration_data": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "primary_guild": None,
        "collectibles": None,
    }
    if bot:
        data["bot"] = True
    return data


def role_payload(
    role_id: int,
    name: str,
    *,
    permissions: int,
    position: int = 0,
    managed: bool = False,
    bot_id: int | None = None,
) -> JSON:
    data: JSON = {
        "id": str(role_id),
        "name": name,
        "description": None,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": managed,
        "mentionable": False,
        "flags": 0,
    }
    if bot_id is not None:
        data["tags"] = {"bot_id": str(bot_id)}
    return data


def member_payload(user: JSON, *, roles: list[int] | None = None, with_user: bool = True) -> JSON:
    data: JSON = {
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in roles or []],
        "joined_at": iso_now(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user
    return data


def text_channel_payload(channel_id: int, guild_id: int, name: str, *, position: int = 0) -> JSON:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }


def forum_tag_payload(tag_id: int, name: str, *, moderated: bool = False) -> JSON:
    return {"id": str(tag_id), "name": name, "moderated": moderated, "emoji_id": None,
            "emoji_name": None}


def forum_channel_payload(
    channel_id: int, guild_id: int, name: str, *, tags: list[JSON], position: int = 0
) -> JSON:
    """A forum channel (type 15) with its available tags: a text channel's fields and more."""
    return {
        **text_channel_payload(channel_id, guild_id, name, position=position),
        "type": 15,
        "available_tags": tags,
        "default_reaction_emoji": None,
        "default_thread_rate_limit_per_user": 0,
        "default_sort_order": None,
        "default_forum_layout": 0,
        "default_auto_archive_duration": 4320,
        "template": "",
    }


def thread_payload(
    thread_id: int,
    guild_id: int,
    parent_id: int,
    owner_id: int,
    name: str,
    *,
    applied_tags: list[int] | None = None,
    thread_type: int = 11,
) -> JSON:
    """A public (11) or private (12) thread; in a forum channel, a post."""
    now = iso_now()
    return {
        "id": str(thread_id),
        "type": thread_type,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": str(thread_id),
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "applied_tags": [str(tag) for tag in applied_tags or []],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 4320,
            "archive_timestamp": now,
            "locked": False,
            "create_timestamp": now,
        },
    }


def dm_channel_payload(channel_id: int, recipient: JSON) -> JSON:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient],
    }


def attachment_payload(attachment_id: int, filename: str, data: bytes, content_type: str) -> JSON:
    url = f"https://cdn.discordapp.com/attachments/0/{attachment_id}/{filename}"
    return {
        "id": str(attachment_id),
        "filename": filename,
        "size": len(data),
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    }


def message_payload(
    message_id: int,
    channel_id: int,
    author: JSON,
    *,
    content: str = "",
    guild_id: int | None = None,
    member: JSON | None = None,
    embeds: list[JSON] | None = None,
    components: list[JSON] | None = None,
    attachments: list[JSON] | None = None,
    mentions: list[JSON] | None = None,
    flags: int = 0,
    webhook_id: int | None = None,
    application_id: int | None = None,
    interaction_metadata: JSON | None = None,
    message_type: int = 0,
) -> JSON:
    data: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": message_type,
        "author": author,
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member is not None:
        data["member"] = member
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    if interaction_metadata is not None:
        data["interaction_metadata"] = interaction_metadata
    return data


def command_payload(
    command_id: int, application_id: int, body: JSON, *, guild_id: int | None
) -> JSON:
    """What Discord answers for one registered application command."""
    perms = body.get("default_member_permissions")
    data: JSON = {
        "id": str(command_id),
        "application_id": str(application_id),
        "version": str(command_id),
        "type": body.get("type", 1),
        "name": body["name"],
        "name_localizations": body.get("name_localizations"),
        "description": body.get("description", ""),
        "description_localizations": body.get("description_localizations"),
        "options": body.get("options") or [],
        "default_member_permissions": None if perms is None else str(perms),
        "dm_permission": body.get("dm_permission", True),
        "contexts": body.get("contexts"),
        "integration_types": body.get("integration_types") or [0],
        "nsfw": body.get("nsfw", False),
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def application_payload(application_id: int, bot_user: JSON, owner: JSON) -> JSON:
    return {
        "id": str(application_id),
        "name": bot_user["username"],
        "icon": None,
        "description": "A fake application served by fakediscord.",
        "summary": "",
        "type": None,
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": owner,
        "team": None,
        "bot": bot_user,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "integration_types_config": {"0": {}},
    }
