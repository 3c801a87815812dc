"""Without-prejudice funding and the funding decision that settles it (R20)."""

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.funding.schemas import Organisation, PlausibleDate


class FundingGapCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delegation_id: UUID
    person_id: UUID
    reason: str = Field(min_length=1, max_length=2000)


class FundingGapRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    delegation_id: UUID
    person_id: UUID
    reason: str
    organisation: str


class FundingDecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accountable_organisation: Organisation
    decided_on: PlausibleDate
