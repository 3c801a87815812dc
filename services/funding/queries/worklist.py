"""A commissioner's work in the funding service (issue 16): the funding gaps it must fill with
a funding decision (R20) and the apportionments waiting on its hourly rate (R19), each of the
people its organisation has a legitimate relationship with.

The Framework sets no time limit on a funding decision: R20 settles it back to the day the gap
opened, so a gap is due from that day (the delegation's start, or a handback's stop date). A
run waiting for its payer's rate is due from its first day, when its costs begin to accrue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.segments import FundingState
from services.funding.models import FundedDelegation, FundingSegment, HealthCover
from services.funding.settings import Settings
from shared.access import visible_people
from shared.auth import CurrentUser, Role
from shared.db import now
from shared.worklist import Rows, Source

SUBJECT = "/delegations/{id}/funding"


async def funding_gaps(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R20: delegations Health funds without prejudice (from the start, or a cover from a
    handback's stop date) until a funding decision: for the accountable organisation the
    delegation names, and for Health, which pays meanwhile; one item per delegation, due from
    the earliest day without prejudice."""
    pending = select(
        FundedDelegation.delegation_id.label("id"),
        FundedDelegation.person_id.label("person_id"),
        FundedDelegation.start_date.label("since"),
    ).where(FundedDelegation.funding_pending)
    covered = select(
        HealthCover.delegation_id, HealthCover.person_id, HealthCover.stopped_on
    ).where(HealthCover.funding == FundingState.WITHOUT_PREJUDICE)
    if user.organisation != Settings.of(session).health_commissioner:
        pending = pending.where(FundedDelegation.accountable_organisation == user.organisation)
        covered = covered.join(
            FundedDelegation, FundedDelegation.delegation_id == HealthCover.delegation_id
        ).where(FundedDelegation.accountable_organisation == user.organisation)
    gaps = union_all(pending, covered).subquery()
    query = select(gaps.c.id, gaps.c.person_id, func.min(gaps.c.since).label("due_on")).group_by(
        gaps.c.id, gaps.c.person_id
    )
    if (people := visible_people(user, now(session))) is not None:
        query = query.where(gaps.c.person_id.in_(people))
    return query


async def rates_awaited(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R19: delegations whose run the caller's organisation pays but has set no hourly rate for
    its provider in force on the run's first day: the apportionment waits for its rate; one
    item per delegation, due from the first such run's first day."""
    query = (
        select(
            FundingSegment.delegation_id.label("id"),
            FundingSegment.person_id.label("person_id"),
            func.min(FundingSegment.effective_from).label("due_on"),
        )
        .where(FundingSegment.awaiting_rate, FundingSegment.payer == user.organisation)
        .group_by(FundingSegment.delegation_id, FundingSegment.person_id)
    )
    if (people := visible_people(user, now(session))) is not None:
        query = query.where(FundingSegment.person_id.in_(people))
    return query


COMMISSIONERS = frozenset({Role.COMMISSIONER})
SOURCES = (
    Source("funding_gap", COMMISSIONERS, funding_gaps, SUBJECT),
    Source("decision_awaiting", COMMISSIONERS, rates_awaited, SUBJECT),
)
