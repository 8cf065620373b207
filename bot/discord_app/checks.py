"""Who may run admin commands: checked in code on every call, not only by default permissions.

A server can change a command's default permissions, so `default_permissions` only hides the
command; the check here is what refuses it. In a DM there is no server and no Manage Server
permission: only users listed in ADMIN_USER_IDS pass there.
"""

from __future__ import annotations

from collections.abc import Collection

import discord
from discord import app_commands

NOT_ADMIN = ("Only admins can use this command: members with the Manage Server permission, "
             "or users listed in ADMIN_USER_IDS.")
NOT_ADMIN_DM = ("Admin commands work in a DM only for users listed in ADMIN_USER_IDS. "
                "Run it in the server instead (you need the Manage Server permission).")


def is_admin(interaction: discord.Interaction, admin_ids: Collection[int]) -> bool:
    """A listed user anywhere; otherwise Manage Server (or Administrator) in that server."""
    if interaction.user.id in admin_ids:
        return True
    if interaction.guild_id is None:
        return False
    permissions = interaction.permissions  # resolved by Discord in the interaction payload
    return bool(permissions.manage_guild or permissions.administrator)


def refusal(interaction: discord.Interaction) -> str:
    return NOT_ADMIN_DM if interaction.guild_id is None else NOT_ADMIN


def admin_ids_of(interaction: discord.Interaction) -> Collection[int]:
    settings = getattr(interaction.client, "settings", None)
    return settings.admin_user_ids if settings is not None else frozenset()


def ensure_admin(interaction: discord.Interaction) -> bool:
    """True for an admin; raise CheckFailure with the explanation for anyone else."""
    if is_admin(interaction, admin_ids_of(interaction)):
        return True
    raise app_commands.CheckFailure(refusal(interaction))

