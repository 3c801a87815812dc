"""R19/R20: delegations' additional time apportioned, stopped, restarted, and settled."""

import dataclasses
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding import queries
from services.funding.domain import apportionment
from services.funding.domain.lines import CostLine
from services.funding.handlers.segments import close_open_segment, locked_delegation, open_segment
from services.funding.models import FundedDelegation, FundingGap, FundingSegment, Settlement
from services.funding.schemas import FundingDecisionCreate, FundingGapCreate
from services.funding.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.errors import Conflict, NotFound
from shared.events import funding as events
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    ReviewCompleted,
    ReviewOutcome,
    TaskDelegated,
)
from shared.outbox import publish, session_clock

LIVE, SUSPENDED, ENDED = "live", "suspended", "ended"


async def on_task_delegated(session: AsyncSession, event: TaskDelegated) -> None:
    """R19: record the apportionment (zero cost when no minutes are added); R20: a healthcare
    task with no funding decision is funded by Health without prejudice from the start."""
    if await session.get(FundedDelegation, event.delegation_id) is not None:
        return
    settings = Settings.of(session)
    funder = apportionment.funder_of(
        event.category,
        event.accountable_organisation,
        event.local_authority,
        funding_gap=await session.get(FundingGap, event.delegation_id) is not None,
        undecided=frozenset(o.upper() for o in settings.undecided_organisations),
        health_commissioner=settings.health_commissioner,
    )
    delegation = FundedDelegation(
        delegation_id=event.delegation_id,
        person_id=event.person_id,
        task_code=event.task_code,
        category=event.category.value,
        direction=event.direction.value,
        accountable_organisation=event.accountable_organisation,
        local_authority=event.local_authority,
        provider_organisation=event.provider_organisation,
        minutes_per_week=event.additional_minutes_per_week,
        start_date=event.start_date,
        status=LIVE,
        payer=funder.organisation,
        funding_pending=funder.without_prejudice,
        decided_on=None,
    )
    session.add(delegation)
    await session.flush()
    await open_segment(session, delegation, event.start_date, "task_delegated")
    why = "R20 without prejudice" if funder.without_prejudice else "R19"
    await audit(session, SYSTEM, "apportionment.record", event.delegation_id, why)


async def on_review_completed(session: AsyncSession, event: ReviewCompleted) -> None:
    """R19: changed minutes re-apportion the cost from the review's effective date."""
    if event.outcome is not ReviewOutcome.CHANGE_MINUTES:
        return
    delegation = await locked_delegation(session, event.delegation_id)
    if delegation is None or delegation.status == ENDED:
        return
    delegation.minutes_per_week = event.additional_minutes_per_week
    if delegation.status == LIVE:
        closed = await close_open_segment(session, delegation, event.effective_date)
        since = max(event.effective_date, closed.effective_from if closed else event.effective_date)
        await open_segment(session, delegation, since, "review")
    await audit(session, SYSTEM, "apportionment.review", event.delegation_id, "R19 minutes changed")


async def on_delegation_suspended(session: AsyncSession, event: DelegationSuspended) -> None:
    """R19: a suspended delegation's cost stops from the suspension date."""
    delegation = await locked_delegation(session, event.delegation_id)
    if delegation is None or delegation.status != LIVE:
        return
    await _stop(session, delegation, SUSPENDED, event.effective_date, f"suspended: {event.reason}")


async def on_delegation_ended(session: AsyncSession, event: DelegationEnded) -> None:
    """R19: an ended delegation's cost stops from the end date."""
    delegation = await locked_delegation(session, event.delegation_id)
    if delegation is None or delegation.status == ENDED:
        return
    await _stop(session, delegation, ENDED, event.effective_date, f"ended: {event.reason}")


async def _stop(
    session: AsyncSession, delegation: FundedDelegation, status: str, on: date, reason: str
) -> None:
    if delegation.status == LIVE:
        await close_open_segment(session, delegation, on)
    delegation.status = status
    await publish(
        session, apportionment.stopped(delegation.person_id, delegation.delegation_id, on, reason)
    )
    await audit(session, SYSTEM, "apportionment.stop", delegation.delegation_id, reason)


async def on_delegation_resumed(session: AsyncSession, event: DelegationResumed) -> None:
    """R19: a resumed delegation's cost restarts from the date it resumes."""
    delegation = await locked_delegation(session, event.delegation_id)
    if delegation is None or delegation.status != SUSPENDED:
        return
    delegation.status = LIVE
    await open_segment(session, delegation, event.effective_date, "resumed")
    await audit(session, SYSTEM, "apportionment.restart", event.delegation_id, "resumed")


async def declare_funding_gap(
    session: AsyncSession, actor: CurrentUser, body: FundingGapCreate
) -> tuple[FundingGap, bool]:
    """R20: a commissioner says a healthcare task has no funding decision yet (before it goes
    live); True when this call declared it."""
    existing = await session.get(FundingGap, body.delegation_id)
    if existing is not None:
        return existing, False
    delegation = await session.get(FundedDelegation, body.delegation_id)
    if delegation is not None and not delegation.funding_pending:
        raise Conflict(
            f"funding of this delegation was apportioned to {delegation.payer} when it went live",
            existing=f"/delegations/{body.delegation_id}/funding",
        )
    gap = FundingGap(
        delegation_id=body.delegation_id,
        person_id=body.person_id,
        reason=body.reason,
        declared_by=actor.user_id,
        organisation=actor.organisation,
        declared_at=session_clock(session).now(),
    )
    session.add(gap)
    await audit(session, actor, "funding_gap.declare", body.delegation_id, body.reason)
    return gap, True


async def make_funding_decision(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: FundingDecisionCreate
) -> FundedDelegation:
    """R20: the funding decision names who pays; what Health paid without prejudice is settled
    back to the start date to the penny, and the named organisation pays from the decision."""
    settings = Settings.of(session)
    delegation = await locked_delegation(session, delegation_id)
    concerned = {settings.health_commissioner}
    if delegation is not None:
        concerned |= {delegation.local_authority, delegation.accountable_organisation}
    if delegation is None or actor.organisation not in concerned:
        raise NotFound(f"no funding on record for delegation {delegation_id}")
    apportionment.decide_funding(
        pending=delegation.funding_pending,
        start_date=delegation.start_date,
        decided_on=body.decided_on,
        today=session_clock(session).now().date(),
        accountable_organisation=body.accountable_organisation,
    )
    segments = await queries.segments_of(session, delegation_id)
    rates = await queries.rates_of(session, delegation.provider_organisation)
    lines = [
        line
        for s in segments
        for line in apportionment.cost_lines(
            queries.as_funded(s), rates, delegation.start_date, body.decided_on
        )
    ]
    owed = apportionment.without_prejudice_settlement(
        lines, settings.health_commissioner, body.accountable_organisation
    )
    delegation.payer, delegation.funding_pending = body.accountable_organisation, False
    delegation.decided_on = body.decided_on
    await _hand_over(session, delegation, segments, body.decided_on)
    for o in owed:
        session.add(
            Settlement(
                id=uuid4(),
                kind="without_prejudice",
                source_id=delegation_id,
                person_id=delegation.person_id,
                payer=o.payer,
                payee=o.payee,
                amount_pence=o.amount_pence,
                period_start=delegation.start_date,
                period_end=body.decided_on,
                settled_on=body.decided_on,
                lines=lines_behind(lines, [replace(ln, organisation=o.payer) for ln in lines]),
            )
        )
    await publish(
        session,
        events.WithoutPrejudiceSettled(
            person_id=delegation.person_id,
            delegation_id=delegation_id,
            accountable_organisation=body.accountable_organisation,
            start_date=delegation.start_date,
            decided_on=body.decided_on,
            settlements=[events.Settlement(**dataclasses.asdict(o)) for o in owed],
        ),
    )
    why = f"R20 decided: {body.accountable_organisation} pays from {delegation.start_date}"
    await audit(session, actor, "funding_decision.make", delegation_id, why)
    return delegation


async def _hand_over(
    session: AsyncSession,
    delegation: FundedDelegation,
    segments: Sequence[FundingSegment],
    decided_on: date,
) -> None:
    """From the decision the named organisation funds the runs Health funded without prejudice."""
    for segment in segments:
        if not segment.without_prejudice:
            continue
        if segment.effective_from >= decided_on:
            segment.payer, segment.without_prejudice = delegation.payer, False
            if segment.awaiting_rate:
                continue  # apportioned, to its new payer, when the rate comes
            rates = await queries.rates_of(session, segment.provider_organisation)
            rate = apportionment.rate_in_force(rates, segment.effective_from)
            funded = queries.as_funded(segment)
            await publish(session, apportionment.apportioned(funded, rate, segment.effective_from))
        elif segment.effective_to is None or segment.effective_to > decided_on:
            until, segment.effective_to = segment.effective_to, decided_on
            await open_segment(
                session,
                delegation,
                decided_on,
                "funding_decision",
                until,
                segment.minutes_per_week,
                segment.accrues_from,
            )


def lines_behind(paid: Sequence[CostLine], owed: Sequence[CostLine]) -> dict[str, Any]:
    """A settlement's sources: the lines as paid and the same days as they are owed."""
    return {"paid": [line_document(ln) for ln in paid], "owed": [line_document(ln) for ln in owed]}


def line_document(line: CostLine) -> dict[str, Any]:
    """A line as JSON: every figure with what it came from."""
    document: dict[str, Any] = {
        k: (v if v is None or isinstance(v, int | bool) else str(v))
        for k, v in dataclasses.asdict(line).items()
    }
    document["days"] = line.days
    return document
