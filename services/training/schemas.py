"""The training service's request and response bodies."""

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.training.domain import PlanStatus, TrainingKind
from shared.events.training import CompetenceOutcome

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
TaskCode = Annotated[str, Field(min_length=1, max_length=100)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class WorkerCreate(Input):
    role: Name


class WorkerRead(Output):
    id: UUID
    organisation: str
    role: str


class KnowledgeTraining(Input):
    delivered_by: Name
    assessed_by: Name
    standard: Text


class SkillsTraining(Input):
    delivered_by: Name
    competence_assessed_by: Name
    standard: Text


class TrainingPlanContent(Input):
    """Every item R24 and R25 ask a training plan to record."""

    knowledge_and_skills_required: Text
    training_materials: list[Text] = Field(min_length=1, max_length=50)
    knowledge_training: KnowledgeTraining
    skills_training: SkillsTraining
    competence_recording: Text
    refresher_interval_months: int = Field(ge=1, le=60)
    reassessment_interval_months: int = Field(ge=1, le=60)
    ongoing_support: Text
    clinical_review: Text
    risks_and_safe_delivery: Text
    not_competent_process: Text
    release_for_training: Text
    backfill_hourly_rate_pence: int = Field(ge=1, le=100_000)


class TrainingPlanRead(Output):
    id: UUID
    delegation_id: UUID
    person_id: UUID
    task_code: str
    provider_organisation: str
    status: PlanStatus
    required_on: date
    worker_ids: list[UUID]
    content: TrainingPlanContent | None
    agreed_on: date | None
    backfill_total_pence: int


class ReleaseCreate(Input):
    worker_id: UUID
    minutes: int = Field(ge=1, le=100_000)
    released_on: date


class ReleaseRead(Output):
    id: UUID
    plan_id: UUID
    worker_id: UUID
    minutes: int
    hourly_rate_pence: int
    cost_pence: int
    released_on: date


class TrainingRecordCreate(Input):
    task_code: TaskCode
    person_id: UUID | None = None
    kind: TrainingKind
    completed_on: date
    delivered_by: Name


class TrainingRecordRead(Output):
    id: UUID
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    kind: TrainingKind
    completed_on: date
    delivered_by: str


class AssessmentCreate(Input):
    task_code: TaskCode
    person_id: UUID | None = None
    standard: Text
    evidence: Text
    outcome: CompetenceOutcome
    valid_until: date | None = None
    reassessment_on: date | None = None
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


class CompetenceRead(BaseModel):
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    competent: bool
    in_failure_process: bool
    valid_until: date | None
    reassessment_on: date | None


class WarningRead(Output):
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    expires_on: date
    days_before: int
    warned_on: date


class EscalationRead(Output):
    assessment_id: UUID
    worker_id: UUID
    task_code: str
    provider_organisation: str
    failures: int
    escalated_on: date


class ApprovedAssessorCreate(Input):
    user_id: Name
    organisation: Name


class ApprovedAssessorRead(Output):
    user_id: str
    organisation: str
    approved_on: date


class CompetencePolicyUpdate(Input):
    failures_before_escalation: int = Field(ge=1, le=10)


class CompetencePolicyRead(Output):
    failures_before_escalation: int


class SignOffRow(BaseModel):
    provider_organisation: str
    task_code: str
    competent: int
    not_yet_competent: int


class SignOffReport(BaseModel):
    period_from: date
    period_to: date
    rows: list[SignOffRow]
