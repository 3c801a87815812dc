"""Recharge statements for finance systems, and each organisation's finance codes."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field

from services.funding.domain.recharges import Cadence, LineKind, PeriodState, ServiceElement
from shared.pages import Page


class Direction(StrEnum):
    PAYABLE = "payable"  # the statement's organisation pays this line
    RECEIVABLE = "receivable"  # the statement's organisation recharges it to the payer


class RechargeLineRead(BaseModel):
    """One line a finance system imports (the column contract: docs/finance-export.md).
    Dates are days, `service_to` and `corrects_period_end` included."""

    line_kind: LineKind
    direction: Direction
    adjustment: bool
    corrects_period_start: date | None
    corrects_period_end: date | None
    commissioner: str
    payer: str
    provider: str | None
    provider_reference: str | None
    service_element: ServiceElement
    cost_code: str | None
    person_id: UUID
    source: str
    reference_id: UUID
    item_id: UUID
    service_from: date
    service_to: date
    unit: str
    units: Decimal
    rate_pence: int | None
    amount_pence: int
    without_prejudice: bool


class RechargeStatementRead(BaseModel):
    """An organisation's recharge statement for a period: issued (frozen) or open."""

    organisation: str
    cadence: Cadence
    period_start: date
    period_end: date  # the last day, included
    state: PeriodState
    issued_at: datetime | None
    issued_by: str | None
    payable_pence: int
    receivable_pence: int
    lines: list[RechargeLineRead]


class RechargeIssue(BaseModel):
    """Issue a period: its lines are frozen; later changes come as adjustments."""

    cadence: Cadence
    period_start: date


class FinanceCodeKind(StrEnum):
    PROVIDER = "provider"  # key: a provider's ODS code; code: the organisation's reference
    SERVICE_ELEMENT = "service_element"  # key: a ServiceElement; code: the cost code


class FinanceCodeSet(BaseModel):
    kind: FinanceCodeKind
    key: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]*$")


class FinanceCodeRead(BaseModel):
    organisation: str
    kind: FinanceCodeKind
    key: str
    code: str


class FinanceCodePage(Page[FinanceCodeRead]):
    """An organisation's finance codes, by kind and key."""
