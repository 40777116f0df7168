"""The message catalogue (`bot.i18n.catalog`), with the core's own texts registered.

Each domain keeps its texts in its own `messages.py` and registers them with `register`.
"""

from bot.i18n import core_messages  # noqa: F401  (registers the core texts)
from bot.i18n.catalog import CATALOG, LANGS, normalise_lang, placeholders, register, t

__all__ = ["CATALOG", "LANGS", "normalise_lang", "placeholders", "register", "t"]
