"""Proposals and decisions: R1, R3, R9-R14, R29."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation import queries
from services.delegation.domain import decision as rules
from services.delegation.handlers.common import today
from services.delegation.models import (
    Decision,
    Delegation,
    DelegationStatus,
    Proposal,
    ProposalStatus,
    Task,
)
from services.delegation.schemas import DecisionCreate, ProposalCreate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.delegation import DecisionOutcome, DelegationDecided, ProposalSubmitted
from shared.events.governance import SharedCareDecision, SharedCareDecisionRecorded
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory
from shared.outbox import publish, session_clock

STATUS_AFTER = {
    DecisionOutcome.APPROVED: ProposalStatus.APPROVED,
    DecisionOutcome.REFUSED: ProposalStatus.REFUSED,
    DecisionOutcome.NO_CONSENSUS: ProposalStatus.AWAITING_SHARED_CARE,
}


def task_rules(task: Task) -> rules.Task:
    return rules.Task(
        task.code, TaskCategory(task.category), Delegability(task.delegability), task.active
    )


async def submit_proposal(
    session: AsyncSession, actor: CurrentUser, body: ProposalCreate, idempotency_key: str | None
) -> tuple[Proposal, bool]:
    """R1, R3, R13: a registered practitioner proposes; a repeated key returns the first."""
    if idempotency_key is not None:
        existing = await session.scalar(
            select(Proposal).where(Proposal.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return existing, False
    task = await session.get(Task, body.task_code)
    if task is None:
        raise InvalidInput("task_code", f"'{body.task_code}' is not in the task catalogue")
    rules.check_proposal(task_rules(task), body.direction, body.practitioner.competent_in_task)
    proposal = new_proposal(actor, body, task, idempotency_key, today(session))
    session.add(proposal)
    await publish(session, submitted(proposal))
    await audit(session, actor, "proposal.submit", proposal.id, body.task_code)
    return proposal, True


def new_proposal(
    actor: CurrentUser, body: ProposalCreate, task: Task, key: str | None, on: date
) -> Proposal:
    return Proposal(
        id=uuid.uuid4(),
        person_id=body.person_id,
        task_code=task.code,
        category=task.category,
        direction=body.direction,
        setting=body.setting,
        practitioner_id=actor.user_id,
        professional_body=body.practitioner.professional_body,
        registration_number=body.practitioner.registration_number,
        provider_organisation=body.provider_organisation,
        frequency=body.frequency,
        additional_minutes_per_week=body.additional_minutes_per_week,
        contact_arrangements=body.contact_arrangements,
        status=ProposalStatus.SUBMITTED,
        submitted_on=on,
        idempotency_key=key,
    )


def submitted(proposal: Proposal) -> ProposalSubmitted:
    return ProposalSubmitted(
        person_id=proposal.person_id,
        proposal_id=proposal.id,
        task_code=proposal.task_code,
        category=TaskCategory(proposal.category),
        direction=Direction(proposal.direction),
        setting=Setting(proposal.setting),
        provider_organisation=proposal.provider_organisation,
        additional_minutes_per_week=proposal.additional_minutes_per_week,
        submitted_on=proposal.submitted_on,
    )


def facts_of(proposal: Proposal) -> rules.Proposal:
    return rules.Proposal(
        proposal.id,
        proposal.person_id,
        proposal.task_code,
        TaskCategory(proposal.category),
        Direction(proposal.direction),
        Setting(proposal.setting),
    )


def mdt_decision(body: DecisionCreate) -> rules.MdtDecision:
    risk = body.risk
    s22 = body.section_22
    return rules.MdtDecision(
        outcome=body.outcome,
        members=tuple(rules.Member(m.discipline, m.organisation) for m in body.members),
        risk=rules.RiskAssessment(
            risk.stability, risk.complexity, risk.expected_outcome, tuple(risk.mitigations)
        ),
        best_interests=body.best_interests,
        section_22=None
        if s22 is None
        else rules.Section22Test(
            s22.merely_incidental_or_ancillary, s22.of_a_nature_a_local_authority_could_provide
        ),
        clinical_justification=body.clinical_justification,
        reasons=body.reasons,
        question=body.question,
        positions=tuple(body.positions),
    )


async def proposal_for_update(session: AsyncSession, proposal_id: uuid.UUID) -> Proposal:
    proposal = await session.scalar(
        select(Proposal).where(Proposal.id == proposal_id).with_for_update()
    )
    if proposal is None:
        raise NotFound(f"no proposal {proposal_id}")
    return proposal


async def decide_proposal(
    session: AsyncSession, actor: CurrentUser, proposal_id: uuid.UUID, body: DecisionCreate
) -> tuple[Decision, Delegation | None]:
    """R9-R14, R29: the MDT decides once, under the proposal's row lock."""
    proposal = await proposal_for_update(session, proposal_id)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise Conflict(
            f"proposal {proposal_id} is already {proposal.status}",
            existing=f"/proposals/{proposal_id}",
        )
    task = await session.get(Task, proposal.task_code)
    assert task is not None  # catalogue entries are deactivated, never deleted
    on = today(session)
    version = (await queries.framework_version_in_force(session, on)).version
    events = rules.decide(facts_of(proposal), task_rules(task), mdt_decision(body), version, on)
    decision = Decision(
        id=uuid.uuid4(),
        proposal_id=proposal.id,
        source="mdt",
        outcome=body.outcome,
        record=body.model_dump(mode="json"),
        framework_version=version,
        decided_on=on,
        decided_by=actor.user_id,
    )
    session.add(decision)
    proposal.status = STATUS_AFTER[body.outcome]
    delegation = None
    if body.outcome is DecisionOutcome.APPROVED:
        delegation = new_delegation(session, proposal, version)
    for event in events:
        await publish(session, event)
    await audit(session, actor, "proposal.decide", proposal.id, body.outcome)
    return decision, delegation


def new_delegation(session: AsyncSession, proposal: Proposal, version: int) -> Delegation:
    """An approved proposal becomes a delegation awaiting the provider (R15)."""
    delegation = Delegation(
        id=uuid.uuid4(),
        proposal_id=proposal.id,
        person_id=proposal.person_id,
        task_code=proposal.task_code,
        category=proposal.category,
        direction=proposal.direction,
        setting=proposal.setting,
        provider_organisation=proposal.provider_organisation,
        practitioner_id=proposal.practitioner_id,
        professional_body=proposal.professional_body,
        registration_number=proposal.registration_number,
        additional_minutes_per_week=proposal.additional_minutes_per_week,
        frequency=proposal.frequency,
        contact_arrangements=proposal.contact_arrangements,
        status=DelegationStatus.AWAITING_ACCEPTANCE,
        framework_version=version,
        nhs_duty_of_care_retained=rules.nhs_duty_of_care_retained(Direction(proposal.direction)),
        worker_ids=[],
        regular_reviews_raised=0,
        created_at=session_clock(session).now(),
    )
    session.add(delegation)
    return delegation


async def on_shared_care_decision_recorded(
    session: AsyncSession, event: SharedCareDecisionRecorded
) -> None:
    """R14, R29: the Shared Care discussion's decision is applied to the proposal."""
    proposal = await session.scalar(
        select(Proposal).where(Proposal.id == event.proposal_id).with_for_update()
    )
    if proposal is None or proposal.status != ProposalStatus.AWAITING_SHARED_CARE:
        return
    version = (await queries.framework_version_in_force(session, event.decided_on)).version
    outcome = (
        DecisionOutcome.APPROVED
        if event.decision is SharedCareDecision.DELEGATE
        else DecisionOutcome.REFUSED
    )
    session.add(
        Decision(
            id=uuid.uuid4(),
            proposal_id=proposal.id,
            source="shared_care",
            outcome=outcome,
            record=event.model_dump(mode="json"),
            framework_version=version,
            decided_on=event.decided_on,
            decided_by=f"shared-care:{event.discussion_id}",
        )
    )
    proposal.status = STATUS_AFTER[outcome]
    proposal.shared_care_conditions = list(event.conditions)
    if outcome is DecisionOutcome.APPROVED:
        new_delegation(session, proposal, version)
    await publish(
        session,
        DelegationDecided(
            person_id=proposal.person_id,
            proposal_id=proposal.id,
            outcome=outcome,
            framework_version=version,
            decided_on=event.decided_on,
        ),
    )
    await audit(session, SYSTEM, "proposal.shared_care_decision", proposal.id, event.rationale)
