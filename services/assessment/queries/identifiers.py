"""A person's local system identifiers, read within a relationship (never break-glass)."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain.identifiers import LocalIdentifier
from services.assessment.models import PersonIdentifier
from services.assessment.queries.people import readable
from shared.auth import CurrentUser


async def identifiers_of(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> Sequence[PersonIdentifier]:
    """Like the NHS number, only for an organisation with a relationship; audited."""
    await readable(session, user, person_id, "person_identifiers")
    query = (
        select(PersonIdentifier)
        .where(PersonIdentifier.person_id == person_id)
        .order_by(PersonIdentifier.system, PersonIdentifier.added_at)
    )
    return (await session.scalars(query)).all()


def holder_of(local: LocalIdentifier) -> Select[Any]:
    """The person holding a system's identifier: filter a list of people by it."""
    return select(PersonIdentifier.person_id).where(
        PersonIdentifier.system == local.system, PersonIdentifier.value == local.value
    )
