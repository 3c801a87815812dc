"""Training plans (R24, R25) and release for training."""

from datetime import date
from uuid import UUID

from pydantic import Field

from services.training.domain.dates import MAX_COMPETENCE_YEARS
from services.training.domain.plans import PlanStatus
from services.training.schemas.common import Input, Name, Output, Text
from shared.dates import PastDate
from shared.pages import Page


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
    reassessment_interval_months: int = Field(ge=1, le=12 * MAX_COMPETENCE_YEARS)
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
    agreed_on: date | None  # by the provider
    practitioner_agreed_on: date | None = None  # R24: by the accountable practitioner: in force
    practitioner_organisation: str | None = None
    returned_on: date | None = None  # R24: the practitioner asked the provider to write it again
    returned_reason: str | None = None
    backfill_total_pence: int


class TrainingPlanPage(Page[TrainingPlanRead]):
    """Training plans, soonest required first."""


class PlanReturn(Input):
    """R24: why the accountable practitioner does not agree the plan as written."""

    reason: Text


class ReleaseCreate(Input):
    worker_id: UUID
    minutes: int = Field(ge=1, le=100_000)
    released_on: PastDate = Field(description="on or before today")


class ReleaseRead(Output):
    id: UUID
    plan_id: UUID
    worker_id: UUID
    minutes: int
    hourly_rate_pence: int
    cost_pence: int
    released_on: date
