"""What the lists of the providers' competence (warnings, refreshers due, escalations) are
filtered by."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Select
from sqlalchemy.orm import Mapped


@dataclass(frozen=True)
class ProviderFilter:
    """What the providers' lists (warnings, refreshers due, escalations) are filtered by."""

    provider: str | None = None
    worker_id: UUID | None = None
    task_code: str | None = None
    on_or_after: date | None = None  # the list's own day: warned, due, escalated
    on_or_before: date | None = None


def filtered(
    query: Select[Any],
    where: ProviderFilter,
    provider: Mapped[str],
    worker_id: Mapped[UUID],
    task_code: Mapped[str],
) -> Select[Any]:
    for column, value in (
        (provider, where.provider),
        (worker_id, where.worker_id),
        (task_code, where.task_code),
    ):
        if value is not None:
            query = query.where(column == value)
    return query


def between(query: Select[Any], day: Mapped[date], where: ProviderFilter) -> Select[Any]:
    if where.on_or_after is not None:
        query = query.where(day >= where.on_or_after)
    if where.on_or_before is not None:
        query = query.where(day <= where.on_or_before)
    return query
