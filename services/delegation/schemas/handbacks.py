"""Handbacks (R18, R20): what returned to whom, its acknowledgement, and the IPCB's time limit."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Input, Output
from shared.events.delegation import CoverArrangement, HandbackClosure, StopReason
from shared.events.vocabulary import Direction
from shared.pages import Page


class AcknowledgementCreate(Input):
    """R18: the owner's organisation takes the task back and names the cover in place."""

    cover: CoverArrangement
    notes: str | None = Field(default=None, max_length=2000)


class HandbackRead(Output):
    id: UUID
    delegation_id: UUID
    person_id: UUID
    task_code: str
    direction: Direction
    oversight_kind: str
    oversight_owner: str
    provider_organisation: str
    reason: StopReason
    stopped_on: date
    acknowledge_by: date
    status: str
    overdue: bool = False
    acknowledged_on: date | None
    acknowledged_by: str | None
    cover: CoverArrangement | None
    overdue_flagged_on: date | None
    closure: HandbackClosure | None
    closed_on: date | None


class HandbackPage(Page[HandbackRead]):
    """Handbacks, oldest first."""


class HandbackPolicyUpdate(Input):
    acknowledge_within_days: int = Field(ge=0, le=28)


class HandbackPolicyRead(Output):
    acknowledge_within_days: int
    updated_at: datetime
    updated_by: str
