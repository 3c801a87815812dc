"""Providers' hourly rates: a provider sees only its own."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.apportionment import Rate as RateTerm
from services.funding.models import (
    Rate,
)
from shared.auth import CurrentUser, Role


def as_rate(rate: Rate) -> RateTerm:
    return RateTerm(
        rate.id, rate.provider_organisation, rate.hourly_rate_pence, rate.effective_from
    )


async def rates_of(session: AsyncSession, provider: str) -> list[RateTerm]:
    rows = await session.scalars(select(Rate).where(Rate.provider_organisation == provider))
    return [as_rate(r) for r in rows]


async def rates(session: AsyncSession, user: CurrentUser, provider: str | None) -> Sequence[Rate]:
    """Commissioners and finance officers see every rate; a provider only its own."""
    query = select(Rate).order_by(Rate.provider_organisation, Rate.effective_from)
    if user.role is Role.PROVIDER_MANAGER:
        if provider not in (None, user.organisation):
            return []
        provider = user.organisation
    if provider is not None:
        query = query.where(Rate.provider_organisation == provider)
    return (await session.scalars(query)).all()
