"""The MDT's decision on a proposal (R9-R14, R29): an approval makes the delegation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import decisions as check
from services.delegation.domain import parties as domain_parties
from services.delegation.domain import proposals as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.mdt import Involvement
from services.delegation.domain.proposals import ProposalState
from services.delegation.handlers.proposals.submission import catalogue_entry, facts_of, task_rules
from services.delegation.models import (
    CatalogueRuling,
    Decision,
    Delegation,
    FrameworkVersion,
    Proposal,
    Task,
)
from services.delegation.queries.catalogue import framework_version_in_force
from services.delegation.schemas.proposals import DecisionCreate, Member, Risk
from shared.audit import audit_row
from shared.auth import CurrentUser
from shared.db import now, today
from shared.errors import InvalidInput, NotFound
from shared.events.delegation import DecisionOutcome
from shared.events.vocabulary import Direction
from shared.organisations import Organisation, organisations
from shared.outbox import publish_all


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


@dataclass(frozen=True)
class Reads:
    """What a decision reads besides its body, in one round trip (`decision_reads`)."""

    proposal: Proposal
    task: check.Task | None  # None: no entry, or a ruling for it is due (read it the long way)
    version: int | None  # the Framework version in force on the day; None: none was
    register: dict[str, Organisation]  # the members' organisations found in the register


async def decision_reads(
    session: AsyncSession, proposal_id: uuid.UUID, members: Sequence[Member], on: date
) -> Reads:
    """The proposal, locked, with its catalogue entry as in force on `on`, the Framework version
    in force on `on` and the members' organisations from the register, in one statement.

    Read from the database in the statement that locks the proposal, so never stale and with
    no cache to keep (each is as `catalogue_entry`, `framework_version_in_force` and
    `organisations.named` would read it, one statement later). A ruling for the task whose date
    has come is applied first by `catalogue_entry`, as before: the caller takes that path when
    `task` is None."""
    due = (
        select(CatalogueRuling.ruling_id)
        .where(
            CatalogueRuling.task_code == Proposal.task_code,
            CatalogueRuling.applied_on.is_(None),
            CatalogueRuling.effective_from <= on,
        )
        .exists()
    )
    in_force = (
        select(FrameworkVersion.version)
        .where(FrameworkVersion.effective_from <= on)
        .order_by(FrameworkVersion.effective_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    codes = sorted({m.organisation for m in members})
    statement = (
        select(Proposal, Task, in_force, due, *organisations.c)
        .outerjoin(Task, Task.code == Proposal.task_code)
        .outerjoin(organisations, organisations.c.ods_code.in_(codes))
        .where(Proposal.id == proposal_id)
        .with_for_update(of=Proposal)
    )
    rows = (await session.execute(statement)).all()
    if not rows:
        raise NotFound(f"no proposal {proposal_id}")
    proposal, task, version, ruling_due = rows[0][:4]
    register = {row.ods_code: Organisation.of(row) for row in rows if row.ods_code is not None}
    entry = None if task is None or ruling_due else task_rules(task)
    return Reads(proposal, entry, version, register)


def check_members(members: Sequence[Member], register: dict[str, Organisation]) -> None:
    """R2, R9: as `parties.check_members`, on organisations already read."""
    for index, member in enumerate(members):
        name = f"members.{index}.organisation"
        found = register.get(member.organisation)
        if found is None:
            raise InvalidInput(
                name, f"'{member.organisation}' is not an organisation in the register (R2)"
            )
        domain_parties.check_member(name, member.discipline, member.organisation, found.kind)


async def decide_proposal(
    session: AsyncSession, actor: CurrentUser, proposal_id: uuid.UUID, body: DecisionCreate
) -> tuple[Decision, Delegation | None]:
    """R9-R14, R29: the MDT decides once; a concurrent decision gets 409. Its members'
    organisations are partners fitting their disciplines (R2); who decided is recorded."""
    on = today(session)
    reads = await decision_reads(session, proposal_id, body.members, on)
    proposal = reads.proposal
    check_members(body.members, reads.register)
    task = reads.task or task_rules(await catalogue_entry(session, proposal.task_code))
    version = reads.version
    if version is None:
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
    # As `record` and `audit`, with the events and the audit row in one round trip.
    proposal.status = transition.state
    audited = audit_row(session, actor, "proposal.decide", proposal.id, body.outcome)
    await publish_all(session, transition.events, with_row=audited)
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
