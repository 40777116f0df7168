"""The operations board: the ten BLMs on one live web page, signed in from chat.

`BoardSignIn(redis, settings)` is the /board command (built before the core, like every domain
that adds commands); `Board(core, engine, settings, links)` the pages: `routes()` under /board and
`close()` (ends the open event streams on shutdown).
"""

from bot.board.pages import Board
from bot.board.signin import BoardSignIn

__all__ = ["Board", "BoardSignIn"]
