"""Ad hoc occurrences and the IPCB's regular-use policy (R23)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import Occurrence, RegularUsePolicy


async def regular_use_policy(session: AsyncSession) -> RegularUsePolicy:
    """R23: the IPCB's threshold for ad hoc occurrences becoming regular (one row)."""
    return await session.get_one(RegularUsePolicy, 1)


async def by_key(session: AsyncSession, idempotency_key: str) -> Occurrence | None:
    return await session.scalar(
        select(Occurrence).where(Occurrence.idempotency_key == idempotency_key)
    )


async def dates_within(
    session: AsyncSession, delegation_id: UUID, until: date, days: int
) -> list[date]:
    """The days of the delegation's occurrences in the `days` up to `until`."""
    rows = await session.scalars(
        select(Occurrence.occurred_on).where(
            Occurrence.delegation_id == delegation_id,
            Occurrence.occurred_on > until - timedelta(days=days),
            Occurrence.occurred_on <= until,
        )
    )
    return list(rows)
