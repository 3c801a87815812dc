"""The partner register as it stands."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events.vocabulary import OrganisationKind
from shared.organisations import Organisation, organisations


async def register(session: AsyncSession) -> list[Organisation]:
    rows = await session.execute(select(organisations).order_by(organisations.c.ods_code))
    return [Organisation(r.ods_code, r.name, OrganisationKind(r.kind), r.ipcb_member) for r in rows]
