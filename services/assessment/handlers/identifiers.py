"""Adding and removing a person's local system identifiers: audited, never published."""

import uuid
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import identifiers
from services.assessment.handlers.people import locked_person
from services.assessment.models import PersonIdentifier
from services.assessment.schemas.identifiers import IdentifierCreate
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import Conflict, NotFound

TAKEN = "this identifier is already held by another person in that system"


async def add_identifier(
    session: AsyncSession, actor: CurrentUser, person_id: UUID, body: IdentifierCreate
) -> tuple[PersonIdentifier, bool]:
    """A system's identifier for the person (True when this call added it); a value another
    person holds in the same system is a 409 that does not say who."""
    await may_act_on(session, actor, person_id)
    await locked_person(session, person_id)
    local = identifiers.local_identifier(body.system, body.value, "value")
    held = await _held(session, local)
    if held is not None:
        if held.person_id != person_id:
            raise Conflict(TAKEN)
        return held, False
    row = PersonIdentifier(
        id=uuid.uuid4(),
        person_id=person_id,
        system=local.system,
        value=local.value,
        added_by=actor.user_id,
        added_at=now(session),
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a racing request added the same value first
        raise Conflict(TAKEN) from None
    # The value stays out of the audit trail's reason, as the NHS number does.
    await audit(session, actor, "person.identifier.add", person_id, local.system)
    return row, True


async def _held(
    session: AsyncSession, local: identifiers.LocalIdentifier
) -> PersonIdentifier | None:
    return await session.scalar(
        select(PersonIdentifier).where(
            PersonIdentifier.system == local.system, PersonIdentifier.value == local.value
        )
    )


async def remove_identifier(
    session: AsyncSession, actor: CurrentUser, person_id: UUID, identifier_id: UUID
) -> None:
    """The identifier no longer names the person (entered in error, or the record merged)."""
    await may_act_on(session, actor, person_id)
    await locked_person(session, person_id)
    row = await session.get(PersonIdentifier, identifier_id)
    if row is None or row.person_id != person_id:
        raise NotFound(f"no identifier {identifier_id} for this person")
    await session.delete(row)
    await audit(session, actor, "person.identifier.remove", person_id, row.system)
