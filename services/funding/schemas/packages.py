"""Joint packages and their shares over time (R21)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.funding.schemas import Organisation, PlausibleDate
from shared.events.vocabulary import Setting


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: Organisation
    percent: int | None = Field(default=None, ge=0, le=100)
    weekly_pence: int | None = Field(default=None, ge=0, le=100_000_000)


class JointPackageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    setting: Setting
    weekly_cost_pence: int = Field(ge=0, le=100_000_000)
    shares: list[ShareIn] = Field(min_length=2, max_length=10)
    effective_from: PlausibleDate
    # R11: the delegation whose task the package funds, if it funds one.
    delegation_id: UUID | None = None


class TermsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekly_cost_pence: int = Field(ge=0, le=100_000_000)
    shares: list[ShareIn] = Field(min_length=2, max_length=10)
    effective_from: PlausibleDate


class TermsRead(BaseModel):
    id: UUID
    effective_from: date
    weekly_cost_pence: int
    shares: list[ShareIn]
    cause: str


class JointPackageRead(BaseModel):
    id: UUID
    person_id: UUID
    setting: Setting
    terms: list[TermsRead]
    delegation_id: UUID | None = None
