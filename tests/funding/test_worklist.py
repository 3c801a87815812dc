"""A commissioner's worklist in funding (issue 16): the funding gaps its decision must fill
(R20) and the apportionments waiting for its hourly rate (R19), soonest due first, of its own
organisation only."""

from __future__ import annotations

from datetime import date
from typing import Any

from httpx import AsyncClient

from services.funding.main import SPEC as FUNDING
from shared.auth import Role
from shared.events.delegation import TaskDelegated
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    COUNTY,
    ICB,
    OTHER_PROVIDER,
    commissioner,
    given_rate,
    given_related,
    given_task_delegated,
)

Json = dict[str, Any]


async def given_gap(client: AsyncClient, runtime: Runtime, starts: date) -> TaskDelegated:
    """A healthcare task the council is accountable for, with no funding decision yet: Health
    funds it without prejudice from its start (R20)."""
    event = given_task_delegated(
        accountable_organisation=CITY, additional_minutes_per_week=60, start_date=starts
    )
    declared = await client.post(
        "/funding-gaps",
        json={
            "delegation_id": str(event.delegation_id),
            "person_id": str(event.person_id),
            "reason": "no funding decision yet",
        },
        headers=commissioner(CITY),
    )
    assert declared.status_code == 201, declared.text
    await deliver(runtime, event)
    await given_related(runtime, event.person_id, ICB, CITY, COUNTY)
    return event


async def given_rate_awaited(runtime: Runtime, starts: date) -> TaskDelegated:
    """A task the county pays for, at a provider it has set no rate for yet (R19)."""
    event = given_task_delegated(
        accountable_organisation=COUNTY,
        local_authority=COUNTY,
        additional_minutes_per_week=90,
        start_date=starts,
    )
    await deliver(runtime, event)
    await given_related(runtime, event.person_id, ICB, CITY, COUNTY)
    return event


async def given_work(client: AsyncClient, runtime: Runtime) -> dict[str, TaskDelegated]:
    await given_rate(client, 2400)  # Health's rate: its without-prejudice runs are priced
    return {
        "late_gap": await given_gap(client, runtime, date(2026, 1, 12)),
        "early_gap": await given_gap(client, runtime, date(2026, 1, 2)),
        "rate": await given_rate_awaited(runtime, date(2026, 1, 8)),
    }


async def worklist(client: AsyncClient, organisation: str, **params: Any) -> Any:
    return await client.get("/worklist", params=params, headers=commissioner(organisation))


def kinds_and_delegations(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.text
    return [(i["kind"], i["subject"].split("/")[2]) for i in response.json()["items"]]


async def test_r20_the_accountable_council_and_health_see_its_funding_gaps_soonest_first(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        work = await given_work(client, runtime)
        city = await worklist(client, CITY)
        health = await worklist(client, ICB)
    early, late = str(work["early_gap"].delegation_id), str(work["late_gap"].delegation_id)
    assert kinds_and_delegations(city) == [("funding_gap", early), ("funding_gap", late)]
    assert kinds_and_delegations(health) == [("funding_gap", early), ("funding_gap", late)]
    first, second = city.json()["items"]
    assert (first["due_on"], first["overdue"]) == ("2026-01-02", True)
    assert (second["due_on"], second["overdue"]) == ("2026-01-12", False)
    assert first["subject"] == f"/delegations/{early}/funding"
    assert first["person_id"] == str(work["early_gap"].person_id)


async def test_r19_a_run_waiting_for_its_payers_rate_is_that_commissioners_decision_only(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        work = await given_work(client, runtime)
        county = await worklist(client, COUNTY)
        city_decisions = await worklist(client, CITY, kind="decision_awaiting")
        await given_rate(client, 2500, by=COUNTY)
        after_the_rate = await worklist(client, COUNTY)
    rate = str(work["rate"].delegation_id)
    assert kinds_and_delegations(county) == [("decision_awaiting", rate)]
    assert county.json()["items"][0]["due_on"] == "2026-01-08"
    assert kinds_and_delegations(city_decisions) == []
    assert kinds_and_delegations(after_the_rate) == []


async def test_another_organisation_sees_none_of_the_work_and_other_roles_have_no_worklist(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        await given_work(client, runtime)
        stranger = await worklist(client, "RUTLAND-COUNTY-COUNCIL")
        unrelated = await worklist(client, COUNTY, kind="funding_gap")
        refused = [
            await client.get("/worklist", headers=bearer(role, CITY))
            for role in (Role.FINANCE_OFFICER, Role.CSU_OFFICER, Role.PROVIDER_MANAGER)
        ]
    assert kinds_and_delegations(stranger) == []
    assert kinds_and_delegations(unrelated) == []  # the county is not accountable for the gaps
    assert [r.status_code for r in refused] == [403, 403, 403]


async def test_the_worklist_filters_by_kind_due_date_overdue_and_person(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        work = await given_work(client, runtime)
        late_person = str(work["late_gap"].person_id)
        only_gaps = await worklist(client, ICB, kind="funding_gap")
        due_soon = await worklist(client, CITY, due_within_days=3)
        overdue = await worklist(client, CITY, overdue=True)
        not_overdue = await worklist(client, CITY, overdue=False)
        of_one = await worklist(client, CITY, person_id=late_person)
        bad_kind = await worklist(client, CITY, kind=["funding_gap", "lunch"])
    early, late = str(work["early_gap"].delegation_id), str(work["late_gap"].delegation_id)
    assert {k for k, _ in kinds_and_delegations(only_gaps)} == {"funding_gap"}
    assert kinds_and_delegations(due_soon) == [("funding_gap", early)]
    assert kinds_and_delegations(overdue) == [("funding_gap", early)]
    assert kinds_and_delegations(not_overdue) == [("funding_gap", late)]
    assert kinds_and_delegations(of_one) == [("funding_gap", late)]
    assert bad_kind.status_code == 422
    assert bad_kind.json()["errors"][0]["field"] == "kind.1"


async def test_a_bad_kind_is_refused_naming_it(service_client: ServiceClient) -> None:
    async with service_client(FUNDING) as (client, _runtime):
        bad = await worklist(client, CITY, kind="lunch")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "kind.0"


async def test_paging_one_at_a_time_walks_every_item_once(service_client: ServiceClient) -> None:
    async with service_client(FUNDING) as (client, runtime):
        work = await given_work(client, runtime)
        # Health also pays a provider it has set no rate for, from the early gap's day.
        own = given_task_delegated(
            additional_minutes_per_week=30,
            provider_organisation=OTHER_PROVIDER,
            start_date=date(2026, 1, 2),
        )
        await deliver(runtime, own)
        await given_related(runtime, own.person_id, ICB)
        whole = kinds_and_delegations(await worklist(client, ICB))
        walked: list[tuple[str, str]] = []
        response = await worklist(client, ICB, limit=1)
        while True:
            walked += kinds_and_delegations(response)
            next_page = response.json()["next"]
            if next_page is None:
                break
            assert response.headers["Link"] == f'<{next_page}>; rel="next"'
            response = await client.get(next_page, headers=commissioner(ICB))
    early, late = str(work["early_gap"].delegation_id), str(work["late_gap"].delegation_id)
    assert whole == [  # by due date, then kind
        ("decision_awaiting", str(own.delegation_id)),
        ("funding_gap", early),
        ("funding_gap", late),
    ]
    assert walked == whole
