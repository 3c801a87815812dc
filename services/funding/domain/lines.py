"""A line of a statement: one figure and everything it came from."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class CostLine:
    """What `organisation` pays for the days [line_from, line_until), and why.

    `kind` is "apportionment" (delegated time, R19/R20) or "joint_package" (a share, R21).
    The amount accrues day by day from `accrues_from` at `weekly_cost_pence` (see `money`).
    """

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
    amount_pence: int
    without_prejudice: bool = False
    awaiting_rate: bool = False

    @property
    def days(self) -> int:
        return (self.line_until - self.line_from).days


def total_by_organisation(lines: list[CostLine]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.organisation] = totals.get(line.organisation, 0) + line.amount_pence
    return totals


def lines_behind(paid: Sequence[CostLine], owed: Sequence[CostLine]) -> dict[str, Any]:
    """A settlement's sources: the lines as paid and the same days as they are owed."""
    return {"paid": [line_document(ln) for ln in paid], "owed": [line_document(ln) for ln in owed]}


def line_document(line: CostLine) -> dict[str, Any]:
    """A line as JSON: every figure with what it came from."""
    document: dict[str, Any] = {
        k: (v if v is None or isinstance(v, int | bool) else str(v))
        for k, v in dataclasses.asdict(line).items()
    }
    document["days"] = line.days
    return document
