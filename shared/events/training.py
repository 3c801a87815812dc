"""Events the training service publishes on `training.competence`, keyed by worker id."""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from shared.events import Event


class WorkerEvent(Event):
    topic: ClassVar[str] = "training.competence"
    key: ClassVar[str] = "worker_id"
    abstract: ClassVar[bool] = True

    worker_id: UUID


class TrainingPlanAgreed(WorkerEvent):
    """Emitted, once per worker, when the training plan for a delegated task is agreed (R24)."""

    plan_id: UUID
    delegation_id: UUID
    task_code: str
    provider_organisation: str
    agreed_on: date


class CompetenceOutcome(StrEnum):
    COMPETENT = "competent"
    NOT_YET_COMPETENT = "not_yet_competent"


def in_date(valid_until: date | None, on: date) -> bool:
    """R16, the one boundary training and delegation share: a competence counts on the days
    before `valid_until` and lapses on that day itself (no date: it does not expire)."""
    return valid_until is None or on < valid_until


class CompetenceAssessed(WorkerEvent):
    """Emitted when a worker's competence in a task is assessed, either way (R16)."""

    assessment_id: UUID
    task_code: str
    person_id: UUID | None = None  # set when the competence is specific to one person
    provider_organisation: str
    outcome: CompetenceOutcome
    assessed_on: date
    valid_until: date | None = None  # first day it no longer counts: see `in_date`
    framework_version: int | None = None  # R29: the version the sign-off was made under


class CompetenceExpiryWarned(WorkerEvent):
    """Emitted 90, 60 and 30 days before a worker's competence expires."""

    task_code: str
    person_id: UUID | None = None
    provider_organisation: str
    expires_on: date
    days_before: int


class CompetenceLapsed(WorkerEvent):
    """Emitted on the day a worker's competence expires without reassessment (R16)."""

    task_code: str
    person_id: UUID | None = None
    provider_organisation: str
    lapsed_on: date


class CompetenceFailureEscalated(WorkerEvent):
    """Emitted when a worker has not achieved competence the configured number of times (R25)."""

    task_code: str
    provider_organisation: str
    failures: int
    escalated_on: date


class InstructionRecorded(WorkerEvent):
    """Emitted when a worker is instructed in a task that needs no specific training (R16, A 5.13).

    For such a task the instruction stands in place of a training plan and a competence
    assessment; the instruction's content stays with the training service.
    """

    task_code: str
    person_id: UUID
    provider_organisation: str
    instructed_on: date
    delegation_id: UUID


PUBLISHED: Sequence[type[Event]] = (
    TrainingPlanAgreed,
    CompetenceAssessed,
    CompetenceExpiryWarned,
    CompetenceLapsed,
    CompetenceFailureEscalated,
    InstructionRecorded,
)
