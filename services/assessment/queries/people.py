"""People and their equality profile, as the caller may see them.

Every read of a person's records passes `shared.access`: within a legitimate relationship of the
caller's organisation, or outside one by a registered practitioner who breaks the glass; it is
audited before it is answered. Without either the person is answered 404, as if unknown.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import EqualityProfile, Person
from shared import access, pages
from shared.audit import Purpose
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import NotFound

NOT_REGISTERED = "no person is registered with this NHS number"


async def readable(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    record: str,
    break_glass: str | None = None,
) -> tuple[Person, Purpose]:
    """The person whose `record` the caller may read, the read audited, and why it is allowed."""
    purpose = await access.person_record(session, user, person_id, record, break_glass)
    found = await session.get(Person, person_id)
    if found is None:
        raise NotFound(f"no person {person_id}")
    return found, purpose


async def person(
    session: AsyncSession, user: CurrentUser, person_id: UUID, break_glass: str | None = None
) -> tuple[Person, Purpose]:
    return await readable(session, user, person_id, "person", break_glass)


async def person_by_nhs_number(
    session: AsyncSession, user: CurrentUser, nhs_number: str, break_glass: str | None = None
) -> tuple[Person, Purpose]:
    """The person with the NHS number; one the caller may not see is as unknown, without its id."""
    found = await session.scalar(select(Person).where(Person.nhs_number == nhs_number))
    if found is None:
        raise NotFound(NOT_REGISTERED)
    try:
        purpose = await access.person_record(session, user, found.id, "person", break_glass)
    except NotFound:
        raise NotFound(NOT_REGISTERED) from None
    return found, purpose


@dataclass(frozen=True)
class PeopleFilter:
    only: Select[Any] | None = None  # the holder of a local identifier
    local_authority: str | None = None
    gp_practice: str | None = None
    open_to_community_health_services: bool | None = None


ORDER = (pages.Key(Person.registered_at, datetime), pages.Key(Person.id, UUID))


async def people(
    session: AsyncSession,
    user: CurrentUser,
    where: PeopleFilter,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Person], str | None]:
    """A page of the people the caller's organisation may see now (filtered by `where`), oldest
    registration first, and the cursor of the next page (None: the last); every person shown
    is audited."""
    query = select(Person)
    if where.only is not None:
        query = query.where(Person.id.in_(where.only))
    visible = access.visible_people(user, now(session))
    if visible is not None:
        query = query.where(Person.id.in_(visible))
    for column, value in (
        (Person.local_authority, where.local_authority),
        (Person.gp_practice, where.gp_practice),
        (Person.open_to_community_health_services, where.open_to_community_health_services),
    ):
        if value is not None:
            query = query.where(column == value)
    page, next_cursor = await pages.keyset(session, query, ORDER, limit, cursor)
    await access.listed(session, user, "person", [p.id for p in page])
    return page, next_cursor


async def equality_profile(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> EqualityProfile:
    """R28: within a relationship only; break-glass is for care, which never needs the profile."""
    await readable(session, user, person_id, "equality_profile")
    found = await session.get(EqualityProfile, person_id)
    if found is None:
        raise NotFound("the person has declared no equality profile")
    return found
