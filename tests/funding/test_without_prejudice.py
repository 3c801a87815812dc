"""R20: care is never disrupted; Health funds without prejudice until the funding decision,
which settles who pays back to the start date, to the penny."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from httpx import AsyncClient
from sqlalchemy import select

from services.funding.domain import apportionment
from services.funding.main import SPEC as FUNDING
from shared.audit import audit_log
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import TaskDelegated
from shared.events.funding import FundingApportioned, Settlement, WithoutPrejudiceSettled
from shared.events.vocabulary import TaskCategory
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    ICB,
    commissioner,
    given_rate,
    given_related,
    given_task_delegated,
    statement,
)


def test_r20_a_healthcare_task_with_a_funding_gap_is_funded_by_health_without_prejudice() -> None:
    funder = apportionment.funder_of(
        TaskCategory.FEEDING_AND_DIGESTIVE,
        CITY,
        CITY,
        funding_gap=True,
        undecided=frozenset(),
        health_commissioner=ICB,
    )
    assert funder == apportionment.Funder(ICB, without_prejudice=True)


def test_r20_an_undecided_accountable_organisation_is_a_funding_gap() -> None:
    funder = apportionment.funder_of(
        TaskCategory.AIRWAYS_AND_BREATHING,
        "undecided",
        CITY,
        funding_gap=False,
        undecided=frozenset({"UNDECIDED"}),
        health_commissioner=ICB,
    )
    assert funder.without_prejudice
    assert funder.organisation == ICB


async def given_gap(client: AsyncClient, event: TaskDelegated, by: str | None = None) -> Any:
    """The delegation's accountable commissioner (or `by`) says it has no funding decision yet."""
    return await client.post(
        "/funding-gaps",
        json={
            "delegation_id": str(event.delegation_id),
            "person_id": str(event.person_id),
            "reason": "no funding decision yet",
        },
        headers=commissioner(by or event.accountable_organisation),
    )


async def decide(
    client: AsyncClient, delegation_id: UUID, organisation: str, on: str, by: str = CITY
) -> Any:
    return await client.post(
        f"/delegations/{delegation_id}/funding-decision",
        json={"accountable_organisation": organisation, "decided_on": on},
        headers=commissioner(by),
    )


async def test_r20_health_funds_from_the_start_and_the_decision_settles_back_to_the_penny(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    event = given_task_delegated(additional_minutes_per_week=90, accountable_organisation=CITY)
    clock.move(timedelta(days=60))  # decisions are made on or before today
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)  # what Health pays the provider
        await given_rate(client, 2400, by=CITY)  # and what the council pays it
        gap = await given_gap(client, event)
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, ICB, CITY)
        decided = await decide(client, event.delegation_id, CITY, "2026-01-15")
        apportioned = await published(runtime, FundingApportioned)
        [settled] = await published(runtime, WithoutPrejudiceSettled)
        icb = await statement(client, ICB, "2026-01-01", "2026-01-31")
        city = await statement(client, CITY, "2026-01-01", "2026-01-31")
    assert gap.status_code == 201
    assert decided.status_code == 200, decided.text
    assert [
        (a.accountable_organisation, a.without_prejudice, a.effective_from)
        for a in apportioned
        if isinstance(a, FundingApportioned)
    ] == [(ICB, True, date(2026, 1, 5)), (CITY, False, date(2026, 1, 15))]
    ten_days = 3600 * 10 // 7  # 5142p: 3600p a week, accrued day by day for 10 days
    assert isinstance(settled, WithoutPrejudiceSettled)
    assert settled.start_date == date(2026, 1, 5)
    assert settled.decided_on == date(2026, 1, 15)
    assert settled.settlements == [Settlement(payer=CITY, payee=ICB, amount_pence=ten_days)]
    assert icb["pays_pence"] == ten_days
    assert icb["recharges_pence"] == {CITY: ten_days}
    assert all(line["without_prejudice"] for line in icb["lines"])
    assert city["recharged_by_pence"] == {ICB: ten_days}
    [recharge] = icb["recharges"]
    assert sum(ln["amount_pence"] for ln in recharge["paid_lines"]) == ten_days
    assert {ln["organisation"] for ln in recharge["owed_lines"]} == {CITY}
    assert recharge["paid_lines"][0]["minutes_per_week"] == 90
    assert city["pays_pence"] == 3600 * 27 // 7 - ten_days  # 17 days, carried on from the start
    assert (icb["net_pence"], city["net_pence"]) == (0, 3600 * 27 // 7)


async def test_r20_an_undecided_accountable_organisation_on_the_event_opens_the_gap(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, ICB)
        funding = await client.get(
            f"/delegations/{event.delegation_id}/funding", headers=commissioner(ICB)
        )
    assert funding.json()["funding_pending"] is True
    assert funding.json()["segments"][0]["without_prejudice"] is True
    assert funding.json()["payer"] == ICB


async def test_r20_health_decided_accountable_settles_nothing_and_keeps_paying(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    clock.move(timedelta(days=60))  # decisions are made on or before today
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, ICB)
        decided = await decide(client, event.delegation_id, ICB, "2026-02-02", by=ICB)
        [settled] = await published(runtime, WithoutPrejudiceSettled)
        icb = await statement(client, ICB, "2026-01-05", "2026-02-15")
    assert decided.status_code == 200
    assert isinstance(settled, WithoutPrejudiceSettled)
    assert settled.settlements == []
    assert icb["pays_pence"] == 2400 * 6


async def test_r20_the_decision_is_made_once_on_or_after_the_start_by_those_concerned(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    clock.move(timedelta(days=60))  # decisions are made on or before today
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, CITY, "RUTLAND-COUNTY-COUNCIL")
        too_early = await decide(client, event.delegation_id, CITY, "2026-01-01")
        too_late = await decide(client, event.delegation_id, CITY, "2026-03-07")
        stranger = await decide(
            client, event.delegation_id, CITY, "2026-02-02", by="RUTLAND-COUNTY-COUNCIL"
        )
        provider = await client.post(
            f"/delegations/{event.delegation_id}/funding-decision",
            json={"accountable_organisation": CITY, "decided_on": "2026-02-02"},
            headers=bearer(Role.PROVIDER_MANAGER, "PROVIDER-CARE-LTD"),
        )
        nothing_yet = await published(runtime, WithoutPrejudiceSettled)
        first = await decide(client, event.delegation_id, CITY, "2026-02-02")
        second = await decide(client, event.delegation_id, CITY, "2026-02-02")
        settled = await published(runtime, WithoutPrejudiceSettled)
    assert too_early.status_code == 422
    assert too_early.json()["rule"] == "R20"
    assert too_early.json()["errors"][0]["field"] == "decided_on"
    assert too_late.status_code == 422
    assert stranger.status_code == 404
    assert provider.status_code == 403
    assert nothing_yet == []
    assert (first.status_code, second.status_code) == (200, 409)
    assert len(settled) == 1


async def test_r20_a_gap_is_declared_before_the_task_goes_live_not_after_funding_is_apportioned(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        late = await given_gap(client, event)
        bad = await client.post(
            "/funding-gaps", json={"delegation_id": "nope"}, headers=commissioner()
        )
    assert late.status_code == 409
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"delegation_id", "person_id", "reason"}


async def test_r20_a_repeated_gap_declaration_has_one_effect(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    async with service_client(FUNDING) as (client, _):
        first = await given_gap(client, event)
        again = await given_gap(client, event)
    assert (first.status_code, again.status_code) == (201, 200)


async def test_r20_two_simultaneous_decisions_cannot_both_settle(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    clock.move(timedelta(days=60))  # decisions are made on or before today
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, ICB, CITY)
        responses = await asyncio.gather(
            decide(client, event.delegation_id, CITY, "2026-02-02"),
            decide(client, event.delegation_id, ICB, "2026-02-02", by=ICB),
        )
        settled = await published(runtime, WithoutPrejudiceSettled)
        async with runtime.sessions() as session:
            actions = (
                await session.scalars(
                    select(audit_log.c.action).where(audit_log.c.action == "funding_decision.make")
                )
            ).all()
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert len(settled) == 1
    assert len(actions) == 1
