"""R28: equality monitoring over the nine protected characteristics, with small numbers hidden."""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.errors import InvalidInput
from shared.events.assessment import EqualityCount
from shared.events.governance import EqualityReportRequested
from shared.lifecycle import Lifecycle

PROTECTED_CHARACTERISTICS = (
    "age",
    "disability",
    "gender_reassignment",
    "marriage_and_civil_partnership",
    "pregnancy_and_maternity",
    "race",
    "religion_or_belief",
    "sex",
    "sexual_orientation",
)
MEASURES = ("proposals", "approvals", "refusals", "escalations", "disputes")
SMALLEST_SHOWN = 5  # counts under 5 are suppressed so no one can be re-identified


class ReportStatus(StrEnum):
    REQUESTED = "requested"
    COMPILED = "compiled"


class ReportCommand(StrEnum):
    COMPILE = "compiled"


# A rerun of the compiler replaces the aggregates of a compiled report.
REPORT: Lifecycle[ReportStatus, ReportCommand] = Lifecycle(
    "equality report",
    {
        (ReportStatus.REQUESTED, ReportCommand.COMPILE): ReportStatus.COMPILED,
        (ReportStatus.COMPILED, ReportCommand.COMPILE): ReportStatus.COMPILED,
    },
)


def report_status(compiled: bool) -> ReportStatus:
    return ReportStatus.COMPILED if compiled else ReportStatus.REQUESTED


def request_report(
    report_id: UUID, period_start: date, period_end: date, today: date
) -> tuple[ReportStatus, EqualityReportRequested]:
    """R28: a report over a period that has begun and ends no later than today is asked for."""
    check_period(period_start, period_end, today)
    return ReportStatus.REQUESTED, EqualityReportRequested(
        subject_id=f"equality-report-{report_id}",
        report_id=report_id,
        period_start=period_start,
        period_end=period_end,
    )


def compile_report(
    status: ReportStatus, rows: Sequence[EqualityCount]
) -> tuple[ReportStatus, list[EqualityCount], int]:
    """R28: keep the compiled aggregates, hiding any count under 5 the compiler let through."""
    safe, resuppressed = suppress_small_numbers(rows)
    return REPORT.next(status, ReportCommand.COMPILE), safe, resuppressed


def check_period(period_start: date, period_end: date, today: date) -> None:
    """R28: a report covers a period that has begun and ends no later than today."""
    if period_end < period_start:
        raise InvalidInput("period_end", "before period_start")
    if period_end > today:
        raise InvalidInput("period_end", "in the future")


def suppress_small_numbers(rows: Sequence[EqualityCount]) -> tuple[list[EqualityCount], int]:
    """R28: every count under 5 is shown as suppressed (None); returns how many this had to hide."""
    safe = [r if r.count is None or r.count >= SMALLEST_SHOWN else _hidden(r) for r in rows]
    return safe, sum(1 for r in rows if r.count is not None and r.count < SMALLEST_SHOWN)


def missing_characteristics(rows: Sequence[EqualityCount]) -> list[str]:
    """R28: which of the nine protected characteristics the report does not break down."""
    present = {normalise(r.characteristic) for r in rows}
    return [c for c in PROTECTED_CHARACTERISTICS if c not in present]


def normalise(characteristic: str) -> str:
    return characteristic.strip().lower().replace(" ", "_").replace("-", "_")


def _hidden(row: EqualityCount) -> EqualityCount:
    return row.model_copy(update={"count": None})
