"""The training service's tables."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import TYPE_ANNOTATION_MAP, JSONDocument, Versioned, new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class FrameworkVersion(Base):
    """Projection of the governance service's Framework versions (R29): sign-offs record one."""

    __tablename__ = "framework_versions"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    effective_from: Mapped[date]


class Worker(Versioned, Base):
    """A care worker, pseudonymous: an id, the employing organisation and a role; no name.

    The root of the worker's competences: each assessment or training record is a
    compare-and-set on the worker's version, so two at once have one winner.
    """

    __tablename__ = "workers"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime]


class TrainingPlan(Versioned, Base):
    """R24, R25: the plan a delegation's workers are trained and assessed by: agreed by the
    provider (`agreed_*`), then by the accountable practitioner (`practitioner_*`)."""

    __tablename__ = "training_plans"
    __table_args__ = (Index("ix_training_plans_required_on_id", "required_on", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    delegation_id: Mapped[UUID] = mapped_column(unique=True)
    person_id: Mapped[UUID]
    task_code: Mapped[str] = mapped_column(String(100))
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20))
    required_on: Mapped[date]
    content: Mapped[dict[str, Any] | None]
    backfill_hourly_rate_pence: Mapped[int | None]
    agreed_on: Mapped[date | None]
    agreed_by: Mapped[str | None] = mapped_column(String(200))
    practitioner_agreed_on: Mapped[date | None]  # the day it came into force
    practitioner_agreed_by: Mapped[str | None] = mapped_column(String(200))
    practitioner_organisation: Mapped[str | None] = mapped_column(String(200))
    returned_on: Mapped[date | None]  # the practitioner last returned it to the provider
    returned_reason: Mapped[str | None] = mapped_column(Text)  # stays here, never in an event


class PlanWorker(Base):
    __tablename__ = "plan_workers"

    plan_id: Mapped[UUID] = mapped_column(ForeignKey("training_plans.id"), primary_key=True)
    worker_id: Mapped[UUID] = mapped_column(primary_key=True)


class TrainingRelease(Base):
    """Time a worker is released for training, and its backfill cost in pence."""

    __tablename__ = "training_releases"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("training_plans.id"), index=True)
    worker_id: Mapped[UUID]
    minutes: Mapped[int]
    hourly_rate_pence: Mapped[int]
    cost_pence: Mapped[int]
    released_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(200))


class LiveTask(Base):
    """A delegated task that has gone live, and the workers who carry it out."""

    __tablename__ = "live_tasks"

    delegation_id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID]
    task_code: Mapped[str] = mapped_column(String(100))
    provider_organisation: Mapped[str] = mapped_column(String(200))
    worker_ids: Mapped[list[str]] = mapped_column(JSONDocument)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]


class TrainingRecord(Base):
    """Knowledge or skills training a worker completed for a task (R16)."""

    __tablename__ = "training_records"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    worker_id: Mapped[UUID] = mapped_column(ForeignKey("workers.id"), index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[UUID | None]
    kind: Mapped[str] = mapped_column(String(20))
    completed_on: Mapped[date]
    delivered_by: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))


class CompetenceAssessment(Versioned, Base):
    """R16: a competence assessment of one worker in one task (for one person, if specific)."""

    __tablename__ = "competence_assessments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    worker_id: Mapped[UUID] = mapped_column(ForeignKey("workers.id"), index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[UUID | None]
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    assessor_id: Mapped[str] = mapped_column(String(200))
    assessor_role: Mapped[str] = mapped_column(String(50))
    standard: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(30))
    assessed_on: Mapped[date] = mapped_column(index=True)
    valid_until: Mapped[date | None]
    reassessment_on: Mapped[date | None]
    further_training: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[int]  # 1, 2, ... per worker, task and person: the order of the history
    current: Mapped[bool]
    lapsed_on: Mapped[date | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    framework_version: Mapped[int | None]  # R29: the version in force when it was assessed


class CompetenceWarning(Base):
    """A 90, 60 or 30 day expiry warning, sent once per assessment and threshold."""

    __tablename__ = "competence_warnings"
    __table_args__ = (
        Index("ix_competence_warnings_warned_on_id", "warned_on", "id"),
        UniqueConstraint("assessment_id", "days_before"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    assessment_id: Mapped[UUID] = mapped_column(ForeignKey("competence_assessments.id"))
    worker_id: Mapped[UUID]
    task_code: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[UUID | None]
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    expires_on: Mapped[date]
    days_before: Mapped[int]
    warned_on: Mapped[date]


class RefresherNotice(Base):
    """R25: a refresher announced as due (once per assessment and due day), until it is done."""

    __tablename__ = "refresher_notices"
    __table_args__ = (
        Index("ix_refresher_notices_due_on_assessment_id", "due_on", "assessment_id"),
    )

    assessment_id: Mapped[UUID] = mapped_column(
        ForeignKey("competence_assessments.id"), primary_key=True
    )
    due_on: Mapped[date] = mapped_column(primary_key=True)
    worker_id: Mapped[UUID] = mapped_column(index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[UUID | None]
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    noticed_on: Mapped[date]
    done_on: Mapped[date | None]


class FailureEscalation(Base):
    """R25: the provider manager is told a worker has not achieved competence repeatedly."""

    __tablename__ = "failure_escalations"
    __table_args__ = (
        Index("ix_failure_escalations_escalated_on_assessment_id", "escalated_on", "assessment_id"),
    )

    assessment_id: Mapped[UUID] = mapped_column(
        ForeignKey("competence_assessments.id"), primary_key=True
    )
    worker_id: Mapped[UUID]
    task_code: Mapped[str] = mapped_column(String(100))
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    failures: Mapped[int]
    escalated_on: Mapped[date]


class ApprovedAssessor(Base):
    """Someone who is not a registered practitioner but is approved to assess competence."""

    __tablename__ = "approved_assessors"

    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_on: Mapped[date]


class AssessorApproval(Base):
    """R16, R25: a provider approves an assessor of another organisation to train, assess and
    instruct its workers; until withdrawn, the assessor acts for the provider. One row per
    provider and assessor: approving again after a withdrawal reopens it (the audit trail keeps
    each step)."""

    __tablename__ = "assessor_approvals"
    __table_args__ = (
        UniqueConstraint("provider_organisation", "assessor_organisation", "user_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    assessor_organisation: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str] = mapped_column(String(200), index=True)
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_on: Mapped[date]
    withdrawn_on: Mapped[date | None]


class CompetencePolicy(Base):
    """Settings the IPCB governs: how many failures before the provider manager is told."""

    __tablename__ = "competence_policy"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    failures_before_escalation: Mapped[int]
    updated_by: Mapped[str] = mapped_column(String(200))


class InstructionRequirement(Versioned, Base):
    """R16, A 5.13: a delegated task needing no specific training: each worker is instructed.

    Such a task has no training plan and no competence assessment; a recorded instruction per
    worker stands in their place. Each instruction is a compare-and-set on this row's version.
    """

    __tablename__ = "instruction_requirements"
    __table_args__ = (Index("ix_instruction_requirements_required_on_id", "required_on", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    delegation_id: Mapped[UUID] = mapped_column(unique=True)
    person_id: Mapped[UUID]
    task_code: Mapped[str] = mapped_column(String(100))
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20))
    required_on: Mapped[date]
    worker_ids: Mapped[list[str]] = mapped_column(JSONDocument)


class Instruction(Base):
    """One worker's instruction in the task: who instructed, in what role, when, what it covered.

    `notes` is the only free text; it stays here and never goes into an event.
    """

    __tablename__ = "instructions"

    requirement_id: Mapped[UUID] = mapped_column(
        ForeignKey("instruction_requirements.id"), primary_key=True
    )
    worker_id: Mapped[UUID] = mapped_column(primary_key=True)
    instructed_by: Mapped[str] = mapped_column(String(200))
    instructor_role: Mapped[str] = mapped_column(String(50))
    instructed_on: Mapped[date]
    covered: Mapped[list[str]] = mapped_column(JSONDocument)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
