"""R21: joint packages funded by the NHS and the local authority, in any setting, in shares
that change only from an effective date."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.funding.domain import packages
from services.funding.main import SPEC as FUNDING
from shared.auth import Role
from shared.errors import InvalidInput, RuleViolation
from shared.events.funding import JointPackageAgreed, Share
from shared.events.vocabulary import Setting
from shared.testing.events import published
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    ICB,
    commissioner,
    finance,
    given_package,
    given_package_body,
    given_related,
    statement,
)

Share_ = packages.ShareTerm


@pytest.mark.parametrize(
    "shares",
    [
        [Share_(ICB, percent=60), Share_(CITY, percent=30)],
        [Share_(ICB, percent=60), Share_(CITY, weekly_pence=100)],
        [Share_(ICB, weekly_pence=500), Share_(CITY, weekly_pence=400)],
        [Share_(ICB, percent=100)],
        [Share_(ICB, percent=50), Share_(ICB, percent=50)],
        [Share_(ICB, percent=50, weekly_pence=5), Share_(CITY, percent=50)],
    ],
)
def test_r21_shares_are_refused_naming_shares_unless_they_make_the_whole(
    shares: list[packages.ShareTerm],
) -> None:
    with pytest.raises(InvalidInput) as refused:
        packages.check_shares(shares, 1000)
    assert refused.value.extensions["errors"][0]["field"] == "shares"


def test_r21_shares_change_only_from_a_date_after_the_current_terms() -> None:
    terms = packages.Terms(
        uuid4(),
        uuid4(),
        uuid4(),
        date(2026, 1, 5),
        1000,
        (Share_(ICB, percent=50), Share_(CITY, percent=50)),
    )
    with pytest.raises(RuleViolation) as refused:
        packages.check_next_terms([terms], date(2026, 1, 5))
    assert refused.value.rule == "R21"


def test_r21_package_lines_pay_each_share_from_the_terms_in_force() -> None:
    package, person = uuid4(), uuid4()
    first = packages.Terms(
        uuid4(),
        package,
        person,
        date(2026, 1, 5),
        70_000,
        (Share_(ICB, percent=60), Share_(CITY, percent=40)),
    )
    second = packages.Terms(
        uuid4(),
        package,
        person,
        date(2026, 1, 12),
        70_000,
        (Share_(ICB, percent=50), Share_(CITY, percent=50)),
    )
    lines = packages.package_lines([second, first], date(2026, 1, 5), date(2026, 1, 19))
    assert [(ln.organisation, ln.amount_pence) for ln in lines] == [
        (ICB, 42_000),
        (CITY, 28_000),
        (ICB, 35_000),
        (CITY, 35_000),
    ]


@pytest.mark.parametrize("setting", list(Setting))
async def test_r21_a_joint_package_is_agreed_in_any_setting(
    service_client: ServiceClient, setting: Setting
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client, setting=setting.value)
        [agreed] = await published(runtime, JointPackageAgreed)
    assert package["setting"] == setting.value
    assert isinstance(agreed, JointPackageAgreed)
    assert agreed.shares == [
        Share(organisation=ICB, percent=60),
        Share(organisation=CITY, percent=40),
    ]
    assert agreed.weekly_cost_pence == 70_000


async def test_r21_percentages_must_total_100_naming_shares_and_nothing_is_written(
    service_client: ServiceClient,
) -> None:
    shares = [{"organisation": ICB, "percent": 60}, {"organisation": CITY, "percent": 30}]
    async with service_client(FUNDING) as (client, runtime):
        response = await client.post(
            "/joint-packages", json=given_package_body(shares=shares), headers=commissioner()
        )
        events = await published(runtime)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "shares"
    assert events == []


async def test_r21_fixed_weekly_amounts_are_paid_to_the_penny(
    service_client: ServiceClient,
) -> None:
    shares = [
        {"organisation": ICB, "weekly_pence": 45_001},
        {"organisation": CITY, "weekly_pence": 24_999},
    ]
    async with service_client(FUNDING) as (client, _):
        await given_package(client, shares=shares)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-18")
        city = await statement(client, CITY, "2026-01-05", "2026-01-18")
    assert (icb["pays_pence"], city["pays_pence"]) == (90_002, 49_998)


async def test_r21_shares_change_only_with_an_effective_date(
    service_client: ServiceClient,
) -> None:
    change = {
        "weekly_cost_pence": 70_000,
        "shares": [{"organisation": ICB, "percent": 50}, {"organisation": CITY, "percent": 50}],
        "effective_from": "2026-01-12",
    }
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        changed = await client.post(
            f"/joint-packages/{package['id']}/terms", json=change, headers=commissioner(CITY)
        )
        backwards = await client.post(
            f"/joint-packages/{package['id']}/terms",
            json=change | {"effective_from": "2026-01-05"},
            headers=commissioner(CITY),
        )
        undated = await client.post(
            f"/joint-packages/{package['id']}/terms",
            json={k: v for k, v in change.items() if k != "effective_from"},
            headers=commissioner(CITY),
        )
        icb = await statement(client, ICB, "2026-01-05", "2026-01-18")
        agreed = await published(runtime, JointPackageAgreed)
    assert changed.status_code == 201
    assert [t["effective_from"] for t in changed.json()["terms"]] == ["2026-01-05", "2026-01-12"]
    assert backwards.status_code == 422
    assert backwards.json()["rule"] == "R21"
    assert undated.status_code == 422
    assert undated.json()["errors"][0]["field"] == "effective_from"
    assert icb["pays_pence"] == 42_000 + 35_000
    assert len(agreed) == 2


async def test_r21_a_repeated_agreement_with_the_same_idempotency_key_has_one_effect(
    service_client: ServiceClient,
) -> None:
    body = given_package_body()
    headers = commissioner() | {"Idempotency-Key": "pkg-1"}
    async with service_client(FUNDING) as (client, runtime):
        first = await client.post("/joint-packages", json=body, headers=headers)
        again = await client.post("/joint-packages", json=body, headers=headers)
        agreed = await published(runtime, JointPackageAgreed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(agreed) == 1


async def test_r21_only_the_parties_agree_and_read_a_package(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        outsider = await client.post(
            "/joint-packages",
            json=given_package_body(),
            headers=commissioner("RUTLAND-COUNTY-COUNCIL"),
        )
        package = await given_package(client)
        await given_related(runtime, package["person_id"], CITY, "RUTLAND-COUNTY-COUNCIL")
        party = await client.get(f"/joint-packages/{package['id']}", headers=finance(CITY))
        stranger = await client.get(
            f"/joint-packages/{package['id']}", headers=finance("RUTLAND-COUNTY-COUNCIL")
        )
        provider = await client.get(
            f"/joint-packages/{package['id']}", headers=bearer(Role.PROVIDER_MANAGER, CITY)
        )
    assert outsider.status_code == 403
    assert party.status_code == 200
    assert stranger.status_code == 404
    assert provider.status_code == 403
