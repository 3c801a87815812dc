"""R21: a joint package is for a person not eligible for NHS Continuing Healthcare, funded by the
NHS and a council (by the partner register's kinds); it is reviewed (A 5.14) and can end."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from httpx import AsyncClient

from services.funding.domain import packages, reviews
from services.funding.domain.packages import PackageState
from services.funding.main import SPEC as FUNDING
from shared.clock import MovableClock
from shared.errors import RuleViolation
from shared.events.funding import ChcOutcome, JointPackageEnded, JointPackageReviewed
from shared.events.vocabulary import OrganisationKind
from shared.testing.events import published
from tests.conftest import ServiceClient
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

START = date(2026, 1, 5)


def refused_field(call: Any) -> str:
    with pytest.raises(RuleViolation) as refused:
        call()
    assert refused.value.rule == "R21"
    field: str = refused.value.extensions["errors"][0]["field"]
    return field


def test_r21_a_package_needs_the_recorded_chc_outcome_not_eligible_before_it_starts() -> None:
    check = packages.check_not_chc_eligible
    assert refused_field(lambda: check(None, date(2025, 12, 1), START)) == "chc_outcome"
    assert refused_field(lambda: check(ChcOutcome.ELIGIBLE, date(2025, 12, 1), START)) == (
        "chc_outcome"
    )
    assert refused_field(lambda: check(ChcOutcome.NOT_ELIGIBLE, None, START)) == "chc_decided_on"
    late = date(2026, 2, 1)
    assert refused_field(lambda: check(ChcOutcome.NOT_ELIGIBLE, late, START)) == "chc_decided_on"
    check(ChcOutcome.NOT_ELIGIBLE, START, START)  # decided the day it starts: accepted


def test_r21_the_parties_are_the_nhs_and_a_council_by_their_kind() -> None:
    K = OrganisationKind
    assert refused_field(lambda: packages.check_parties([K.ICB, K.CARE_PROVIDER])) == (
        "shares.1.organisation"
    )
    assert refused_field(lambda: packages.check_parties([K.LOCAL_AUTHORITY] * 2)) == "shares"
    assert refused_field(lambda: packages.check_parties([K.ICB, K.NHS_TRUST])) == "shares"
    packages.check_parties([K.NHS_TRUST, K.LOCAL_AUTHORITY])


def test_r21_a_package_ends_after_its_latest_terms_and_then_changes_no_more() -> None:
    terms = [packages.Terms(uuid4(), uuid4(), uuid4(), START, 70_000, ())]
    assert refused_field(lambda: packages.end_package(PackageState.AGREED, terms, START)) == (
        "ends_on"
    )
    ended = packages.end_package(PackageState.IN_DISPUTE, terms, date(2026, 3, 1))
    assert ended is PackageState.ENDED
    assert packages.PACKAGE.allows(ended, packages.PackageCommand.SETTLE)
    assert not packages.PACKAGE.allows(ended, packages.PackageCommand.CHANGE_SHARES)


def test_r21_a_review_falls_due_three_months_after_the_start_then_twelve_after_each() -> None:
    assert reviews.first_review_due(date(2025, 11, 30)) == date(2026, 2, 28)
    state, due = reviews.review(PackageState.IN_DISPUTE, START, date(2026, 4, 1), date(2026, 4, 2))
    assert (state, due) == (PackageState.IN_DISPUTE, date(2027, 4, 1))
    assert reviews.is_overdue(PackageState.AGREED, date(2026, 4, 5), date(2026, 4, 6))
    assert not reviews.is_overdue(PackageState.ENDED, date(2026, 4, 5), date(2026, 4, 6))
    with pytest.raises(RuleViolation):
        reviews.review(PackageState.AGREED, START, date(2026, 5, 1), date(2026, 4, 2))


async def agree(client: AsyncClient, **overrides: Any) -> Any:
    return await client.post(
        "/joint-packages", json=given_package_body(**overrides), headers=commissioner()
    )


async def test_r21_a_package_without_a_chc_outcome_is_refused_naming_the_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, _):
        missing = await agree(client, chc_outcome=None)
        eligible = await agree(client, chc_outcome="eligible")
        no_date = await agree(client, chc_decided_on=None)
    for response, field in ((missing, "chc_outcome"), (eligible, "chc_outcome")):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert no_date.json()["errors"][0]["field"] == "chc_decided_on"


async def test_r21_a_care_provider_or_two_councils_are_refused_as_the_parties(
    service_client: ServiceClient,
) -> None:
    provider = [
        {"organisation": ICB, "percent": 50},
        {"organisation": "CAREWELL-HOMECARE", "percent": 50},
    ]
    councils = [
        {"organisation": CITY, "percent": 50},
        {"organisation": "RUTLAND-COUNTY-COUNCIL", "percent": 50},
    ]
    trust = [{"organisation": "LPT", "percent": 50}, {"organisation": CITY, "percent": 50}]
    async with service_client(FUNDING) as (client, _):
        with_provider = await agree(client, shares=provider)
        two_councils = await client.post(
            "/joint-packages", json=given_package_body(shares=councils), headers=commissioner(CITY)
        )
        nhs_trust = await client.post(
            "/joint-packages", json=given_package_body(shares=trust), headers=commissioner(CITY)
        )
    assert with_provider.status_code == 422
    assert with_provider.json()["errors"][0]["field"] == "shares.1.organisation"
    assert two_councils.status_code == 422
    assert two_councils.json()["errors"][0]["field"] == "shares"
    assert nhs_trust.status_code == 201, nhs_trust.text


async def test_r21_a_package_ends_from_a_date_with_a_coded_reason_and_pays_nothing_after(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        url = f"/joint-packages/{package['id']}"
        too_early = await client.post(
            f"{url}/end",
            json={"ends_on": "2026-01-05", "reason_code": "died"},
            headers=commissioner(),
        )
        ended = await client.post(
            f"{url}/end",
            json={"ends_on": "2026-01-19", "reason_code": "chc_eligible"},
            headers=commissioner(CITY),
        )
        changed = await client.post(
            f"{url}/terms",
            json={
                "weekly_cost_pence": 70_000,
                "shares": given_package_body()["shares"],
                "effective_from": "2026-02-01",
            },
            headers=commissioner(),
        )
        [event] = await published(runtime, JointPackageEnded)
        icb = await statement(client, ICB, "2026-01-05", "2026-02-28")
    assert too_early.status_code == 422
    assert too_early.json()["errors"][0]["field"] == "ends_on"
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["ends_on"]) == ("ended", "2026-01-19")
    assert changed.status_code == 409
    assert isinstance(event, JointPackageEnded)
    assert (event.ends_on, event.reason_code, event.parties) == (
        date(2026, 1, 19),
        "chc_eligible",
        [CITY, ICB],
    )
    assert icb["pays_pence"] == 42_000 * 2  # two weeks of the ICB's 60%, nothing after


async def test_r21_an_overdue_review_is_listed_and_a_recorded_review_sets_the_next(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        await given_related(runtime, package["person_id"], ICB, CITY)
        url = f"/joint-packages/{package['id']}"
        clock.move(timedelta(days=100))  # past 5 April 2026, three months after the start
        overdue = await client.get("/joint-packages/reviews/overdue", headers=finance(CITY))
        read = await client.get(url, headers=finance(ICB))
        reviewed = await client.post(
            f"{url}/reviews",
            json={"reviewed_on": clock.now().date().isoformat()},
            headers=commissioner(CITY),
        )
        after = await client.get("/joint-packages/reviews/overdue", headers=finance(CITY))
        [event] = await published(runtime, JointPackageReviewed)
        history = await client.get(f"{url}/reviews", headers=finance(ICB))
    assert [p["id"] for p in overdue.json()["items"]] == [package["id"]]
    assert (read.json()["review_due"], read.json()["review_overdue"]) == ("2026-04-05", True)
    assert reviewed.status_code == 201, reviewed.text
    assert reviewed.json()["next_review_due"] == "2027-" + clock.now().date().isoformat()[5:]
    assert after.json()["items"] == []
    assert isinstance(event, JointPackageReviewed)
    assert [r["id"] for r in history.json()["items"]] == [reviewed.json()["id"]]
