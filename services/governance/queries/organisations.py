"""The partner register as it stands, and who acts for the board in it."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import pages
from shared.auth import CurrentUser, Role
from shared.events.vocabulary import OrganisationKind
from shared.organisations import Organisation, organisations, require_board_member


async def register(
    session: AsyncSession,
    kind: OrganisationKind | None,
    ipcb_member: bool | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Organisation], str | None]:
    """The register's organisations by code (its primary key), a page at a time."""
    query = select(organisations)
    if kind is not None:
        query = query.where(organisations.c.kind == kind)
    if ipcb_member is not None:
        query = query.where(organisations.c.ipcb_member == ipcb_member)
    if cursor is not None:
        query = query.where(organisations.c.ods_code > pages.decode(cursor, pages.text)[0])
    rows = (await session.execute(query.order_by(organisations.c.ods_code).limit(limit + 1))).all()
    page = [Organisation.of(row) for row in rows[:limit]]
    return page, pages.encode(page[-1].ods_code) if len(rows) > limit else None


async def as_board_reader(session: AsyncSession, user: CurrentUser) -> None:
    """An IPCB member reads the board's records as a member of a board organisation only;
    other roles a route admits are not affected."""
    if user.role is Role.IPCB_MEMBER:
        await require_board_member(session, user)
