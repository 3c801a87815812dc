"""Consent (R7): every consent ever recorded, withdrawn ones included."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import Consent
from services.assessment.queries.people import person
from shared.auth import CurrentUser
from shared.errors import NotFound


async def consents(session: AsyncSession, user: CurrentUser, person_id: UUID) -> Sequence[Consent]:
    """Every consent ever recorded for the person, withdrawn ones included."""
    await person(session, user, person_id)
    query = select(Consent).where(Consent.person_id == person_id)
    return (await session.scalars(query.order_by(Consent.recorded_at, Consent.id))).all()


async def consent(
    session: AsyncSession, user: CurrentUser, person_id: UUID, consent_id: UUID
) -> Consent:
    await person(session, user, person_id)
    found = await session.get(Consent, consent_id)
    if found is None or found.person_id != person_id:
        raise NotFound(f"no consent {consent_id} for this person")
    return found
