"""A recharge statement as the API answers it, and as CSV in the column contract's order
(docs/finance-export.md)."""

import csv
import io
from datetime import timedelta
from enum import StrEnum

from services.funding.domain.recharges import RechargeLine
from services.funding.queries.recharges.statements import Statement
from services.funding.schemas.recharges import Direction, RechargeLineRead, RechargeStatementRead

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
