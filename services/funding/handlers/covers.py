"""R18, R20: Health covers a delegated health task social care stopped carrying out, without
prejudice from the stop date, until the handback closes; opened and closed once each."""

from datetime import date, datetime
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import covers
from services.funding.domain.covers import CoverState
from services.funding.domain.segments import FundingState
from services.funding.handlers.segments import close_open_segment, start_run
from services.funding.models import FundedDelegation, FundingSegment, HealthCover
from services.funding.queries.covers import open_covers
from shared.audit import audit
from shared.auth import SYSTEM
from shared.db import now
from shared.events.delegation import HandbackClosure, HandbackOpened


async def open_cover(
    session: AsyncSession, delegation: FundedDelegation, event: HandbackOpened, health: str
) -> HealthCover:
    """R20: the health commissioner funds the task's minutes, delivered by the oversight owner,
    without prejudice from the stop date."""
    cover = HealthCover(
        handback_id=event.handback_id,
        delegation_id=delegation.delegation_id,
        person_id=delegation.person_id,
        reason=event.reason.value,
        oversight_owner=event.oversight_owner,
        stopped_on=event.stopped_on,
        state=CoverState.COVERING,
        funding=FundingState.WITHOUT_PREJUDICE,
        payer=health,
        closure=None,
        closed_on=None,
        decided_on=None,
        framework_version=None,
        opened_at=now(session),
    )
    session.add(cover)
    await session.flush()
    await start_run(session, _cover_run(cover, delegation.minutes_per_week, now(session)))
    why = f"R20 Health covers without prejudice from {event.stopped_on}: {event.reason}"
    await audit(session, SYSTEM, "health_cover.open", delegation.delegation_id, why)
    return cover


def _cover_run(cover: HealthCover, minutes: int, at: datetime) -> FundingSegment:
    return FundingSegment(
        id=uuid4(),
        delegation_id=cover.delegation_id,
        person_id=cover.person_id,
        payer=cover.payer,
        provider_organisation=cover.oversight_owner,
        minutes_per_week=minutes,
        effective_from=cover.stopped_on,
        effective_to=None,
        without_prejudice=True,
        accrues_from=cover.stopped_on,
        awaiting_rate=False,
        cause="health_cover",
        recorded_at=at,
        cover_id=cover.handback_id,
    )


async def close_cover(
    session: AsyncSession,
    delegation: FundedDelegation,
    cover: HealthCover,
    closure: HandbackClosure,
    on: date,
) -> bool:
    """R20: the cover ends the day before `on`; False when it was already closed."""
    state = covers.close(CoverState(cover.state))
    if state is None:
        return False
    cover.state, cover.closure = state, closure.value
    cover.closed_on = covers.covered_until(on, cover.stopped_on)
    await close_open_segment(session, delegation, cover.closed_on, cover.handback_id)
    why = f"R20 Health cover {closure.value}: covered until the day before {cover.closed_on}"
    await audit(session, SYSTEM, "health_cover.close", delegation.delegation_id, why)
    return True


async def close_open_covers(
    session: AsyncSession, delegation: FundedDelegation, closure: HandbackClosure, on: date
) -> None:
    """A resumed task needs no cover: every open cover of the delegation closes."""
    for cover in await open_covers(session, delegation.delegation_id):
        await close_cover(session, delegation, cover, closure, on)


async def cover_of(session: AsyncSession, handback_id: UUID) -> HealthCover | None:
    return await session.get(HealthCover, handback_id)
