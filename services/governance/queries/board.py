"""The read side of the board (R27)."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.models import (
    BoardMember,
    NewArea,
    ReportedIssue,
    Ruling,
    SharedCareTheme,
)
from shared.errors import NotFound
from shared.organisations import Organisation
from shared.organisations import organisations as register


async def partners(session: AsyncSession) -> list[Organisation]:
    """R2, R27: the register's organisations that sit on the IPCB, one seat each."""
    found = await session.execute(
        select(register).where(register.c.ipcb_member).order_by(register.c.ods_code)
    )
    return [Organisation.of(row) for row in found]


async def members(session: AsyncSession) -> Sequence[BoardMember]:
    return (await session.scalars(select(BoardMember).order_by("organisation"))).all()


async def issues(session: AsyncSession, status: str | None) -> Sequence[ReportedIssue]:
    query = select(ReportedIssue).order_by(ReportedIssue.reported_at)
    if status is not None:
        query = query.where(ReportedIssue.status == status)
    return (await session.scalars(query)).all()


async def issue(session: AsyncSession, issue_id: UUID) -> ReportedIssue:
    found = await session.get(ReportedIssue, issue_id)
    if found is None:
        raise NotFound(f"no reported issue {issue_id}")
    return found


async def rulings(session: AsyncSession) -> Sequence[Ruling]:
    query = select(Ruling).order_by(Ruling.effective_from, Ruling.issued_at)
    return (await session.scalars(query)).all()


async def ruling(session: AsyncSession, ruling_id: UUID) -> Ruling:
    found = await session.get(Ruling, ruling_id)
    if found is None:
        raise NotFound(f"no ruling {ruling_id}")
    return found


async def new_areas(session: AsyncSession) -> Sequence[NewArea]:
    return (await session.scalars(select(NewArea).order_by(NewArea.identified_on))).all()


async def themes(session: AsyncSession) -> Sequence[SharedCareTheme]:
    query = select(SharedCareTheme).order_by(SharedCareTheme.received_on)
    return (await session.scalars(query)).all()
