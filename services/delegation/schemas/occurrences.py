"""Ad hoc occurrences and the IPCB's regular-use policy (R23)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Input, Output
from shared.dates import PastDate


class OccurrenceCreate(Input):
    occurred_on: PastDate


class OccurrenceRead(Output):
    id: UUID
    delegation_id: UUID
    occurred_on: date
    care_plan_reevaluation_flagged: bool


class RegularUsePolicyUpdate(Input):
    threshold: int = Field(ge=2, le=100)
    period_days: int = Field(ge=1, le=366)


class RegularUsePolicyRead(Output):
    threshold: int
    period_days: int
    updated_at: datetime
    updated_by: str
