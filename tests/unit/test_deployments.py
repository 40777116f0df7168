"""The test kit's named deployments (testing.deployments): each one validates, and each is handed
out as a fresh copy, so no test changes another's."""

from __future__ import annotations

import pytest

from bot.config import Deployment
from testing import deployments
from testing.deployments import ALL_TEN, NAMES, NOGALES_EL_PASO, data, deployment, with_agencies, with_phones


@pytest.mark.parametrize("name", NAMES)
def test_every_named_deployment_validates(name):
    assert isinstance(deployment(name), Deployment)


def test_a_copy_changed_changes_nobody_elses():
    mine = data(ALL_TEN)
    mine["people"].clear()
    mine["blms"].pop("nogales")
    with_phones(mine, {"Bob Carter": "+15205550104"})
    assert len(data(ALL_TEN)["people"]) == 5 and "nogales" in data(ALL_TEN)["blms"]
    phoned = with_phones(NOGALES_EL_PASO, {"Bob Carter": "+15205550104"})
    assert [p.get("phone") for p in phoned["people"] if p["name"] == "Bob Carter"] == ["+15205550104"]
    assert all("phone" not in p for p in data(NOGALES_EL_PASO)["people"])
    given = {"people": [{"name": "A", "slack_user": "U1", "role": "central"}]}
    with_agencies(given, {"A": ("us", "CBP")})
    assert given == {"people": [{"name": "A", "slack_user": "U1", "role": "central"}]}


def test_an_unknown_name_says_the_names():
    with pytest.raises(KeyError, match=deployments.NOGALES_EL_PASO):
        data("nowhere")
