"""Builders for the delegation service's tests: people, proposals, decisions, live delegations."""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from httpx import AsyncClient, Response

from services.delegation.handlers.reviews import raise_due_reviews
from shared.auth import Role
from shared.events import Event
from shared.events.assessment import (
    ConsentGivenBy,
    ConsentRecorded,
    ConsentWithdrawn,
    PersonRegistered,
    RelationshipChanged,
)
from shared.events.delegation import (
    DelegationDecided,
    OversightTransferred,
    ProposalSubmitted,
    TaskDelegated,
)
from shared.events.governance import SharedCareDecision, SharedCareDecisionRecorded
from shared.events.training import (
    CompetenceAssessed,
    CompetenceLapsed,
    CompetenceOutcome,
    TrainingPlanAgreed,
)
from shared.events.vocabulary import Direction, RelationshipBasis, Setting, TaskCategory
from shared.relationships import relationship
from shared.service import Job, Runtime
from shared.testing.events import deliver, published
from tests.conftest import bearer

PROVIDER = "CAREWELL-HOMECARE"
HEALTH_PROVIDER = "LPT"  # Health staff take on social care tasks (R1): an NHS trust provides
CITY = "LEICESTER-CITY-COUNCIL"
GP = "C82001"
PRACTITIONER = bearer(Role.REGISTERED_PRACTITIONER, "LPT")
MDT = bearer(Role.MDT_MEMBER, "LLR-ICB")
MANAGER = bearer(Role.PROVIDER_MANAGER, PROVIDER)


# ----------------------------------------------------------------------------------------------
# Legitimate relationships: assessment alone decides them, from delegation's events, and every
# service keeps them from RelationshipChanged. The tests play assessment's part: they read what
# delegation published and deliver the relationships those events give, as assessment does
# (services/assessment/domain/relationships.py); ends (grace periods) are tested there.

SINCE = datetime(2020, 1, 1, tzinfo=UTC)
_delivered: weakref.WeakKeyDictionary[Runtime, set[tuple[Any, ...]]] = weakref.WeakKeyDictionary()


def relationships_from(events: list[Event]) -> Iterator[RelationshipChanged]:
    """The relationships assessment starts from delegation's events: the proposer (mdt) and the
    provider a proposal names (it must read the task to accept it, R15); the MDT's organisations
    (mdt); once the task is live its provider, oversight owner, accountable organisation and
    council; a new oversight owner."""
    B = RelationshipBasis
    for e in events:
        if isinstance(e, ProposalSubmitted):
            if e.proposed_by_organisation:
                yield relationship(
                    e.person_id, e.proposed_by_organisation, B.MDT, e.proposal_id, SINCE
                )
            yield relationship(
                e.person_id, e.provider_organisation, B.PROVIDER, e.proposal_id, SINCE
            )
        if isinstance(e, DelegationDecided):
            for organisation in e.mdt_organisations:
                yield relationship(e.person_id, organisation, B.MDT, e.proposal_id, SINCE)
        if isinstance(e, TaskDelegated):
            for organisation, basis in (
                (e.provider_organisation, B.PROVIDER),
                (e.oversight_owner, B.OVERSIGHT),
                (e.accountable_organisation, B.COMMISSIONER),
                (e.local_authority, B.LOCAL_AUTHORITY),
            ):
                yield relationship(e.person_id, organisation, basis, e.delegation_id, SINCE)
        if isinstance(e, OversightTransferred):
            yield relationship(e.person_id, e.to_owner, B.OVERSIGHT, e.delegation_id, SINCE)


async def given_relationships(runtime: Runtime) -> None:
    """Deliver the relationships delegation's events so far give, each once."""
    done = _delivered.setdefault(runtime, set())
    for changed in relationships_from(await published(runtime)):
        key = (changed.person_id, changed.organisation, changed.basis, changed.source_id)
        if key not in done:
            await deliver(runtime, changed)
            done.add(key)


async def given_related(
    runtime: Runtime,
    person_id: uuid.UUID,
    organisation: str,
    basis: RelationshipBasis = RelationshipBasis.ASSESSED,
) -> None:
    """A relationship assessment decided from its own work (it assessed the person, ...)."""
    await deliver(runtime, relationship(person_id, organisation, basis, uuid.uuid4(), SINCE))


def given_proposal_body(person_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    """The case study: a steroid cream to the lower leg, twice a day, at home; a social care
    task goes to Health staff (R1)."""
    direction = overrides.get("direction", "health_to_social")
    body: dict[str, Any] = {
        "person_id": str(person_id),
        "task_code": "topical-cream",
        "direction": "health_to_social",
        "setting": "own_home",
        "practitioner": practitioner_for(direction),
        "provider_organisation": provider_for(direction),
        "frequency": "twice a day",
        "additional_minutes_per_week": 0,
        "contact_arrangements": "District nurse visits every ten days; call the LPT hub",
    }
    return body | overrides


def provider_for(direction: str) -> str:
    return PROVIDER if direction == "health_to_social" else HEALTH_PROVIDER


def practitioner_for(direction: str) -> dict[str, Any]:
    """R13: a district nurse delegates a health task, a social worker a social care task."""
    if direction == "health_to_social":
        body, number = "NMC", "12A3456E"
    else:
        body, number = "SWE", "SW123456"
    return {
        "professional_body": body,
        "registration_number": number,
        "competent_in_task": True,
        "competence_basis": "core_professional_practice",
    }


def given_member(
    discipline: str, organisation: str, staff_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    """R9: an MDT member present at the meeting."""
    staff_id = staff_id or f"{discipline}-{organisation}".lower()
    member = {"staff_id": staff_id, "discipline": discipline, "organisation": organisation}
    return member | {"present": True} | extra


def given_plan() -> dict[str, Any]:
    """R19: a new support plan version the MDT agreed."""
    return {"plan_id": str(uuid.uuid4()), "version": 2}


def given_decision_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "outcome": "approved",
        "members": [  # MDT (the ICB's continuing healthcare nurse) records the decision
            given_member("registered_nurse", "LPT"),
            given_member("social_worker", CITY),
            given_member("registered_nurse", "LLR-ICB"),
        ],
        "person_involved": True,
        "family_or_carers_involved": True,
        "risk": {
            "stability": "stable",
            "complexity": "low",
            "expected_outcome": "skin heals; the person stays at home",
            "mitigations": ["carers record each application", "nurse visits every ten days"],
        },
        "best_interests": True,
        "section_22": {
            "merely_incidental_or_ancillary": True,
            "of_a_nature_a_local_authority_could_provide": True,
        },
    }
    return body | overrides


def given_no_consensus_body(**overrides: Any) -> dict[str, Any]:
    """R14: the MDT could not agree: each member's stance and the question, as codes."""
    return (
        given_decision_body(
            outcome="no_consensus",
            members=[
                given_member("registered_nurse", "LPT", stance="delegate"),
                given_member("social_worker", CITY, stance="do_not_delegate"),
                given_member("registered_nurse", "LLR-ICB", stance="delegate"),
            ],
            question_code="may_delegate",
        )
        | overrides
    )


async def given_person(
    runtime: Runtime,
    person_id: uuid.UUID,
    *,
    open_to_chs: bool = True,
    local_authority: str = CITY,
) -> None:
    await deliver(
        runtime,
        PersonRegistered(
            person_id=person_id,
            local_authority=local_authority,
            gp_practice=GP,
            setting=Setting.OWN_HOME,
            open_to_community_health_services=open_to_chs,
        ),
    )


def runtime_of(client: AsyncClient) -> Runtime:
    """The service behind a test client (its app's runtime)."""
    transport: Any = client._transport  # the ASGI transport given_client made
    runtime: Runtime = transport.app.state.runtime
    return runtime


async def post_proposal(
    client: AsyncClient, body: dict[str, Any], headers: dict[str, str] = PRACTITIONER
) -> Response:
    """POST /proposals as LPT's District Nurse, whose trust assessed the person (the relationship
    a proposal needs)."""
    await given_related(runtime_of(client), uuid.UUID(str(body["person_id"])), "LPT")
    return await client.post("/proposals", json=body, headers=headers)


async def given_proposal(client: AsyncClient, person_id: uuid.UUID, **overrides: Any) -> str:
    """A proposal by LPT's District Nurse, whose trust assessed the person (a relationship)."""
    await given_related(runtime_of(client), person_id, "LPT")
    response = await client.post(
        "/proposals", json=given_proposal_body(person_id, **overrides), headers=PRACTITIONER
    )
    assert response.status_code == 201, response.text
    await given_relationships(runtime_of(client))
    return str(response.json()["id"])


async def given_approved(
    client: AsyncClient,
    person_id: uuid.UUID,
    *,
    decision: dict[str, Any] | None = None,
    **overrides: Any,
) -> str:
    """A proposal the MDT approved (`decision`: the decision body's overrides): the delegation
    id."""
    proposal_id = await given_proposal(client, person_id, **overrides)
    replan = overrides.get("additional_minutes_per_week", 0) > 0  # R19: a new support plan
    plan = {"new_support_plan": given_plan()} if replan else {}
    body = given_decision_body(**(plan | (decision or {})))
    response = await client.post(f"/proposals/{proposal_id}/decision", json=body, headers=MDT)
    assert response.status_code == 201, response.text
    await given_relationships(runtime_of(client))
    return str(response.json()["delegation_id"])


async def given_accepted(
    client: AsyncClient,
    delegation_id: str,
    workers: list[uuid.UUID],
    headers: dict[str, str] = MANAGER,
) -> dict[str, Any]:
    response = await client.post(
        f"/delegations/{delegation_id}/acceptance",
        json={
            "worker_ids": [str(w) for w in workers],
            "training_confirmed": True,
            "supervision_confirmed": True,
            "insurance_and_indemnity_confirmed": True,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    await given_relationships(runtime_of(client))
    body: dict[str, Any] = response.json()
    return body


def consent(
    person_id: uuid.UUID,
    task_code: str = "topical-cream",
    *,
    consent_id: uuid.UUID | None = None,
    provider_organisation: str | None = None,
) -> ConsentRecorded:
    return ConsentRecorded(
        person_id=person_id,
        consent_id=consent_id or uuid.uuid4(),
        task_code=task_code,
        given_by=ConsentGivenBy.PERSON,
        given_on=date(2026, 1, 5),
        provider_organisation=provider_organisation,
    )


def competent(
    worker_id: uuid.UUID,
    task_code: str = "topical-cream",
    person_id: uuid.UUID | None = None,
    valid_until: date | None = date(2027, 1, 5),
    provider: str = PROVIDER,
) -> CompetenceAssessed:
    return CompetenceAssessed(
        worker_id=worker_id,
        assessment_id=uuid.uuid4(),
        task_code=task_code,
        person_id=person_id,
        provider_organisation=provider,
        outcome=CompetenceOutcome.COMPETENT,
        assessed_on=date(2026, 1, 5),
        valid_until=valid_until,
    )


def plan(
    worker_id: uuid.UUID,
    delegation_id: str,
    task_code: str = "topical-cream",
    provider: str = PROVIDER,
) -> TrainingPlanAgreed:
    return TrainingPlanAgreed(
        worker_id=worker_id,
        plan_id=uuid.uuid4(),
        delegation_id=uuid.UUID(delegation_id),
        task_code=task_code,
        provider_organisation=provider,
        agreed_on=date(2026, 1, 5),
    )


@dataclass
class Live:
    delegation_id: str
    person_id: uuid.UUID
    workers: list[uuid.UUID] = field(default_factory=list)
    consent_id: uuid.UUID = field(default_factory=uuid.uuid4)
    task_code: str = "topical-cream"


async def given_live(
    client: AsyncClient,
    runtime: Runtime,
    *,
    open_to_chs: bool = True,
    decision: dict[str, Any] | None = None,
    **overrides: Any,
) -> Live:
    """The case study through every gate: person, MDT, provider, consent, competence, plans."""
    person_id, workers = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    task_code = overrides.get("task_code", "topical-cream")
    direction = overrides.get("direction", "health_to_social")
    provider = overrides.get("provider_organisation", provider_for(direction))
    await given_person(runtime, person_id, open_to_chs=open_to_chs)
    delegation_id = await given_approved(client, person_id, decision=decision, **overrides)
    await given_accepted(client, delegation_id, workers, manager_of(provider))
    given = consent(person_id, task_code)
    await deliver(runtime, given)
    for worker in workers:
        await deliver(
            runtime,
            competent(worker, task_code, provider=provider),
            plan(worker, delegation_id, task_code, provider=provider),
        )
    await given_relationships(runtime)
    return Live(delegation_id, person_id, workers, given.consent_id, task_code)


def manager_of(provider: str) -> dict[str, str]:
    return MANAGER if provider == PROVIDER else bearer(Role.PROVIDER_MANAGER, provider)


async def run_review_job(runtime: Runtime) -> int:
    async with runtime.sessions() as session, session.begin():
        return await raise_due_reviews(session)


# ----------------------------------------------------------------------------------------------
# Handbacks (R18, R20), clinical suspension and competence while live (R16)

GP_PRACTITIONER = bearer(Role.REGISTERED_PRACTITIONER, GP)
IPCB = bearer(Role.IPCB_MEMBER, "LLR-IPCB")


def withdrawn(live: Live, **scope: Any) -> ConsentWithdrawn:
    """R7: the person withdraws the consent the live delegation went live under."""
    return ConsentWithdrawn(
        person_id=live.person_id,
        consent_id=live.consent_id,
        task_code=live.task_code,
        withdrawn_on=date(2026, 1, 5),
        **scope,
    )


def competence_lapsed(
    worker_id: uuid.UUID, on: date = date(2026, 1, 5), task_code: str = "topical-cream"
) -> CompetenceLapsed:
    return CompetenceLapsed(
        worker_id=worker_id, task_code=task_code, provider_organisation=PROVIDER, lapsed_on=on
    )


async def given_handbacks(
    client: AsyncClient, delegation_id: str, headers: dict[str, str] = MDT
) -> list[dict[str, Any]]:
    """The delegation's handbacks as the API lists them."""
    response = await client.get(
        "/handbacks", params={"delegation_id": delegation_id}, headers=headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def given_acknowledged(
    client: AsyncClient, handback_id: str, headers: dict[str, str] = PRACTITIONER
) -> dict[str, Any]:
    response = await client.post(
        f"/handbacks/{handback_id}/acknowledgement",
        json={"cover": "district_nursing"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def run_job(runtime: Runtime, job: Job) -> int:
    """One scheduler job in its own transaction, as the worker runs it."""
    async with runtime.sessions() as session, session.begin():
        return await job(session)


def shared_care_decided(
    proposal_id: str, person_id: uuid.UUID, **overrides: Any
) -> SharedCareDecisionRecorded:
    """R14: the Shared Care panel's decision on a proposal the MDT could not agree (by default:
    delegate the case study's cream, with no conditions)."""
    fields: dict[str, Any] = {
        "subject_id": proposal_id,
        "discussion_id": uuid.uuid4(),
        "proposal_id": uuid.UUID(proposal_id),
        "person_id": person_id,
        "decision": SharedCareDecision.DELEGATE,
        "conditions": [],
        "rationale": "stable",
        "task_code": "topical-cream",
        "category": TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        "direction": Direction.HEALTH_TO_SOCIAL,
        "setting": Setting.OWN_HOME,
        "decided_on": date(2026, 1, 20),
    }
    return SharedCareDecisionRecorded(**(fields | overrides))
