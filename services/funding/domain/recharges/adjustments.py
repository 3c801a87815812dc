"""Adjustments: what changed in an issued period since it was stated, as lines naming it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from services.funding.domain.recharges.lines import RechargeLine
from services.funding.domain.recharges.periods import Period


def adjustments(
    period: Period, now: Sequence[RechargeLine], stated: Sequence[RechargeLine]
) -> list[RechargeLine]:
    """What changed in an issued period since it was stated (issued, and adjusted since): one
    line per key whose figures moved, pointing at the period it corrects."""
    change: dict[tuple[str, ...], _Change] = {}
    for sign, lines in ((-1, stated), (1, now)):
        for line in lines:
            found = change.get(line.key)
            if found is None:
                found = change[line.key] = _Change(line)
            found.add(sign, line)
    return sorted(
        (
            replace(
                c.shape,
                amount_pence=c.amount,
                units=c.units,
                line_from=c.first,
                line_until=c.last,
                adjustment=True,
                corrects_start=period.start,
                corrects_end=period.last_day,
            )
            for c in change.values()
            if c.amount or c.units
        ),
        key=lambda ln: (ln.line_from, ln.key),
    )


class _Change:
    """The sum of one key's figures now less as stated, and the days they span."""

    def __init__(self, line: RechargeLine) -> None:
        self.shape, self.amount, self.units = line, 0, Decimal(0)
        self.first, self.last = line.line_from, line.line_until

    def add(self, sign: int, line: RechargeLine) -> None:
        if sign > 0:
            self.shape = line  # a line as it is now describes the change best
        self.amount += sign * line.amount_pence
        self.units += sign * line.units
        self.first, self.last = min(self.first, line.line_from), max(self.last, line.line_until)
