"""The bot's command groups; each cog calls the core and renders, nothing more."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.discord_app.client import AnyFaqBot


async def load_cogs(bot: AnyFaqBot) -> None:
    from bot.discord_app.cogs.admin import AdminCog
    from bot.discord_app.cogs.ask import AskCog
    from bot.discord_app.cogs.curation import CurationCog
    from bot.discord_app.cogs.forum import setup_forum
    from bot.discord_app.cogs.table import TableCog

    await bot.add_cog(AskCog(bot))
    await bot.add_cog(TableCog(bot))
    await bot.add_cog(AdminCog(bot))
    await bot.add_cog(CurationCog(bot))  # /kb subcommands too: the cogs share one group
    await setup_forum(bot)  # only with HELP_FORUM_IDS
