"""Reviews (R26)."""

from __future__ import annotations

from datetime import date
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
