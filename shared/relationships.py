"""Legitimate relationships: which organisations may see a person's records, and until when.

Assessment, which holds people, decides relationships from what it does and from the events of
the others (an MDT proposal, a live task, its oversight, its funding, a dispute), and publishes
each as `RelationshipChanged`; every service keeps the same table. A read of a person's records
checks it here, is audited, and without a relationship is answered 404 (the person's existence is
not confirmed) unless a registered practitioner breaks the glass with a stated reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Select, String, Table, Uuid, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import CurrentUser, Role
from shared.db import UTCDateTime, now, plumbing_metadata, upsert, upsert_all
from shared.events.assessment import RelationshipChanged
from shared.events.vocabulary import RelationshipBasis
from shared.inbox import Many

relationships = Table(
    "relationships",
    plumbing_metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("organisation", String(100), primary_key=True, index=True),
    Column("basis", String(30), primary_key=True),
    Column("source_id", String(200), primary_key=True),
    Column("since", UTCDateTime, nullable=False),
    Column("until", UTCDateTime, nullable=True),
)

# Roles that never see a person's records whatever their organisation: they see pseudonymous
# aggregates (board reports) or the audit trail, not the person.
NEVER_PERSONAL = frozenset({Role.IPCB_MEMBER, Role.AUDITOR})


def row(event: RelationshipChanged) -> dict[str, Any]:
    return {
        "person_id": event.person_id,
        "organisation": event.organisation,
        "basis": event.basis.value,
        "source_id": event.source_id,
        "since": event.since,
        "until": event.until,
    }


async def on_changed(session: AsyncSession, event: RelationshipChanged) -> None:
    """Every service keeps the same relationships: the event carries the row as it now stands."""
    await upsert(session, relationships, row(event))


async def _on_each_changed(session: AsyncSession, events: Sequence[RelationshipChanged]) -> None:
    await upsert_all(session, relationships, [row(event) for event in events])


# What the other services subscribe: a run of RelationshipChanged in one statement (each event
# carries its row whole, so the last of a row's events is the row), the most frequent event.
KEEP_RELATIONSHIPS = Many(_on_each_changed)


def _current(at: datetime) -> Any:
    return and_(
        relationships.c.since <= at,
        or_(relationships.c.until.is_(None), relationships.c.until > at),
    )


def people_visible_to(organisation: str, at: datetime) -> Select[tuple[uuid.UUID]]:
    """The ids of the people an organisation has a relationship with now: filter lists by it
    (`IN`). Not DISTINCT: that made PostgreSQL gather and hash every id the organisation sees
    before the first row of a page; without it the list walks its own index in order and probes
    the relationship per row (a semi-join), stopping at the page's end (issue 20)."""
    return select(relationships.c.person_id).where(
        relationships.c.organisation == organisation, _current(at)
    )


async def related(
    session: AsyncSession, organisation: str, person_id: uuid.UUID, at: datetime | None = None
) -> bool:
    when = at or now(session)
    found = await session.scalar(
        select(
            exists().where(
                relationships.c.person_id == person_id,
                relationships.c.organisation == organisation,
                _current(when),
            )
        )
    )
    return bool(found)


def relationship(
    person_id: uuid.UUID,
    organisation: str,
    basis: RelationshipBasis,
    source: object,
    since: datetime,
    until: datetime | None = None,
) -> RelationshipChanged:
    """The event that starts (until None) or ends a relationship."""
    return RelationshipChanged(
        person_id=person_id,
        organisation=organisation,
        basis=basis,
        source_id=str(source),
        since=since,
        until=until,
    )


def may_see_people(user: CurrentUser) -> bool:
    return user.role not in NEVER_PERSONAL
