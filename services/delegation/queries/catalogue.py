"""The task catalogue (R10) and the Framework version in force (R29)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import CatalogueRuling, FrameworkVersion, Task
from shared.errors import NotFound


async def framework_version_in_force(session: AsyncSession, on: date) -> FrameworkVersion:
    """R29: the version a decision made on `on` records."""
    version = await session.scalar(
        select(FrameworkVersion)
        .where(FrameworkVersion.effective_from <= on)
        .order_by(FrameworkVersion.effective_from.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound(f"no Framework version was in force on {on}")
    return version


async def tasks(session: AsyncSession) -> Sequence[Task]:
    """R10: the catalogue as governance has ruled it."""
    rows = await session.scalars(select(Task).where(Task.active.is_(True)).order_by(Task.code))
    return rows.all()


async def rulings(session: AsyncSession, pending_only: bool) -> Sequence[CatalogueRuling]:
    """R10: the rulings received, by the date they take effect; pending ones only if asked."""
    query = select(CatalogueRuling).order_by(
        CatalogueRuling.effective_from, CatalogueRuling.task_code
    )
    if pending_only:
        query = query.where(CatalogueRuling.applied_on.is_(None))
    return (await session.scalars(query)).all()
