"""Commissioners' hourly rates for providers; a new rate completes the apportionments that
waited for it."""

from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import apportionment
from services.funding.handlers.organisations import commissioning
from services.funding.models import FundingSegment, Rate
from services.funding.queries.rates import as_rate, rates_of
from services.funding.queries.segments import as_funded
from services.funding.schemas.rates import RateCreate
from shared import organisations
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import Conflict
from shared.outbox import publish


async def record_rate(
    session: AsyncSession, actor: CurrentUser, body: RateCreate
) -> tuple[Rate, bool]:
    """R19: a commissioning organisation records what it pays a provider an hour from a date;
    True when this call recorded it. Each commissioner's rates are its own: another's never
    blocks or replaces them.

    The same rate again has no second effect; a different rate for the same date is a conflict.
    """
    commissioner = (await commissioning(session, actor, "sets rates")).ods_code
    await organisations.named(session, body.provider_organisation, "provider_organisation")
    rows = (
        await session.scalars(
            select(Rate)
            .where(
                Rate.commissioner == commissioner,
                Rate.provider_organisation == body.provider_organisation,
            )
            .with_for_update()
        )
    ).all()
    same_day = next((r for r in rows if r.effective_from == body.effective_from), None)
    if same_day is not None:
        if same_day.hourly_rate_pence == body.hourly_rate_pence:
            return same_day, False
        raise Conflict(
            "your organisation has a different rate on record from that date",
            existing=f"/rates/{same_day.id}",
        )
    apportionment.check_next_rate([as_rate(r) for r in rows], body.effective_from)
    rate = Rate(
        id=uuid4(),
        commissioner=commissioner,
        provider_organisation=body.provider_organisation,
        hourly_rate_pence=body.hourly_rate_pence,
        effective_from=body.effective_from,
        recorded_by=actor.user_id,
        recorded_at=now(session),
    )
    session.add(rate)
    await session.flush()
    await _apportion_at_new_rate(session, rate)
    reason = f"{body.hourly_rate_pence}p an hour from {body.effective_from}"
    await audit(session, actor, "rate.record", body.provider_organisation, reason)
    return rate, True


async def _apportion_at_new_rate(session: AsyncSession, rate: Rate) -> None:
    """The commissioner's runs with the provider that waited for a rate are apportioned now;
    those open on the rate's date are re-stated at the new rate from that date."""
    rates = await rates_of(session, rate.commissioner, rate.provider_organisation)
    segments = (
        await session.scalars(
            select(FundingSegment)
            .where(
                FundingSegment.payer == rate.commissioner,
                FundingSegment.provider_organisation == rate.provider_organisation,
            )
            .order_by(FundingSegment.effective_from)
            .with_for_update()
        )
    ).all()
    for segment in segments:
        in_force = apportionment.rate_in_force(rates, segment.effective_from)
        if segment.awaiting_rate and in_force is not None:
            segment.awaiting_rate = False
            event = apportionment.apportioned(as_funded(segment), in_force, segment.effective_from)
            await publish(session, event)
        elif not segment.awaiting_rate and _spans(segment, rate):
            new_rate = as_rate(rate)
            event = apportionment.apportioned(as_funded(segment), new_rate, rate.effective_from)
            await publish(session, event)


def _spans(segment: FundingSegment, rate: Rate) -> bool:
    ends_after = segment.effective_to is None or segment.effective_to > rate.effective_from
    return segment.effective_from < rate.effective_from and ends_after
