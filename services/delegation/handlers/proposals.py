"""Proposals and decisions: R1, R3, R9-R14, R29."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.proposals import ProposalState
from services.delegation.handlers import parties, record
from services.delegation.handlers.catalogue import task_in_force
from services.delegation.models import Decision, Delegation, HealthNeed, Proposal, Task
from services.delegation.queries.catalogue import framework_version_in_force
from services.delegation.schemas.proposals import DecisionCreate, ProposalCreate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import InvalidInput, NotFound
from shared.events.delegation import DecisionOutcome, ProposalSubmitted
from shared.events.governance import SharedCareDecision, SharedCareDecisionRecorded
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory
from shared.outbox import publish


def task_rules(task: Task) -> check.Task:
    return check.Task(
        task.code,
        TaskCategory(task.category),
        Delegability(task.delegability),
        task.active,
        task.needs_specific_training,
    )


async def catalogue_entry(session: AsyncSession, task_code: str) -> Task:
    """R10: the entry in force today; entries are deactivated, never deleted."""
    task = await task_in_force(session, task_code)
    if task is None:
        raise InvalidInput("task_code", f"'{task_code}' is not in the task catalogue")
    return task


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
    task = await catalogue_entry(session, body.task_code)
    rules.check_proposal(task_rules(task), body.direction, body.practitioner.competent_in_task)
    await parties.check_provider(session, body.direction, body.provider_organisation)
    if body.health_need_id is not None:
        need = await session.get(HealthNeed, body.health_need_id)
        listed = None if need is None or need.person_id != body.person_id else need.task_codes
        rules.check_health_need(task.code, None if listed is None else tuple(listed))
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
        status=ProposalState.SUBMITTED,
        submitted_on=on,
        idempotency_key=key,
        health_need_id=body.health_need_id,
        proposed_by_organisation=actor.organisation,
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
        proposed_by_organisation=proposal.proposed_by_organisation,
    )


def facts_of(proposal: Proposal) -> rules.Proposal:
    return rules.Proposal(
        proposal.id,
        proposal.person_id,
        proposal.task_code,
        TaskCategory(proposal.category),
        Direction(proposal.direction),
        Setting(proposal.setting),
        ProposalState(proposal.status),
        proposal.registration_number,
    )


def mdt_decision(body: DecisionCreate, recorded_by: str = "") -> rules.MdtDecision:
    risk = body.risk
    s22 = body.section_22
    return rules.MdtDecision(
        outcome=body.outcome,
        members=tuple(check.Member(m.discipline, m.organisation, m.stance) for m in body.members),
        risk=check.RiskAssessment(
            risk.stability, risk.complexity, risk.expected_outcome, tuple(risk.mitigations)
        ),
        best_interests=body.best_interests,
        section_22=None
        if s22 is None
        else check.Section22Test(
            s22.merely_incidental_or_ancillary, s22.of_a_nature_a_local_authority_could_provide
        ),
        clinical_justification=body.clinical_justification,
        section_22_funding=body.section_22_funding,
        reasons=body.reasons,
        question_code=body.question_code,
        question=body.question,
        positions=tuple(body.positions),
        recorded_by=recorded_by,
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
    """R9-R14, R29: the MDT decides once; a concurrent decision gets 409. Its members'
    organisations are partners fitting their disciplines (R2); who decided is recorded."""
    proposal = await proposal_for_update(session, proposal_id)
    await parties.check_members(session, body.members, "members")
    task = task_rules(await catalogue_entry(session, proposal.task_code))
    on = today(session)
    version = (await framework_version_in_force(session, on)).version
    facts, mdt = facts_of(proposal), mdt_decision(body, actor.organisation)
    transition = rules.decide(facts, task, mdt, version, on)
    decision = new_decision(proposal, body.outcome, body.model_dump(mode="json"), version, on)
    decision.source, decision.decided_by = "mdt", actor.user_id
    decision.organisations = mdt.organisations
    session.add(decision)
    delegation = None
    if transition.state is ProposalState.APPROVED:
        terms = check.terms(rules.case_of(facts, task, mdt))
        record_terms(decision, terms)
        delegation = new_delegation(session, proposal, version, task, terms, mdt.organisations)
    await record(session, proposal, transition)
    await audit(session, actor, "proposal.decide", proposal.id, body.outcome)
    return decision, delegation


def record_terms(decision: Decision, terms: check.Terms) -> None:
    """R11: the s.22 test and, when it failed, who funds the task instead of the council."""
    decision.section_22_met = terms.section_22_met
    decision.funding_basis = terms.funding


def new_decision(
    proposal: Proposal, outcome: DecisionOutcome, facts: dict[str, Any], version: int, on: date
) -> Decision:
    """The decision's record; its source and who decided are set by the caller."""
    return Decision(
        id=uuid.uuid4(),
        proposal_id=proposal.id,
        outcome=outcome,
        record=facts,
        framework_version=version,
        decided_on=on,
    )


def new_delegation(
    session: AsyncSession,
    proposal: Proposal,
    version: int,
    task: check.Task,
    terms: check.Terms,
    mdt: list[str],
) -> Delegation:
    """An approved proposal becomes a delegation awaiting the provider (R15), on the terms the
    decision check set (R11), knowing whether the task needs specific training (A 5.13) and
    which organisations' MDT decided it (R13, R26)."""
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
        status=DelegationState.AWAITING_ACCEPTANCE,
        framework_version=version,
        nhs_duty_of_care_retained=rules.nhs_duty_of_care_retained(Direction(proposal.direction)),
        worker_ids=[],
        regular_reviews_raised=0,
        created_at=now(session),
        section_22_met=terms.section_22_met,
        funding_basis=terms.funding,
        needs_specific_training=task.needs_specific_training,
        mdt_organisations=list(mdt),
    )
    session.add(delegation)
    return delegation


async def on_shared_care_decision_recorded(
    session: AsyncSession, event: SharedCareDecisionRecorded
) -> None:
    """R10-R14, R29: the Shared Care discussion's decision is applied to the proposal; a
    'delegate' passes the same decision check as the MDT's approval, on the MDT's record."""
    proposal = await session.scalar(
        select(Proposal).where(Proposal.id == event.proposal_id).with_for_update()
    )
    if proposal is None:
        return
    version = (await framework_version_in_force(session, event.decided_on)).version
    task = task_rules(await catalogue_entry(session, proposal.task_code))
    case = await recorded_case(session, proposal, task, event.rationale)
    refusal = check.refusal(case) if case is not None else MDT_RECORD_MISSING
    mdt = await mdt_organisations(session, proposal.id)
    transition = rules.apply_shared_care(
        facts_of(proposal), event.decision, version, event.decided_on, refusal, tuple(mdt)
    )
    if transition is None:
        return
    outcome = rules.outcome_of(event.decision, refusal)
    decision = new_decision(
        proposal, outcome, event.model_dump(mode="json"), version, event.decided_on
    )
    decision.source, decision.decided_by = "shared_care", f"shared-care:{event.discussion_id}"
    session.add(decision)
    proposal.shared_care_conditions = list(event.conditions)
    if transition.state is ProposalState.APPROVED and case is not None:
        terms = check.terms(case)
        record_terms(decision, terms)
        new_delegation(session, proposal, version, task, terms, mdt)
    elif event.decision is SharedCareDecision.DELEGATE and refusal is not None:
        decision.rule = proposal.refused_rule = refusal.rule
        proposal.refusal_reason = refusal.reason
    await record(session, proposal, transition)
    await audit(session, SYSTEM, "proposal.shared_care_decision", proposal.id, event.rationale)


MDT_RECORD_MISSING = check.Refusal("R9", "the MDT's record of the case is missing")


async def recorded_case(
    session: AsyncSession, proposal: Proposal, task: check.Task, rationale: str | None = None
) -> check.Case | None:
    """The decision check's facts as the MDT recorded them; the Shared Care discussion's
    rationale is the clinical justification when the MDT recorded none (R10)."""
    body = await mdt_record(session, proposal.id)
    if body is None:
        return None
    case = rules.case_of(facts_of(proposal), task, mdt_decision(body))
    justification = (body.clinical_justification or "").strip() or rationale
    return replace(case, clinical_justification=justification)


async def mdt_record(session: AsyncSession, proposal_id: uuid.UUID) -> DecisionCreate | None:
    record = await session.scalar(
        select(Decision.record).where(Decision.proposal_id == proposal_id, Decision.source == "mdt")
    )
    return None if record is None else DecisionCreate.model_validate(record)


async def mdt_organisations(session: AsyncSession, proposal_id: uuid.UUID) -> list[str]:
    """The organisations of the MDT that could not agree: they stay the delegation's MDT."""
    found = await session.scalar(
        select(Decision.organisations).where(
            Decision.proposal_id == proposal_id, Decision.source == "mdt"
        )
    )
    return list(found or [])


async def shared_care_rationale(session: AsyncSession, proposal_id: uuid.UUID) -> str | None:
    record = await session.scalar(
        select(Decision.record).where(
            Decision.proposal_id == proposal_id, Decision.source == "shared_care"
        )
    )
    return None if record is None else str(record.get("rationale") or "") or None
