"""Routes for the Framework's versions (R29)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from services.governance.api.common import EVERYONE
from services.governance.handlers import versions as handlers
from services.governance.queries import versions as queries
from services.governance.schemas.versions import (
    FrameworkVersionCreate,
    FrameworkVersionPage,
    FrameworkVersionRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, problem_response

router = APIRouter(tags=["framework versions"])


@router.post(
    "/framework-versions",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a new version of the Framework (R29)",
)
async def publish_framework_version(
    body: FrameworkVersionCreate,
    session: Session,
    user: CurrentUser = admits(Role.IPCB_MEMBER),
) -> FrameworkVersionRead:
    """Publish a new version of the Framework with the date it takes effect."""
    version = await handlers.publish_framework_version(session, user, body)
    await session.commit()
    return FrameworkVersionRead.model_validate(version)


@router.get("/framework-versions", summary="List the Framework's versions")
async def list_framework_versions(
    request: Request,
    response: Response,
    session: Session,
    effective_since: Annotated[date | None, Query(description="In force from on or after")] = None,
    effective_until: Annotated[date | None, Query(description="In force from on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*EVERYONE),
) -> FrameworkVersionPage:
    """Every version of the Framework, oldest first, a page at a time."""
    effective = (effective_since, effective_until)
    found, next_cursor = await queries.versions_page(session, effective, limit, cursor)
    return FrameworkVersionPage(
        items=[FrameworkVersionRead.model_validate(v) for v in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/framework-versions/in-force",
    summary="Which version was in force on a date (R29)",
    responses={404: problem_response("No version of the Framework was in force on that date")},
)
async def framework_version_in_force(
    on: date, session: Session, user: CurrentUser = admits(*EVERYONE)
) -> FrameworkVersionRead:
    """The version of the Framework in force on the given date."""
    return FrameworkVersionRead.model_validate(await queries.version_in_force(session, on))
