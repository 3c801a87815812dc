"""Consent (R7): every consent ever recorded, withdrawn ones included."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import Consent
from services.assessment.queries.people import readable
from shared.auth import CurrentUser
from shared.errors import NotFound


async def consents(
    session: AsyncSession, user: CurrentUser, person_id: UUID, break_glass: str | None = None
) -> Sequence[Consent]:
    """Every consent ever recorded for the person, withdrawn ones included."""
    await readable(session, user, person_id, "consents", break_glass)
    query = select(Consent).where(Consent.person_id == person_id)
    return (await session.scalars(query.order_by(Consent.recorded_at, Consent.id))).all()


async def consent(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    consent_id: UUID,
    break_glass: str | None = None,
) -> Consent:
    await readable(session, user, person_id, "consent", break_glass)
    found = await session.get(Consent, consent_id)
    if found is None or found.person_id != person_id:
        raise NotFound(f"no consent {consent_id} for this person")
    return found
