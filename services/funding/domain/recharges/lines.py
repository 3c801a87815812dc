"""Recharge lines: what providers charge a payer, and what one commissioner recharges to
another, cut to a period's days; and a line as an issued statement stores it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from services.funding.domain import money
from services.funding.domain.lines import CostLine
from services.funding.domain.recharges.periods import Period

HUNDREDTHS = Decimal("0.01")


class LineKind(StrEnum):
    CHARGE = "charge"  # a provider charges the payer for care it delivered
    RECHARGE = "recharge"  # the commissioner who paid recharges the organisation who owes


class ServiceElement(StrEnum):
    """What a line pays for, in the Framework's words; each maps to a cost code per payer."""

    DELEGATED_TASK_TIME = "delegated_task_time"  # R19: additional commissioned time
    HEALTH_COVER_WITHOUT_PREJUDICE = "health_cover_without_prejudice"  # R20
    JOINT_PACKAGE_SHARE = "joint_package_share"  # R21
    WITHOUT_PREJUDICE_RECHARGE = "without_prejudice_recharge"  # R20: settled back to the start
    DISPUTE_SETTLEMENT = "dispute_settlement"  # R22: the CSU's outcome


@dataclass(frozen=True)
class RechargeLine:
    """One line a finance system imports. `amount_pence` is the figure (accrued day by day,
    `money`); `units` (hours or weeks, two places) and `rate_pence` say how it came about."""

    line_kind: LineKind
    commissioner: str
    payer: str
    provider: str | None
    service_element: ServiceElement
    source: str  # apportionment, joint_package or settlement:<kind>
    reference_id: UUID  # the run, the package terms or the settlement
    item_id: UUID  # the delegation or package the line is about
    person_id: UUID
    line_from: date
    line_until: date  # excluded
    unit: str  # hour or week
    units: Decimal
    rate_pence: int | None
    amount_pence: int
    without_prejudice: bool = False
    adjustment: bool = False
    corrects_start: date | None = None  # the issued period an adjustment corrects
    corrects_end: date | None = None  # its last day

    @property
    def key(self) -> tuple[str, ...]:
        """What a line is, whatever its figures: an adjustment is the change under one key."""
        return (
            self.line_kind,
            self.source,
            str(self.reference_id),
            str(self.item_id),
            self.commissioner,
            self.payer,
            self.provider or "",
            str(self.rate_pence),
        )


def _units(line: CostLine, a: date, b: date) -> tuple[str, Decimal, int | None]:
    days = Decimal((b - a).days)
    if line.minutes_per_week is not None:
        hours = Decimal(line.minutes_per_week) * days / Decimal(7 * 60)
        return "hour", hours.quantize(HUNDREDTHS), line.hourly_rate_pence
    weekly = line.share_weekly_pence
    return "week", (days / 7).quantize(HUNDREDTHS), weekly


def _element(line: CostLine) -> ServiceElement:
    if line.kind == "joint_package":
        return ServiceElement.JOINT_PACKAGE_SHARE
    if line.without_prejudice:
        return ServiceElement.HEALTH_COVER_WITHOUT_PREJUDICE
    return ServiceElement.DELEGATED_TASK_TIME


def charges(lines: Iterable[CostLine]) -> list[RechargeLine]:
    """What providers charge each payer: the statement's cost lines, as the payer commissioned
    them (at its own rate, or its share of a joint package)."""
    out = []
    for line in lines:
        unit, units, rate = _units(line, line.line_from, line.line_until)
        out.append(
            RechargeLine(
                line_kind=LineKind.CHARGE,
                commissioner=line.organisation,
                payer=line.organisation,
                provider=line.provider_organisation,
                service_element=_element(line),
                source=line.kind,
                reference_id=line.reference_id,
                item_id=line.subject_id,
                person_id=line.person_id,
                line_from=line.line_from,
                line_until=line.line_until,
                unit=unit,
                units=units,
                rate_pence=rate,
                amount_pence=line.amount_pence,
                without_prejudice=line.without_prejudice,
            )
        )
    return out


@dataclass(frozen=True)
class Settled:
    """A settlement as the statement needs it: who recharges whom, for which days, and the
    lines (as owed) behind it."""

    settlement_id: UUID
    kind: str
    source_id: UUID
    person_id: UUID
    commissioner: str  # the payee: it paid, and recharges
    payer: str
    amount_pence: int
    period_start: date
    period_end: date
    owed: Sequence[CostLine]


def recharges(settled: Settled, period: Period) -> list[RechargeLine]:
    """R20: a without-prejudice settlement recharges each owed line's days, cut to the period
    (the cuts of consecutive periods add up to the settlement, `money`). R22: a dispute's
    outcome nets several organisations' lines, so it is one line in the period where its days
    begin."""
    if settled.kind != "without_prejudice":
        if not period.start <= settled.period_start < period.end:
            return []
        return [_settlement_line(settled)]
    out = []
    for line in settled.owed:
        a, b = max(period.start, line.line_from), min(period.end, line.line_until)
        if b <= a:
            continue
        unit, units, rate = _units(line, a, b)
        out.append(
            RechargeLine(
                line_kind=LineKind.RECHARGE,
                commissioner=settled.commissioner,
                payer=settled.payer,
                provider=line.provider_organisation,
                service_element=ServiceElement.WITHOUT_PREJUDICE_RECHARGE,
                source=f"settlement:{settled.kind}",
                reference_id=settled.settlement_id,
                item_id=line.reference_id,
                person_id=settled.person_id,
                line_from=a,
                line_until=b,
                unit=unit,
                units=units,
                rate_pence=rate,
                amount_pence=money.cost_between(line.weekly_cost_pence, line.accrues_from, a, b),
            )
        )
    return out


def _settlement_line(settled: Settled) -> RechargeLine:
    return RechargeLine(
        line_kind=LineKind.RECHARGE,
        commissioner=settled.commissioner,
        payer=settled.payer,
        provider=None,
        service_element=ServiceElement.DISPUTE_SETTLEMENT,
        source=f"settlement:{settled.kind}",
        reference_id=settled.settlement_id,
        item_id=settled.source_id,
        person_id=settled.person_id,
        line_from=settled.period_start,
        line_until=settled.period_end,
        unit="week",
        units=(Decimal((settled.period_end - settled.period_start).days) / 7).quantize(HUNDREDTHS),
        rate_pence=None,
        amount_pence=settled.amount_pence,
    )


def document(line: RechargeLine) -> dict[str, Any]:
    """A line as stored in an issued statement (and read back by `from_document`)."""
    return {
        "line_kind": line.line_kind.value,
        "commissioner": line.commissioner,
        "payer": line.payer,
        "provider": line.provider,
        "service_element": line.service_element.value,
        "source": line.source,
        "reference_id": str(line.reference_id),
        "item_id": str(line.item_id),
        "person_id": str(line.person_id),
        "line_from": line.line_from.isoformat(),
        "line_until": line.line_until.isoformat(),
        "unit": line.unit,
        "units": str(line.units),
        "rate_pence": line.rate_pence,
        "amount_pence": line.amount_pence,
        "without_prejudice": line.without_prejudice,
        "adjustment": line.adjustment,
        "corrects_start": _day(line.corrects_start),
        "corrects_end": _day(line.corrects_end),
    }


def from_document(row: dict[str, Any]) -> RechargeLine:
    return RechargeLine(
        line_kind=LineKind(row["line_kind"]),
        commissioner=row["commissioner"],
        payer=row["payer"],
        provider=row["provider"],
        service_element=ServiceElement(row["service_element"]),
        source=row["source"],
        reference_id=UUID(row["reference_id"]),
        item_id=UUID(row["item_id"]),
        person_id=UUID(row["person_id"]),
        line_from=date.fromisoformat(row["line_from"]),
        line_until=date.fromisoformat(row["line_until"]),
        unit=row["unit"],
        units=Decimal(row["units"]),
        rate_pence=row["rate_pence"],
        amount_pence=row["amount_pence"],
        without_prejudice=row["without_prejudice"],
        adjustment=row["adjustment"],
        corrects_start=_parse(row["corrects_start"]),
        corrects_end=_parse(row["corrects_end"]),
    )


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _parse(day: str | None) -> date | None:
    return None if day is None else date.fromisoformat(day)
