"""Races, repeats and both databases: one winner, one effect, migrations on SQLite too."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from services.training.main import SPEC as TRAINING
from shared.clock import MovableClock
from shared.events.training import CompetenceExpiryWarned, TrainingPlanAgreed
from shared.testing.events import published
from tests.conftest import ServiceClient, given_runtime
from tests.training.builders import (
    MANAGER,
    PRACTITIONER,
    assess,
    given_provider_agreed_plan,
    given_required_plan,
    given_trained,
    given_worker,
    plan_content,
    run_expiry_job,
)


async def test_r24_two_managers_agreeing_the_same_plan_at_once_have_one_winner(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_required_plan(client, runtime, [await given_worker(client)])
        url = f"/training-plans/{plan_id}/agreement"
        responses = await asyncio.gather(
            *(client.post(url, json=plan_content(), headers=MANAGER) for _ in range(2))
        )
    assert sorted(r.status_code for r in responses) == [200, 409]


async def test_r24_the_practitioner_agreeing_twice_at_once_has_one_winner_and_one_event(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_provider_agreed_plan(client, runtime, [await given_worker(client)])
        url = f"/training-plans/{plan_id}/practitioner-agreement"
        responses = await asyncio.gather(
            *(client.post(url, headers=PRACTITIONER) for _ in range(2))
        )
        events = await published(runtime, TrainingPlanAgreed)
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert len(events) == 1


async def test_r16_expiry_jobs_running_at_once_warn_only_once(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(
            client, worker, valid_until=(clock.now().date() + timedelta(days=80)).isoformat()
        )
        done = await asyncio.gather(*(run_expiry_job(runtime) for _ in range(3)))
        warnings = await published(runtime, CompetenceExpiryWarned)
    assert sorted(done) == [0, 0, 1]
    assert len(warnings) == 1


async def test_the_migrations_run_on_sqlite(tmp_path: Path, clock: MovableClock) -> None:
    runtime = given_runtime(TRAINING, f"sqlite+aiosqlite:///{tmp_path}/training.db", clock)
    try:
        await runtime.migrate()
        async with runtime.sessions() as session:
            policy = await session.scalar(
                text("SELECT failures_before_escalation FROM competence_policy")
            )
    finally:
        await runtime.close()
    assert policy == 2
