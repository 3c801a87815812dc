"""Delivering a live task: what a care worker reads of the tasks they are named on, its
schedule, each application recorded and those missed (R8, R16)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from services.delegation.domain.delegations import WorkerStanding
from services.delegation.schemas import Input, Output
from shared.events.vocabulary import Setting, TaskCategory


class ScheduleRead(Output):
    times_per_day: int
    weekdays: list[int] = Field(description="ISO weekdays, Monday 1")
    source: Literal["support_plan", "frequency"] = Field(
        description="`support_plan`: set on the delegation; `frequency`: read from the "
        "proposal's words (e.g. 'twice a day')"
    )


class ScheduleUpdate(Input):
    """The schedule the support plan sets for the task."""

    times_per_day: int = Field(ge=1, le=24)
    weekdays: list[int] = Field(
        default=[1, 2, 3, 4, 5, 6, 7], min_length=1, max_length=7, description="ISO, Monday 1"
    )


class DelegatedTaskRead(Output):
    """A delegated task as the care worker named on it reads it (R16, R17)."""

    delegation_id: UUID
    person_id: UUID
    task_code: str
    task_name: str | None
    category: TaskCategory
    setting: Setting
    status: str
    start_date: date | None
    standing: WorkerStanding = Field(description="R16: the caller's standing on it today")
    may_carry_out_today: bool = Field(
        description="R16: live, and the caller competent and in date (or instructed) today"
    )
    competence_valid_until: date | None = None
    instructed_on: date | None = Field(
        default=None, description="A 5.13: the instruction that stands for training"
    )
    needs_specific_training: bool
    frequency: str
    schedule: ScheduleRead | None
    contact_arrangements: str = Field(description="R17: how to reach the oversight owner")
    oversight_kind: str | None
    oversight_owner: str | None
    oversight_interval_days: int | None
    conditions: list[str] = Field(description="R14: conditions that bind the provider")


class DelegatedTaskPage(Output):
    items: list[DelegatedTaskRead]
    next_cursor: str | None



