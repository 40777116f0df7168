"""`python -m bot validate`: playbooks and deployment files, every problem as `file:line: message`.

The one place files and folders are validated; the engine's loader only parses and checks one
playbook (`validate_loaded_playbook`) and lists a folder's playbook files (`playbook_files`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, deployment_from_loaded, is_deployment_document
from bot.engine.loader import playbook_files, validate_loaded_playbook
from bot.yamlload import YamlProblem, load_yaml


def _playbook_id(path: Path) -> str | None:
    try:
        data = load_yaml(path.read_bytes()).data
    except (YamlProblem, OSError):
        return None
    if isinstance(data, dict) and not is_deployment_document(data):
        return str(data.get("id")) if data.get("id") else None
    return None


def _validate_file(path: Path, name: str) -> list[str]:
    try:
        loaded = load_yaml(path.read_bytes())
    except YamlProblem as exc:
        return [f"{name}:{exc.line}: {exc.message}"]
    except OSError as exc:
        return [f"{name}:1: cannot read: {exc.strerror}"]
    if is_deployment_document(loaded.data):
        try:
            deployment_from_loaded(loaded, name)
        except ConfigError as exc:
            return exc.problems
        return []
    return validate_loaded_playbook(loaded, name)


def validate_paths(paths: Sequence[str | Path]) -> tuple[list[str], int]:
    """All problems in the given files and folders, and how many files were checked.
    Playbook ids must be unique across everything given."""
    problems: list[str] = []
    checked = 0
    ids: dict[str, str] = {}

    def validate_file(path: Path, name: str) -> list[str]:
        found = _validate_file(path, name)
        if not found:
            pid = _playbook_id(path)
            if pid and pid in ids:
                found = [f"{name}:1: id {pid!r} is also used by {ids[pid]}"]
            elif pid:
                ids[pid] = name
        return found

    files: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files += [(f, str(path / f.name)) for f in playbook_files(path)]  # *.yaml, *.yml, sorted
        elif path.exists():
            files.append((path, str(given)))
        else:
            problems.append(f"{given}:1: no such file or folder")
    # Deployments first, each from the shipped directory: a playbook may name a BLM that the
    # deployment's `directory:` adds (as the running bot reads them: deployment, then playbooks).
    files.sort(key=lambda f: not _is_deployment(f[0]))
    for path, name in files:
        checked += 1
        problems += validate_file(path, name)
    return problems, checked


def _is_deployment(path: Path) -> bool:
    try:
        return is_deployment_document(load_yaml(path.read_bytes()).data)
    except (YamlProblem, OSError):
        return False
