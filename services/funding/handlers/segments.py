"""R20: runs of funded minutes opened and closed, funding gaps declared, and the funding decision
that settles what Health funded without prejudice."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import apportionment, segments
from services.funding.domain.lines import CostLine, lines_behind
from services.funding.domain.money import Owed
from services.funding.handlers.organisations import commissioning, named_commissioner
from services.funding.models import (
    FundedDelegation,
    FundingGap,
    FundingSegment,
    HealthCover,
    Settlement,
)
from services.funding.queries.covers import covers_pending
from services.funding.queries.rates import rates_of
from services.funding.queries.segments import as_funded, segments_of
from services.funding.queries.versions import framework_version_in_force
from services.funding.schemas.segments import FundingDecisionCreate, FundingGapCreate
from services.funding.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import InvalidInput, NotFound
from shared.events.delegation import TaskDelegated
from shared.outbox import publish
from shared.relationships import related


async def open_segment(
    session: AsyncSession,
    delegation: FundedDelegation,
    on: date,
    cause: str,
    until: date | None = None,
    minutes: int | None = None,
    accrues_from: date | None = None,
) -> FundingSegment:
    """R19/R20: the payer funds the delegation's minutes from `on` at its rate for the provider
    then in force; with no rate in force yet the run waits for one and its event is published
    when it comes."""
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
    return await start_run(session, segment)


async def start_run(session: AsyncSession, segment: FundingSegment) -> FundingSegment:
    """Record a run at the rate in force on its first day and publish it; with no rate in
    force yet it waits for one (`rates`)."""
    rates = await rates_of(session, segment.payer, segment.provider_organisation)
    rate = apportionment.rate_in_force(rates, segment.effective_from)
    segment.awaiting_rate = rate is None and segment.minutes_per_week > 0
    session.add(segment)
    if not segment.awaiting_rate:
        event = apportionment.apportioned(as_funded(segment), rate, segment.effective_from)
        await publish(session, event)
    return segment


async def close_open_segment(
    session: AsyncSession, delegation: FundedDelegation, on: date, cover_id: UUID | None = None
) -> FundingSegment | None:
    """The cost of the delegation's own run (or of one Health cover) stops from `on`, never
    before the run began."""
    segment = await session.scalar(
        select(FundingSegment).where(
            FundingSegment.delegation_id == delegation.delegation_id,
            FundingSegment.effective_to.is_(None),
            FundingSegment.cover_id.is_(None)
            if cover_id is None
            else FundingSegment.cover_id == cover_id,
        )
    )
    if segment is not None:
        segment.effective_to = max(on, segment.effective_from)
    return segment


async def declare_funding_gap(
    session: AsyncSession, actor: CurrentUser, body: FundingGapCreate
) -> tuple[FundingGap, bool]:
    """R20: the accountable commissioner says a healthcare task has no funding decision yet,
    before it goes live; True when this call declared it. Once the delegation is live it must be
    the caller's (else 404) and the person its person (else 422); before, the word counts at
    go-live only if both hold then (`counts_as_gap`)."""
    await commissioning(session, actor, "declares a funding gap")
    delegation = await session.get(FundedDelegation, body.delegation_id)
    if delegation is not None:
        _accountable_for(actor, delegation, body)
    existing = await session.get(FundingGap, (body.delegation_id, actor.organisation))
    if existing is not None:
        return existing, False
    if delegation is not None:
        state = segments.state_of(delegation.funding_pending)
        segments.may_declare_gap(state, delegation.payer, body.delegation_id)
    gap = FundingGap(
        delegation_id=body.delegation_id,
        organisation=actor.organisation,
        person_id=body.person_id,
        reason=body.reason,
        declared_by=actor.user_id,
        declared_at=now(session),
    )
    session.add(gap)
    await audit(session, actor, "funding_gap.declare", body.delegation_id, body.reason)
    return gap, True


def _accountable_for(
    actor: CurrentUser, delegation: FundedDelegation, body: FundingGapCreate
) -> None:
    """Only the delegation's accountable organisation declares its gap, for its person."""
    if delegation.accountable_organisation != actor.organisation:
        raise NotFound(f"no delegation {body.delegation_id} your organisation is accountable for")
    if delegation.person_id != body.person_id:
        raise InvalidInput("person_id", "is not the person of this delegation")


async def counts_as_gap(session: AsyncSession, event: TaskDelegated) -> bool:
    """R20: a gap declared before go-live counts when the delegation's accountable organisation
    declared it for the delegation's person; any other word is recorded as not counted."""
    declared = (
        await session.scalars(
            select(FundingGap).where(FundingGap.delegation_id == event.delegation_id)
        )
    ).all()
    counted = [
        g
        for g in declared
        if g.organisation == event.accountable_organisation and g.person_id == event.person_id
    ]
    for gap in declared:
        if gap not in counted:
            why = f"R20 not counted: declared by {gap.organisation}, not the accountable one"
            if gap.person_id != event.person_id:
                why = "R20 not counted: declared for another person"
            await audit(session, SYSTEM, "funding_gap.not_counted", event.delegation_id, why)
    return bool(counted)


async def make_funding_decision(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: FundingDecisionCreate
) -> FundedDelegation:
    """R20: the funding decision names who pays; what Health paid without prejudice (from the
    start, or from a handback's stop date) is settled back to the penny, and the named
    organisation pays from the decision. R11: never the council for a task failing s.22; R29:
    the decision records the Framework version in force on its date."""
    health = Settings.of(session).health_commissioner
    delegation = await concerning(session, actor, delegation_id, health)
    await named_commissioner(session, body.accountable_organisation, "accountable_organisation")
    runs = await segments_of(session, delegation_id)
    pending_covers = await covers_pending(session, delegation_id)
    pending = _pending(delegation, pending_covers)
    version = await framework_version_in_force(session, body.decided_on)
    lines = await lines_until(session, pending.start_date, runs, body.decided_on)
    decided = segments.decide_funding(
        pending,
        accountable_organisation=body.accountable_organisation,
        decided_on=body.decided_on,
        today=today(session),
        health_commissioner=health,
        lines=lines,
        framework_version=version,
    )
    _record_decision(delegation, pending_covers, body, decided.state, version)
    await hand_over(session, runs, body.accountable_organisation, body.decided_on)
    for owed in decided.settlements:
        session.add(
            _settlement(delegation, owed, (pending.start_date, body.decided_on), lines, version)
        )
    for event in decided.events:
        await publish(session, event)
    why = f"R20 decided: {body.accountable_organisation} pays from {pending.start_date}"
    await audit(session, actor, "funding_decision.make", delegation_id, why)
    return delegation


def _pending(
    delegation: FundedDelegation, pending_covers: Sequence[HealthCover]
) -> segments.Pending:
    """What is without prejudice: the delegation from its start, and each Health cover from its
    stop date; the decision settles all of it from the earliest."""
    starts = [c.stopped_on for c in pending_covers]
    if delegation.funding_pending:
        starts.append(delegation.start_date)
    return segments.Pending(
        delegation.person_id,
        delegation.delegation_id,
        segments.state_of(bool(starts)),
        min(starts, default=delegation.start_date),
        delegation.local_authority,
        delegation.section_22_met,
    )


def _record_decision(
    delegation: FundedDelegation,
    pending_covers: Sequence[HealthCover],
    body: FundingDecisionCreate,
    state: segments.FundingState,
    version: int | None,
) -> None:
    """The named organisation pays from the decision: for the delegation when its own funding
    was pending, and for each cover the decision settles."""
    if delegation.funding_pending:
        delegation.funding_pending = state is segments.FundingState.WITHOUT_PREJUDICE
        delegation.payer, delegation.decided_on = body.accountable_organisation, body.decided_on
        delegation.framework_version = version
    for cover in pending_covers:
        cover.funding = state
        cover.payer, cover.decided_on = body.accountable_organisation, body.decided_on
        cover.framework_version = version


async def concerning(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, health: str
) -> FundedDelegation:
    """The delegation, for Health and the organisations it concerns with a relationship with its
    person only (others get 404)."""
    delegation = await session.get(FundedDelegation, delegation_id)
    concerned = {health}
    if delegation is not None:
        concerned |= {delegation.local_authority, delegation.accountable_organisation}
    if (
        delegation is None
        or actor.organisation not in concerned
        or not await related(session, actor.organisation, delegation.person_id)
    ):
        raise NotFound(f"no funding on record for delegation {delegation_id}")
    return delegation


async def lines_until(
    session: AsyncSession, start: date, runs: Sequence[FundingSegment], until: date
) -> list[CostLine]:
    """Each run's lines from `start` to the decision, at its payer's rates for its provider."""
    lines: list[CostLine] = []
    for run in runs:
        rates = await rates_of(session, run.payer, run.provider_organisation)
        lines += apportionment.cost_lines(as_funded(run), rates, start, until)
    return lines


def _settlement(
    delegation: FundedDelegation,
    owed: Owed,
    period: tuple[date, date],
    lines: list[CostLine],
    version: int | None,
) -> Settlement:
    settled = [ln for ln in lines if ln.without_prejudice]
    return Settlement(
        id=uuid4(),
        kind="without_prejudice",
        source_id=delegation.delegation_id,
        person_id=delegation.person_id,
        payer=owed.payer,
        payee=owed.payee,
        amount_pence=owed.amount_pence,
        period_start=period[0],
        period_end=period[1],
        settled_on=period[1],
        lines=lines_behind(settled, [replace(ln, organisation=owed.payer) for ln in settled]),
        framework_version=version,
    )


async def hand_over(
    session: AsyncSession,
    runs: Sequence[FundingSegment],
    payer: str,
    decided_on: date,
    every_run: bool = False,
) -> None:
    """From the decision the named organisation funds the runs Health funded without prejudice
    (or, for a dispute's outcome, every run another organisation funds)."""
    for segment in runs:
        if not (segment.without_prejudice or (every_run and segment.payer != payer)):
            continue
        if segment.effective_from >= decided_on:
            segment.payer, segment.without_prejudice = payer, False
            if segment.awaiting_rate:
                continue  # apportioned, to its new payer, when the rate comes
            rates = await rates_of(session, segment.payer, segment.provider_organisation)
            rate = apportionment.rate_in_force(rates, segment.effective_from)
            event = apportionment.apportioned(as_funded(segment), rate, segment.effective_from)
            await publish(session, event)
        elif segment.effective_to is None or segment.effective_to > decided_on:
            until, segment.effective_to = segment.effective_to, decided_on
            await start_run(session, _continued(segment, payer, decided_on, until, now(session)))


def _continued(
    segment: FundingSegment, payer: str, on: date, until: date | None, at: datetime
) -> FundingSegment:
    """The rest of a run, decided: same minutes, provider and cover, accruing from its start."""
    return FundingSegment(
        id=uuid4(),
        delegation_id=segment.delegation_id,
        person_id=segment.person_id,
        payer=payer,
        provider_organisation=segment.provider_organisation,
        minutes_per_week=segment.minutes_per_week,
        effective_from=on,
        effective_to=until,
        without_prejudice=False,
        accrues_from=segment.accrues_from,
        awaiting_rate=False,
        cause="funding_decision",
        recorded_at=at,
        cover_id=segment.cover_id,
    )
