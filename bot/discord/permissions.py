"""Who may change the reviews: checked in our code on every moderator action.

Discord's default_permissions only hides commands from the menu (and server admins may
change it), so the command, the modal and the Confirm button each check again here.
"""

from __future__ import annotations

import discord

from bot.settings import Settings


def is_moderator(user: discord.User | discord.Member, settings: Settings) -> bool:
    """A member with a moderator role, or with Manage Server in an admin guild."""
    if not isinstance(user, discord.Member):
        return False  # outside a server nobody moderates
    if any(role.id in settings.mod_role_ids for role in user.roles):
        return True
    if user.guild.id not in settings.admin_guild_ids:
        return False
    # An interaction's member carries its resolved permissions; else compute from the roles.
    permissions = user.resolved_permissions or user.guild_permissions
    return permissions.manage_guild


def actor_name(user: discord.User | discord.Member) -> str:
    """How a moderator is named in the audit log: readable, and unique by the id."""
    return f"{user.name} ({user.id})"
