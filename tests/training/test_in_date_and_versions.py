"""R16: one in-date boundary (`in_date`) for reads and the expiry job; R29: sign-offs record
the Framework version in force, from a projection of governance's versions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from services.training.main import SPEC as TRAINING
from services.training.models import FrameworkVersion
from shared.clock import MovableClock
from shared.events.governance import FrameworkVersionPublished
from shared.events.training import CompetenceAssessed, CompetenceLapsed
from shared.testing.events import deliver, message_for, published
from tests.conftest import ServiceClient
from tests.training.builders import (
    MANAGER,
    TASK,
    TODAY,
    assess,
    given_trained,
    given_worker,
    run_expiry_job,
)

VALID_UNTIL = TODAY + timedelta(days=10)


def on(clock: MovableClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC))


def version(number: int, effective_from: date) -> FrameworkVersionPublished:
    return FrameworkVersionPublished(
        subject_id=f"framework-version-{number}",
        version=number,
        effective_from=effective_from,
        summary=f"version {number}",
    )


async def test_r16_a_competence_counts_the_day_before_valid_until_and_not_on_it(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(client, worker, valid_until=VALID_UNTIL.isoformat())
        url, params = f"/workers/{worker}/competence", {"task_code": TASK}
        on(clock, VALID_UNTIL - timedelta(days=1))
        day_before = await client.get(url, params=params, headers=MANAGER)
        await run_expiry_job(runtime)  # a warning, no lapse
        lapsed_the_day_before = await published(runtime, CompetenceLapsed)
        on(clock, VALID_UNTIL)
        on_the_day_before_the_job = await client.get(url, params=params, headers=MANAGER)
        await run_expiry_job(runtime)
        lapses = await published(runtime, CompetenceLapsed)
    assert day_before.json()["competent"] is True
    assert lapsed_the_day_before == []
    assert on_the_day_before_the_job.json()["competent"] is False  # no wait for the job
    assert [(e.lapsed_on, e.worker_id) for e in lapses] == [(VALID_UNTIL, worker)]  # type: ignore[attr-defined]


async def test_r16_a_competent_outcome_expiring_the_day_it_is_given_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        same_day = await assess(client, worker, valid_until=TODAY.isoformat())
        next_day = await assess(client, worker, valid_until=(TODAY + timedelta(days=1)).isoformat())
    assert same_day.status_code == 422
    assert same_day.json()["errors"][0]["field"] == "valid_until"
    assert next_day.status_code == 201


async def test_r29_a_competent_sign_off_records_version_1_until_governance_publishes_another(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        signed = await assess(client, worker)
        [event] = await published(runtime, CompetenceAssessed)
    assert signed.status_code == 201
    assert signed.json()["framework_version"] == 1
    assert isinstance(event, CompetenceAssessed)
    assert event.framework_version == 1


async def test_r29_a_sign_off_records_the_version_in_force_that_day_not_a_later_one(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        await deliver(runtime, version(2, TODAY), version(3, TODAY + timedelta(days=30)))
        worker = await given_worker(client)
        await given_trained(client, worker)
        today = await assess(client, worker)
        not_yet = await assess(client, worker, "not_yet_competent", evidence="second look")
        on(clock, TODAY + timedelta(days=30))
        await given_trained(client, worker, completed_on=TODAY + timedelta(days=30))
        later = await assess(client, worker, evidence="after version 3")
        events = await published(runtime, CompetenceAssessed)
    assert [r.json()["framework_version"] for r in (today, not_yet, later)] == [2, 2, 3]
    assert [e.framework_version for e in events] == [2, 2, 3]  # type: ignore[attr-defined]


async def test_r29_a_framework_version_delivered_again_has_no_second_effect(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (_client, runtime):
        message = message_for(version(2, TODAY))
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered by the broker
        await deliver(runtime, version(2, TODAY))  # sent again with a new id
        async with runtime.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(FrameworkVersion))
    assert count == 2  # version 1 (seeded) and version 2
