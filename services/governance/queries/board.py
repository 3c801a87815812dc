"""The read side of the board (R27), each list a page at a time."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain.board import IssueStatus, RulingKind
from services.governance.models import (
    BoardMember,
    NewArea,
    ReportedIssue,
    Ruling,
    SharedCareTheme,
)
from services.governance.queries.ranges import at_instants, on_days
from shared import pages
from shared.errors import NotFound

Days = tuple[date | None, date | None]  # from, to: each included, either absent


async def members(
    session: AsyncSession, organisation: str | None, limit: int, cursor: str | None
) -> tuple[list[BoardMember], str | None]:
    """By organisation: one member each (unique), so the organisation orders them totally."""
    query = select(BoardMember)
    if organisation is not None:
        query = query.where(BoardMember.organisation == organisation)
    order = (pages.Key(BoardMember.organisation, str),)
    return await pages.keyset(session, query, order, limit, cursor)


@dataclass(frozen=True)
class IssueFilter:
    status: IssueStatus | None = None
    reporter_organisation: str | None = None
    reported: Days = (None, None)


ISSUE_ORDER = (
    pages.Key(ReportedIssue.reported_at, datetime),
    pages.Key(ReportedIssue.issue_id, UUID),
)


async def issues(
    session: AsyncSession, where: IssueFilter, limit: int, cursor: str | None
) -> tuple[list[ReportedIssue], str | None]:
    """Reported issues, oldest first."""
    query = select(ReportedIssue)
    if where.status is not None:
        query = query.where(ReportedIssue.status == where.status)
    if where.reporter_organisation is not None:
        query = query.where(ReportedIssue.reporter_organisation == where.reporter_organisation)
    query = at_instants(query, ReportedIssue.reported_at, *where.reported)
    return await pages.keyset(session, query, ISSUE_ORDER, limit, cursor)


async def issue(session: AsyncSession, issue_id: UUID) -> ReportedIssue:
    found = await session.get(ReportedIssue, issue_id)
    if found is None:
        raise NotFound(f"no reported issue {issue_id}")
    return found


RULING_ORDER = (
    pages.Key(Ruling.effective_from, date),
    pages.Key(Ruling.issued_at, datetime),
    pages.Key(Ruling.ruling_id, UUID),
)


async def rulings(
    session: AsyncSession, kind: RulingKind | None, effective: Days, limit: int, cursor: str | None
) -> tuple[list[Ruling], str | None]:
    """Rulings and guidance by effective date, then when issued."""
    query = select(Ruling)
    if kind is not None:
        query = query.where(Ruling.kind == kind)
    query = on_days(query, Ruling.effective_from, *effective)
    return await pages.keyset(session, query, RULING_ORDER, limit, cursor)


async def ruling(session: AsyncSession, ruling_id: UUID) -> Ruling:
    found = await session.get(Ruling, ruling_id)
    if found is None:
        raise NotFound(f"no ruling {ruling_id}")
    return found


AREA_ORDER = (pages.Key(NewArea.identified_on, date), pages.Key(NewArea.area_id, UUID))


async def new_areas(
    session: AsyncSession,
    proposed_by: str | None,
    identified: Days,
    limit: int,
    cursor: str | None,
) -> tuple[list[NewArea], str | None]:
    """New areas for delegated working, oldest identified first."""
    query = select(NewArea)
    if proposed_by is not None:
        query = query.where(NewArea.proposed_by == proposed_by)
    query = on_days(query, NewArea.identified_on, *identified)
    return await pages.keyset(session, query, AREA_ORDER, limit, cursor)


THEME_ORDER = (
    pages.Key(SharedCareTheme.received_on, date),
    pages.Key(SharedCareTheme.theme_id, UUID),
)


async def themes(
    session: AsyncSession, received: Days, limit: int, cursor: str | None
) -> tuple[list[SharedCareTheme], str | None]:
    """Themes from the shared care panel, oldest received first."""
    query = on_days(select(SharedCareTheme), SharedCareTheme.received_on, *received)
    return await pages.keyset(session, query, THEME_ORDER, limit, cursor)
