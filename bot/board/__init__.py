"""The operations board: the ten BLMs on one live web page, signed in from chat.

`Board(core, engine, settings)` exposes `routes()` (aiohttp RouteDefs under /board), `commands`
(the /board command's spec) and `close()` (ends the open event streams on shutdown).
"""

from bot.board.pages import Board

__all__ = ["Board"]
