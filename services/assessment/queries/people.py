"""People, their equality profile and the audit trail; a provider sees only people delegated to
it."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import (
    EqualityProfile,
    Person,
    ProviderAccess,
)
from shared.auth import CurrentUser, Role
from shared.errors import NotFound


def _visible(query: Select[Person], user: CurrentUser) -> Select[Person]:
    if user.role is not Role.PROVIDER_MANAGER:
        return query
    return query.join(ProviderAccess, ProviderAccess.person_id == Person.id).where(
        ProviderAccess.organisation == user.organisation
    )


async def person(session: AsyncSession, user: CurrentUser, person_id: UUID) -> Person:
    """The person, or 404 (also for a provider the person's tasks were not delegated to)."""
    found = await session.scalar(_visible(select(Person).where(Person.id == person_id), user))
    if found is None:
        raise NotFound(f"no person {person_id}")
    return found


async def person_by_nhs_number(session: AsyncSession, nhs_number: str) -> Person:
    found = await session.scalar(select(Person).where(Person.nhs_number == nhs_number))
    if found is None:
        raise NotFound("no person is registered with this NHS number")
    return found


async def people(session: AsyncSession, user: CurrentUser) -> Sequence[Person]:
    query = _visible(select(Person).order_by(Person.registered_at, Person.id), user)
    return (await session.scalars(query)).all()


async def equality_profile(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> EqualityProfile:
    await person(session, user, person_id)
    found = await session.get(EqualityProfile, person_id)
    if found is None:
        raise NotFound("the person has declared no equality profile")
    return found
