"""A delegation's apportioned funding, its runs and its settlements (R19, R20)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.funding.domain.apportionment import ApportionmentState


class SettlementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: str
    source_id: UUID
    payer: str
    payee: str
    amount_pence: int
    period_start: date
    period_end: date
    settled_on: date


class SegmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    payer: str
    provider_organisation: str
    minutes_per_week: int
    effective_from: date
    effective_to: date | None
    without_prejudice: bool
    accrues_from: date
    awaiting_rate: bool
    cause: str


class DelegationFundingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    delegation_id: UUID
    person_id: UUID
    accountable_organisation: str
    provider_organisation: str
    minutes_per_week: int
    start_date: date
    status: ApportionmentState
    payer: str
    funding_pending: bool
    decided_on: date | None
    segments: list[SegmentRead]
    settlements: list[SettlementRead]
