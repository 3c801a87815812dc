"""Recharge statements: an organisation's lines for a period as they stand now, or as issued;
the open period adds what changed in the issued ones since."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import recharges
from services.funding.domain.lines import CostLine
from services.funding.domain.recharges import (
    Cadence,
    Period,
    PeriodState,
    RechargeLine,
    from_document,
)
from services.funding.models import FinanceCode, RechargeStatement, Settlement
from services.funding.queries.statements import paid_lines, statement_sources
from services.funding.schemas.recharges import Direction, RechargeLineRead, RechargeStatementRead
from services.funding.schemas.statements import LineRead


@dataclass(frozen=True)
class Statement:
    """A statement's lines, and whether they are frozen (issued) or worked out now."""

    organisation: str
    period: Period
    state: PeriodState
    lines: list[RechargeLine]
    codes: dict[str, dict[str, str]]
    issued: RechargeStatement | None = None


async def lines_now(session: AsyncSession, organisation: str, period: Period) -> list[RechargeLine]:
    """The organisation's lines for the period's days as the records stand now: what providers
    charge it, and what it recharges or is recharged (`recharges`)."""
    segments, rates, terms, _ = await statement_sources(
        session, organisation, period.start, period.end
    )
    charged = paid_lines(organisation, segments, rates, terms, period.start, period.end)
    lines = recharges.charges(charged)
    for settlement in await _settlements(session, organisation, period):
        lines += recharges.recharges(_settled(settlement), period)
    return lines


async def _settlements(
    session: AsyncSession, organisation: str, period: Period
) -> Sequence[Settlement]:
    """Settlements the organisation is party to whose days reach into the period."""
    query = (
        select(Settlement)
        .where(
            or_(Settlement.payer == organisation, Settlement.payee == organisation),
            Settlement.period_start < period.end,
            Settlement.period_end >= period.start,
        )
        .order_by(Settlement.period_start, Settlement.id)
    )
    return (await session.scalars(query)).all()


def _settled(settlement: Settlement) -> recharges.Settled:
    owed = [
        CostLine(**LineRead.model_validate(ln).model_dump(exclude={"days"}))
        for ln in settlement.lines.get("owed", [])
    ]
    return recharges.Settled(
        settlement_id=settlement.id,
        kind=settlement.kind,
        source_id=settlement.source_id,
        person_id=settlement.person_id,
        commissioner=settlement.payee,
        payer=settlement.payer,
        amount_pence=settlement.amount_pence,
        period_start=settlement.period_start,
        period_end=settlement.period_end,
        owed=owed,
    )


async def issued_statements(
    session: AsyncSession, organisation: str
) -> Sequence[RechargeStatement]:
    query = (
        select(RechargeStatement)
        .where(RechargeStatement.organisation == organisation)
        .order_by(RechargeStatement.period_start)
    )
    return (await session.scalars(query)).all()


def period_of(row: RechargeStatement) -> Period:
    return Period(Cadence(row.cadence), row.period_start, row.period_end)


def stated_lines(row: RechargeStatement) -> list[RechargeLine]:
    return [from_document(ln) for ln in row.document["lines"]]


async def statement(session: AsyncSession, organisation: str, period: Period) -> Statement:
    """Issued: the lines as issued. Open (the period after the latest issued): the lines now and
    the adjustments to every issued period. Any other: the lines now."""
    issued = await issued_statements(session, organisation)
    for row in issued:
        if row.period_start == period.start:
            codes = row.document["codes"]
            return Statement(
                organisation, period_of(row), PeriodState.ISSUED, stated_lines(row), codes, row
            )
    lines = [
        ln for ln in await lines_now(session, organisation, period) if _party(organisation, ln)
    ]
    if issued and period == recharges.following(period_of(issued[-1])):
        lines += await adjustments_since(session, organisation, issued)
    return Statement(
        organisation, period, PeriodState.OPEN, lines, await codes_of(session, organisation)
    )


def _party(organisation: str, line: RechargeLine) -> bool:
    return organisation in (line.commissioner, line.payer)


async def adjustments_since(
    session: AsyncSession, organisation: str, issued: Sequence[RechargeStatement]
) -> list[RechargeLine]:
    """For each issued period: its lines now, less what was issued for it and every adjustment
    to it issued since."""
    out: list[RechargeLine] = []
    for row in issued:
        period = period_of(row)
        stated = [ln for ln in stated_lines(row) if not ln.adjustment]
        stated += [
            ln
            for later in issued
            for ln in stated_lines(later)
            if ln.adjustment and ln.corrects_start == period.start
        ]
        now = [
            ln for ln in await lines_now(session, organisation, period) if _party(organisation, ln)
        ]
        out += recharges.adjustments(period, now, stated)
    return out


async def codes_of(session: AsyncSession, organisation: str) -> dict[str, dict[str, str]]:
    """The organisation's finance codes by kind: `provider` -> its reference for a provider,
    `service_element` -> its cost code."""
    rows = await session.scalars(
        select(FinanceCode).where(FinanceCode.organisation == organisation)
    )
    codes: dict[str, dict[str, str]] = {"provider": {}, "service_element": {}}
    for row in rows:
        codes.setdefault(row.kind, {})[row.key] = row.code
    return codes


def issued_periods(issued: Sequence[RechargeStatement]) -> list[tuple[Cadence, date]]:
    return [(Cadence(r.cadence), r.period_start) for r in issued]


CSV_COLUMNS = [
    "statement_organisation",
    "cadence",
    "period_start",
    "period_end",
    "line_kind",
    "direction",
    "adjustment",
    "corrects_period_start",
    "corrects_period_end",
    "commissioner",
    "payer",
    "provider",
    "provider_reference",
    "service_element",
    "cost_code",
    "person_id",
    "source",
    "reference_id",
    "item_id",
    "service_from",
    "service_to",
    "unit",
    "units",
    "rate_pence",
    "amount_pence",
    "without_prejudice",
]


def as_read(found: Statement) -> RechargeStatementRead:
    """The statement as the API answers it, with the organisation's finance codes."""
    lines = [_line_read(found.organisation, ln, found.codes) for ln in found.lines]
    return RechargeStatementRead(
        organisation=found.organisation,
        cadence=found.period.cadence,
        period_start=found.period.start,
        period_end=found.period.last_day,
        state=found.state,
        issued_at=found.issued.issued_at if found.issued else None,
        issued_by=found.issued.issued_by if found.issued else None,
        payable_pence=sum(ln.amount_pence for ln in lines if ln.direction is Direction.PAYABLE),
        receivable_pence=sum(
            ln.amount_pence for ln in lines if ln.direction is Direction.RECEIVABLE
        ),
        lines=lines,
    )


def _line_read(
    organisation: str, line: RechargeLine, codes: dict[str, dict[str, str]]
) -> RechargeLineRead:
    payable = line.payer == organisation
    return RechargeLineRead(
        line_kind=line.line_kind,
        direction=Direction.PAYABLE if payable else Direction.RECEIVABLE,
        adjustment=line.adjustment,
        corrects_period_start=line.corrects_start,
        corrects_period_end=line.corrects_end,
        commissioner=line.commissioner,
        payer=line.payer,
        provider=line.provider,
        provider_reference=codes.get("provider", {}).get(line.provider or ""),
        service_element=line.service_element,
        cost_code=codes.get("service_element", {}).get(line.service_element.value),
        person_id=line.person_id,
        source=line.source,
        reference_id=line.reference_id,
        item_id=line.item_id,
        service_from=line.line_from,
        service_to=line.line_until - timedelta(days=1),
        unit=line.unit,
        units=line.units,
        rate_pence=line.rate_pence,
        amount_pence=line.amount_pence,
        without_prejudice=line.without_prejudice,
    )


def as_csv(read: RechargeStatementRead) -> str:
    """One row per line, in the column contract's order (docs/finance-export.md)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    head = [read.organisation, read.cadence.value, str(read.period_start), str(read.period_end)]
    fields = CSV_COLUMNS[len(head) :]
    for line in read.lines:
        writer.writerow(head + [_cell(getattr(line, name)) for name in fields])
    return out.getvalue()


def _cell(value: object) -> str:
    """A cell: empty for none, Y/N, an enum's value, ISO days, ids and decimals as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, StrEnum):
        return value.value
    return str(value)
