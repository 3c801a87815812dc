"""Competence assessments (R16), warnings, escalations and the policy (R25)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from services.training.schemas.common import Input, Output, TaskCode, Text
from shared.dates import ExpiryDate
from shared.events.training import CompetenceOutcome
from shared.pages import Page


class AssessmentCreate(Input):
    task_code: TaskCode
    person_id: UUID | None = None
    standard: Text
    evidence: Text
    outcome: CompetenceOutcome
    valid_until: ExpiryDate | None = Field(
        default=None, description="competent: the first day it no longer counts, at most 3 years on"
    )
    reassessment_on: ExpiryDate | None = Field(
        default=None, description="not yet competent: after today, at most 3 years on"
    )
    further_training: Text | None = None


class AssessmentRead(Output):
    id: UUID
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    assessor_id: str
    standard: str
    evidence: str
    outcome: CompetenceOutcome
    assessed_on: date
    valid_until: date | None
    reassessment_on: date | None
    further_training: str | None
    current: bool
    lapsed_on: date | None
    framework_version: int | None  # R29: the version the sign-off was made under


class CompetenceRead(BaseModel):
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    competent: bool
    in_failure_process: bool
    valid_until: date | None
    reassessment_on: date | None
    # A 5.13: for a task needing no specific training, the instruction counts instead.
    instructed_on: date | None = None
    # R25: the refresher its training plan asks for, announced and not done yet: due by this day
    refresher_due_on: date | None = None


class WarningRead(Output):
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    expires_on: date
    days_before: int
    warned_on: date


class RefresherDueRead(Output):
    """R25: a refresher announced as due and not done: missed past `due_on`, the competence
    lapses the day after."""

    assessment_id: UUID
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    due_on: date
    noticed_on: date


class EscalationRead(Output):
    assessment_id: UUID
    worker_id: UUID
    task_code: str
    provider_organisation: str
    failures: int
    escalated_on: date


class AssessmentPage(Page[AssessmentRead]):
    """A worker's competence assessments, oldest first."""


class WarningPage(Page[WarningRead]):
    """Expiry warnings, oldest first."""


class RefresherDuePage(Page[RefresherDueRead]):
    """Refreshers due and not done, soonest first."""


class EscalationPage(Page[EscalationRead]):
    """Failure escalations, oldest first."""


class CompetencePolicyUpdate(Input):
    failures_before_escalation: int = Field(ge=1, le=10)


class CompetencePolicyRead(Output):
    failures_before_escalation: int
