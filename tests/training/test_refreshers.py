"""R25: the refresher and reassessment intervals a training plan in force sets take effect."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from services.training.main import SPEC as TRAINING
from shared.clock import MovableClock
from shared.events.training import CompetenceLapsed, LapseCause, RefresherDue
from shared.testing.events import published
from tests.conftest import ServiceClient
from tests.training.builders import (
    MANAGER,
    TASK,
    assess,
    given_agreed_plan,
    given_provider_agreed_plan,
    given_trained,
    given_worker,
    run_expiry_job,
)

# Assessed on 2026-01-05 under a plan asking for a refresher every 3 months: due by 2026-04-05,
# announced from 2026-03-06 (30 days before).
DUE_ON = date(2026, 4, 5)


async def given_competent_under_plan(
    client: object, runtime: object, refresher: int = 3, reassessment: int = 12
) -> UUID:
    worker = await given_worker(client)  # type: ignore[arg-type]
    await given_agreed_plan(
        client,  # type: ignore[arg-type]
        runtime,  # type: ignore[arg-type]
        [worker],
        refresher_interval_months=refresher,
        reassessment_interval_months=reassessment,
    )
    await given_trained(client, worker)  # type: ignore[arg-type]
    assessed = await assess(client, worker)  # type: ignore[arg-type]
    assert assessed.status_code == 201, assessed.text
    return worker


async def competence_of(client: object, worker: UUID) -> dict[str, object]:
    response = await client.get(  # type: ignore[attr-defined]
        f"/workers/{worker}/competence", params={"task_code": TASK}, headers=MANAGER
    )
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


async def test_r25_a_competence_longer_than_the_plans_reassessment_interval_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_agreed_plan(client, runtime, [worker], reassessment_interval_months=6)
        await given_trained(client, worker)
        too_long = await assess(client, worker, valid_until="2026-07-06")
        within = await assess(client, worker, valid_until="2026-07-05")
    assert too_long.status_code == 422
    assert too_long.json()["rule"] == "R25"
    assert too_long.json()["errors"][0]["field"] == "valid_until"
    assert within.status_code == 201, within.text


async def test_r25_the_strictest_plan_in_force_bounds_the_competence_and_an_unagreed_one_not(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_agreed_plan(client, runtime, [worker], reassessment_interval_months=12)
        await given_agreed_plan(client, runtime, [worker], reassessment_interval_months=9)
        await given_provider_agreed_plan(client, runtime, [worker], reassessment_interval_months=1)
        await given_trained(client, worker)
        too_long = await assess(client, worker, valid_until="2026-10-06")
        within = await assess(client, worker, valid_until="2026-10-05")
    assert too_long.json()["errors"][0]["field"] == "valid_until"
    assert within.status_code == 201, within.text


async def test_r25_a_refresher_falls_due_once_30_days_before_its_day_and_is_listed(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_competent_under_plan(client, runtime)
        clock.move(timedelta(days=59))  # 2026-03-05: not yet
        early = await run_expiry_job(runtime)
        clock.move(timedelta(days=1))  # 2026-03-06: 30 days before
        announced = await run_expiry_job(runtime)
        again = await run_expiry_job(runtime)
        events = await published(runtime, RefresherDue)
        listed = (await client.get("/refreshers-due", headers=MANAGER)).json()["items"]
        competence = await competence_of(client, worker)
    assert (early, announced, again) == (0, 1, 0)
    [event] = events
    assert isinstance(event, RefresherDue)
    assert (event.worker_id, event.task_code, event.due_on) == (worker, TASK, DUE_ON)
    assert [(r["worker_id"], r["due_on"]) for r in listed] == [(str(worker), DUE_ON.isoformat())]
    assert competence["refresher_due_on"] == DUE_ON.isoformat()
    assert competence["competent"] is True


async def test_r25_a_missed_refresher_lapses_the_competence_the_day_after_its_day(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_competent_under_plan(client, runtime)
        clock.move(timedelta(days=60))
        await run_expiry_job(runtime)  # announced
        clock.move(timedelta(days=30))  # 2026-04-05: its day, still in time
        on_its_day = await run_expiry_job(runtime)
        still = await competence_of(client, worker)
        clock.move(timedelta(days=1))  # 2026-04-06: missed
        lapsed = await run_expiry_job(runtime)
        events = await published(runtime, CompetenceLapsed)
        after = await competence_of(client, worker)
        listed = (await client.get("/refreshers-due", headers=MANAGER)).json()["items"]
        assessments = (await client.get(f"/workers/{worker}/assessments", headers=MANAGER)).json()[
            "items"
        ]
    assert (on_its_day, still["competent"]) == (0, True)
    assert lapsed == 1
    [event] = events
    assert isinstance(event, CompetenceLapsed)
    assert (event.worker_id, event.task_code) == (worker, TASK)
    assert (event.lapsed_on, event.cause) == (date(2026, 4, 6), LapseCause.REFRESHER_MISSED)
    assert after["competent"] is False
    assert assessments[-1]["lapsed_on"] == "2026-04-06"
    assert listed == []


async def test_r25_a_refresher_done_in_time_clears_it_and_the_next_falls_due_from_it(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_competent_under_plan(client, runtime)
        clock.move(timedelta(days=60))
        await run_expiry_job(runtime)
        clock.move(timedelta(days=14))  # 2026-03-20
        refresher = await client.post(
            f"/workers/{worker}/training-records",
            json={
                "task_code": TASK,
                "kind": "refresher",
                "completed_on": "2026-03-20",
                "delivered_by": "District Nurse",
            },
            headers=MANAGER,
        )
        listed = (await client.get("/refreshers-due", headers=MANAGER)).json()["items"]
        clock.move(timedelta(days=17))  # 2026-04-06: the first day would have passed
        kept = await run_expiry_job(runtime)
        competence = await competence_of(client, worker)
        clock.move(timedelta(days=60))  # 2026-06-05: 45 days before 2026-06-20
        clock.move(timedelta(days=15))  # 2026-06-20 - 30 days = 2026-05-21 has passed
        next_one = await run_expiry_job(runtime)
        lapses = await published(runtime, CompetenceLapsed)
        due = await published(runtime, RefresherDue)
    assert refresher.status_code == 201, refresher.text
    assert listed == []
    assert (kept, competence["competent"], competence["refresher_due_on"]) == (0, True, None)
    assert next_one == 1
    assert lapses == []
    assert [e.due_on for e in due] == [DUE_ON, date(2026, 6, 20)]  # type: ignore[attr-defined]


async def test_r25_without_a_plan_in_force_no_refresher_falls_due(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_provider_agreed_plan(client, runtime, [worker], refresher_interval_months=1)
        await given_trained(client, worker)
        await assess(client, worker)
        clock.move(timedelta(days=45))
        done = await run_expiry_job(runtime)
        competence = await competence_of(client, worker)
    assert done == 0
    assert competence["competent"] is True
