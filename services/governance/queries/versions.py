"""The read side of the Framework's versions (R29)."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain.versions import version_in_force as in_force_on
from services.governance.models import FrameworkVersion
from services.governance.queries.ranges import on_days
from shared import pages
from shared.errors import NotFound


async def framework_versions(session: AsyncSession) -> Sequence[FrameworkVersion]:
    return (
        await session.scalars(select(FrameworkVersion).order_by(FrameworkVersion.version))
    ).all()


async def versions_page(
    session: AsyncSession,
    effective: tuple[date | None, date | None],
    limit: int,
    cursor: str | None,
) -> tuple[list[FrameworkVersion], str | None]:
    """The Framework's versions, oldest first, taking effect from `effective[0]` to
    `effective[1]`."""
    order = (pages.Key(FrameworkVersion.version, int),)
    query = on_days(select(FrameworkVersion), FrameworkVersion.effective_from, *effective)
    return await pages.keyset(session, query, order, limit, cursor)


async def version_number_in_force(session: AsyncSession, on: date) -> int | None:
    """R29: the number of the version in force on `on`, which a decision records."""
    versions = await framework_versions(session)
    return in_force_on([(v.version, v.effective_from) for v in versions], on)


async def version_in_force(session: AsyncSession, on: date) -> FrameworkVersion:
    versions = await framework_versions(session)
    number = in_force_on([(v.version, v.effective_from) for v in versions], on)
    if number is None:
        raise NotFound(f"no Framework version was in force on {on}")
    return next(v for v in versions if v.version == number)
