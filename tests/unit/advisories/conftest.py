"""Where the shared real-alert fixtures and this repo's own samples live."""

from __future__ import annotations

from pathlib import Path

import pytest

from testing.fakes.nws_api import fixtures_dir

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return fixtures_dir()


@pytest.fixture(scope="session")
def cap_schema(fixtures):
    import xmlschema

    return xmlschema.XMLSchema(str(fixtures / "cap12" / "CAP-v1.2.xsd"))
