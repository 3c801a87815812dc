"""The funding service's request and response bodies (money in integer pence)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.events.vocabulary import Setting

Organisation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


class RateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_organisation: Organisation
    hourly_rate_pence: int = Field(ge=0, le=1_000_000)
    effective_from: date


class RateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    provider_organisation: str
    hourly_rate_pence: int
    effective_from: date


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
    decided_on: date


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
    status: str
    payer: str
    funding_pending: bool
    decided_on: date | None
    segments: list[SegmentRead]
    settlements: list[SettlementRead]


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
    effective_from: date


class TermsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekly_cost_pence: int = Field(ge=0, le=100_000_000)
    shares: list[ShareIn] = Field(min_length=2, max_length=10)
    effective_from: date


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


class DisputeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(min_length=1, max_length=2000)


class DisputeRead(BaseModel):
    id: UUID
    package_id: UUID
    person_id: UUID
    raised_by: str
    parties: list[str]
    summary: str
    raised_on: date
    status: str
    outcome: list[ShareIn] | None
    effective_from: date | None
    resolved_on: date | None


class LineRead(BaseModel):
    """One figure and what it came from: rate, minutes, share and dates (until is exclusive)."""

    kind: str
    reference_id: UUID
    subject_id: UUID
    person_id: UUID
    organisation: str
    provider_organisation: str | None
    minutes_per_week: int | None
    rate_id: UUID | None
    hourly_rate_pence: int | None
    weekly_cost_pence: int
    share_percent: int | None
    share_weekly_pence: int | None
    accrues_from: date
    line_from: date
    line_until: date
    days: int
    amount_pence: int
    without_prejudice: bool
    awaiting_rate: bool


class StatementSettlement(BaseModel):
    id: UUID
    kind: str
    source_id: UUID
    person_id: UUID
    counterparty: str
    amount_pence: int
    period_start: date
    period_end: date
    settled_on: date
    paid_lines: list[LineRead]
    owed_lines: list[LineRead]


class StatementRead(BaseModel):
    """What an organisation pays, recharges to others and is recharged, with the lines behind it."""

    organisation: str
    period_start: date
    period_end: date
    pays_pence: int
    recharges_pence: dict[str, int]
    recharged_by_pence: dict[str, int]
    net_pence: int
    lines: list[LineRead]
    recharges: list[StatementSettlement]
    recharged_by: list[StatementSettlement]
