"""The one bot builder of the tests and the bench: `build_bot(deployment, ...)` is `Runtime.build`
with a named deployment (testing.deployments) and hermetic defaults. Nothing else in tests/, bench/
or testing/ calls `Runtime.build` (tests/unit/test_layers.py checks it); the web harness
(testing.harness.running_bot) adds the edges and the web app on top of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bot.clock import Clock
from bot.config import Deployment, Settings
from bot.engine import PlaybookLibrary
from bot.runtime import Runtime
from testing import deployments
from testing.deployments import NOGALES_EL_PASO, Source


def build_bot(
    deployment: Source | Deployment = NOGALES_EL_PASO,
    *,
    settings: Settings | None = None,
    redis: Redis | None = None,
    clock: Clock | None = None,
    playbooks: Path | str | None = None,
    **runtime_kwargs: Any,
) -> Runtime:
    """The whole bot (no edges, no workers started).

    `deployment`: a name from testing.deployments, a deployment's data, or a `Deployment`.
    `settings`: default none from the environment, no Redis URL (the embedded store unless `redis`
    is given), `playbooks_dir` = `playbooks` when given. `playbooks`: load the playbook library from
    that folder (else the settings' `playbooks_dir`). `runtime_kwargs` go to `Runtime.build`
    (`dialer=`, `advisory_playbooks=`, `library=`)."""
    if settings is None:
        settings = Settings(_env_file=None, redis_url=None, **({"playbooks_dir": playbooks} if playbooks else {}))
    if playbooks is not None and "library" not in runtime_kwargs:
        runtime_kwargs["library"] = PlaybookLibrary.load(playbooks)
    return Runtime.build(settings, deployments.deployment(deployment), redis, clock, **runtime_kwargs)
