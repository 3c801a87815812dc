"""Recharge statements for finance systems: one organisation's lines for one period, issued once.

A statement lists what the organisation is charged by providers (`charge`) and what one
commissioner recharges to another (`recharge`, from a settlement), cut to the period's days.
A period is `monthly` (calendar months) or `four_weekly` (28 days from an anchor); an
organisation keeps one cadence. Issuing freezes a period: its lines never change again.
Whatever later changes the days of an issued period (a back-dated funding decision, a dispute's
outcome) appears, as separate adjustment lines naming the period they correct, in the period
after the latest one issued (the open period).
"""

from services.funding.domain.recharges.adjustments import adjustments
from services.funding.domain.recharges.lines import (
    LineKind,
    RechargeLine,
    ServiceElement,
    Settled,
    charges,
    document,
    from_document,
    recharges,
)
from services.funding.domain.recharges.periods import (
    PERIOD,
    Cadence,
    Period,
    PeriodCommand,
    PeriodState,
    following,
    may_issue,
    period_at,
    starting,
)

__all__ = [
    "PERIOD",
    "Cadence",
    "LineKind",
    "Period",
    "PeriodCommand",
    "PeriodState",
    "RechargeLine",
    "ServiceElement",
    "Settled",
    "adjustments",
    "charges",
    "document",
    "following",
    "from_document",
    "may_issue",
    "period_at",
    "recharges",
    "starting",
]
