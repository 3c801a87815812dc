"""The partner register as it stands, and who acts for the board in it."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import organisations as register_of
from shared.auth import CurrentUser, Role
from shared.errors import Forbidden
from shared.events.vocabulary import OrganisationKind
from shared.organisations import Organisation, organisations


async def register(session: AsyncSession) -> list[Organisation]:
    rows = await session.execute(select(organisations).order_by(organisations.c.ods_code))
    return [Organisation(r.ods_code, r.name, OrganisationKind(r.kind), r.ipcb_member) for r in rows]


async def require_board_member(session: AsyncSession, user: CurrentUser) -> None:
    """R27: the board acts through IPCB members of a board organisation (the register's
    `ipcb_member`), never through an IPCB member of any other organisation."""
    acting = await register_of.find(session, user.organisation)
    if user.role is not Role.IPCB_MEMBER or acting is None or not acting.ipcb_member:
        raise Forbidden("only an IPCB member of a board organisation acts for the board (R27)")


async def as_board_reader(session: AsyncSession, user: CurrentUser) -> None:
    """An IPCB member reads the board's records as a member of a board organisation only;
    other roles a route admits are not affected."""
    if user.role is Role.IPCB_MEMBER:
        await require_board_member(session, user)
