"""Registering people, their Community Health Services status, their equality profile (R28)."""

import uuid
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import people
from services.assessment.handlers import relationships
from services.assessment.models import EqualityProfile, Person
from services.assessment.schemas.people import (
    CommunityHealthServicesUpdate,
    EqualityProfileWrite,
    PersonCreate,
)
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import CurrentUser
from shared.dates import not_in_future
from shared.db import claim, now, today
from shared.errors import Conflict, NotFound
from shared.events.assessment import PersonRegistered
from shared.outbox import publish


def person_url(person_id: UUID) -> str:
    return f"/people/{person_id}"


async def locked_person(session: AsyncSession, person_id: UUID) -> Person:
    """The person's row, locked on PostgreSQL so that a person's plan versions queue behind one
    another; conflicting changes are settled by each aggregate's compare-and-set, on SQLite too."""
    person = await session.scalar(select(Person).where(Person.id == person_id).with_for_update())
    if person is None:
        raise NotFound(f"no person {person_id}")
    await claim(session, person)  # SQLite ignores the lock: the version settles a race there
    return person


async def register_person(session: AsyncSession, actor: CurrentUser, body: PersonCreate) -> Person:
    """Register a person under a new pseudonymous id; the same NHS number twice is a 409. The
    registering organisation and the person's council hold a relationship with them from now."""
    existing = await session.scalar(select(Person.id).where(Person.nhs_number == body.nhs_number))
    if existing is not None:
        # The detail never repeats the NHS number.
        raise Conflict("this NHS number is already registered", existing=person_url(existing))
    person = Person(
        id=uuid.uuid4(),
        **body.model_dump(),
        registered_at=now(session),
        registered_by=actor.user_id,
    )
    try:
        async with session.begin_nested():
            session.add(person)
    except IntegrityError:  # a racing registration of the same NHS number won
        winner = await session.scalar(select(Person.id).where(Person.nhs_number == body.nhs_number))
        where = {"existing": person_url(winner)} if winner else {}
        raise Conflict("this NHS number is already registered", **where) from None
    await publish(
        session,
        PersonRegistered(
            person_id=person.id,
            local_authority=person.local_authority,
            gp_practice=person.gp_practice,
            setting=body.setting,
            open_to_community_health_services=person.open_to_community_health_services,
        ),
    )
    await relationships.registered(session, person, actor.organisation)
    await audit(session, actor, "person.register", person.id)
    return person


async def set_community_health_services(
    session: AsyncSession, actor: CurrentUser, person_id: UUID, body: CommunityHealthServicesUpdate
) -> Person:
    """R17: opening to or discharge from CHS is published; the same status again changes nothing."""
    on = today(session)
    effective = on if body.effective_date is None else body.effective_date
    not_in_future("effective_date", effective, on)
    await may_act_on(session, actor, person_id)
    person = await locked_person(session, person_id)
    facts = people.PersonFacts(
        person.id, person.gp_practice, person.open_to_community_health_services
    )
    decided = people.change_community_health_services(
        facts, body.open_to_community_health_services, effective
    )
    if decided is None:
        return person
    state, events = decided
    person.open_to_community_health_services = state is people.CommunityHealthServices.OPEN
    for event in events:
        await publish(session, event)
    action = "opened" if person.open_to_community_health_services else "discharged"
    await audit(session, actor, f"person.community_health_services.{action}", person.id)
    return person


async def declare_equality_profile(
    session: AsyncSession, actor: CurrentUser, person_id: UUID, body: EqualityProfileWrite
) -> EqualityProfile:
    """R28: record (or replace) the person's self-declared profile; it is never published."""
    await may_act_on(session, actor, person_id)
    await locked_person(session, person_id)
    characteristics = people.equality_profile(body.model_dump())
    profile = await session.get(EqualityProfile, person_id)
    at = now(session)
    if profile is None:
        profile = EqualityProfile(person_id=person_id, characteristics=characteristics)
        session.add(profile)
    profile.characteristics, profile.declared_at = characteristics, at
    await session.flush()
    # The values stay out of the audit trail: it records that a declaration was made.
    await audit(session, actor, "person.equality_profile.declare", person_id)
    return profile
