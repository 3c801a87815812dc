"""R19: a live delegation's additional time apportioned, stopped, restarted and re-apportioned,
as delegation's events say; R20: a healthcare task with no funding decision is funded by Health
without prejudice from the start."""

from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import apportionment
from services.funding.domain.apportionment import ApportionmentCommand, ApportionmentState
from services.funding.handlers.covers import close_open_covers
from services.funding.handlers.segments import close_open_segment, counts_as_gap, open_segment
from services.funding.models import FundedDelegation
from services.funding.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    HandbackClosure,
    ReviewCompleted,
    ReviewOutcome,
    TaskDelegated,
)
from shared.events.funding import FundingStopReason
from shared.outbox import publish

SUSPEND, RESUME, END = (
    ApportionmentCommand.SUSPEND,
    ApportionmentCommand.RESUME,
    ApportionmentCommand.END,
)


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
        funding_gap=await counts_as_gap(session, event),
        undecided=frozenset(o.upper() for o in settings.undecided_organisations),
        health_commissioner=settings.health_commissioner,
        section_22_met=event.section_22_met,
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
        status=ApportionmentState.LIVE,
        payer=funder.organisation,
        funding_pending=funder.without_prejudice,
        decided_on=None,
        section_22_met=event.section_22_met,
        payer_reason=funder.reason,
    )
    session.add(delegation)
    await session.flush()
    await open_segment(session, delegation, event.start_date, "task_delegated")
    why = funder.reason or ("R20 without prejudice" if funder.without_prejudice else "R19")
    await audit(session, SYSTEM, "apportionment.record", event.delegation_id, why)


async def on_review_completed(session: AsyncSession, event: ReviewCompleted) -> None:
    """R19: changed minutes re-apportion the cost from the review's effective date."""
    if event.outcome is not ReviewOutcome.CHANGE_MINUTES:
        return
    found = await _following(session, event.delegation_id, ApportionmentCommand.CHANGE_MINUTES)
    if found is None:
        return
    delegation, state = found
    delegation.minutes_per_week = event.additional_minutes_per_week
    delegation.status = state
    _never_the_council(delegation, Settings.of(session).health_commissioner)
    if apportionment.costs_accrue(state):
        closed = await close_open_segment(session, delegation, event.effective_date)
        since = max(event.effective_date, closed.effective_from if closed else event.effective_date)
        await open_segment(session, delegation, since, "review")
    await audit(session, SYSTEM, "apportionment.review", event.delegation_id, "R19 minutes changed")


async def on_delegation_suspended(session: AsyncSession, event: DelegationSuspended) -> None:
    """R19: a suspended delegation's cost stops from the suspension date."""
    cause = apportionment.suspended(event.reason)
    await stop_apportionment(session, event.delegation_id, SUSPEND, event.effective_date, cause)


async def on_delegation_ended(session: AsyncSession, event: DelegationEnded) -> None:
    """R19: an ended delegation's cost stops from the end date (the end's own words stay in
    this service's audit trail, never on the event)."""
    cause = apportionment.StopCause(FundingStopReason.ENDED)
    await stop_apportionment(
        session, event.delegation_id, END, event.effective_date, cause, note=event.reason
    )


async def on_delegation_resumed(session: AsyncSession, event: DelegationResumed) -> None:
    """R19: a resumed delegation's cost restarts from the date it resumes; R20: Health's cover
    of it ends the day before."""
    delegation = await session.get(FundedDelegation, event.delegation_id)
    if delegation is not None:
        await close_open_covers(session, delegation, HandbackClosure.RESUMED, event.effective_date)
    await restart_apportionment(session, event.delegation_id, event.effective_date, "resumed")


async def stop_apportionment(
    session: AsyncSession,
    delegation_id: UUID,
    command: ApportionmentCommand,
    on: date,
    cause: apportionment.StopCause,
    note: str | None = None,
) -> None:
    """R19: the cost stops from `on`, once: a stop said twice (a suspension and a handback for
    the same stop) finds it already stopped and changes nothing more."""
    found = await _following(session, delegation_id, command)
    if found is not None:
        await _stop(session, *found, on, cause, note)


async def restart_apportionment(
    session: AsyncSession, delegation_id: UUID, on: date, cause: str
) -> None:
    """R19: the cost restarts from `on`, once (a resumption said twice restarts it once)."""
    found = await _following(session, delegation_id, RESUME)
    if found is None:
        return
    delegation, state = found
    delegation.status = state
    await open_segment(session, delegation, on, "resumed")
    await audit(session, SYSTEM, "apportionment.restart", delegation_id, cause)


def _never_the_council(delegation: FundedDelegation, health: str) -> None:
    """R11: a task that failed the s.22 test is charged to the NHS, whatever re-apportions it."""
    council = delegation.local_authority
    if apportionment.charges_the_council(delegation.section_22_met, delegation.payer, council):
        delegation.payer, delegation.payer_reason = health, apportionment.r11_reason(council)


async def _following(
    session: AsyncSession, delegation_id: object, command: ApportionmentCommand
) -> tuple[FundedDelegation, ApportionmentState] | None:
    """The delegation and the state the command moves it to; None when it does not apply."""
    delegation = await session.get(FundedDelegation, delegation_id)
    if delegation is None:
        return None
    state = apportionment.follow(ApportionmentState(delegation.status), command)
    return None if state is None else (delegation, state)


async def _stop(
    session: AsyncSession,
    delegation: FundedDelegation,
    state: ApportionmentState,
    on: date,
    cause: apportionment.StopCause,
    note: str | None,
) -> None:
    """The run stops and FundingStopped says so once, in coded words; a suspended delegation
    that ends has no run to stop, so only its state changes."""
    accruing = apportionment.costs_accrue(ApportionmentState(delegation.status))
    delegation.status = state
    why = cause.text if note is None else f"{cause.text}: {note}"
    if not accruing:
        await audit(session, SYSTEM, "apportionment.state", delegation.delegation_id, why)
        return
    await close_open_segment(session, delegation, on)
    await publish(
        session, apportionment.stopped(delegation.person_id, delegation.delegation_id, on, cause)
    )
    await audit(session, SYSTEM, "apportionment.stop", delegation.delegation_id, why)
