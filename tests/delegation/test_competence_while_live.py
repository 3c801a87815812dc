"""Competence while live (R16): judged per named worker on the day, with training's in-date
boundary; a lapsed or departed worker is marked and stops, competent colleagues go on, and only
when nobody competent is left does the delegation suspend and the task return (R18)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from services.delegation.domain.delegations import CompetenceRecord, WorkerStanding, standing
from services.delegation.handlers.delegations import judge_competence_today
from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import DelegationSuspended, HandbackOpened, StopReason
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    MANAGER,
    MDT,
    competence_lapsed,
    competent,
    given_handbacks,
    given_live,
    run_job,
)

Json = dict[str, Any]


def standings(body: Json) -> dict[str, str]:
    return {w["worker_id"]: w["standing"] for w in body["workers"]}


async def test_r16_one_lapsed_worker_of_two_leaves_it_live_and_marks_that_worker(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, second = live.workers
        await deliver(runtime, competence_lapsed(first))
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        handbacks = await given_handbacks(client, live.delegation_id)
    assert body["status"] == "live"
    assert standings(body) == {str(first): "lapsed", str(second): "in_date"}
    assert handbacks == []


async def test_r16_both_workers_lapsed_suspends_and_opens_a_handback(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, second = live.workers
        await deliver(runtime, competence_lapsed(first), competence_lapsed(second))
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        [handback] = await given_handbacks(client, live.delegation_id)
        [event] = await published(runtime, HandbackOpened)
        [suspended] = await published(runtime, DelegationSuspended)
    assert body["status"] == "suspended"
    assert body["suspension_reason"] == "no_competent_worker"
    assert set(standings(body).values()) == {"lapsed"}
    assert (handback["reason"], handback["oversight_owner"]) == ("no_competent_worker", "LPT")
    assert isinstance(event, HandbackOpened)
    assert event.reason is StopReason.NO_COMPETENT_WORKER
    assert isinstance(suspended, DelegationSuspended)


async def test_r16_a_competence_lapses_on_its_valid_until_day_as_training_says(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, _second = live.workers
        await deliver(runtime, competent(first, valid_until=date(2026, 1, 6)))
        day_before = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
        clock.move(timedelta(days=1))
        on_the_day = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
    assert standings(day_before)[str(first)] == "in_date"
    assert standings(on_the_day)[str(first)] == "lapsed"
    worker = next(w for w in on_the_day["workers"] if w["worker_id"] == str(first))
    assert worker["valid_until"] == "2026-01-06"


def test_r16_standing_uses_the_one_in_date_boundary() -> None:
    on = date(2026, 3, 1)
    assert standing([CompetenceRecord(True, date(2026, 3, 2))], False, on) is WorkerStanding.IN_DATE
    assert standing([CompetenceRecord(True, on)], False, on) is WorkerStanding.LAPSED
    assert standing([CompetenceRecord(True, None)], False, on) is WorkerStanding.IN_DATE
    assert standing([CompetenceRecord(False, None)], False, on) is WorkerStanding.NOT_COMPETENT
    assert standing([], False, on) is WorkerStanding.NOT_ASSESSED
    assert standing([CompetenceRecord(True, None)], True, on) is WorkerStanding.LEFT


async def test_r16_a_worker_who_leaves_is_marked_and_the_last_to_leave_hands_the_task_back(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, second = live.workers
        url = f"/delegations/{live.delegation_id}/workers/{{}}/departure"
        one_left = await client.post(url.format(first), headers=MANAGER)
        again = await client.post(url.format(first), headers=MANAGER)
        other = await client.post(
            url.format(second), headers=bearer(Role.PROVIDER_MANAGER, "ANOTHER-PROVIDER")
        )
        none_left = await client.post(url.format(second), headers=MANAGER)
        [handback] = await given_handbacks(client, live.delegation_id)
    assert one_left.status_code == 200, one_left.text
    assert one_left.json()["status"] == "live"
    assert standings(one_left.json()) == {str(second): "in_date", str(first): "left"}
    assert one_left.json()["worker_ids"] == [str(second)]
    assert again.status_code == 422
    assert again.json()["rule"] == "R16"
    assert other.status_code == 404
    assert none_left.json()["status"] == "suspended"
    assert none_left.json()["suspension_reason"] == "no_competent_worker"
    assert handback["reason"] == "no_competent_worker"


async def test_r16_an_unnamed_worker_cannot_leave(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        response = await client.post(
            f"/delegations/{live.delegation_id}/workers/{uuid.uuid4()}/departure", headers=MANAGER
        )
    assert response.status_code == 422
    assert response.json()["rule"] == "R16"


async def test_r16_on_the_valid_until_day_the_scheduler_suspends_without_waiting_for_training(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        for worker in live.workers:
            await deliver(runtime, competent(worker, valid_until=date(2026, 1, 6)))
        judged_today = await run_job(runtime, judge_competence_today)
        still_live = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
        clock.move(timedelta(days=1))
        judged_on_the_day = await run_job(runtime, judge_competence_today)
        again = await run_job(runtime, judge_competence_today)
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
        [handback] = await given_handbacks(client, live.delegation_id)
    assert (judged_today, judged_on_the_day, again) == (1, 1, 0)
    assert still_live["status"] == "live"
    assert body["status"] == "suspended"
    assert body["suspension_reason"] == "no_competent_worker"
    assert (handback["reason"], handback["stopped_on"]) == ("no_competent_worker", "2026-01-06")


def test_r16_the_worker_judges_competence_daily() -> None:
    assert judge_competence_today in DELEGATION.jobs
