"""Which organisations may pay or be named as payers: those that commission care (R2)."""

from sqlalchemy.ext.asyncio import AsyncSession

from shared import organisations
from shared.auth import CurrentUser
from shared.errors import Forbidden, InvalidInput
from shared.organisations import Organisation


async def commissioning(session: AsyncSession, actor: CurrentUser, does: str) -> Organisation:
    """The caller's organisation, which must commission care (an ICB or a council, R2)."""
    found = await organisations.find(session, actor.organisation)
    if found is None or not found.commissions:
        raise Forbidden(f"only a commissioning organisation (an ICB or a council) {does}")
    return found


async def named_commissioner(session: AsyncSession, ods_code: str, field: str) -> Organisation:
    """An organisation a body names as a payer: in the register (else 422 naming the field) and
    commissioning care."""
    found = await organisations.named(session, ods_code, field)
    if not found.commissions:
        raise InvalidInput(field, f"'{ods_code}' does not commission care (an ICB or a council)")
    return found
