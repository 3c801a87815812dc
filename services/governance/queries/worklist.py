"""The board's and the CSU's work in the governance service (issue 16).

- `case_open_too_long` (CSU officers): the unresolved dispute cases their CSU holds, each due
  on the last day before it is open too long (raised + GOVERNANCE_DISPUTE_OPEN_TOO_LONG_DAYS,
  R22): it is overdue exactly when it is open too long.
- `issue_to_triage` (IPCB members of a board organisation): reported issues the board has not
  yet agreed how to deal with, due on the day they were reported (UTC): the Framework sets the
  board no time to triage one (R27).

Case items name their person; issues name no one."""

from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Date,
    Uuid,
    cast,
    false,
    func,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from services.governance.domain.board import IssueStatus
from services.governance.domain.disputes import Stage
from services.governance.models import DisputeCase, ReportedIssue
from services.governance.settings import Settings
from shared.auth import CurrentUser, Role
from shared.db import dialect_of
from shared.organisations import is_board_member
from shared.worklist import Rows, Source


def _days_after(
    session: AsyncSession, day: InstrumentedAttribute[date], days: int
) -> ColumnElement[date]:
    if dialect_of(session) == "sqlite":  # dates are ISO text there
        return type_coerce(func.date(day, f"+{days} days"), Date())
    return type_coerce(day + literal(days), Date())


async def cases_open_too_long(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R22: the caller's CSU's unresolved cases, due when they would be open too long."""
    days = Settings.of(session).dispute_open_too_long_days
    return select(
        _days_after(session, DisputeCase.raised_on, days).label("due_on"),
        DisputeCase.case_id.label("id"),
        DisputeCase.person_id.label("person_id"),
    ).where(DisputeCase.stage != Stage.RESOLVED, DisputeCase.held_by == user.organisation)


def _day_of(session: AsyncSession, instant: InstrumentedAttribute[datetime]) -> ColumnElement[date]:
    if dialect_of(session) == "sqlite":  # instants are naive UTC text there
        return type_coerce(func.date(instant), Date())
    return type_coerce(func.date(func.timezone("UTC", instant)), Date())


async def issues_to_triage(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R27: issues reported and not yet triaged, for a board organisation's IPCB members."""
    query = select(
        _day_of(session, ReportedIssue.reported_at).label("due_on"),
        ReportedIssue.issue_id.label("id"),
        cast(null(), Uuid).label("person_id"),
    ).where(ReportedIssue.status == IssueStatus.REPORTED)
    if not await is_board_member(session, user):
        query = query.where(false())
    return query


SOURCES = (
    Source(
        "case_open_too_long", frozenset({Role.CSU_OFFICER}), cases_open_too_long, "/disputes/{id}"
    ),
    Source(
        "issue_to_triage",
        frozenset({Role.IPCB_MEMBER}),
        issues_to_triage,
        "/board/issues/{id}",
    ),
)
