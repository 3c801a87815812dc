"""Delivering a live task: what a care worker reads of the tasks they are named on, its
schedule, each application recorded and those missed (R8, R16)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, Field

from services.delegation.domain.delegations import WorkerStanding
from services.delegation.domain.delivery import ApplicationReason, Outcome
from services.delegation.schemas import Input, Output
from shared.dates import EARLIEST, LATEST, PastDate
from shared.events.delegation import NoticedChange
from shared.events.vocabulary import Setting, TaskCategory
from shared.pages import Page

OBSERVATIONS = "The worker's observations, in their words: kept here, never published"


def _plausible(value: datetime) -> datetime:
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError(f"a time from {EARLIEST} to {LATEST}")
    return value


# A moment something happened, with its UTC offset (a time without one is refused).
Instant = Annotated[AwareDatetime, AfterValidator(_plausible)]


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
    training_plan_id: UUID | None = Field(
        default=None, description="R24: the caller's training plan for the task (training service)"
    )
    needs_specific_training: bool
    frequency: str
    schedule: ScheduleRead | None
    contact_arrangements: str = Field(description="R17: how to reach the oversight owner")
    oversight_kind: str | None
    oversight_owner: str | None
    oversight_interval_days: int | None
    conditions: list[str] = Field(description="R14: conditions that bind the provider")


class DelegatedTaskPage(Page[DelegatedTaskRead]):
    """The tasks naming the calling care worker, oldest first."""


class Happened(Input):
    """What happened at one application of a delegated task (a correction restates it whole)."""

    outcome: Outcome
    reason: ApplicationReason | None = Field(
        default=None, description="Required, and only allowed, when not given or partly given"
    )
    worker_id: UUID | None = Field(
        default=None,
        description="R16: the worker who attended (required unless not given); a care worker "
        "records as themselves when not said",
    )
    administered_at: Instant = Field(description="When, with its UTC offset")
    observations: str | None = Field(default=None, max_length=4000, description=OBSERVATIONS)
    change_noticed: bool = False
    change: NoticedChange | None = Field(
        default=None, description="R8: what changed, required when a change is noticed"
    )


class Entry(Happened):
    """One application of one delegated task at a visit."""

    delegation_id: UUID
    due_on: PastDate | None = Field(
        default=None, description="The day of the schedule it belongs to (administered_at's date)"
    )
    slot: int | None = Field(
        default=None,
        ge=1,
        le=24,
        description="Which of the day's scheduled applications (1 the first); the first not yet "
        "recorded when not said",
    )


class VisitCreate(Input):
    """One visit: the applications of one or more delegated tasks, recorded all or none."""

    entries: list[Entry] = Field(min_length=1, max_length=20)


class RecordRead(Output):
    id: UUID
    visit_id: UUID
    delegation_id: UUID
    person_id: UUID
    due_on: date
    slot: int | None
    outcome: Outcome
    reason: ApplicationReason | None
    worker_id: UUID | None
    administered_at: datetime
    observations: str | None
    change_noticed: bool
    change: NoticedChange | None
    corrects: UUID | None = Field(description="The entry this one corrects")
    corrected_by: UUID | None = Field(
        default=None, description="The entry that corrects this one: it is no longer current"
    )
    recorded_by: str
    recorded_at: datetime


class VisitRead(Output):
    visit_id: UUID
    entries: list[RecordRead]


class RecordPage(Page[RecordRead]):
    """Recorded applications, in the order recorded."""


class MissedRead(Output):
    delegation_id: UUID
    person_id: UUID
    task_code: str
    due_on: date
    slot: int


class MissedPage(Page[MissedRead]):
    """Missed applications, by day."""
