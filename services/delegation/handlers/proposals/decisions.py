"""The MDT's decision on a proposal (R9-R14, R29): an approval makes the delegation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.mdt import Involvement
from services.delegation.domain.proposals import ProposalState
from services.delegation.handlers import parties, record
from services.delegation.handlers.proposals.submission import catalogue_entry, facts_of, task_rules
from services.delegation.models import Decision, Delegation, Proposal
from services.delegation.queries.catalogue import framework_version_in_force
from services.delegation.schemas.proposals import DecisionCreate, Member, Risk
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now, today
from shared.errors import NotFound
from shared.events.delegation import DecisionOutcome
from shared.events.vocabulary import Direction


def mdt_decision(body: DecisionCreate, recorded_by: str = "") -> rules.MdtDecision:
    s22, plan = body.section_22, body.new_support_plan
    return rules.MdtDecision(
        outcome=body.outcome,
        members=members_of(body.members),
        risk=risk_of(body.risk),
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
        involvement=Involvement(
            body.person_involved,
            body.family_or_carers_involved,
            body.person_not_involved_reason,
            body.family_not_involved_reason,
        ),
        new_support_plan=None if plan is None else check.SupportPlanRef(plan.plan_id, plan.version),
    )


def members_of(members: Sequence[Member]) -> tuple[check.Member, ...]:
    """R9, R14: each member as the MDT recorded them."""
    return tuple(
        check.Member(m.discipline, m.organisation, m.stance, m.staff_id, m.present) for m in members
    )


def risk_of(risk: Risk) -> check.RiskAssessment:
    """R12: the risk and benefit assessment as the MDT recorded it."""
    return check.RiskAssessment(
        risk.stability,
        risk.complexity,
        risk.expected_outcome,
        tuple(risk.mitigations),
        risk.oversight_interval_days,
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
        case = rules.case_of(facts, task, mdt)
        terms = check.terms(case)
        record_terms(decision, terms)
        delegation = new_delegation(session, proposal, version, task, terms, mdt.organisations)
        record_plan(delegation, case)
    await record(session, proposal, transition)
    await audit(session, actor, "proposal.decide", proposal.id, body.outcome)
    return decision, delegation


def record_terms(decision: Decision, terms: check.Terms) -> None:
    """R11: the s.22 test and, when it failed, who funds the task instead of the council."""
    decision.section_22_met = terms.section_22_met
    decision.funding_basis = terms.funding


def record_plan(delegation: Delegation, case: check.Case) -> None:
    """R12, R19: the oversight interval and the new support plan the MDT agreed."""
    delegation.oversight_interval_days = case.risk.oversight_interval_days
    if case.new_support_plan is not None:
        delegation.support_plan_id = case.new_support_plan.plan_id
        delegation.support_plan_version = case.new_support_plan.version


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
        competence_basis=proposal.competence_basis,
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
