"""Routes for people, their CHS status, their equality profile (R28) and the audit trail."""

from uuid import UUID

from fastapi import APIRouter, status

from services.assessment.api.roles import (
    ASSESSORS,
    CLINICAL_READERS,
    EQUALITY_READERS,
    READERS,
)
from services.assessment.handlers import people as handlers
from services.assessment.queries import people as queries
from services.assessment.schemas.people import (
    CommunityHealthServicesUpdate,
    EqualityProfileRead,
    EqualityProfileWrite,
    PersonCreate,
    PersonLookup,
    PersonRead,
)
from shared.auth import CurrentUser, admits
from shared.web import Session

router = APIRouter(tags=["people"])


@router.post("/people", status_code=status.HTTP_201_CREATED, summary="Register a person")
async def register_person(
    body: PersonCreate, session: Session, user: CurrentUser = admits(*ASSESSORS)
) -> PersonRead:
    """Register a person by NHS number; they are known elsewhere only by the id returned."""
    person = await handlers.register_person(session, user, body)
    await session.commit()
    return PersonRead.model_validate(person)


@router.post("/people/lookup", summary="Find a person's pseudonymous id by NHS number")
async def look_up_person(
    body: PersonLookup, session: Session, user: CurrentUser = admits(*CLINICAL_READERS)
) -> PersonRead:
    """The person registered with the NHS number in the body, or 404."""
    return PersonRead.model_validate(await queries.person_by_nhs_number(session, body.nhs_number))


@router.get("/people", summary="List the people the caller may see")
async def list_people(session: Session, user: CurrentUser = admits(*READERS)) -> list[PersonRead]:
    """Every person; a provider manager sees those whose tasks were delegated to them."""
    return [PersonRead.model_validate(p) for p in await queries.people(session, user)]


@router.get("/people/{person_id}", summary="Read a person")
async def read_person(
    person_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> PersonRead:
    """One person; 404 for a provider the person's tasks were not delegated to."""
    return PersonRead.model_validate(await queries.person(session, user, person_id))


@router.put(
    "/people/{person_id}/community-health-services",
    summary="Open the person to, or discharge them from, Community Health Services (R17)",
)
async def set_community_health_services(
    person_id: UUID,
    body: CommunityHealthServicesUpdate,
    session: Session,
    user: CurrentUser = admits(*ASSESSORS),
) -> PersonRead:
    """A change is published for delegation's clinical oversight; the same status is a no-op."""
    person = await handlers.set_community_health_services(session, user, person_id, body)
    await session.commit()
    return PersonRead.model_validate(person)


@router.put("/people/{person_id}/equality-profile", summary="Record the equality profile (R28)")
async def declare_equality_profile(
    person_id: UUID,
    body: EqualityProfileWrite,
    session: Session,
    user: CurrentUser = admits(*ASSESSORS),
) -> EqualityProfileRead:
    """The person's self-declared profile; it leaves the service only in aggregate."""
    profile = await handlers.declare_equality_profile(session, user, person_id, body)
    await session.commit()
    return EqualityProfileRead.model_validate(profile, from_attributes=True)


@router.get("/people/{person_id}/equality-profile", summary="Read the equality profile (R28)")
async def read_equality_profile(
    person_id: UUID, session: Session, user: CurrentUser = admits(*EQUALITY_READERS)
) -> EqualityProfileRead:
    """The profile, for the roles that need it only."""
    profile = await queries.equality_profile(session, user, person_id)
    return EqualityProfileRead.model_validate(profile, from_attributes=True)
