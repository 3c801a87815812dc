"""R2: the partner register, kept by the IPCB and published to every service."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.schemas.organisations import OrganisationWrite
from shared import organisations
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import today
from shared.events.governance import OrganisationRegistered
from shared.organisations import Organisation, require_board_member
from shared.outbox import publish


async def register(
    session: AsyncSession, actor: CurrentUser, ods_code: str, body: OrganisationWrite
) -> tuple[Organisation, bool]:
    """Add an organisation or change its entry: only an IPCB member of a board organisation may;
    the same entry again changes nothing (False)."""
    await require_board_member(session, actor)
    entry = Organisation(ods_code, body.name, body.kind, body.ipcb_member, body.national_ods_code)
    if await organisations.find(session, ods_code) == entry:
        return entry, False
    event = OrganisationRegistered(
        subject_id=entry.ods_code,
        ods_code=entry.ods_code,
        name=entry.name,
        kind=entry.kind,
        ipcb_member=entry.ipcb_member,
        effective_from=body.effective_from or today(session),
        national_ods_code=entry.national_ods_code,
    )
    await organisations.on_registered(session, event)
    await publish(session, event)
    await audit(session, actor, "organisation.registered", entry.ods_code)
    return entry, True
