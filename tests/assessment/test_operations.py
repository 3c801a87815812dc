"""Operations: migrations on SQLite too, racing writers, parked events, no NHS number in logs."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect

from services.assessment.main import SPEC as ASSESSMENT
from shared.clock import MovableClock
from shared.events.assessment import PersonRegistered, SupportPlanVersioned
from shared.testing.events import deliver, published
from shared.web import create_app
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_assessment_body,
    given_mdt,
    given_person,
    given_person_body,
    given_task_delegated,
)
from tests.conftest import ServiceClient, given_client, given_runtime


async def test_the_migrations_run_on_sqlite(tmp_path: Path, clock: MovableClock) -> None:
    runtime = given_runtime(ASSESSMENT, f"sqlite+aiosqlite:///{tmp_path}/a.db", clock)
    await runtime.migrate()
    async with runtime.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await runtime.close()
    assert {"people", "assessments", "consents", "support_plan_versions", "outbox"} <= tables


async def test_two_racing_registrations_of_one_nhs_number_make_one_person(
    service_client: ServiceClient,
) -> None:
    body = given_person_body()
    async with service_client(ASSESSMENT) as (client, runtime):
        responses = await asyncio.gather(
            *(client.post("/people", json=body, headers=PRACTITIONER) for _ in range(4))
        )
        events = await published(runtime, PersonRegistered)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409]
    [winner] = [r.json()["id"] for r in responses if r.status_code == 201]
    assert {r.json()["existing"] for r in responses if r.status_code == 409} == {
        f"/people/{winner}"
    }
    assert len(events) == 1


async def test_racing_plan_versions_queue_behind_the_person_and_never_collide(
    service_client: ServiceClient,
) -> None:
    body = {"visits_per_day": 2, "minutes_per_visit": 30, "days_per_week": 7, "reason": "x"}
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        url = f"/people/{person_id}/support-plan/versions"
        responses = await asyncio.gather(
            *(client.post(url, json=body, headers=PRACTITIONER) for _ in range(5))
        )
        events = await published(runtime, SupportPlanVersioned)
    assert sorted(r.json()["version"] for r in responses) == [1, 2, 3, 4, 5]
    assert len(events) == 5


async def test_a_task_delegated_for_an_unknown_person_is_parked_not_skipped(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT, consumer_backoff_seconds=0.001) as (_, runtime):
        await deliver(runtime, given_task_delegated(str(uuid.uuid4())))
        parked = await runtime.inbox.parked()
    [letter] = parked
    assert "NotFound" in letter["error"]


async def test_the_nhs_number_is_never_logged(
    service_client: ServiceClient, capsys: pytest.CaptureFixture[str]
) -> None:
    body = given_person_body()
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client, nhs_number=body["nhs_number"])
        await given_mdt(runtime, person_id)
        await client.post("/people", json=body, headers=PRACTITIONER)
        await client.get(f"/people/{person_id}", headers=MDT)
    output = capsys.readouterr()
    assert "path=/people" in output.out + output.err  # the request log is captured here
    assert body["nhs_number"] not in output.out + output.err


async def test_standalone_on_sqlite_registers_assesses_and_refuses_a_duplicate(
    tmp_path: Path, clock: MovableClock
) -> None:
    runtime = given_runtime(ASSESSMENT, f"sqlite+aiosqlite:///{tmp_path}/s.db", clock)
    await runtime.migrate()
    body = given_person_body()
    async with given_client(create_app(runtime)) as client:
        person_id = await given_person(client, nhs_number=body["nhs_number"])
        duplicate = await client.post("/people", json=body, headers=PRACTITIONER)
        url = f"/people/{person_id}/assessments"
        assessed = await client.post(url, json=given_assessment_body(), headers=PRACTITIONER)
        again = await client.post(url, json=given_assessment_body(), headers=PRACTITIONER)
    assert duplicate.status_code == 409
    assert assessed.status_code == 201
    assert again.status_code == 409
