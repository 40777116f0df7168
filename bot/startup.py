"""What `serve` and `worker` check before they start, each said in one clear line.

A refusal stops start-up (exit 2); a warning is logged and the process runs. Nothing here needs
Redis or the network.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Deployment, Settings


@dataclass
class StartupReport:
    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _rooms_on(deployment: Deployment, attribute: str) -> list[str]:
    owners: list[tuple[str, object]] = [("central", deployment.central)] if deployment.central else []
    owners += list(deployment.blms.items())
    return [name for name, rooms in owners if getattr(rooms, attribute) is not None]


def check_startup(settings: Settings, deployment: Deployment) -> StartupReport:
    report = StartupReport()
    path = settings.deployment_path()
    if path is None:
        report.warnings.append(
            f"no deployment file: BLM_CONFIG is not set and there is no blm.yaml in {Path.cwd()}; "
            "serving 0 BLMs (every room gets a 'not configured' notice). Set BLM_CONFIG to your blm.yaml."
        )
    elif not deployment.blms:
        report.warnings.append(f"{path}: no BLM is configured under blms:; serving 0 BLMs")
    for platform, attribute, variable in (
        ("Telegram", "telegram_chat", "TELEGRAM_BOT_TOKEN"),
        ("Slack", "slack_channel", "SLACK_BOT_TOKEN"),
    ):
        enabled = settings.telegram_enabled if platform == "Telegram" else settings.slack_enabled
        rooms = _rooms_on(deployment, attribute)
        if rooms and not enabled:
            # Their posts would be queued in Redis with nobody to send them, then flood the
            # rooms the day a token is set: refuse instead.
            report.refusals.append(
                f"{path}: {platform} rooms are configured ({', '.join(rooms)}) but {variable} is not set: "
                f"set {variable}, or remove {attribute} from those entries"
            )
    if not _playbooks_present(settings.playbooks_dir):
        report.warnings.append(
            f"no playbooks in {settings.playbooks_dir}: /playbook run has nothing to start. "
            "Set PLAYBOOKS_DIR to the folder of playbook YAML files."
        )
    return report


def _playbooks_present(folder: Path) -> bool:
    return folder.is_dir() and any(p.suffix in (".yaml", ".yml") for p in folder.iterdir())


def port_in_use_message(exc: OSError, host: str, port: int, variable: str) -> str | None:
    """The line to print when binding the HTTP port failed; None for other errors."""
    if exc.errno != errno.EADDRINUSE:
        return None
    if variable == "WORKER_PORT":
        advice = (
            "is another worker running on this host? Give each worker its own WORKER_PORT "
            "(e.g. WORKER_PORT=9091 for the second), or WORKER_PORT=0 for any free port"
        )
    else:
        advice = f"another process is listening there; set {variable} to a free port"
    return f"start-up refused: port {port} on {host} ({variable}) is already in use: {advice}"
