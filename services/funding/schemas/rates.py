"""Providers' hourly rates (R19)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.funding.schemas import Organisation, PlausibleDate
from shared.pages import Page


class RateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_organisation: Organisation
    hourly_rate_pence: int = Field(ge=0, le=1_000_000)
    effective_from: PlausibleDate


class RateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    commissioner: str  # the commissioning organisation whose rate it is
    provider_organisation: str
    hourly_rate_pence: int
    effective_from: date


class RatePage(Page[RateRead]):
    """Hourly rates, by provider, commissioner and effective date."""
