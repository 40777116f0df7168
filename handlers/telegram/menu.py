"""The command menu Telegram shows, registered at start in English and Spanish."""

from __future__ import annotations

import logging

from telegram import BotCommand
from telegram.error import TelegramError

from bot.i18n import t

log = logging.getLogger(__name__)

MENU = [
    ("help", "cmd.help"),
    ("playbook", "menu.playbook"),
    ("incident", "menu.incident"),
    ("ack", "cmd.ack"),
    ("checklist", "cmd.checklist"),
    ("advisory", "menu.advisory"),
    ("sitrep", "cmd.sitrep"),
    ("contacts", "cmd.contacts"),
    ("lang", "cmd.lang"),
    ("start", "cmd.start"),
]


def menu(lang: str) -> list[BotCommand]:
    return [BotCommand(name, t(key, lang)[:256]) for name, key in MENU]


async def register_menus(bot) -> None:
    try:
        await bot.set_my_commands(menu("en"))  # the default for every other language
        await bot.set_my_commands(menu("en"), language_code="en")
        await bot.set_my_commands(menu("es"), language_code="es")
    except TelegramError as exc:
        log.warning("telegram: setMyCommands failed (%s); the menu stays as it was", exc)
