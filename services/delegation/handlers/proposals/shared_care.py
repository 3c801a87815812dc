"""The Shared Care discussion's decision applied to a proposal the MDT could not agree on (R10-R14,
R29), on the MDT's record of the case."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as rules
from services.delegation.domain.proposals import ProposalState
from services.delegation.handlers import record
from services.delegation.handlers.proposals.decisions import (
    mdt_decision,
    new_decision,
    new_delegation,
    record_plan,
    record_terms,
)
from services.delegation.handlers.proposals.submission import catalogue_entry, facts_of, task_rules
from services.delegation.models import Decision, Proposal
from services.delegation.queries.catalogue import framework_version_in_force
from services.delegation.schemas.proposals import DecisionCreate
from shared.audit import audit
from shared.auth import SYSTEM
from shared.events.governance import SharedCareDecision, SharedCareDecisionRecorded


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
        record_plan(new_delegation(session, proposal, version, task, terms, mdt), case)
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
    return None if record is None else DecisionCreate.model_validate(earlier(record))


def earlier(record: dict[str, Any]) -> dict[str, Any]:
    """A record made before R9 named each member and their presence: members taken as present,
    identified by their place in the list."""
    members = [
        {"staff_id": f"member-{i}", "present": True} | m
        for i, m in enumerate(record.get("members") or [])
    ]
    return record | {"members": members}


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
