"""R28: Framework use per person, projected from events, and the aggregated equality report."""

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain.equality import Measure, equality_rows
from services.assessment.models import EqualityProfile, EqualityReport, FrameworkUse
from services.assessment.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM
from shared.db import now, today
from shared.events.assessment import EqualityReportCompiled
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    ProposalSubmitted,
    SharedCareRequested,
)
from shared.events.funding import DisputeRaised
from shared.events.governance import EqualityReportRequested
from shared.outbox import publish


async def count_use(
    session: AsyncSession, person_id: UUID, measure: Measure, source_id: UUID, on: date
) -> None:
    """One use per measure and source (a proposal, a dispute), however often it is told."""
    seen = await session.scalar(
        select(FrameworkUse.id).where(
            FrameworkUse.measure == measure.value, FrameworkUse.source_id == source_id
        )
    )
    if seen is None:
        session.add(
            FrameworkUse(
                person_id=person_id, measure=measure.value, source_id=source_id, occurred_on=on
            )
        )


async def on_proposal_submitted(session: AsyncSession, event: ProposalSubmitted) -> None:
    """R28: a proposal to delegate counts as use of the Framework."""
    await count_use(
        session, event.person_id, Measure.PROPOSALS, event.proposal_id, event.submitted_on
    )


async def on_delegation_decided(session: AsyncSession, event: DelegationDecided) -> None:
    """R28: approvals and refusals; no consensus is counted as an escalation instead."""
    measure = {
        DecisionOutcome.APPROVED: Measure.APPROVALS,
        DecisionOutcome.REFUSED: Measure.REFUSALS,
    }.get(event.outcome)
    if measure is not None:
        await count_use(session, event.person_id, measure, event.proposal_id, event.decided_on)


async def on_shared_care_requested(session: AsyncSession, event: SharedCareRequested) -> None:
    """R28: an escalation to Shared Care (the event carries no date: the day it arrives)."""
    await count_use(
        session, event.person_id, Measure.ESCALATIONS, event.proposal_id, today(session)
    )


async def on_dispute_raised(session: AsyncSession, event: DisputeRaised) -> None:
    """R28: a joint-funding dispute about the person's package."""
    await count_use(session, event.person_id, Measure.DISPUTES, event.dispute_id, event.raised_on)


async def on_equality_report_requested(
    session: AsyncSession, event: EqualityReportRequested
) -> None:
    """R28: compile the period's report per protected characteristic; aggregates only."""
    if await session.get(EqualityReport, event.report_id) is not None:
        return
    rows = await session.execute(
        select(FrameworkUse.measure, EqualityProfile.characteristics)
        .outerjoin(EqualityProfile, EqualityProfile.person_id == FrameworkUse.person_id)
        .where(FrameworkUse.occurred_on.between(event.period_start, event.period_end))
    )
    uses = [(Measure(measure), profile) for measure, profile in rows]
    session.add(
        EqualityReport(
            report_id=event.report_id,
            period_start=event.period_start,
            period_end=event.period_end,
            compiled_at=now(session),
        )
    )
    await publish(
        session,
        EqualityReportCompiled(
            report_id=event.report_id,
            period_start=event.period_start,
            period_end=event.period_end,
            rows=equality_rows(uses, Settings.of(session).equality_suppress_below),
        ),
    )
    await audit(session, SYSTEM, "equality_report.compile", event.report_id, f"{len(uses)} uses")
