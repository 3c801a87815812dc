"""R10 per direction, the training need (A 5.13) and rulings that take effect from their date:
the movable clock and the scheduler job, on real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from httpx import AsyncClient, Response
from sqlalchemy import select

from services.delegation.handlers.catalogue import apply_due_rulings
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import CatalogueRuling, Delegation
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.governance import CatalogueChange, TaskCatalogueChanged
from shared.events.vocabulary import Delegability, TaskCategory
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    MDT,
    given_approved,
    given_decision_body,
    given_proposal,
    given_proposal_body,
    post_proposal,
)

AUDITOR = bearer(Role.AUDITOR)


def ruling(
    effective_from: date,
    delegability: Delegability = Delegability.NEVER,
    *,
    task_code: str = "topical-cream",
    change: CatalogueChange = CatalogueChange.CHANGED,
    needs_specific_training: bool | None = None,
) -> TaskCatalogueChanged:
    return TaskCatalogueChanged(
        subject_id=f"task-{task_code}",
        ruling_id=uuid.uuid4(),
        change=change,
        task_code=task_code,
        name="Topical (e.g. steroid) cream application",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        delegability=delegability,
        effective_from=effective_from,
        needs_specific_training=needs_specific_training,
    )


async def catalogue(client: AsyncClient) -> dict[str, dict[str, object]]:
    response = await client.get("/tasks", params={"limit": 200}, headers=AUDITOR)
    return {t["code"]: t for t in response.json()["items"]}


async def run_catalogue_job(runtime: Runtime) -> int:
    async with runtime.sessions() as session, session.begin():
        return await apply_due_rulings(session)


async def pending(runtime: Runtime) -> list[str]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(CatalogueRuling.task_code).where(CatalogueRuling.applied_on.is_(None))
        )
        return list(rows.all())


async def propose(
    client: AsyncClient, task_code: str, direction: str = "health_to_social"
) -> Response:
    return await post_proposal(
        client, given_proposal_body(uuid.uuid4(), task_code=task_code, direction=direction)
    )


async def test_r10_a_ruling_before_its_date_waits_and_the_scheduler_applies_it_on_the_date(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        await deliver(runtime, ruling(date(2026, 2, 1)))
        before = (await catalogue(client))["topical-cream"]["delegability"]
        waiting = await pending(runtime)
        listed = await client.get("/tasks/rulings", params={"pending": True}, headers=AUDITOR)
        allowed = await propose(client, "topical-cream")
        clock.move(timedelta(days=26))  # 31 January: not yet
        too_early = await run_catalogue_job(runtime)
        clock.move(timedelta(days=1))  # 1 February
        applied = await run_catalogue_job(runtime)
        again = await run_catalogue_job(runtime)
        after = (await catalogue(client))["topical-cream"]["delegability"]
        refused = await propose(client, "topical-cream")
        left = await client.get("/tasks/rulings", params={"pending": True}, headers=AUDITOR)
    assert [r["effective_from"] for r in listed.json()["items"]] == ["2026-02-01"]
    assert left.json()["items"] == []
    assert (before, waiting, allowed.status_code) == ("routine", ["topical-cream"], 201)
    assert (too_early, applied, again) == (0, 1, 0)
    assert after == "never"
    assert refused.json()["rule"] == "R10"


async def test_r10_a_ruling_due_today_binds_a_decision_before_the_scheduler_runs(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        await deliver(runtime, ruling(date(2026, 1, 10)))
        clock.move(timedelta(days=5))
        response = await client.post(
            f"/proposals/{proposal_id}/decision", json=given_decision_body(), headers=MDT
        )
    assert response.status_code == 422
    assert response.json()["rule"] == "R10"


async def test_r10_an_older_ruling_arriving_late_does_not_undo_a_newer_one(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        await deliver(runtime, ruling(date(2026, 1, 3), Delegability.CASE_BY_CASE))
        await deliver(runtime, ruling(date(2026, 1, 1), Delegability.ROUTINE))
        entry = (await catalogue(client))["topical-cream"]
    assert entry["delegability"] == "case_by_case"


async def test_r10_the_exclusive_remit_of_adult_social_care_is_never_proposed_to_health(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        exclusive = await propose(client, "adult-safeguarding-enquiry", "social_to_health")
        delegable = await propose(client, "personal-care-washing", "social_to_health")
        wrong_way = await propose(client, "personal-care-washing", "health_to_social")
    assert exclusive.status_code == 422
    assert exclusive.json()["rule"] == "R10"
    assert delegable.status_code == 201
    assert wrong_way.json()["rule"] == "R1"


async def test_r16_a_ruling_says_whether_a_task_needs_specific_training(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        added = ruling(
            date(2026, 1, 1),
            Delegability.ROUTINE,
            task_code="insulin-pen",
            change=CatalogueChange.ADDED,
            needs_specific_training=False,
        )
        await deliver(runtime, added)
        first = (await catalogue(client))["insulin-pen"]["needs_specific_training"]
        await deliver(
            runtime, ruling(date(2026, 1, 2), Delegability.ROUTINE, task_code="insulin-pen")
        )
        unchanged = (await catalogue(client))["insulin-pen"]["needs_specific_training"]
    assert (first, unchanged) == (False, False)


async def test_r16_a_delegation_records_whether_its_task_needs_specific_training(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        prompt = await given_approved(client, uuid.uuid4(), task_code="medication-prompt")
        cream = await given_approved(client, uuid.uuid4())
        async with runtime.sessions() as session:
            rows = {
                str(d.id): d.needs_specific_training
                for d in (await session.scalars(select(Delegation))).all()
            }
    assert (rows[prompt], rows[cream]) == (False, True)


def test_r10_the_worker_runs_the_catalogue_scheduler() -> None:
    assert apply_due_rulings in DELEGATION.jobs
