"""R16: trained first, then assessed competent; R25: the failure process and its escalation."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import func, select

from services.training.main import SPEC as TRAINING
from services.training.models import CompetenceAssessment, TrainingRecord
from shared.auth import Role
from shared.events.training import (
    CompetenceAssessed,
    CompetenceOutcome,
)
from shared.testing.events import published
from tests.conftest import ServiceClient, bearer, token
from tests.training.builders import (
    MANAGER,
    OTHER_PROVIDER,
    PRACTITIONER,
    PROVIDER,
    TASK,
    assess,
    given_trained,
    given_worker,
)


async def test_r16_an_assessment_before_training_is_refused_and_nothing_is_written(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        response = await assess(client, worker)
        async with runtime.sessions() as session:
            stored = await session.scalar(select(func.count()).select_from(CompetenceAssessment))
        events = await published(runtime, CompetenceAssessed)
    assert response.status_code == 422
    assert response.json()["rule"] == "R16"
    assert stored == 0
    assert events == []


async def test_r16_a_trained_worker_assessed_competent_counts_competent_and_is_announced(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        before = await client.get(
            f"/workers/{worker}/competence", params={"task_code": TASK}, headers=MANAGER
        )
        await given_trained(client, worker)
        response = await assess(client, worker)
        after = await client.get(
            f"/workers/{worker}/competence", params={"task_code": TASK}, headers=MANAGER
        )
        [event] = await published(runtime, CompetenceAssessed)
    assert before.json()["competent"] is False
    assert response.status_code == 201
    assert after.json()["competent"] is True
    assert after.json()["valid_until"] == "2027-01-05"
    assert isinstance(event, CompetenceAssessed)
    assert event.worker_id == worker
    assert event.outcome is CompetenceOutcome.COMPETENT
    assert event.provider_organisation == PROVIDER
    assert set(event.model_dump()) == {
        "worker_id",
        "assessment_id",
        "task_code",
        "person_id",
        "provider_organisation",
        "outcome",
        "assessed_on",
        "valid_until",
        "framework_version",
    }


async def test_r16_person_specific_competence_counts_for_that_person_only(
    service_client: ServiceClient,
) -> None:
    person = uuid4()
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(client, worker, person_id=str(person))
        for_the_person = await client.get(
            f"/workers/{worker}/competence",
            params={"task_code": TASK, "person_id": str(person)},
            headers=MANAGER,
        )
        for_anyone = await client.get(
            f"/workers/{worker}/competence", params={"task_code": TASK}, headers=MANAGER
        )
    assert for_the_person.json()["competent"] is True
    assert for_anyone.json()["competent"] is False


async def test_r16_an_assessment_recorded_twice_has_one_effect(
    service_client: ServiceClient,
) -> None:
    keyed = {**PRACTITIONER, "Idempotency-Key": "assessment-1"}
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        first = await assess(client, worker, headers=keyed)
        by_key = await assess(client, worker, headers=keyed)
        by_content = await assess(client, worker)
        events = await published(runtime, CompetenceAssessed)
        listed = await client.get(f"/workers/{worker}/assessments", headers=MANAGER)
    assert first.status_code == 201
    assert by_key.status_code == 200
    assert by_content.status_code == 200
    assert by_key.json()["id"] == by_content.json()["id"] == first.json()["id"]
    assert len(events) == 1
    assert len(listed.json()["items"]) == 1


async def test_r16_only_a_registered_practitioner_or_an_approved_assessor_assesses(
    service_client: ServiceClient,
) -> None:
    senior_carer = bearer(Role.CARE_WORKER, PROVIDER)
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        refused = await assess(client, worker, headers=senior_carer)
        as_auditor = await assess(client, worker, headers=bearer(Role.AUDITOR))
        approved = await client.post(
            "/approved-assessors",
            json={"user_id": "senior-carer-1", "organisation": PROVIDER},
            headers=bearer(Role.IPCB_MEMBER),
        )
        approved_carer = {
            "Authorization": "Bearer " + token(Role.CARE_WORKER, PROVIDER, user_id="senior-carer-1")
        }
        accepted = await assess(client, worker, headers=approved_carer)
        listed = await client.get("/approved-assessors", headers=bearer(Role.AUDITOR))
        anonymous = await client.post(f"/workers/{worker}/assessments", json={})
        events = await published(runtime, CompetenceAssessed)
    assert refused.status_code == 403
    assert as_auditor.status_code == 403
    assert approved.status_code == 201
    assert accepted.status_code == 201
    assert accepted.json()["assessor_id"] == "senior-carer-1"
    assert [a["user_id"] for a in listed.json()["items"]] == ["senior-carer-1"]
    assert anonymous.status_code == 401
    assert len(events) == 1


async def test_r16_bad_assessment_input_is_a_422_naming_the_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        bad_outcome = await assess(client, worker, outcome="competent", valid_until="soon")
        no_expiry = await assess(client, worker, valid_until=None)
        no_evidence = await assess(client, worker, evidence="")
    assert bad_outcome.json()["errors"][0]["field"] == "valid_until"
    assert no_expiry.status_code == 422
    assert no_expiry.json()["errors"][0]["field"] == "valid_until"
    assert no_evidence.json()["errors"][0]["field"] == "evidence"


async def test_another_organisations_worker_is_not_found_for_a_provider_manager(
    service_client: ServiceClient,
) -> None:
    other = bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER)
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        read = await client.get(f"/workers/{worker}", headers=other)
        train = await client.post(
            f"/workers/{worker}/training-records",
            json={
                "task_code": TASK,
                "kind": "skills",
                "completed_on": "2026-01-05",
                "delivered_by": "x",
            },
            headers=other,
        )
        listed = await client.get("/workers", headers=other)
    assert read.status_code == 404
    assert train.status_code == 404
    assert listed.json() == []


async def test_r16_training_recorded_twice_is_kept_once(service_client: ServiceClient) -> None:
    body = {"task_code": TASK, "kind": "skills", "completed_on": "2026-01-05", "delivered_by": "DN"}
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        url = f"/workers/{worker}/training-records"
        first = await client.post(url, json=body, headers=MANAGER)
        again = await client.post(url, json=body, headers=PRACTITIONER)
        async with runtime.sessions() as session:
            stored = await session.scalar(select(func.count()).select_from(TrainingRecord))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert stored == 1


async def test_r16_training_cannot_be_recorded_in_the_future(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        response = await client.post(
            f"/workers/{worker}/training-records",
            json={
                "task_code": TASK,
                "kind": "knowledge",
                "completed_on": "2026-02-01",
                "delivered_by": "x",
            },
            headers=MANAGER,
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "completed_on"
