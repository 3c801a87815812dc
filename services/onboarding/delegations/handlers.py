"""A delegation row through the handlers the API and the consumers call: propose, decide,
the migrated consent, competence and training plans, accept; live, or refused by the gate
that stays red."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import (
    DelegationState,
)
from services.delegation.domain.gates import Gate
from services.delegation.handlers import delegations, projections, proposals
from services.delegation.handlers.gates import gate_states
from services.delegation.models import (
    Delegation,
    Person,
    Proposal,
)
from services.onboarding.delegations.file import (
    ACCEPTANCE,
    DECISION,
    NAMESPACE,
    PROPOSAL,
    LiveDelegation,
    Worker,
)
from services.onboarding.rows import (
    FieldProblem,
    RowRefused,
    from_domain,
    refused,
)
from services.onboarding.runner import operator
from shared.errors import DomainError
from shared.events import Event
from shared.events.assessment import ConsentRecorded
from shared.events.training import (
    CompetenceAssessed,
    CompetenceOutcome,
    InstructionRecorded,
    TrainingPlanAgreed,
)

# The gate that stays red, named by the column whose facts it looks at.
GATE_COLUMN = {
    Gate.PROVIDER_ACCEPTANCE: "training_confirmed",
    Gate.CONSENT: "consent_id",
    Gate.COMPETENCE: "workers",
    Gate.TRAINING_PLAN: "training_plans_agreed_on",
    Gate.CLINICAL_OVERSIGHT: "person_id",
}


async def existing(session: AsyncSession, rows: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """Rows already imported: their proposal carries the row's key as its Idempotency-Key."""
    keys = [key for key, _ in rows]
    found = await session.execute(
        select(Proposal.idempotency_key, Delegation.id)
        .join(Delegation, Delegation.proposal_id == Proposal.id)
        .where(Proposal.idempotency_key.in_(keys))
    )
    return {key: str(delegation_id) for key, delegation_id in found.all() if key}


async def apply(session: AsyncSession, user_id: str, key: str, row: LiveDelegation) -> str:
    """Propose, decide, deliver the migrated facts, accept: live, or the row is refused by the
    gate that stays red."""
    if await session.get(Person, row.proposal.person_id) is None:
        raise refused(
            "person_id",
            "not known to delegation: import the person into assessment first (its "
            "PersonRegistered event registers them here)",
            "R17",
        )
    proposer = operator(user_id, row.proposed_by)
    proposal, _ = await proposals.submit_proposal(session, proposer, row.proposal, key)
    await session.flush()  # the API commits between its calls; sessions here do not autoflush
    mdt = operator(user_id, row.decided_by)
    _, delegation = await proposals.decide_proposal(session, mdt, proposal.id, row.decision)
    if delegation is None:  # an approval always makes one; the decision check refuses otherwise
        raise refused("row", "the MDT's decision did not approve the task", "R9")
    await session.flush()
    for event in migrated_facts(row, delegation, key):
        await apply_fact(session, event)
    provider = operator(user_id, row.proposal.provider_organisation)
    await delegations.accept(session, provider, delegation.id, row.acceptance)
    if delegation.status != DelegationState.LIVE:
        await refuse_red_gates(session, delegation)
    return str(delegation.id)


def migrated_facts(row: LiveDelegation, delegation: Delegation, key: str) -> list[Event]:
    """The facts assessment (consent, R7) and training (competence R16, plans R24, or an
    instruction, A 5.13) hold, as their events would bring them to delegation."""
    provider, task = row.proposal.provider_organisation, row.proposal.task_code
    person = row.proposal.person_id
    facts: list[Event] = [
        ConsentRecorded(
            person_id=person,
            consent_id=row.consent_id,
            task_code=task,
            delegation_id=delegation.id,
            given_by=row.consent_given_by,
            given_on=row.consent_given_on,
            provider_organisation=provider,
        )
    ]
    for worker in row.workers:
        fact_id = uuid.uuid5(NAMESPACE, f"{key}:{worker.worker_id}")
        if not delegation.needs_specific_training:
            facts.append(instructed(row, delegation, worker))
            continue
        facts.append(
            CompetenceAssessed(
                worker_id=worker.worker_id,
                assessment_id=fact_id,
                task_code=task,
                person_id=person,
                provider_organisation=provider,
                outcome=CompetenceOutcome.COMPETENT,
                assessed_on=row.assessed_on,
                valid_until=worker.competent_until,
            )
        )
        if row.plans_agreed_on is not None:
            facts.append(
                TrainingPlanAgreed(
                    worker_id=worker.worker_id,
                    plan_id=fact_id,
                    delegation_id=delegation.id,
                    task_code=task,
                    provider_organisation=provider,
                    agreed_on=row.plans_agreed_on,
                )
            )
    return facts


def instructed(row: LiveDelegation, delegation: Delegation, worker: Worker) -> Event:
    return InstructionRecorded(
        worker_id=worker.worker_id,
        task_code=row.proposal.task_code,
        person_id=row.proposal.person_id,
        provider_organisation=row.proposal.provider_organisation,
        instructed_on=row.assessed_on,
        delegation_id=delegation.id,
    )


FACT_HANDLERS: dict[type[Event], Any] = {
    ConsentRecorded: projections.on_consent_recorded,
    CompetenceAssessed: projections.on_competence_assessed,
    TrainingPlanAgreed: projections.on_training_plan_agreed,
    InstructionRecorded: projections.on_instruction_recorded,
}


async def apply_fact(session: AsyncSession, event: Event) -> None:
    """Delegation's own consumer handler for the fact, as if its owner's event had arrived."""
    await FACT_HANDLERS[type(event)](session, event)


async def refuse_red_gates(session: AsyncSession, delegation: Delegation) -> None:
    red = [g for g in await gate_states(session, delegation) if not g.green]
    raise RowRefused(
        [
            FieldProblem(GATE_COLUMN[g.gate], f"not live: waiting for {g.waiting_for}", g.rule)
            for g in red
        ]
    )


def guess(detail: str) -> str:
    """A refusal with no field: the column it most likely concerns, by its words."""
    words = detail.lower()
    for hint, column in (
        ("catalogue", "task_code"),
        ("task", "task_code"),
        ("provider", "provider_organisation"),
        ("registration", "practitioner_registration_number"),
        ("practitioner", "practitioner_professional_body"),
        ("member", "mdt_members"),
        ("discipline", "mdt_members"),
        ("s.22", "s22_merely_incidental_or_ancillary"),
        ("section 22", "s22_merely_incidental_or_ancillary"),
        ("risk", "risk_stability"),
        ("best interests", "best_interests"),
        ("support plan", "new_support_plan_id"),
        ("worker", "workers"),
        ("person", "person_id"),
    ):
        if hint in words:
            return column
    return "row"


ALL_PATHS = PROPOSAL | DECISION | ACCEPTANCE


def explain(exc: DomainError) -> RowRefused:
    return from_domain(exc, ALL_PATHS, guess)
