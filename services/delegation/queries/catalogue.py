"""The task catalogue (R10) and the Framework version in force (R29)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import CatalogueRuling, FrameworkVersion, Task
from shared import pages
from shared.errors import NotFound
from shared.events.vocabulary import Delegability, TaskCategory


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


TASK_ORDER = (pages.Key(Task.code, str),)
RULING_ORDER = (
    pages.Key(CatalogueRuling.effective_from, date),
    pages.Key(CatalogueRuling.task_code, str),
    pages.Key(CatalogueRuling.ruling_id, UUID),
)


@dataclass(frozen=True)
class TaskFilter:
    category: TaskCategory | None = None
    delegability: Delegability | None = None
    needs_specific_training: bool | None = None


async def tasks(
    session: AsyncSession, where: TaskFilter, limit: int, cursor: str | None
) -> tuple[Sequence[Task], str | None]:
    """R10: the catalogue as governance has ruled it, by code, a page at a time."""
    query = select(Task).where(Task.active.is_(True))
    for column, value in (
        (Task.category, where.category),
        (Task.delegability, where.delegability),
        (Task.needs_specific_training, where.needs_specific_training),
    ):
        if value is not None:
            query = query.where(column == value)
    return await pages.keyset(session, query, TASK_ORDER, limit, cursor)


async def rulings(
    session: AsyncSession,
    pending_only: bool,
    task_code: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[CatalogueRuling], str | None]:
    """R10: the rulings received, by the date they take effect; pending ones only if asked."""
    query = select(CatalogueRuling)
    if pending_only:
        query = query.where(CatalogueRuling.applied_on.is_(None))
    if task_code is not None:
        query = query.where(CatalogueRuling.task_code == task_code)
    return await pages.keyset(session, query, RULING_ORDER, limit, cursor)
