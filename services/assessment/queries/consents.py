"""Consent (R7): every consent ever recorded, withdrawn ones included."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import Consent
from services.assessment.queries.people import readable
from shared import pages
from shared.auth import CurrentUser
from shared.errors import NotFound


@dataclass(frozen=True)
class ConsentFilter:
    task_code: str | None = None
    provider_organisation: str | None = None
    withdrawn: bool | None = None


ORDER = (pages.Key(Consent.recorded_at, datetime), pages.Key(Consent.id, UUID))


async def consents(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    where: ConsentFilter,
    limit: int,
    cursor: str | None,
    break_glass: str | None = None,
) -> tuple[Sequence[Consent], str | None]:
    """Every consent ever recorded for the person, withdrawn ones included, oldest first, a
    page at a time."""
    await readable(session, user, person_id, "consents", break_glass)
    query = select(Consent).where(Consent.person_id == person_id)
    if where.task_code is not None:
        query = query.where(Consent.task_code == where.task_code)
    if where.provider_organisation is not None:
        query = query.where(Consent.provider_organisation == where.provider_organisation)
    if where.withdrawn is not None:
        withdrawn = Consent.withdrawn_on.is_not(None)
        query = query.where(withdrawn if where.withdrawn else ~withdrawn)
    return await pages.keyset(session, query, ORDER, limit, cursor)


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
