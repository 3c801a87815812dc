"""Oversight visits (R17, A 5.12): the decision sets how often the clinical oversight owner
checks the task (every ten days in the case study); the owner records each visit, its findings,
competence spot checks per worker (R16) and actions; overdue visits are listed and counted."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient

from services.delegation.domain import oversight_visits as rules
from services.delegation.handlers.oversight_visits import OVERDUE_VISITS, count_overdue_visits
from services.delegation.main import SPEC as DELEGATION
from shared.clock import MovableClock
from shared.events.delegation import OversightVisitRecorded, SpotCheckOutcome, VisitFinding
from shared.service import Runtime
from shared.testing.events import published
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    GP_PRACTITIONER,
    MANAGER,
    MDT,
    PRACTITIONER,
    Live,
    given_live,
    run_job,
)

Json = dict[str, Any]
EVERY_TEN_DAYS = {
    "risk": {
        "stability": "stable",
        "complexity": "low",
        "expected_outcome": "skin heals; the person stays at home",
        "mitigations": ["carers record each application"],
        "oversight_interval_days": 10,
    }
}


async def given_checked_every_ten_days(client: AsyncClient, runtime: Runtime) -> Live:
    return await given_live(client, runtime, decision=EVERY_TEN_DAYS)


def given_visit_body(live: Live, **overrides: Any) -> Json:
    body: Json = {
        "visited_on": "2026-01-05",
        "findings": ["records_complete", "condition_improved"],
        "spot_checks": [{"worker_id": str(live.workers[0]), "outcome": "competent"}],
        "actions": ["continue_as_planned"],
        "notes": "Mrs A's skin much better; daughter present",
    }
    return body | overrides


def test_r17_the_next_visit_falls_due_the_interval_after_the_last_or_the_start() -> None:
    start = date(2026, 1, 5)
    assert rules.next_due(10, start, None) == date(2026, 1, 15)
    assert rules.next_due(10, start, date(2026, 1, 14)) == date(2026, 1, 24)
    assert rules.next_due(None, start, None) is None
    assert rules.is_overdue(date(2026, 1, 15), date(2026, 1, 16))
    assert not rules.is_overdue(date(2026, 1, 15), date(2026, 1, 15))


async def test_r17_the_oversight_owner_records_a_visit_with_codes_and_the_next_is_due_ten_days_on(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_checked_every_ten_days(client, runtime)
        url = f"/delegations/{live.delegation_id}/oversight-visits"
        response = await client.post(url, json=given_visit_body(live), headers=PRACTITIONER)
        listed = await client.get(url, headers=MANAGER)
        [event] = await published(runtime, OversightVisitRecorded)
    assert response.status_code == 201, response.text
    visit = response.json()
    assert (visit["next_due"], visit["oversight_owner"]) == ("2026-01-15", "LPT")
    assert visit["spot_checks"] == [{"worker_id": str(live.workers[0]), "outcome": "competent"}]
    assert [v["id"] for v in listed.json()["items"]] == [visit["id"]]
    assert isinstance(event, OversightVisitRecorded)
    assert event.findings == [VisitFinding.RECORDS_COMPLETE, VisitFinding.CONDITION_IMPROVED]
    assert event.spot_checks[0].outcome is SpotCheckOutcome.COMPETENT
    assert "skin" not in event.model_dump_json()  # the notes stay in the record


async def test_r17_only_the_oversight_owner_records_its_visits(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_checked_every_ten_days(client, runtime)
        url = f"/delegations/{live.delegation_id}/oversight-visits"
        gp = await client.post(url, json=given_visit_body(live), headers=GP_PRACTITIONER)
        provider = await client.post(url, json=given_visit_body(live), headers=MANAGER)
    assert gp.status_code in (403, 404)  # the GP practice is not its owner (nor related)
    assert provider.status_code == 403


async def test_r16_a_spot_check_is_of_a_worker_named_on_the_task_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_checked_every_ten_days(client, runtime)
        url = f"/delegations/{live.delegation_id}/oversight-visits"
        stranger = {"worker_id": str(uuid.uuid4()), "outcome": "competent"}
        seen = {"worker_id": str(live.workers[1]), "outcome": "needs_support"}
        unnamed = await client.post(
            url, json=given_visit_body(live, spot_checks=[stranger]), headers=PRACTITIONER
        )
        twice = await client.post(
            url, json=given_visit_body(live, spot_checks=[seen, seen]), headers=PRACTITIONER
        )
        future = await client.post(
            url, json=given_visit_body(live, visited_on="2026-01-06"), headers=PRACTITIONER
        )
        no_findings = await client.post(
            url, json=given_visit_body(live, findings=[]), headers=PRACTITIONER
        )
    assert unnamed.json()["errors"][0]["field"] == "spot_checks[0].worker_id"
    assert twice.json()["errors"][0]["field"] == "spot_checks[1].worker_id"
    assert future.json()["errors"][0]["field"] == "visited_on"
    assert no_findings.json()["errors"][0]["field"] == "findings"


async def test_r17_an_overdue_visit_is_listed_and_counted_in_the_metric(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_checked_every_ten_days(client, runtime)
        clock.move(timedelta(days=11))  # 16 January: the visit due on the 15th was not made
        overdue = await client.get(
            "/oversight-visits/due", params={"overdue": "true"}, headers=PRACTITIONER
        )
        counted = await run_job(runtime, count_overdue_visits)
        gauge = OVERDUE_VISITS._value.get()
        url = f"/delegations/{live.delegation_id}/oversight-visits"
        visited = await client.post(
            url, json=given_visit_body(live, visited_on="2026-01-16"), headers=PRACTITIONER
        )
        after = await client.get(
            "/oversight-visits/due", params={"overdue": "true"}, headers=PRACTITIONER
        )
        due = await client.get("/oversight-visits/due", headers=PRACTITIONER)
        recounted = await run_job(runtime, count_overdue_visits)
    [late] = overdue.json()["items"]
    assert (late["delegation_id"], late["next_due"], late["days_overdue"]) == (
        live.delegation_id,
        "2026-01-15",
        1,
    )
    assert (late["overdue"], late["interval_days"], late["last_visited_on"]) == (True, 10, None)
    assert (counted, gauge) == (1, 1)
    assert visited.status_code == 201
    assert after.json()["items"] == []
    assert [v["next_due"] for v in due.json()["items"]] == ["2026-01-26"]
    assert (recounted, OVERDUE_VISITS._value.get()) == (0, 0)


async def test_r17_a_task_whose_decision_set_no_interval_has_no_visit_due(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        await given_live(client, runtime)
        due = await client.get("/oversight-visits/due", headers=MDT)
    assert due.json() == {"items": [], "next_cursor": None, "next": None}


async def test_visits_due_page_by_due_day_and_a_repeated_visit_is_answered_once(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        first = await given_checked_every_ten_days(client, runtime)
        clock.move(timedelta(days=1))
        second = await given_checked_every_ten_days(client, runtime)
        page = await client.get("/oversight-visits/due", params={"limit": 1}, headers=PRACTITIONER)
        rest = await client.get(
            "/oversight-visits/due",
            params={"limit": 1, "cursor": page.json()["next_cursor"]},
            headers=PRACTITIONER,
        )
        url = f"/delegations/{second.delegation_id}/oversight-visits"
        key = {"Idempotency-Key": "dn-visit-1"}
        body = given_visit_body(second, visited_on="2026-01-06")
        once = await client.post(url, json=body, headers=PRACTITIONER | key)
        again = await client.post(url, json=body, headers=PRACTITIONER | key)
        listed = await client.get(url, headers=MDT)
    assert [v["delegation_id"] for v in page.json()["items"]] == [first.delegation_id]
    assert [v["delegation_id"] for v in rest.json()["items"]] == [second.delegation_id]
    assert rest.json()["next_cursor"] is None
    assert (once.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == once.json()["id"]
    assert len(listed.json()["items"]) == 1
