"""R16: the scheduler warns 90, 60 and 30 days before competence expires, then lapses it once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.training.main import SPEC as TRAINING
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.training import CompetenceExpiryWarned, CompetenceLapsed
from shared.testing.events import published
from tests.conftest import ServiceClient, bearer
from tests.training.builders import (
    MANAGER,
    OTHER_PROVIDER,
    PROVIDER,
    TASK,
    assess,
    given_trained,
    given_worker,
    run_expiry_job,
)

EXPIRES = date(2027, 1, 5)  # the builders' valid_until


def on(clock: MovableClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def test_r16_the_expiry_job_is_scheduled_in_the_worker() -> None:
    assert [job.__name__ for job in TRAINING.jobs] == ["competence_expiry_job"]


async def test_r16_warnings_at_90_60_30_days_each_once_then_the_lapse_on_the_day(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(client, worker)
        done = []
        for days_before in (100, 90, 90, 75, 60, 60, 45, 30, 30, 1, 0, 0, -1):
            on(clock, EXPIRES - timedelta(days=days_before))
            done.append(await run_expiry_job(runtime))
        warnings = await published(runtime, CompetenceExpiryWarned)
        lapses = await published(runtime, CompetenceLapsed)
        competence = await client.get(
            f"/workers/{worker}/competence", params={"task_code": TASK}, headers=MANAGER
        )
        own = await client.get("/competence-warnings", headers=MANAGER)
        other = await client.get(
            "/competence-warnings", headers=bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER)
        )
        for_the_ipcb = await client.get(
            "/competence-warnings", params={"provider": PROVIDER}, headers=bearer(Role.IPCB_MEMBER)
        )
    assert done == [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]
    assert [w.days_before for w in warnings] == [90, 60, 30]  # type: ignore[attr-defined]
    assert {w.expires_on for w in warnings} == {EXPIRES}  # type: ignore[attr-defined]
    [lapse] = lapses
    assert isinstance(lapse, CompetenceLapsed)
    assert (lapse.worker_id, lapse.lapsed_on, lapse.task_code) == (worker, EXPIRES, TASK)
    assert competence.json()["competent"] is False
    assert [w["days_before"] for w in own.json()["items"]] == [90, 60, 30]
    assert other.json()["items"] == []
    assert len(for_the_ipcb.json()["items"]) == 3


async def test_r16_a_competence_assessed_close_to_expiry_gets_only_the_warnings_still_ahead(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(client, worker, valid_until="2026-02-19")  # 45 days ahead
        first = await run_expiry_job(runtime)
        again = await run_expiry_job(runtime)
        warnings = await published(runtime, CompetenceExpiryWarned)
    assert (first, again) == (1, 0)
    assert [w.days_before for w in warnings] == [60]  # type: ignore[attr-defined]


async def test_r16_a_reassessed_worker_is_not_warned_about_the_superseded_competence(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(client, worker)
        on(clock, EXPIRES - timedelta(days=50))
        renewed = await assess(client, worker, valid_until="2028-01-05", evidence="refresher")
        on(clock, EXPIRES)
        done = await run_expiry_job(runtime)
        lapses = await published(runtime, CompetenceLapsed)
        competence = await client.get(
            f"/workers/{worker}/competence", params={"task_code": TASK}, headers=MANAGER
        )
    assert renewed.status_code == 201
    assert done == 0
    assert lapses == []
    assert competence.json()["competent"] is True
