"""Builders for the training service's tests: workers, plans, training and assessments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from httpx import AsyncClient, Response

from services.training.handlers.expiry import competence_expiry_job
from shared.auth import Role
from shared.events.delegation import DelegationAccepted
from shared.events.vocabulary import RelationshipBasis
from shared.relationships import relationship
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import bearer, token

PROVIDER = "CARE-PROVIDER-42"
OTHER_PROVIDER = "CARE-PROVIDER-7"
TASK = "steroid-cream-lower-leg"
TODAY = date(2026, 1, 5)  # the MovableClock's start
MANAGER = bearer(Role.PROVIDER_MANAGER, PROVIDER)
# The delegating trust's district nurse, whom the provider approved to train and assess its
# workers (`given_worker` approves her): the link that lets another organisation act for it.
NURSE_ID = "district-nurse-1"
PRACTITIONER = {
    "Authorization": "Bearer " + token(Role.REGISTERED_PRACTITIONER, "LPT", user_id=NURSE_ID)
}


def plan_content(**overrides: Any) -> dict[str, Any]:
    """Every R24 and R25 item, for the case study's steroid cream."""
    content: dict[str, Any] = {
        "knowledge_and_skills_required": "Apply a prescribed steroid cream to the lower leg",
        "training_materials": ["LPT topical medicines leaflet", "demonstration video"],
        "knowledge_training": {
            "delivered_by": "LPT district nursing team",
            "assessed_by": "District Nurse",
            "standard": "LPT topical medicines standard",
        },
        "skills_training": {
            "delivered_by": "District Nurse",
            "competence_assessed_by": "District Nurse",
            "standard": "Skills for Care delegated healthcare activities",
        },
        "competence_recording": "LPT competence sign-off form, copy on the care record",
        "refresher_interval_months": 12,
        "reassessment_interval_months": 12,
        "ongoing_support": "District Nurse visits every ten days; phone line for advice",
        "clinical_review": "District Nurse reviews the skin every ten days",
        "risks_and_safe_delivery": "Thin skin: gloves, thin layer, record each application",
        "not_competent_process": "Further supervised practice and a reassessment within 14 days",
        "release_for_training": "Two hours per carer before discharge",
        "backfill_hourly_rate_pence": 1050,
    }
    return {**content, **overrides}


async def given_accepted_delegation(
    runtime: Runtime, worker_ids: list[UUID], provider: str = PROVIDER
) -> DelegationAccepted:
    event = DelegationAccepted(
        person_id=uuid4(),
        delegation_id=uuid4(),
        task_code=TASK,
        provider_organisation=provider,
        worker_ids=worker_ids,
        accepted_on=TODAY,
    )
    await deliver(runtime, event)
    return event


async def given_nurse_approved(client: AsyncClient, provider: str = PROVIDER) -> None:
    """The provider's manager approves the district nurse to act for it (again: no change)."""
    response = await client.post(
        "/assessor-approvals",
        json={"user_id": NURSE_ID, "organisation": "LPT"},
        headers=bearer(Role.PROVIDER_MANAGER, provider),
    )
    assert response.status_code in (200, 201), response.text


async def given_worker(client: AsyncClient, provider: str = PROVIDER) -> UUID:
    """A worker of the provider, which has approved the district nurse to assess its workers."""
    response = await client.post(
        "/workers",
        json={"role": "senior care worker"},
        headers=bearer(Role.PROVIDER_MANAGER, provider),
    )
    assert response.status_code == 201, response.text
    await given_nurse_approved(client, provider)
    return UUID(response.json()["id"])


async def given_required_plan(
    client: AsyncClient, runtime: Runtime, worker_ids: list[UUID], provider: str = PROVIDER
) -> str:
    accepted = await given_accepted_delegation(runtime, worker_ids, provider)
    plans = await client.get("/training-plans", headers=bearer(Role.PROVIDER_MANAGER, provider))
    [plan] = [p for p in plans.json()["items"] if p["delegation_id"] == str(accepted.delegation_id)]
    return str(plan["id"])


async def given_accountable(runtime: Runtime, person_id: UUID, organisation: str = "LPT") -> None:
    """The organisation proposed the person's task (an MDT relationship with them)."""
    since = datetime(2026, 1, 1, tzinfo=UTC)
    await deliver(
        runtime, relationship(person_id, organisation, RelationshipBasis.MDT, uuid4(), since)
    )


async def given_provider_agreed_plan(
    client: AsyncClient,
    runtime: Runtime,
    worker_ids: list[UUID],
    **content: Any,
) -> str:
    """The provider agreed the plan; the delegating trust (LPT) has yet to agree it."""
    plan_id = await given_required_plan(client, runtime, worker_ids)
    agreed = await client.post(
        f"/training-plans/{plan_id}/agreement", json=plan_content(**content), headers=MANAGER
    )
    assert agreed.status_code == 200, agreed.text
    await given_accountable(runtime, UUID(agreed.json()["person_id"]))
    return plan_id


async def given_agreed_plan(
    client: AsyncClient, runtime: Runtime, worker_ids: list[UUID], **content: Any
) -> str:
    """A plan in force: agreed by the provider, then by LPT's district nurse (R24)."""
    plan_id = await given_provider_agreed_plan(client, runtime, worker_ids, **content)
    agreed = await client.post(
        f"/training-plans/{plan_id}/practitioner-agreement", headers=PRACTITIONER
    )
    assert agreed.status_code == 200, agreed.text
    return plan_id


async def given_trained(
    client: AsyncClient,
    worker_id: UUID,
    completed_on: date = TODAY,
    headers: dict[str, str] = MANAGER,
) -> None:
    for kind in ("knowledge", "skills"):
        response = await client.post(
            f"/workers/{worker_id}/training-records",
            json={
                "task_code": TASK,
                "kind": kind,
                "completed_on": completed_on.isoformat(),
                "delivered_by": "District Nurse",
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text


def assessment(outcome: str = "competent", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "task_code": TASK,
        "standard": "Skills for Care delegated healthcare activities",
        "evidence": "Observed three applications on the ward",
        "outcome": outcome,
    }
    if outcome == "competent":
        body["valid_until"] = "2027-01-05"
    else:
        body["reassessment_on"] = "2026-01-19"
        body["further_training"] = "Supervised practice with the District Nurse"
    return {**body, **overrides}


async def assess(
    client: AsyncClient,
    worker_id: UUID,
    outcome: str = "competent",
    headers: dict[str, str] | None = None,
    **overrides: Any,
) -> Response:
    return await client.post(
        f"/workers/{worker_id}/assessments",
        json=assessment(outcome, **overrides),
        headers=headers or PRACTITIONER,
    )


async def run_expiry_job(runtime: Runtime) -> int:
    async with runtime.sessions() as session, session.begin():
        return await competence_expiry_job(session)
