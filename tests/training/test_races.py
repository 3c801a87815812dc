"""Conflicting changes have exactly one winner, on PostgreSQL and on the standalone platform."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import httpx
from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session

from services.training.main import SPEC as TRAINING
from services.training.models import CompetenceAssessment, PlanWorker, TrainingPlan
from shared.auth import Role, dev_private_key, mint_token
from shared.events.training import CompetenceAssessed, TrainingPlanAgreed
from shared.events.vocabulary import RelationshipBasis
from shared.relationships import relationship, relationships, row
from shared.settings import ServiceSettings
from shared.testing.events import published
from shared.testing.races import assert_one_winner, outbox_types_in, race
from tests.conftest import ServiceClient
from tests.training.builders import (
    MANAGER,
    NURSE_ID,
    PRACTITIONER,
    PROVIDER,
    TASK,
    assess,
    given_accountable,
    given_required_plan,
    given_trained,
    given_worker,
    plan_content,
)


async def test_r24_twenty_agreements_of_one_plan_at_once_have_one_winner_and_one_event(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_required_plan(client, runtime, [await given_worker(client)])
        url = f"/training-plans/{plan_id}/agreement"
        responses = await race(lambda _: client.post(url, json=plan_content(), headers=MANAGER))
        assert_one_winner(responses)
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        await given_accountable(runtime, UUID(plan["person_id"]))
        url = f"/training-plans/{plan_id}/practitioner-agreement"
        by_practitioner = await race(lambda _: client.post(url, headers=PRACTITIONER))
        events = await published(runtime, TrainingPlanAgreed)
    assert_one_winner(by_practitioner)
    assert len(events) == 1


async def test_r16_twenty_assessments_of_one_worker_at_once_lose_no_update(
    service_client: ServiceClient,
) -> None:
    """Each answer is a new assessment, a 409, or (read after the first commit) a replay of it."""
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        responses = await race(lambda _: assess(client, worker))
        events = await published(runtime, CompetenceAssessed)
        async with runtime.sessions() as session:
            rows = (await session.scalars(select(CompetenceAssessment))).all()
    statuses = Counter(r.status_code for r in responses)
    assert statuses[201] == 1, statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    assert len(rows) == len(events) == 1
    assert {r.json()["id"] for r in responses if r.is_success} == {str(rows[0].id)}


# --- the standalone platform (SQLite files, events in-process) --------------------------------


def _auth(data: Path, role: Role, organisation: str, user_id: str | None = None) -> dict[str, str]:
    key = dev_private_key(data / "dev-signing-key.pem")
    token = mint_token(
        key, ServiceSettings(), role=role, organisation=organisation, user_id=user_id
    )
    return {"Authorization": f"Bearer {token}"}


def _given_provider_agreed_plan(data: Path, worker_id: UUID) -> UUID:
    """A plan the provider agreed, for a person LPT proposed the task for, written to the
    service's file (as DelegationAccepted, the agreement and RelationshipChanged leave it)."""
    plan_id, person_id, now = uuid4(), uuid4(), datetime.now(UTC)
    plan = TrainingPlan(
        id=plan_id,
        delegation_id=uuid4(),
        person_id=person_id,
        task_code=TASK,
        provider_organisation=PROVIDER,
        status="agreed_by_provider",
        required_on=now.date(),
        content=plan_content(),
        backfill_hourly_rate_pence=1050,
        agreed_on=now.date(),
        agreed_by="manager",
    )
    lpt = relationship(person_id, "LPT", RelationshipBasis.MDT, uuid4(), now - timedelta(days=1))
    engine = create_engine(f"sqlite:///{data / 'training.db'}", connect_args={"timeout": 30})
    with Session(engine) as session, session.begin():
        session.add(plan)
        session.flush()
        session.add(PlanWorker(plan_id=plan_id, worker_id=worker_id))
        session.execute(insert(relationships).values(**row(lpt)))
    engine.dispose()
    return plan_id


async def test_r24_twenty_agreements_at_once_on_the_standalone_platform_have_one_winner(
    standalone: tuple[str, Path],
) -> None:
    base, data = standalone
    manager = _auth(data, Role.PROVIDER_MANAGER, PROVIDER)
    practitioner = _auth(data, Role.REGISTERED_PRACTITIONER, "LPT", NURSE_ID)
    async with httpx.AsyncClient(base_url=f"{base}/training", timeout=60) as client:
        worker = await client.post("/workers", json={"role": "carer"}, headers=manager)
        plan_id = _given_provider_agreed_plan(data, UUID(worker.json()["id"]))
        before = outbox_types_in(data / "training.db")["TrainingPlanAgreed"]
        url = f"/training-plans/{plan_id}/practitioner-agreement"
        responses = await race(lambda _: client.post(url, headers=practitioner))
    assert_one_winner(responses)
    assert outbox_types_in(data / "training.db")["TrainingPlanAgreed"] - before == 1


async def test_r16_twenty_assessments_at_once_on_the_standalone_platform_lose_no_update(
    standalone: tuple[str, Path],
) -> None:
    base, data = standalone
    manager = _auth(data, Role.PROVIDER_MANAGER, PROVIDER)
    practitioner = _auth(data, Role.REGISTERED_PRACTITIONER, "LPT", NURSE_ID)
    async with httpx.AsyncClient(base_url=f"{base}/training", timeout=60) as client:
        worker = UUID(
            (await client.post("/workers", json={"role": "c"}, headers=manager)).json()["id"]
        )
        approval = {"user_id": NURSE_ID, "organisation": "LPT"}
        await client.post("/assessor-approvals", json=approval, headers=manager)
        today = datetime.now(UTC).date()
        await given_trained(client, worker, completed_on=today, headers=manager)
        before = outbox_types_in(data / "training.db")["CompetenceAssessed"]
        until = (today + timedelta(days=365)).isoformat()
        responses = await race(
            lambda _: assess(client, worker, headers=practitioner, valid_until=until)
        )
        history = await client.get(f"/workers/{worker}/assessments", headers=manager)
    statuses = Counter(r.status_code for r in responses)
    assert statuses[201] == 1, statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    assert len(history.json()["items"]) == 1
    assert outbox_types_in(data / "training.db")["CompetenceAssessed"] - before == 1
