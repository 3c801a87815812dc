"""Commissioners' hourly rates for providers: each organisation sees the rates it set and the
rates set for it, no one else's."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.apportionment import Rate as RateTerm
from services.funding.models import (
    Rate,
)
from shared import pages
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


@dataclass(frozen=True)
class RateFilter:
    provider_organisation: str | None = None
    commissioner: str | None = None
    effective_since: date | None = None  # effective from on or after this
    effective_until: date | None = None  # effective from on or before this


ORDER = (
    pages.Key(Rate.provider_organisation, str),
    pages.Key(Rate.commissioner, str),
    pages.Key(Rate.effective_from, date),
    pages.Key(Rate.id, UUID),
)


async def rates(
    session: AsyncSession, user: CurrentUser, where: RateFilter, limit: int, cursor: str | None
) -> tuple[list[Rate], str | None]:
    """The rates the caller's organisation set (a commissioner) or that were set for it (a
    provider), a page at a time by provider, commissioner and date."""
    own = user.organisation
    query = select(Rate).where(or_(Rate.commissioner == own, Rate.provider_organisation == own))
    for column, value in (
        (Rate.provider_organisation, where.provider_organisation),
        (Rate.commissioner, where.commissioner),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.effective_since is not None:
        query = query.where(Rate.effective_from >= where.effective_since)
    if where.effective_until is not None:
        query = query.where(Rate.effective_from <= where.effective_until)
    return await pages.keyset(session, query, ORDER, limit, cursor)
