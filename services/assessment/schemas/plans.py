"""Bodies for support plan versions."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.assessment.schemas.people import Organisation
from shared.dates import PastDate
from shared.pages import Page


class SupportPlanCreate(BaseModel):
    """A new version: commissioned visits and the provider; tasks and consents carry forward."""

    model_config = ConfigDict(extra="forbid")

    visits_per_day: int = Field(ge=0, le=12)
    minutes_per_visit: int = Field(ge=0, le=24 * 60)
    days_per_week: int = Field(ge=0, le=7)
    provider_organisation: Organisation | None = None
    effective_from: PastDate | None = None
    reason: str = Field(min_length=1, max_length=2000)
    based_on_version: int | None = Field(default=None, ge=0)


class SupportPlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    plan_id: UUID
    person_id: UUID
    version: int
    visits_per_day: int | None
    minutes_per_visit: int | None
    days_per_week: int | None
    provider_organisation: str | None
    tasks: list[dict[str, Any]]
    consent_ids: list[UUID]
    effective_from: date
    reason: str
    created_at: datetime
    created_by: str


class SupportPlanPage(Page[SupportPlanRead]):
    """A person's support plan versions, oldest first."""
