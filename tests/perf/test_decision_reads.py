"""The MDT decision reads its catalogue entry, the Framework version in force and the members'
organisations in the statement that locks the proposal: nothing is kept in the API process, so
a change the worker (another process, its own runtime here) commits binds the API's very next
decision; and the events and the audit row go in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from services.delegation.main import SPEC as DELEGATION
from shared.clock import MovableClock
from shared.events.governance import (
    CatalogueChange,
    FrameworkVersionPublished,
    TaskCatalogueChanged,
)
from shared.events.vocabulary import Delegability, TaskCategory
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, given_runtime
from tests.delegation.conftest import MDT, given_decision_body, given_proposal


def never_delegable_from(effective_from: date) -> TaskCatalogueChanged:
    return TaskCatalogueChanged(
        subject_id="task-topical-cream",
        ruling_id=uuid.uuid4(),
        change=CatalogueChange.CHANGED,
        task_code="topical-cream",
        name="Topical (e.g. steroid) cream application",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        delegability=Delegability.NEVER,
        effective_from=effective_from,
    )


def version_from(version: int, effective_from: date) -> FrameworkVersionPublished:
    return FrameworkVersionPublished(
        subject_id=f"framework-version-{version}",
        version=version,
        effective_from=effective_from,
        summary=f"v{version}",
    )


async def decide(client: AsyncClient, proposal_id: str) -> Response:
    return await client.post(
        f"/proposals/{proposal_id}/decision", json=given_decision_body(), headers=MDT
    )


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(str(args[2]).lstrip().split(None, 1)[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def test_r10_a_ruling_the_worker_applies_binds_the_api_s_next_decision(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, api):
        worker = given_runtime(DELEGATION, api.settings.database_url, clock)
        try:
            first, second = [await given_proposal(client, uuid.uuid4()) for _ in range(2)]
            approved = await decide(client, first)  # the API has read the entry once
            await deliver(worker, never_delegable_from(clock.now().date()))
            refused = await decide(client, second)
        finally:
            await worker.close()
    assert approved.status_code == 201, approved.text
    assert (refused.status_code, refused.json()["rule"]) == (422, "R10")


async def test_r29_a_version_the_worker_learns_is_recorded_by_the_api_s_next_decision(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, api):
        worker: Runtime = given_runtime(DELEGATION, api.settings.database_url, clock)
        try:
            first, second = [await given_proposal(client, uuid.uuid4()) for _ in range(2)]
            before = await decide(client, first)
            await deliver(worker, version_from(2, clock.now().date()))
            after = await decide(client, second)
        finally:
            await worker.close()
    assert before.json()["framework_version"] == 1
    assert after.json()["framework_version"] == 2


async def test_a_decision_reads_in_one_select_and_writes_its_event_and_audit_row_together(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        first, second = [await given_proposal(client, uuid.uuid4()) for _ in range(2)]
        await decide(client, first)  # the caller's organisation is looked up once a minute
        with statements(runtime.engine) as seen:
            response = await decide(client, second)
    assert response.status_code == 201, response.text
    # The locked proposal with its entry, version and organisations; the event with the audit
    # row (one statement on PostgreSQL); the decision, the delegation and the proposal's state.
    assert seen == ["SELECT", "WITH", "INSERT", "INSERT", "UPDATE"], seen
