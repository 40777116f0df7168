"""The investigation record as a domain of the process: its background work (erasing timeline
content after the retention period, keeping the hashes). The chain itself is written by the engine's
transactions (bot/record/chain.py), the bundles and the PDF by the CLI and the board."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from bot.commands.registry import CommandSpec
from bot.domain import Loop
from bot.record.erase import RecordEraser


class Record:
    def __init__(self, eraser: RecordEraser):
        self.eraser = eraser
        self.commands: Sequence[CommandSpec] = ()
        self.loops: Sequence[Loop] = [eraser]

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        return []
