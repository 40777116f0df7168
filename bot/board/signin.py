"""The `/board` command: a one-time sign-in link, sent privately. A domain of its own, built before
the core (its command goes into the one registry the core is given); the pages (`Board`) are built
after the core, with the same `SignInLinks`."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web
from redis.asyncio import Redis

from bot.board import messages as _messages  # noqa: F401  (registers the texts)
from bot.board.links import SignInLinks
from bot.commands.dispatch import refuse
from bot.commands.registry import CommandSpec
from bot.config import Settings
from bot.domain import Loop
from bot.model import Role


class BoardSignIn:
    def __init__(self, redis: Redis, settings: Settings):
        self.settings = settings
        self.links = SignInLinks(redis, settings.public_url)
        self.commands: Sequence[CommandSpec] = [
            CommandSpec("board", None, Role.member, "cmd.board", self.board_command, "any", ""),
        ]
        self.loops: Sequence[Loop] = []

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        return []  # the pages are the Board's

    async def board_command(self, ctx, parsed) -> None:
        """A one-time link, privately, through the private-answer path every command uses."""
        if ctx.person is None:
            refuse(ctx, "board: not in the config", ctx.tr("board.link.not_in_config"))
            return
        if not self.settings.public_url:
            ctx.reply(ctx.tr("board.link.no_public_url"))
            return
        ev = ctx.event
        url = await self.links.issue(f"{ev.platform}:{ev.sender.user_id}")
        # An answer for one person: Slack ephemeral, the Telegram private chat (from a group too),
        # or, for someone who never started the bot, one short public line without the link.
        ctx.reply(ctx.tr("board.link.sent", url=url))
