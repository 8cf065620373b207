"""What the fake Discord knows: users, guilds, channels, messages, commands, interactions."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p
from .payloads import JSON


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: list[JSON] = field(default_factory=list)
    channels: list[JSON] = field(default_factory=list)
    members: dict[int, JSON] = field(default_factory=dict)
    threads: list[JSON] = field(default_factory=list)  # active threads (forum posts too)

    @property
    def everyone_role(self) -> JSON:
        return self.roles[0]

    @property
    def default_channel(self) -> JSON:
        return self.channels[0]

    def payload(self, bot_user_id: int) -> JSON:
        """The GUILD_CREATE payload."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(self.default_channel["id"]),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": self.roles,
            "channels": self.channels,
            "threads": self.threads,
            "members": list(self.members.values()),
            "member_count": len(self.members),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "max_members": 500000,
            "max_video_channel_users": 25,
            "large": False,
            "unavailable": False,
            "lazy": True,
            "joined_at": self.members[bot_user_id]["joined_at"],
            "application_id": None,
            "application_command_counts": {},
            "incidents_data": None,
        }


@dataclass
class InteractionInfo:
    """An interaction the fake sent; `response_type` is the callback type the bot answered."""

    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user: JSON
    message_id: int | None = None  # the message a component sits on
    response_type: int | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    created_at: float = field(default_factory=time.monotonic)
    expired: bool = False  # the bot answered after the deadline (Discord: Unknown interaction)


class FakeState:
    def __init__(self, *, bot_name: str = "FakeBot", guild_name: str = "Fake Guild") -> None:
        self.new_id = p.SnowflakeFactory()
        self.users: dict[int, JSON] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, JSON] = {}
        self.dm_channels: dict[int, JSON] = {}  # user id -> DM channel
        self.messages: dict[int, JSON] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.interactions: dict[int, InteractionInfo] = {}

        self.bot_user = self.add_user(bot_name.lower(), bot=True)
        self.bot_user["username"] = bot_name
        self.application_id = int(self.bot_user["id"])
        self.owner = self.add_user("owner")
        self.user = self.add_user("alice")
        self.guild = self.add_guild(guild_name, owner=self.owner)
        self.add_member(self.guild, self.user)

    # ----------------------------------------------------------------- building
    def add_user(self, username: str, *, bot: bool = False) -> JSON:
        user = p.user_payload(self.new_id(), username, bot=bot)
        self.users[int(user["id"])] = user
        return user

    def add_guild(self, name: str, *, owner: JSON) -> FakeGuild:
        guild_id = self.new_id()
        guild = FakeGuild(id=guild_id, name=name, owner_id=int(owner["id"]))
        guild.roles.append(
            p.role_payload(guild_id, "@everyone", permissions=p.EVERYONE_PERMISSIONS)
        )
        bot_id = int(self.bot_user["id"])
        bot_role = p.role_payload(
            self.new_id(),
            self.bot_user["username"],
            permissions=p.BOT_PERMISSIONS,
            position=1,
            managed=True,
            bot_id=bot_id,
        )
        guild.roles.append(bot_role)
        self.guilds[guild_id] = guild
        self.add_text_channel(guild, "general")
        self.add_member(guild, self.bot_user, roles=[int(bot_role["id"])])
        self.add_member(guild, owner)
        return guild

    def add_text_channel(self, guild: FakeGuild, name: str) -> JSON:
        channel = p.text_channel_payload(
            self.new_id(), guild.id, name, position=len(guild.channels)
        )
        guild.channels.append(channel)
        self.channels[int(channel["id"])] = channel
        return channel

    def add_forum_channel(self, guild: FakeGuild, name: str, tags: list[str]) -> JSON:
        channel = p.forum_channel_payload(
            self.new_id(),
            guild.id,
            name,
            tags=[p.forum_tag_payload(self.new_id(), tag) for tag in tags],
            position=len(guild.channels),
        )
        guild.channels.append(channel)
        self.channels[int(channel["id"])] = channel
        return channel

    def add_thread(
        self,
        parent: JSON,
        owner: JSON,
        name: str,
        *,
        applied_tags: list[int] | None = None,
        thread_type: int = 11,
    ) -> JSON:
        """A thread in `parent` (a text or forum channel), listed among the guild's active
        threads; a forum post's first message is added by `create_message` with its id."""
        guild = self.guilds[int(parent["guild_id"])]
        thread = p.thread_payload(
            self.new_id(),
            guild.id,
            int(parent["id"]),
            int(owner["id"]),
            name,
            applied_tags=applied_tags,
            thread_type=thread_type,
        )
        guild.threads.append(thread)
        self.channels[int(thread["id"])] = thread
        return thread

    def update_thread(self, thread: JSON, body: JSON) -> JSON:
        """PATCH /channels/{thread}: the fields a bot may change on a thread."""
        for key in ("name", "rate_limit_per_user", "flags"):
            if body.get(key) is not None:
                thread[key] = body[key]
        if body.get("applied_tags") is not None:
            thread["applied_tags"] = [str(tag) for tag in body["applied_tags"]]
        for key in ("archived", "locked", "auto_archive_duration", "invitable"):
            if body.get(key) is not None:
                thread["thread_metadata"][key] = body[key]
        return thread

    def add_role(self, guild: FakeGuild, name: str, *, permissions: int = 0) -> JSON:
        role = p.role_payload(
            self.new_id(), name, permissions=permissions, position=len(guild.roles)
        )
        guild.roles.append(role)
        return role

    def add_member(self, guild: FakeGuild, user: JSON, *, roles: list[int] | None = None) -> JSON:
        member = p.member_payload(user, roles=roles)
        guild.members[int(user["id"])] = member
        return member

    def dm_channel(self, user: JSON) -> JSON:
        user_id = int(user["id"])
        channel = self.dm_channels.get(user_id)
        if channel is None:
            channel = p.dm_channel_payload(self.new_id(), user)
            self.dm_channels[user_id] = channel
            self.channels[int(channel["id"])] = channel
        return channel

    # ------------------------------------------------------------------ queries
    def guild_of_channel(self, channel_id: int) -> FakeGuild | None:
        channel = self.channels.get(channel_id)
        if channel is None or "guild_id" not in channel:
            return None
        return self.guilds.get(int(channel["guild_id"]))

    def permissions(self, guild: FakeGuild, user_id: int) -> int:
        if user_id == guild.owner_id:
            return p.ALL_PERMISSIONS
        member = guild.members.get(user_id)
        role_ids = {str(guild.id), *(member["roles"] if member else [])}
        value = 0
        for role in guild.roles:
            if role["id"] in role_ids:
                value |= int(role["permissions"])
        if value & 0x8:  # ADMINISTRATOR
            return p.ALL_PERMISSIONS
        return value

    def commands_for(self, guild_id: int | None) -> list[JSON]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, [])

    def find_command(
        self, name: str, *, command_type: int = 1, guild_id: int | None = None
    ) -> JSON | None:
        """A guild command of that guild first, else a global one."""
        pools = ([self.commands_for(guild_id)] if guild_id else []) + [self.global_commands]
        for pool in pools:
            for command in pool:
                if command["name"] == name and command.get("type", 1) == command_type:
                    return command
        return None

    def overwrite_commands(self, guild_id: int | None, body: list[JSON]) -> list[JSON]:
        """Bulk overwrite: keeps the id of a command whose name and type stay the same."""
        old = {(c["name"], c["type"]): c for c in self.commands_for(guild_id)}
        result = []
        for item in body:
            key = (item["name"], item.get("type", 1))
            command_id = int(old[key]["id"]) if key in old else self.new_id()
            result.append(
                p.command_payload(command_id, self.application_id, item, guild_id=guild_id)
            )
        if guild_id is None:
            self.global_commands = result
        else:
            self.guild_commands[guild_id] = result
        return result

    # ----------------------------------------------------------------- messages
    def create_message(
        self,
        channel_id: int,
        body: JSON,
        *,
        author: JSON | None = None,
        files: list[tuple[str, bytes, str]] | None = None,
        webhook_id: int | None = None,
        interaction: InteractionInfo | None = None,
        message_id: int | None = None,
    ) -> JSON:
        author = author or self.bot_user
        guild = self.guild_of_channel(channel_id)
        attachments = [
            p.attachment_payload(self.new_id(), name, data, ctype)
            for name, data, ctype in files or []
        ]
        metadata = None
        if interaction is not None:
            metadata = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user,
                "authorizing_integration_owners": {},
            }
        member = None
        if guild is not None and int(author["id"]) in guild.members:
            member = dict(guild.members[int(author["id"])])
            member.pop("user", None)
        message = p.message_payload(
            message_id or self.new_id(),
            channel_id,
            author,
            content=body.get("content") or "",
            guild_id=guild.id if guild else None,
            member=member,
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            attachments=attachments,
            flags=body.get("flags") or 0,
            webhook_id=webhook_id,
            application_id=self.application_id if webhook_id else None,
            interaction_metadata=metadata,
            message_type=20 if interaction is not None and interaction.type == 2 else 0,
        )
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id") is not None:
            referenced = self.messages.get(int(reference["message_id"]))
            message["message_reference"] = {
                "type": 0,
                "message_id": str(reference["message_id"]),
                "channel_id": str(reference.get("channel_id") or channel_id),
                **({"guild_id": str(guild.id)} if guild else {}),
            }
            message["referenced_message"] = referenced
            message["type"] = 19  # REPLY
        self.messages[int(message["id"])] = message
        channel = self.channels.get(channel_id)
        if channel is not None and "thread_metadata" in channel:
            channel["message_count"] += int(message["id"]) != channel_id
            channel["total_message_sent"] += 1
            channel["last_message_id"] = message["id"]
        return message

    def edit_message(
        self, message_id: int, body: JSON, files: list[tuple[str, bytes, str]] | None = None
    ) -> JSON | None:
        message = self.messages.get(message_id)
        if message is None:
            return None
        for key in ("content", "embeds", "components", "flags"):
            if key in body:
                default: Any = "" if key == "content" else 0 if key == "flags" else []
                message[key] = body[key] if body[key] is not None else default
        if "attachments" in body and body["attachments"] is not None:
            keep = {str(a.get("id")) for a in body["attachments"]}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in keep]
        for name, data, ctype in files or []:
            message["attachments"].append(p.attachment_payload(self.new_id(), name, data, ctype))
        message["edited_timestamp"] = p.iso_now()
        return message

    # ------------------------------------------------------------- interactions
    def new_interaction(
        self,
        kind: int,
        *,
        channel_id: int,
        guild_id: int | None,
        user: JSON,
        message_id: int | None = None,
    ) -> InteractionInfo:
        info = InteractionInfo(
            id=self.new_id(),
            token="aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
            type=kind,
            channel_id=channel_id,
            guild_id=guild_id,
            user=user,
            message_id=message_id,
        )
        self.interactions[info.id] = info
        return info

    def interaction_by_token(self, token: str) -> InteractionInfo | None:
        for info in self.interactions.values():
            if info.token == token:
                return info
        return None
