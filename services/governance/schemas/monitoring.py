"""Bodies for equality monitoring (R28), competence sign-off oversight and decision monitoring."""

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from shared.dates import PastDate
from shared.events.assessment import EqualityCount
from shared.pages import Page


class EqualityReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_start: PastDate
    period_end: PastDate


class EqualityReportRead(BaseModel):
    report_id: UUID
    period_start: date
    period_end: date
    status: str  # requested, compiled
    requested_at: datetime | None
    compiled_at: datetime | None
    rows: list[EqualityCount]
    missing_characteristics: list[str]


class TaskSignOffRead(BaseModel):
    task_code: str
    competent: int
    not_yet_competent: int
    last_assessed_on: date


class ProviderSignOffRead(BaseModel):
    provider_organisation: str
    tasks: list[TaskSignOffRead]


class MonitoringCountRead(BaseModel):
    kind: str
    framework_version: int | None
    count: int


class EqualityReportPage(Page[EqualityReportRead]):
    """Equality monitoring reports, by period."""


class ProviderSignOffPage(Page[ProviderSignOffRead]):
    """Competence sign-off, by provider."""


class MonitoringCountPage(Page[MonitoringCountRead]):
    """Counts of decisions and outcomes, by kind and Framework version."""
