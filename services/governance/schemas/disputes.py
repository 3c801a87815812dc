"""Bodies for CSU dispute cases (R22)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from services.governance.domain.disputes import Stage
from services.governance.schemas.common import EffectiveDate, Input, Output, Text
from shared.events.funding import DisputeReason, DisputeSubject, Share
from shared.pages import Page


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
    effective_from: EffectiveDate
    rationale: Text


class DisputeCaseRead(Output):
    case_id: UUID
    dispute_id: UUID
    package_id: UUID
    person_id: UUID
    raised_by: str
    parties: list[str]
    held_by: str | None = Field(description="the CSU that holds the case (R22)")
    reason_code: DisputeReason | None = Field(
        default=None, description="what is disputed (None: raised before reasons were coded)"
    )
    subject_kind: DisputeSubject | None = Field(
        default=None, description="a joint package, an apportionment (R19) or a decision (R20)"
    )
    weekly_cost_pence: int | None = Field(
        default=None, description="the subject's weekly cost when raised (None: not known)"
    )
    raised_on: date
    stage: Stage
    stage_history: list[dict[str, Any]]
    shares: list[Share] | None
    effective_from: date | None
    resolved_on: date | None
    outcome_rationale: str | None
    framework_version: int | None  # R29: the version the resolution was made under
    evidence: list[EvidenceRead] = Field(default_factory=list)


class DisputeCasePage(Page[DisputeCaseRead]):
    """CSU dispute cases, oldest raised first."""
