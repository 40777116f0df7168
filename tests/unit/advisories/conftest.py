"""Where the shared real-alert fixtures and this repo's own samples live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
FALLBACK_FIXTURES = Path("/work/shared/fixtures")


def fixtures_dir() -> Path:
    """`<repo root>/../shared/fixtures` (how CI lays things out), else the dev machine's copy."""
    candidate = (REPO_ROOT / ".." / "shared" / "fixtures").resolve()
    if candidate.is_dir():
        return candidate
    if FALLBACK_FIXTURES.is_dir():
        return FALLBACK_FIXTURES
    raise FileNotFoundError(f"shared fixtures not found at {candidate} or {FALLBACK_FIXTURES}")


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return fixtures_dir()


@pytest.fixture(scope="session")
def cap_schema(fixtures):
    import xmlschema

    return xmlschema.XMLSchema(str(fixtures / "cap12" / "CAP-v1.2.xsd"))
