"""Ad hoc occurrences of a delegated task, and when they have become regular (R23)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from services.delegation.domain.delegations import RUNNING, Delegation
from shared.dates import not_in_future
from shared.errors import Conflict
from shared.events.delegation import CarePlanReevaluationFlagged


@dataclass(frozen=True)
class RegularUse:
    """R23: `threshold` occurrences within `period_days` are regular (IPCB-governed)."""

    threshold: int
    period_days: int


def check_occurrence(delegation: Delegation, occurred_on: date, today: date) -> None:
    """R23: an ad hoc occurrence is of a running delegation, and not in the future."""
    not_in_future("occurred_on", occurred_on, today)
    if delegation.state not in RUNNING:
        raise Conflict(f"delegation {delegation.delegation_id} is {delegation.state}, not live")


def became_regular(occurrences: Iterable[date], on: date, threshold: int, period_days: int) -> bool:
    """R23: ad hoc occurrences have become regular when `threshold` fall within the period."""
    since = on - timedelta(days=period_days - 1)
    return sum(1 for day in occurrences if since <= day <= on) >= threshold


def reevaluation(
    delegation: Delegation, occurrences: list[date], occurred_on: date, policy: RegularUse, on: date
) -> CarePlanReevaluationFlagged | None:
    """R23: once ad hoc occurrences have become regular the care plan is re-evaluated."""
    if not became_regular(occurrences, occurred_on, policy.threshold, policy.period_days):
        return None
    return CarePlanReevaluationFlagged(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        task_code=delegation.task_code,
        occurrences=len(occurrences),
        period_days=policy.period_days,
        flagged_on=on,
    )
