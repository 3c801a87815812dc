"""Bodies for needs assessments (R4, R5, R6) and changes in need (R8)."""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.assessment.domain.assessments import AssessmentKind
from services.assessment.domain.eligibility import Condition, Outcome, Reason
from services.assessment.schemas.consents import TaskCode
from services.assessment.schemas.people import Organisation
from shared.dates import PastDate
from shared.events.assessment import HealthCondition, HealthPurpose
from shared.pages import Page

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class HealthNeedWrite(BaseModel):
    """R4: a health need, whether or not a health professional must carry out the task."""

    model_config = ConfigDict(extra="forbid")

    need: Text
    purpose: HealthPurpose
    relates_to: HealthCondition
    requires_health_professional: bool
    task_codes: list[TaskCode] = Field(
        default_factory=list,
        max_length=20,
        description="The catalogue's codes of the tasks that meet this need (R4): a delegation "
        "cites the need by its id",
    )


class HealthNeedRead(HealthNeedWrite):
    """R4: a recorded health need and its id, which delegations cite."""

    model_config = ConfigDict(extra="ignore")

    need_id: UUID


class SocialCareNeedWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    need: Text
    outcome: Outcome | None = None


class OutcomeObservation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    unable: bool
    reasons: list[Reason] = Field(default_factory=list, max_length=4)

    @model_validator(mode="after")
    def _unable_says_why(self) -> "OutcomeObservation":
        if self.unable != bool(self.reasons):
            raise ValueError("reasons: an unable outcome needs at least one reason; an able none")
        return self


class ObservationWrite(BaseModel):
    """What was seen on one day; several over a period when needs fluctuate."""

    model_config = ConfigDict(extra="forbid")

    observed_on: PastDate
    outcomes: list[OutcomeObservation] = Field(max_length=10)

    @model_validator(mode="after")
    def _each_outcome_once(self) -> "ObservationWrite":
        if len({o.outcome for o in self.outcomes}) != len(self.outcomes):
            raise ValueError("outcomes: each outcome at most once per observation")
        return self


class EligibilityWrite(BaseModel):
    """R5: the Care Act determination's inputs."""

    model_config = ConfigDict(extra="forbid")

    needs_arise_from_impairment_or_illness: bool
    significant_impact_on_wellbeing: bool
    observations: list[ObservationWrite] = Field(min_length=1, max_length=366)


class AssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AssessmentKind
    partner_organisation: Organisation | None = Field(
        default=None,
        description="Deprecated: the assessing organisation is the caller's token organisation "
        "(R6); if sent it must be the same",
        json_schema_extra={"deprecated": True},
    )
    assessed_on: PastDate | None = None
    health_needs: list[HealthNeedWrite] = Field(default_factory=list, max_length=100)
    social_care_needs: list[SocialCareNeedWrite] = Field(default_factory=list, max_length=100)
    eligibility: EligibilityWrite | None = None
    follows_change_id: UUID | None = None


class DeterminationRead(BaseModel):
    """R5: whether the needs are eligible, which conditions failed, and the outcomes counted."""

    eligible: bool
    failed_conditions: list[Condition]
    unable_outcomes: dict[Outcome, list[Reason]]
    observations: int


class EligibilityRead(EligibilityWrite):
    """R5: the determination's inputs, kept with the determination made from them."""

    model_config = ConfigDict(extra="ignore")

    determination: DeterminationRead


class AssessmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    person_id: UUID
    kind: AssessmentKind
    assessed_by: str
    assessor_role: str
    partner_organisation: str
    assessed_on: date
    recorded_at: datetime
    health_needs: list[HealthNeedRead]
    social_care_needs: list[dict[str, Any]]
    eligibility: EligibilityRead | None
    follows_change_id: UUID | None
    superseded_by: UUID | None


class NeedChangeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    significant: bool
    description: Text
    recorded_on: PastDate | None = None


class NeedChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    person_id: UUID
    significant: bool
    description: str
    recorded_on: date
    recorded_at: datetime
    recorded_by: str


class AssessmentPage(Page[AssessmentRead]):
    """A person's assessments, oldest recorded first."""


class NeedChangePage(Page[NeedChangeRead]):
    """A person's changes in need, oldest first."""
