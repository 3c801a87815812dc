"""The read side of the assessment service's FHIR views: the same access and audit as the JSON
API (`queries.people`): a person's records only within a legitimate relationship (or with the
glass broken), every read audited before it is answered; a person the caller may not see is
answered as unknown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from services.assessment.models import Consent, Person, SupportPlanVersion
from services.assessment.queries.people import readable
from shared import access, fhir
from shared.audit import Purpose
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import InvalidInput, NotFound

T = TypeVar("T", bound=Any)


async def patient(
    session: AsyncSession, user: CurrentUser, person_id: UUID, break_glass: str | None
) -> tuple[Person, Purpose]:
    return await readable(session, user, person_id, "fhir.Patient", break_glass)


def _visible(
    session: AsyncSession, user: CurrentUser, query: Select[T], column: InstrumentedAttribute[UUID]
) -> Select[T]:
    """Only the people the caller's organisation may see now (all, for a platform service)."""
    people = access.visible_people(user, now(session))
    return query if people is None else query.where(column.in_(people))


async def patients(
    session: AsyncSession, user: CurrentUser, nhs_number: str | None, offset: int, count: int
) -> tuple[Sequence[Person], int]:
    """The people the caller may see, or the one with the NHS number (none when they may not
    see them: the person's existence is not confirmed); each shown audited."""
    query = _visible(
        session, user, select(Person).order_by(Person.registered_at, Person.id), Person.id
    )
    if nhs_number is not None:
        query = query.where(Person.nhs_number == nhs_number)
    rows, total = await fhir.page_of(session, query, offset, count)
    await access.listed(session, user, "fhir.Patient", [p.id for p in rows])
    return rows, total


def nhs_number_of(value: str) -> str:
    """`https://fhir.nhs.uk/Id/nhs-number|9434765919` (or the bare number)."""
    system, _, number = value.rpartition("|")
    if system not in {"", fhir.NHS_NUMBER_SYSTEM}:
        raise InvalidInput("identifier", f"a Patient is found by {fhir.NHS_NUMBER_SYSTEM}")
    if not (number.isascii() and number.isdigit() and len(number) == 10):
        raise InvalidInput("identifier", "an NHS number is ten digits")
    return number


async def consent(
    session: AsyncSession, user: CurrentUser, consent_id: UUID, break_glass: str | None
) -> Consent:
    found = await session.get(Consent, consent_id)
    if found is None:
        raise NotFound(f"no Consent {consent_id}")
    try:
        await readable(session, user, found.person_id, "fhir.Consent", break_glass)
    except NotFound:
        raise NotFound(f"no Consent {consent_id}") from None
    return found


async def consents(
    session: AsyncSession,
    user: CurrentUser,
    patient: UUID | None,
    statuses: list[str] | None,
    last_updated: list[str],
    offset: int,
    count: int,
) -> tuple[Sequence[Consent], int]:
    """Consents of the people the caller may see, by patient, status and _lastUpdated."""
    query = _visible(
        session, user, select(Consent).order_by(Consent.recorded_at, Consent.id), Consent.person_id
    )
    if patient is not None:
        query = query.where(Consent.person_id == patient)
    if statuses is not None and "active" not in statuses:
        query = query.where(Consent.withdrawn_on.is_not(None))
    if statuses is not None and "inactive" not in statuses:
        query = query.where(Consent.withdrawn_on.is_(None))
    changed = func.coalesce(Consent.withdrawn_at, Consent.recorded_at)
    for condition in fhir.last_updated(changed, last_updated):
        query = query.where(condition)
    rows, total = await fhir.page_of(session, query, offset, count)
    await access.listed(session, user, "fhir.Consent", [c.person_id for c in rows])
    return rows, total


async def plan_versions(session: AsyncSession, person_id: UUID) -> Sequence[SupportPlanVersion]:
    query = select(SupportPlanVersion).where(SupportPlanVersion.person_id == person_id)
    return (await session.scalars(query.order_by(SupportPlanVersion.version))).all()


async def care_plan(
    session: AsyncSession, user: CurrentUser, person_id: UUID, break_glass: str | None
) -> Sequence[SupportPlanVersion]:
    """Every version of the person's support plan (404 when none yet, or not theirs to see)."""
    try:
        await readable(session, user, person_id, "fhir.CarePlan", break_glass)
    except NotFound:
        raise NotFound(f"no CarePlan {person_id}") from None
    versions = await plan_versions(session, person_id)
    if not versions:
        raise NotFound(f"no CarePlan {person_id}")
    return versions


async def care_plans(
    session: AsyncSession,
    user: CurrentUser,
    patient: UUID | None,
    last_updated: list[str],
    offset: int,
    count: int,
) -> tuple[list[Sequence[SupportPlanVersion]], int]:
    """The support plans (each as its versions) of the people the caller may see."""
    latest = select(SupportPlanVersion.person_id).group_by(SupportPlanVersion.person_id)
    changed = func.max(SupportPlanVersion.created_at)
    for condition in fhir.last_updated(changed, last_updated):
        latest = latest.having(condition)
    query = _visible(
        session,
        user,
        select(Person.id).where(Person.id.in_(latest)).order_by(Person.registered_at, Person.id),
        Person.id,
    )
    if patient is not None:
        query = query.where(Person.id == patient)
    people, total = await fhir.page_of(session, query, offset, count)
    await access.listed(session, user, "fhir.CarePlan", people)
    return [await plan_versions(session, p) for p in people], total
