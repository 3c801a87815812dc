"""Event reactions that keep the task catalogue (R10) and the Framework versions (R29).

A catalogue ruling takes effect from its date (R10): one arriving earlier waits as pending and
the scheduler applies it on the day; a decision applies a ruling already due for its task first.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import reviews as review_rules
from services.delegation.domain.delegations import RUNNING
from services.delegation.handlers.review_due import raise_review
from services.delegation.models import CatalogueRuling, Delegation, FrameworkVersion, Task
from shared.audit import audit
from shared.auth import SYSTEM
from shared.db import today
from shared.events.delegation import ReviewReason
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
    """R10: a governance ruling is kept, and applied now if its date has come, else pending."""
    ruling = await session.merge(
        CatalogueRuling(
            ruling_id=event.ruling_id,
            task_code=event.task_code,
            change=event.change,
            name=event.name,
            category=event.category,
            delegability=event.delegability,
            needs_specific_training=event.needs_specific_training,
            effective_from=event.effective_from,
            received_on=today(session),
            snomed_concept_id=event.snomed_concept_id,
            snomed_display=event.snomed_display,
        )
    )
    await audit(session, SYSTEM, "task.ruling", event.task_code, str(event.ruling_id))
    if ruling.applied_on is None and ruling.effective_from <= today(session):
        await apply_ruling(session, ruling)


async def apply_ruling(session: AsyncSession, ruling: CatalogueRuling) -> None:
    """R10: the catalogue changes only by a ruling; removed tasks stay, inactive. A ruling
    older than the one that shaped the entry is superseded and changes nothing."""
    ruling.applied_on = today(session)
    task = await session.get(Task, ruling.task_code, with_for_update=True)
    if task is not None and task.ruled_from is not None and task.ruled_from > ruling.effective_from:
        await audit(session, SYSTEM, "task.superseded", ruling.task_code, str(ruling.ruling_id))
        return
    if task is None:
        task = Task(code=ruling.task_code, needs_specific_training=True)
        session.add(task)
    was = (task.delegability, task.active)
    task.name, task.category, task.delegability = ruling.name, ruling.category, ruling.delegability
    task.active = ruling.change != CatalogueChange.REMOVED
    if (task.delegability, task.active) != was:
        await review_running_delegations(session, ruling)
    task.ruled_from = ruling.effective_from
    if ruling.needs_specific_training is not None:
        task.needs_specific_training = ruling.needs_specific_training
    if ruling.snomed_concept_id is not None:  # the IPCB's choice; a ruling silent on it keeps it
        task.snomed_concept_id, task.snomed_display = (
            ruling.snomed_concept_id,
            ruling.snomed_display,
        )
    await session.flush()
    await audit(session, SYSTEM, f"task.{ruling.change}", ruling.task_code, str(ruling.ruling_id))


async def apply_due_rulings(session: AsyncSession, task_code: str | None = None) -> int:
    """Scheduler job, R10: pending rulings whose date has come take effect, oldest first."""
    query = (
        select(CatalogueRuling)
        .where(
            CatalogueRuling.applied_on.is_(None),
            CatalogueRuling.effective_from <= today(session),
        )
        .order_by(CatalogueRuling.effective_from, CatalogueRuling.received_on)
        .with_for_update(skip_locked=task_code is None)
    )
    if task_code is not None:
        query = query.where(CatalogueRuling.task_code == task_code)
    due = (await session.scalars(query)).all()
    for ruling in due:
        await apply_ruling(session, ruling)
    return len(due)


async def task_in_force(session: AsyncSession, task_code: str) -> Task | None:
    """R10: the catalogue entry as in force today, a ruling due today applied first."""
    await apply_due_rulings(session, task_code)
    return await session.get(Task, task_code)


async def review_running_delegations(session: AsyncSession, ruling: CatalogueRuling) -> None:
    """R10, R26: a ruling that changes whether a task may be delegated (or removes it) reaches
    the people already receiving it: each running delegation of the task gets an MDT review due
    the day the ruling takes effect. The task goes on meanwhile (care never drops); the review
    may keep it only as the catalogue now allows (`reviews.recheck`), else it ends and is handed
    back."""
    running = await session.scalars(
        select(Delegation)
        .where(Delegation.task_code == ruling.task_code, Delegation.status.in_(RUNNING))
        .order_by(Delegation.id)
        .with_for_update()
    )
    due = review_rules.Due(ruling.effective_from, ReviewReason.CATALOGUE_RULING, True)
    for delegation in running.all():
        await raise_review(session, delegation, f"ruling-{ruling.ruling_id}", due)
