"""Registering people, their Community Health Services status, their equality profile (R28)."""

import json
import uuid
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, insert, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import people
from services.assessment.handlers import relationships
from services.assessment.models import EqualityProfile, Person
from services.assessment.schemas.people import (
    CommunityHealthServicesUpdate,
    EqualityProfileWrite,
    PersonCreate,
)
from shared import relationships as shared_relationships
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import CurrentUser
from shared.dates import not_in_future
from shared.db import claim, dialect_of, now, today
from shared.errors import Conflict, NotFound
from shared.events import Event
from shared.events.assessment import PersonRegistered, RelationshipChanged
from shared.outbox import outbox, publish, rows_of


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
    registering organisation and the person's council hold a relationship with them from now.

    The NHS number's uniqueness decides: the person's INSERT does nothing when the number is
    registered, even by a racing request (PostgreSQL waits for it to commit or roll back; SQLite
    holds its write lock), so of racing registrations one wins and the others are 409s. Nothing
    is read first, and the relationships, events and audit row are written only with the person:
    on PostgreSQL all in the one statement (issue 20: the request made 13 round trips)."""
    at = now(session)
    person = Person(
        id=uuid.uuid4(),
        **body.model_dump(),
        registered_at=at,
        registered_by=actor.user_id,
        version=1,
    )
    events: list[Event] = [
        PersonRegistered(
            person_id=person.id,
            local_authority=person.local_authority,
            gp_practice=person.gp_practice,
            setting=body.setting,
            open_to_community_health_services=person.open_to_community_health_services,
        ),
        *(changes := relationships.registered(person, actor.organisation)),
    ]
    written = rows_of(session, events)
    if dialect_of(session) == "postgresql":
        inserted = await _register_pg(session, actor, person, changes, written)
    else:
        inserted = await _register(session, actor, person, changes, written)
    if not inserted:  # the number is registered: the detail never repeats it
        winner = await session.scalar(select(Person.id).where(Person.nhs_number == body.nhs_number))
        where = {"existing": person_url(winner)} if winner else {}
        raise Conflict("this NHS number is already registered", **where)
    return person


_PEOPLE = cast(Table, Person.__table__)


def _person_row(person: Person) -> dict[str, Any]:
    return {column.key: getattr(person, column.key) for column in _PEOPLE.columns}


async def _register(
    session: AsyncSession,
    actor: CurrentUser,
    person: Person,
    changes: Sequence[RelationshipChanged],
    written: Sequence[dict[str, Any]],
) -> bool:
    """SQLite: the person's INSERT, then its other rows (one statement a table)."""
    added = await session.execute(
        sqlite_insert(_PEOPLE)
        .values(_person_row(person))
        .on_conflict_do_nothing(index_elements=["nhs_number"])
        .returning(_PEOPLE.c.id)
    )
    if added.scalar() is None:
        return False
    related = [shared_relationships.row(c) for c in changes]
    await session.execute(insert(shared_relationships.relationships), related)
    await session.execute(insert(outbox), list(written))
    await audit(session, actor, REGISTER, person.id)
    return True


async def _register_pg(
    session: AsyncSession,
    actor: CurrentUser,
    person: Person,
    changes: Sequence[RelationshipChanged],
    written: Sequence[dict[str, Any]],
) -> bool:
    """PostgreSQL: one statement, whose other rows are written only with the person."""
    related = [shared_relationships.row(c) for c in changes]
    params = {
        **_person_row(person),
        **{f"related_{k}": [r[k] for r in related] for k in _RELATED},
        "user_id": actor.user_id,
        "role": actor.role.value,
        "organisation": actor.organisation,
        "action": REGISTER,
        "event_ids": [r["event_id"] for r in written],
        "topics": [r["topic"] for r in written],
        "keys": [r["key"] for r in written],
        "types": [r["type"] for r in written],
        "sources": [r["source"] for r in written],
        "payloads": [r["payload"] for r in written],
        "headers": [json.dumps(r["headers"]) for r in written],
        "occurred_at": [r["occurred_at"] for r in written],
    }
    added = await session.execute(_REGISTER_PG, params)
    return added.scalar() is not None


REGISTER = "person.register"
_RELATED = ("person_id", "organisation", "basis", "source_id", "since", "until")

# Arrays, not a VALUES row per event: one statement text, prepared once. Each data-modifying
# WITH reads `person`, so nothing is written when the NHS number is registered; the events keep
# their order in the outbox (ORDER BY the array's).
_REGISTER_PG = text(
    """
WITH person AS (
    INSERT INTO people (id, nhs_number, local_authority, gp_practice, setting,
                        open_to_community_health_services, registered_at, registered_by, version)
    VALUES (:id, :nhs_number, :local_authority, :gp_practice, :setting,
            :open_to_community_health_services, CAST(:registered_at AS timestamptz),
            :registered_by, :version)
    ON CONFLICT (nhs_number) DO NOTHING
    RETURNING id, registered_at
), related AS (
    INSERT INTO relationships (person_id, organisation, basis, source_id, since, until)
    SELECT r.*
    FROM person,
         unnest(CAST(:related_person_id AS uuid[]), CAST(:related_organisation AS varchar[]),
                CAST(:related_basis AS varchar[]), CAST(:related_source_id AS varchar[]),
                CAST(:related_since AS timestamptz[]), CAST(:related_until AS timestamptz[]))
           AS r(person_id, organisation, basis, source_id, since, until)
), audited AS (
    INSERT INTO audit_log (at, user_id, role, organisation, action, subject)
    SELECT person.registered_at, CAST(:user_id AS varchar), CAST(:role AS varchar),
           CAST(:organisation AS varchar), CAST(:action AS varchar), CAST(person.id AS varchar)
    FROM person
), published AS (
    INSERT INTO outbox (event_id, topic, key, type, source, payload, headers, occurred_at)
    SELECT e.event_id, e.topic, e.key, e.type, e.source, e.payload, CAST(e.headers AS jsonb),
           e.at
    FROM person,
         unnest(CAST(:event_ids AS uuid[]), CAST(:topics AS varchar[]), CAST(:keys AS varchar[]),
                CAST(:types AS varchar[]), CAST(:sources AS varchar[]),
                CAST(:payloads AS text[]), CAST(:headers AS text[]),
                CAST(:occurred_at AS timestamptz[]))
           WITH ORDINALITY AS e(event_id, topic, key, type, source, payload, headers, at, n)
    ORDER BY e.n
)
SELECT id FROM person
"""
)


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
