"""A non-editable install (`pip install .`, as from a wheel) ships the playbooks."""

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_pip_install_dot_into_a_fresh_venv_finds_the_seven_playbooks(tmp_path):
    """Builds like pip does (an isolated build fetches setuptools and wheel from the package
    index); the project's own dependencies come from this interpreter's site-packages."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    source = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "__pycache__", "build", "*.egg-info", ".venv"))
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(source)],
        capture_output=True,
        text=True,
        timeout=500,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BLM_CONFIG", "PLAYBOOKS_DIR")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import bot; print(bot.__file__)"], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert str(env_dir) in where.stdout, where.stdout + where.stderr  # the installed copy, not a checkout
    result = subprocess.run(
        [str(python), "-m", "bot", "validate"], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: 7 file(s) valid" in result.stderr
