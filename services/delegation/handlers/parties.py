"""The organisations a request names, looked up in the partner register (R2) and checked for
the part they play; the caller's organisation checked for the change it makes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import parties
from services.delegation.schemas.proposals import Member
from shared import organisations
from shared.events.vocabulary import Direction


async def check_provider(session: AsyncSession, direction: Direction, ods_code: str) -> None:
    """R1, R2, R15: the provider is a partner of a kind that carries out tasks this way."""
    found = await organisations.named(session, ods_code, "provider_organisation")
    parties.check_provider(direction, ods_code, found.kind)


async def check_members(session: AsyncSession, members: Sequence[Member], field: str) -> None:
    """R2, R9: each MDT member's organisation is a partner that fits their discipline."""
    for index, member in enumerate(members):
        name = f"{field}.{index}.organisation"
        found = await organisations.named(session, member.organisation, name)
        parties.check_member(name, member.discipline, member.organisation, found.kind)
