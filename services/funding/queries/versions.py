"""The Framework version in force on a date (R29), from governance's published versions."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.models import FrameworkVersion


async def framework_version_in_force(session: AsyncSession, on: date) -> int | None:
    """R29: the version a decision or settlement made on `on` records; None before version 1."""
    return await session.scalar(
        select(FrameworkVersion.version)
        .where(FrameworkVersion.effective_from <= on)
        .order_by(FrameworkVersion.effective_from.desc())
        .limit(1)
    )
