"""Events the training service publishes on `training.competence`, keyed by worker id (the
support plan's `TrainingPlanOnSupportPlan` by person id)."""

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
    """Emitted, once per worker, when the training plan for a delegated task comes into force:
    agreed by the provider and then by the accountable registered practitioner (R24)."""

    plan_id: UUID
    delegation_id: UUID
    task_code: str
    provider_organisation: str
    agreed_on: date  # the day it came into force
    # R24: the organisation of the accountable practitioner who agreed it (None before R24 full)
    practitioner_organisation: str | None = None


class PlanEvent(Event):
    """A training plan's events for the person's support plan, keyed by person id."""

    topic: ClassVar[str] = "training.competence"
    key: ClassVar[str] = "person_id"
    abstract: ClassVar[bool] = True

    person_id: UUID


class TrainingPlanOnSupportPlan(PlanEvent):
    """Emitted when a delegated task goes live under an in-force training plan (R24): the
    person's support plan records which training plan covers the task."""

    plan_id: UUID
    delegation_id: UUID
    task_code: str
    provider_organisation: str
    practitioner_organisation: str | None
    in_force_on: date
    refresher_interval_months: int
    reassessment_interval_months: int


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


class LapseCause(StrEnum):
    EXPIRED = "expired"  # its valid_until came without a reassessment (R16)
    REFRESHER_MISSED = "refresher_missed"  # the refresher the training plan asks for (R25)


class CompetenceLapsed(WorkerEvent):
    """Emitted on the day a worker's competence expires without reassessment (R16), or the day
    after a refresher its training plan asks for fell due and was not done (R25)."""

    task_code: str
    person_id: UUID | None = None
    provider_organisation: str
    lapsed_on: date  # the first day it no longer counts
    cause: LapseCause | None = None


class RefresherDue(WorkerEvent):
    """Emitted once, 30 days before the refresher training a worker's competence needs under
    its training plan falls due (R25); missed past `due_on`, the competence lapses."""

    assessment_id: UUID
    task_code: str
    person_id: UUID | None = None
    provider_organisation: str
    due_on: date  # the last day the refresher may be done on


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


class WorkerRegistered(WorkerEvent):
    """Emitted when a provider registers a care worker: delegation learns whose worker it is,
    so that a provider names only its own workers on a live delegation (R16)."""

    provider_organisation: str
    registered_on: date


class WorkerLeft(WorkerEvent):
    """Emitted when a care worker leaves their provider: inactive from `left_on`, off every
    training plan; delegation takes them off every delegation naming them (R16)."""

    provider_organisation: str
    left_on: date


PUBLISHED: Sequence[type[Event]] = (
    TrainingPlanAgreed,
    CompetenceAssessed,
    CompetenceExpiryWarned,
    CompetenceLapsed,
    CompetenceFailureEscalated,
    InstructionRecorded,
    RefresherDue,
    TrainingPlanOnSupportPlan,
    WorkerRegistered,
    WorkerLeft,
)
