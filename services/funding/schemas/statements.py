"""Statements per organisation per period, line by line."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel


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
