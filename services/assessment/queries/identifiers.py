"""A person's local system identifiers, read within a relationship (never break-glass)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain.identifiers import IdentifierSystem, LocalIdentifier
from services.assessment.models import PersonIdentifier
from services.assessment.queries.people import readable
from shared import pages
from shared.auth import CurrentUser

ORDER = (
    pages.Key(PersonIdentifier.system, str),
    pages.Key(PersonIdentifier.added_at, datetime),
    pages.Key(PersonIdentifier.id, UUID),
)


async def identifiers_of(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    system: IdentifierSystem | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[PersonIdentifier], str | None]:
    """Like the NHS number, only for an organisation with a relationship; audited. By system,
    then oldest first, a page at a time."""
    await readable(session, user, person_id, "person_identifiers")
    query = select(PersonIdentifier).where(PersonIdentifier.person_id == person_id)
    if system is not None:
        query = query.where(PersonIdentifier.system == system)
    return await pages.keyset(session, query, ORDER, limit, cursor)


def holder_of(local: LocalIdentifier) -> Select[Any]:
    """The person holding a system's identifier: filter a list of people by it."""
    return select(PersonIdentifier.person_id).where(
        PersonIdentifier.system == local.system, PersonIdentifier.value == local.value
    )
