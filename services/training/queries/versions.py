"""The Framework version in force (R29), from the projection of governance's versions."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.models import FrameworkVersion


async def framework_version_in_force(session: AsyncSession, on: date) -> int | None:
    """R29: the version a sign-off made on `on` records; None if none was in force."""
    version: int | None = await session.scalar(
        select(FrameworkVersion.version)
        .where(FrameworkVersion.effective_from <= on)
        .order_by(FrameworkVersion.effective_from.desc())
        .limit(1)
    )
    return version
