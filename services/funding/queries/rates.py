"""Commissioners' hourly rates for providers: each organisation sees the rates it set and the
rates set for it, no one else's."""

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.apportionment import Rate as RateTerm
from services.funding.models import (
    Rate,
)
from shared.auth import CurrentUser


def as_rate(rate: Rate) -> RateTerm:
    return RateTerm(
        rate.id, rate.provider_organisation, rate.hourly_rate_pence, rate.effective_from
    )


async def rates_of(session: AsyncSession, commissioner: str, provider: str) -> list[RateTerm]:
    """What `commissioner` pays `provider` an hour, from each date: a run's payer's rates."""
    rows = await session.scalars(
        select(Rate).where(
            Rate.commissioner == commissioner, Rate.provider_organisation == provider
        )
    )
    return [as_rate(r) for r in rows]


async def rates(session: AsyncSession, user: CurrentUser, provider: str | None) -> Sequence[Rate]:
    """The rates the caller's organisation set (a commissioner) or that were set for it (a
    provider), optionally for one provider."""
    own = user.organisation
    query = (
        select(Rate)
        .where(or_(Rate.commissioner == own, Rate.provider_organisation == own))
        .order_by(Rate.provider_organisation, Rate.commissioner, Rate.effective_from)
    )
    if provider is not None:
        query = query.where(Rate.provider_organisation == provider)
    return (await session.scalars(query)).all()
