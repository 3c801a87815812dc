"""Exactly one of twenty conflicting requests wins, on PostgreSQL and on SQLite (the standalone
platform, which ignores SELECT ... FOR UPDATE): the others get a 409 and publish nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient

from services.funding.main import SPEC as FUNDING
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.funding import WithoutPrejudiceSettled
from shared.service import Runtime
from shared.testing.events import deliver, published
from shared.testing.races import assert_one_winner, race
from shared.web import create_app
from tests.conftest import ServiceClient, given_client, given_runtime
from tests.funding.conftest import (
    CITY,
    ICB,
    commissioner,
    given_package_body,
    given_rate,
    given_related,
    given_task_delegated,
)
from tests.racing import Target, on_postgresql, on_standalone


@pytest.fixture(params=["postgresql", "standalone"])
async def target(
    request: pytest.FixtureRequest, service_client: ServiceClient
) -> AsyncIterator[Target]:
    if request.param == "postgresql":
        async with on_postgresql(service_client, FUNDING) as (found, _):
            yield found
    else:
        async with on_standalone(request.getfixturevalue("standalone"), "funding") as found:
            yield found


async def given_package(target: Target) -> dict[str, Any]:
    response = await target.client.post(
        "/joint-packages",
        json=given_package_body(),
        headers=target.headers(Role.COMMISSIONER, ICB),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_r22_twenty_disputes_of_one_package_open_one(target: Target) -> None:
    package = await given_package(target)
    url = f"/joint-packages/{package['id']}/disputes"
    body = {"reason_code": "shares", "note": "the split does not reflect the health need"}
    before = await target.events("DisputeRaised")

    async def dispute(_: int) -> Any:
        headers = target.headers(Role.FINANCE_OFFICER, CITY)
        return await target.client.post(url, json=body, headers=headers)

    responses = await race(dispute)

    assert_one_winner(responses)
    assert await target.events("DisputeRaised") == before + 1


async def test_r21_twenty_changes_of_one_package_s_shares_from_one_date_make_one(
    target: Target,
) -> None:
    package = await given_package(target)
    url = f"/joint-packages/{package['id']}/terms"
    body = {
        "weekly_cost_pence": 70_000,
        "shares": [{"organisation": ICB, "percent": 50}, {"organisation": CITY, "percent": 50}],
        "effective_from": "2026-02-02",
    }
    before = await target.events("JointPackageAgreed")

    async def change(_: int) -> Any:
        headers = target.headers(Role.COMMISSIONER, ICB)
        return await target.client.post(url, json=body, headers=headers)

    responses = await race(change)

    # A change that raced the winner loses the compare-and-set (409); one that came after it
    # committed finds terms from that date already agreed (422, R21). One change either way.
    winners = [r for r in responses if r.is_success]
    losers = [r for r in responses if not r.is_success]
    assert len(winners) == 1
    assert all(r.status_code == 409 or r.json()["rule"] == "R21" for r in losers)
    assert await target.events("JointPackageAgreed") == before + 1


async def decide_twenty_times(client: AsyncClient, runtime: Runtime, clock: MovableClock) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    clock.move(timedelta(days=60))  # decisions are made on or before today
    await given_rate(client, 2400)
    await deliver(runtime, event)
    await given_related(runtime, event.person_id, CITY)
    url = f"/delegations/{event.delegation_id}/funding-decision"
    body = {"accountable_organisation": CITY, "decided_on": "2026-02-02"}
    headers = commissioner(CITY)

    responses = await race(lambda _: client.post(url, json=body, headers=headers))

    assert_one_winner(responses)
    assert len(await published(runtime, WithoutPrejudiceSettled)) == 1


async def test_r20_twenty_funding_decisions_settle_once_on_postgresql(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        await decide_twenty_times(client, runtime, clock)


async def test_r20_twenty_funding_decisions_settle_once_on_sqlite(
    tmp_path: Path, clock: MovableClock
) -> None:
    runtime = given_runtime(FUNDING, f"sqlite+aiosqlite:///{tmp_path}/funding.db", clock)
    await runtime.migrate()
    async with given_client(create_app(runtime)) as client:
        await decide_twenty_times(client, runtime, clock)
