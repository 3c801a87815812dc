"""Reviews (R26) and the regular-use policy (R23)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Input, Output
from shared.events.delegation import ReviewOutcome


class ReviewRead(Output):
    id: UUID
    delegation_id: UUID
    due_date: date
    reason: str
    mdt_reassessment: bool
    completed_on: date | None
    outcome: str | None


class ReviewOutcomeCreate(Input):
    outcome: ReviewOutcome
    additional_minutes_per_week: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    notes: str | None = Field(default=None, max_length=4000)


class RegularUsePolicyUpdate(Input):
    threshold: int = Field(ge=2, le=100)
    period_days: int = Field(ge=1, le=366)


class RegularUsePolicyRead(Output):
    threshold: int
    period_days: int
    updated_at: datetime
    updated_by: str
