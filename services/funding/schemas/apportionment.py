"""A delegation's apportioned funding, its runs and its settlements (R19, R20)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.funding.domain.apportionment import ApportionmentState
from services.funding.domain.covers import CoverState
from services.funding.domain.segments import FundingState


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
    framework_version: int | None = None  # R29


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
    cover_id: UUID | None = None  # R20: the Health cover (handback) this run belongs to


class CoverRead(BaseModel):
    """R18, R20: Health covers the task from the stop date until the day before `closed_on`."""

    model_config = ConfigDict(from_attributes=True)

    handback_id: UUID
    reason: str
    oversight_owner: str
    stopped_on: date
    state: CoverState
    funding: FundingState
    payer: str
    closure: str | None
    closed_on: date | None
    decided_on: date | None
    framework_version: int | None


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
    section_22_met: bool | None = None  # R11
    payer_reason: str | None = None  # why the payer is not the one delegation named (R11)
    framework_version: int | None = None  # R29: of the funding decision
    segments: list[SegmentRead]
    settlements: list[SettlementRead]
    covers: list[CoverRead] = []
