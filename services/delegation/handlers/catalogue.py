"""Event reactions that keep the task catalogue (R10) and the Framework versions (R29)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import FrameworkVersion, Task
from shared.audit import audit
from shared.auth import SYSTEM
from shared.events.governance import (
    CatalogueChange,
    FrameworkVersionPublished,
    TaskCatalogueChanged,
)


async def on_framework_version_published(
    session: AsyncSession, event: FrameworkVersionPublished
) -> None:
    """R29: keep the versions so that each decision can record the one in force."""
    await session.merge(
        FrameworkVersion(version=event.version, effective_from=event.effective_from)
    )


async def on_task_catalogue_changed(session: AsyncSession, event: TaskCatalogueChanged) -> None:
    """R10: the catalogue changes only by a governance ruling; removed tasks stay, inactive."""
    await session.merge(
        Task(
            code=event.task_code,
            name=event.name,
            category=event.category,
            delegability=event.delegability,
            active=event.change is not CatalogueChange.REMOVED,
        )
    )
    await audit(session, SYSTEM, f"task.{event.change}", event.task_code, str(event.ruling_id))
