"""R20: runs of funded minutes opened and closed, funding gaps declared, and the funding decision
that settles what Health funded without prejudice."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import apportionment, segments
from services.funding.domain.lines import CostLine, lines_behind
from services.funding.domain.money import Owed
from services.funding.models import FundedDelegation, FundingGap, FundingSegment, Settlement
from services.funding.queries.rates import rates_of
from services.funding.queries.segments import as_funded, segments_of
from services.funding.schemas.segments import FundingDecisionCreate, FundingGapCreate
from services.funding.settings import Settings
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now, today
from shared.errors import NotFound
from shared.outbox import publish


async def open_segment(
    session: AsyncSession,
    delegation: FundedDelegation,
    on: date,
    cause: str,
    until: date | None = None,
    minutes: int | None = None,
    accrues_from: date | None = None,
) -> FundingSegment:
    """R19/R20: the payer funds the delegation's minutes from `on` at the rate then in force;
    with no rate in force yet the run waits for one and its event is published when it comes."""
    segment = FundingSegment(
        id=uuid4(),
        delegation_id=delegation.delegation_id,
        person_id=delegation.person_id,
        payer=delegation.payer,
        provider_organisation=delegation.provider_organisation,
        minutes_per_week=delegation.minutes_per_week if minutes is None else minutes,
        effective_from=on,
        effective_to=until,
        without_prejudice=delegation.funding_pending,
        accrues_from=accrues_from or on,
        awaiting_rate=False,
        cause=cause,
        recorded_at=now(session),
    )
    rate = apportionment.rate_in_force(
        await rates_of(session, delegation.provider_organisation), on
    )
    segment.awaiting_rate = rate is None and segment.minutes_per_week > 0
    session.add(segment)
    if not segment.awaiting_rate:
        await publish(session, apportionment.apportioned(as_funded(segment), rate, on))
    return segment


async def close_open_segment(
    session: AsyncSession, delegation: FundedDelegation, on: date
) -> FundingSegment | None:
    """The cost stops from `on` (never before the run began)."""
    segment = await session.scalar(
        select(FundingSegment).where(
            FundingSegment.delegation_id == delegation.delegation_id,
            FundingSegment.effective_to.is_(None),
        )
    )
    if segment is not None:
        segment.effective_to = max(on, segment.effective_from)
    return segment


async def declare_funding_gap(
    session: AsyncSession, actor: CurrentUser, body: FundingGapCreate
) -> tuple[FundingGap, bool]:
    """R20: a commissioner says a healthcare task has no funding decision yet (before it goes
    live); True when this call declared it."""
    existing = await session.get(FundingGap, body.delegation_id)
    if existing is not None:
        return existing, False
    delegation = await session.get(FundedDelegation, body.delegation_id)
    if delegation is not None:
        state = segments.state_of(delegation.funding_pending)
        segments.may_declare_gap(state, delegation.payer, body.delegation_id)
    gap = FundingGap(
        delegation_id=body.delegation_id,
        person_id=body.person_id,
        reason=body.reason,
        declared_by=actor.user_id,
        organisation=actor.organisation,
        declared_at=now(session),
    )
    session.add(gap)
    await audit(session, actor, "funding_gap.declare", body.delegation_id, body.reason)
    return gap, True


async def make_funding_decision(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: FundingDecisionCreate
) -> FundedDelegation:
    """R20: the funding decision names who pays; what Health paid without prejudice is settled
    back to the start date to the penny, and the named organisation pays from the decision."""
    health = Settings.of(session).health_commissioner
    delegation = await _concerning(session, actor, delegation_id, health)
    runs = await segments_of(session, delegation_id)
    lines = await _lines_until(session, delegation, runs, body.decided_on)
    pending = segments.Pending(
        delegation.person_id,
        delegation_id,
        segments.state_of(delegation.funding_pending),
        delegation.start_date,
    )
    decided = segments.decide_funding(
        pending,
        accountable_organisation=body.accountable_organisation,
        decided_on=body.decided_on,
        today=today(session),
        health_commissioner=health,
        lines=lines,
    )
    delegation.funding_pending = decided.state is segments.FundingState.WITHOUT_PREJUDICE
    delegation.payer, delegation.decided_on = body.accountable_organisation, body.decided_on
    await _hand_over(session, delegation, runs, body.decided_on)
    for owed in decided.settlements:
        session.add(_settlement(delegation, owed, body.decided_on, lines))
    for event in decided.events:
        await publish(session, event)
    why = f"R20 decided: {body.accountable_organisation} pays from {delegation.start_date}"
    await audit(session, actor, "funding_decision.make", delegation_id, why)
    return delegation


async def _concerning(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, health: str
) -> FundedDelegation:
    """The delegation, for Health and the organisations it concerns only (others get 404)."""
    delegation = await session.get(FundedDelegation, delegation_id)
    concerned = {health}
    if delegation is not None:
        concerned |= {delegation.local_authority, delegation.accountable_organisation}
    if delegation is None or actor.organisation not in concerned:
        raise NotFound(f"no funding on record for delegation {delegation_id}")
    return delegation


async def _lines_until(
    session: AsyncSession,
    delegation: FundedDelegation,
    runs: Sequence[FundingSegment],
    until: date,
) -> list[CostLine]:
    rates = await rates_of(session, delegation.provider_organisation)
    return [
        line
        for run in runs
        for line in apportionment.cost_lines(as_funded(run), rates, delegation.start_date, until)
    ]


def _settlement(
    delegation: FundedDelegation, owed: Owed, decided_on: date, lines: list[CostLine]
) -> Settlement:
    return Settlement(
        id=uuid4(),
        kind="without_prejudice",
        source_id=delegation.delegation_id,
        person_id=delegation.person_id,
        payer=owed.payer,
        payee=owed.payee,
        amount_pence=owed.amount_pence,
        period_start=delegation.start_date,
        period_end=decided_on,
        settled_on=decided_on,
        lines=lines_behind(lines, [replace(ln, organisation=owed.payer) for ln in lines]),
    )


async def _hand_over(
    session: AsyncSession,
    delegation: FundedDelegation,
    runs: Sequence[FundingSegment],
    decided_on: date,
) -> None:
    """From the decision the named organisation funds the runs Health funded without prejudice."""
    for segment in runs:
        if not segment.without_prejudice:
            continue
        if segment.effective_from >= decided_on:
            segment.payer, segment.without_prejudice = delegation.payer, False
            if segment.awaiting_rate:
                continue  # apportioned, to its new payer, when the rate comes
            rates = await rates_of(session, segment.provider_organisation)
            rate = apportionment.rate_in_force(rates, segment.effective_from)
            event = apportionment.apportioned(as_funded(segment), rate, segment.effective_from)
            await publish(session, event)
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
