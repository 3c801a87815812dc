"""Reviews (R26)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from services.delegation.domain.decisions import FundingBasis
from services.delegation.schemas import Input, Output
from services.delegation.schemas.proposals import Member, Risk, Section22, SupportPlan
from shared.events.delegation import EndReason, ReviewOutcome
from shared.pages import Page


class ReviewRead(Output):
    id: UUID
    delegation_id: UUID
    due_date: date
    reason: str
    mdt_reassessment: bool
    completed_on: date | None
    outcome: str | None
    framework_version: int | None = Field(
        default=None, description="R29: the Framework version the outcome was decided under"
    )


class ReviewPage(Page[ReviewRead]):
    """Reviews, soonest due first."""


class Reassessment(Input):
    """R8-R13: the MDT's reassessment at a review; the task goes on only if it passes the same
    decision check as the first decision."""

    members: list[Member] = Field(min_length=1, max_length=30)
    risk: Risk
    best_interests: bool
    section_22: Section22 | None = None
    clinical_justification: str | None = Field(default=None, max_length=4000)
    section_22_funding: FundingBasis | None = None


class ReviewOutcomeCreate(Input):
    outcome: ReviewOutcome
    additional_minutes_per_week: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    notes: str | None = Field(
        default=None, max_length=4000, description="Kept in the review's record, never published"
    )
    end_reason_code: EndReason | None = Field(
        default=None, description="With `end`: why (`ended_at_review` when not said)"
    )
    reassessment: Reassessment | None = Field(
        default=None,
        description="R8: required when a significant change in need calls for the MDT",
    )
    new_support_plan: SupportPlan | None = Field(
        default=None,
        description="R19: with `change_minutes` to more than 0, the new support plan the MDT "
        "agreed",
    )
