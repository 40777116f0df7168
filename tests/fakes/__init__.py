"""Moved to `testing.fakes`: this shim keeps `tests.fakes.X` importing for branches written
before the move (each old module name is the new module object)."""

import sys

from testing.fakes import (
    _base,
    alerts,
    builders,
    netguard,
    nws_api,
    redis_server,
    slack_api,
    slack_blocks,
    telegram_api,
    telegram_text,
)

for _module in (
    _base,
    alerts,
    builders,
    netguard,
    nws_api,
    redis_server,
    slack_api,
    slack_blocks,
    telegram_api,
    telegram_text,
):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
