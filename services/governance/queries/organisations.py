"""The partner register as it stands, and who acts for the board in it."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import CurrentUser, Role
from shared.events.vocabulary import OrganisationKind
from shared.organisations import Organisation, organisations, require_board_member


async def register(session: AsyncSession) -> list[Organisation]:
    rows = await session.execute(select(organisations).order_by(organisations.c.ods_code))
    return [Organisation(r.ods_code, r.name, OrganisationKind(r.kind), r.ipcb_member) for r in rows]


async def as_board_reader(session: AsyncSession, user: CurrentUser) -> None:
    """An IPCB member reads the board's records as a member of a board organisation only;
    other roles a route admits are not affected."""
    if user.role is Role.IPCB_MEMBER:
        await require_board_member(session, user)
