"""Routes for a person's local system identifiers (LAS, Mosaic, SystmOne, RiO)."""

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from services.assessment.api.roles import ASSESSORS, READERS
from services.assessment.domain.identifiers import IdentifierSystem
from services.assessment.handlers import identifiers as handlers
from services.assessment.queries import identifiers as queries
from services.assessment.schemas.identifiers import (
    IdentifierCreate,
    IdentifierPage,
    IdentifierRead,
)
from shared import pages
from shared.auth import CurrentUser, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter(tags=["people"])


@router.post(
    "/people/{person_id}/identifiers",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(IdentifierRead),
    summary="Add a local system identifier to a person",
)
async def add_identifier(
    person_id: UUID,
    body: IdentifierCreate,
    response: Response,
    session: Session,
    user: CurrentUser = admits(*ASSESSORS),
) -> IdentifierRead:
    """The person's id in a partner's system, checked against that system's format (422 naming
    the field); a value another person holds in that system is a 409. Never published."""
    row, created = await handlers.add_identifier(session, user, person_id, body)
    await session.commit()
    answer_replay(response, created)
    return IdentifierRead.model_validate(row)


@router.delete(
    "/people/{person_id}/identifiers/{identifier_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a local system identifier from a person",
)
async def remove_identifier(
    person_id: UUID,
    identifier_id: UUID,
    session: Session,
    user: CurrentUser = admits(*ASSESSORS),
) -> Response:
    """The identifier no longer names the person; the removal is audited."""
    await handlers.remove_identifier(session, user, person_id, identifier_id)
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/people/{person_id}/identifiers", summary="Read a person's local identifiers")
async def read_identifiers(
    person_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    system: IdentifierSystem | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> IdentifierPage:
    """Within a relationship only (never break-glass, like the NHS number); audited. By
    system, oldest first, a page at a time."""
    rows, next_cursor = await queries.identifiers_of(
        session, user, person_id, system, limit, cursor
    )
    return IdentifierPage(
        items=[IdentifierRead.model_validate(r) for r in rows],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
