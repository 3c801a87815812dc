"""The assessment service's read side; a provider sees only people delegated to it."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import (
    Assessment,
    Consent,
    EqualityProfile,
    NeedChange,
    Person,
    ProviderAccess,
    SupportPlanVersion,
)
from shared.audit import audit_log
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


async def assessments(
    session: AsyncSession, user: CurrentUser, person_id: UUID, *, current_only: bool = False
) -> Sequence[Assessment]:
    await person(session, user, person_id)
    query = select(Assessment).where(Assessment.person_id == person_id)
    if current_only:
        query = query.where(Assessment.superseded_by.is_(None))
    return (await session.scalars(query.order_by(Assessment.recorded_at, Assessment.id))).all()


async def assessment(
    session: AsyncSession, user: CurrentUser, person_id: UUID, assessment_id: UUID
) -> Assessment:
    await person(session, user, person_id)
    found = await session.get(Assessment, assessment_id)
    if found is None or found.person_id != person_id:
        raise NotFound(f"no assessment {assessment_id} for this person")
    return found


async def need_changes(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> Sequence[NeedChange]:
    await person(session, user, person_id)
    query = select(NeedChange).where(NeedChange.person_id == person_id)
    return (await session.scalars(query.order_by(NeedChange.recorded_at, NeedChange.id))).all()


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


async def plan_versions(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> Sequence[SupportPlanVersion]:
    await person(session, user, person_id)
    query = select(SupportPlanVersion).where(SupportPlanVersion.person_id == person_id)
    return (await session.scalars(query.order_by(SupportPlanVersion.version))).all()


async def current_plan(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> SupportPlanVersion:
    versions = await plan_versions(session, user, person_id)
    if not versions:
        raise NotFound("the person has no support plan yet")
    return versions[-1]


async def equality_profile(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> EqualityProfile:
    await person(session, user, person_id)
    found = await session.get(EqualityProfile, person_id)
    if found is None:
        raise NotFound("the person has declared no equality profile")
    return found


async def audit_trail(
    session: AsyncSession, subject: str | None, limit: int
) -> Sequence[dict[str, Any]]:
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    return [dict(row) for row in (await session.execute(query)).mappings()]
