"""Routes for people, their CHS status, their equality profile (R28) and the audit trail."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.assessment.api.roles import (
    ASSESSORS,
    CLINICAL_READERS,
    EQUALITY_READERS,
    READERS,
)
from services.assessment.domain.identifiers import parse_token
from services.assessment.handlers import people as handlers
from services.assessment.models import Person
from services.assessment.queries import people as queries
from services.assessment.queries.identifiers import holder_of
from services.assessment.schemas.people import (
    CommunityHealthServicesUpdate,
    EqualityProfileRead,
    EqualityProfileWrite,
    PeoplePage,
    PersonCreate,
    PersonLookup,
    PersonRead,
)
from shared import pages
from shared.access import BreakGlass
from shared.audit import Purpose
from shared.auth import CurrentUser, admits
from shared.web import Session, problem_response

router = APIRouter(tags=["people"])


def read(person: Person, purpose: Purpose = Purpose.DIRECT_CARE) -> PersonRead:
    """The NHS number only for an organisation with a relationship, never in a break-glass read."""
    read = PersonRead.model_validate(person)
    return read if purpose is Purpose.DIRECT_CARE else read.model_copy(update={"nhs_number": None})


@router.post("/people", status_code=status.HTTP_201_CREATED, summary="Register a person")
async def register_person(
    body: PersonCreate, session: Session, user: CurrentUser = admits(*ASSESSORS)
) -> PersonRead:
    """Register a person by NHS number; they are known elsewhere only by the id returned. The
    caller's organisation holds a relationship with them from now."""
    person = await handlers.register_person(session, user, body)
    await session.commit()
    return read(person)


@router.post(
    "/people/lookup",
    summary="Find a person's pseudonymous id by NHS number",
    responses={
        404: problem_response(
            "No person is registered with this NHS number that the caller's organisation may see"
        )
    },
)
async def look_up_person(
    body: PersonLookup,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*CLINICAL_READERS),
) -> PersonRead:
    """The person registered with the NHS number in the body; 404 when none is, or when the
    caller's organisation has no relationship with them (unless the glass is broken)."""
    person, purpose = await queries.person_by_nhs_number(
        session, user, body.nhs_number, break_glass
    )
    return read(person, purpose)


@router.get("/people", summary="List the people the caller's organisation may see (paginated)")
async def list_people(
    request: Request,
    response: Response,
    session: Session,
    user: CurrentUser = admits(*READERS),
    identifier: str | None = Query(
        default=None,
        max_length=64,
        description="`system|value`: only the person holding this local system identifier "
        "(las, mosaic, systmone, rio)",
    ),
    local_authority: Annotated[str | None, Query(max_length=200)] = None,
    gp_practice: Annotated[str | None, Query(max_length=20)] = None,
    open_to_community_health_services: bool | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> PeoplePage:
    """The people the caller's organisation has a legitimate relationship with now (a provider:
    while its delegation lasts and for the grace period after), oldest registration first, a
    page at a time; with `identifier`, only the one who holds it. Every person listed is
    audited as read."""
    only = None
    if identifier is not None:
        only = holder_of(parse_token(identifier, "query.identifier"))
    where = queries.PeopleFilter(
        only, local_authority, gp_practice, open_to_community_health_services
    )
    found, next_cursor = await queries.people(session, user, where, limit, cursor)
    return PeoplePage(
        items=[read(p) for p in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/people/{person_id}", summary="Read a person")
async def read_person(
    person_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> PersonRead:
    """One person, for an organisation with a relationship with them, or a registered
    practitioner breaking the glass; otherwise 404, as if unknown. The read is audited."""
    return read(*await queries.person(session, user, person_id, break_glass))


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
    return read(person)


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
    """The profile, for the roles that need it and only within a relationship (never
    break-glass: care never needs it). The read is audited."""
    profile = await queries.equality_profile(session, user, person_id)
    return EqualityProfileRead.model_validate(profile, from_attributes=True)
