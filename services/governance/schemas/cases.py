"""Bodies for Shared Care discussions and case examples (R14), and CSU dispute cases (R22)."""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.governance.domain.disputes import Stage
from shared.events.funding import Share
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, Setting, TaskCategory

Text = Annotated[str, Field(min_length=1, max_length=5000)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ParticipantIn(Input):
    staff_id: str = Field(min_length=1, max_length=200)
    discipline: str = Field(min_length=1, max_length=100)
    organisation: str = Field(min_length=1, max_length=100)


class DecisionCreate(Input):
    decision: SharedCareDecision
    conditions: list[str] = Field(default_factory=list, max_length=20)
    rationale: Text
    circumstances: str = Field(
        min_length=1, max_length=5000, description="the circumstances, with no identifiers"
    )
    participants: list[ParticipantIn] = Field(min_length=2, max_length=30)


class DiscussionRead(Output):
    discussion_id: UUID
    proposal_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    question: str
    positions: list[str]
    opened_at: datetime
    decision: SharedCareDecision | None
    conditions: list[str] | None
    rationale: str | None
    circumstances: str | None
    participants: list[dict[str, Any]] | None
    decided_on: date | None


class CaseExampleRead(Output):
    case_example_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    question: str
    positions: list[str]
    decision: SharedCareDecision
    conditions: list[str]
    rationale: str
    circumstances: str
    disciplines: list[str]
    decided_on: date


class StageChange(Input):
    stage: Stage
    note: Text


class EvidenceCreate(Input):
    submitted_by: str = Field(min_length=1, max_length=100, description="the party's organisation")
    description: Text
    reference: str | None = Field(default=None, min_length=1, max_length=500)


class EvidenceRead(Output):
    evidence_id: UUID
    submitted_by: str
    description: str
    reference: str | None
    recorded_at: datetime


class ShareIn(Input):
    organisation: str = Field(min_length=1, max_length=100)
    percent: int | None = Field(default=None, ge=1, le=100)
    weekly_pence: int | None = Field(default=None, ge=0, le=100_000_000)

    def as_share(self) -> Share:
        return Share(
            organisation=self.organisation, percent=self.percent, weekly_pence=self.weekly_pence
        )


class ResolutionCreate(Input):
    shares: list[ShareIn] = Field(min_length=1, max_length=20)
    effective_from: date
    rationale: Text


class DisputeCaseRead(Output):
    case_id: UUID
    dispute_id: UUID
    package_id: UUID
    person_id: UUID
    raised_by: str
    parties: list[str]
    summary: str
    raised_on: date
    stage: Stage
    stage_history: list[dict[str, Any]]
    shares: list[Share] | None
    effective_from: date | None
    resolved_on: date | None
    outcome_rationale: str | None
    evidence: list[EvidenceRead] = Field(default_factory=list)
