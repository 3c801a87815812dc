"""Oversight visits (R17, A 5.12) and those due or overdue."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Input, Output
from shared.dates import PastDate
from shared.events.delegation import SpotCheckOutcome, VisitAction, VisitFinding
from shared.pages import Page


class SpotCheckBody(Input):
    """R16: one named worker's competence as the owner saw it."""

    worker_id: UUID
    outcome: SpotCheckOutcome


class OversightVisitCreate(Input):
    visited_on: PastDate
    findings: list[VisitFinding] = Field(min_length=1, max_length=20)
    spot_checks: list[SpotCheckBody] = Field(default_factory=list, max_length=50)
    actions: list[VisitAction] = Field(default_factory=list, max_length=20)
    notes: str | None = Field(
        default=None,
        max_length=4000,
        description="The visitor's own words: kept in the record, never published",
    )


class SpotCheckRead(Output):
    worker_id: UUID
    outcome: SpotCheckOutcome


class OversightVisitRead(Output):
    id: UUID
    delegation_id: UUID
    person_id: UUID
    oversight_owner: str
    visited_on: date
    findings: list[VisitFinding]
    spot_checks: list[SpotCheckRead]
    actions: list[VisitAction]
    notes: str | None
    next_due: date | None = Field(description="When the next visit is due (the interval after)")
    recorded_by: str
    recorded_at: datetime


class OversightVisitPage(Page[OversightVisitRead]):
    """A task's oversight visits, newest first."""


class VisitDueRead(Output):
    delegation_id: UUID
    person_id: UUID
    task_code: str
    oversight_owner: str
    interval_days: int = Field(description="How often the decision says the owner checks")
    last_visited_on: date | None
    next_due: date
    overdue: bool
    days_overdue: int


class VisitDuePage(Page[VisitDueRead]):
    """Oversight visits due, by due day."""
