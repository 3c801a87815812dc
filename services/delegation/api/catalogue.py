"""The task catalogue (R10) and the Framework version in force (R29)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.delegation.queries import catalogue as queries
from services.delegation.schemas.catalogue import (
    CatalogueRulingPage,
    CatalogueRulingRead,
    FrameworkVersionRead,
    TaskPage,
    TaskRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.events.vocabulary import Delegability, TaskCategory
from shared.web import Session, problem_response

router = APIRouter()
EVERYONE = tuple(Role)


@router.get(
    "/framework-versions/in-force",
    tags=["framework versions"],
    summary="The Framework version decisions made on a date record (R29)",
    responses={404: problem_response("No version of the Framework was in force on that date")},
)
async def framework_version_in_force(
    on: date,
    session: Session,
    user: CurrentUser = admits(Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER, Role.AUDITOR),
) -> FrameworkVersionRead:
    """The version of the Framework in force on the given date, as delegation knows it."""
    return FrameworkVersionRead.model_validate(
        await queries.framework_version_in_force(session, on)
    )


@router.get("/tasks", tags=["task catalogue"], summary="The task catalogue (R10)")
async def list_tasks(
    request: Request,
    response: Response,
    session: Session,
    category: TaskCategory | None = None,
    delegability: Delegability | None = None,
    needs_specific_training: bool | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*EVERYONE),
) -> TaskPage:
    """Every task in the catalogue with its category and whether it may be delegated, by code,
    a page at a time."""
    where = queries.TaskFilter(category, delegability, needs_specific_training)
    found, next_cursor = await queries.tasks(session, where, limit, cursor)
    return TaskPage(
        items=[TaskRead.model_validate(t) for t in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/tasks/rulings", tags=["task catalogue"], summary="Catalogue rulings and their dates (R10)"
)
async def list_rulings(
    request: Request,
    response: Response,
    session: Session,
    pending: bool = False,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*EVERYONE),
) -> CatalogueRulingPage:
    """Governance rulings on the catalogue by the day they take effect, a page at a time;
    `pending=true` lists those not yet in effect."""
    found, next_cursor = await queries.rulings(session, pending, task_code, limit, cursor)
    return CatalogueRulingPage(
        items=[CatalogueRulingRead.model_validate(r) for r in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
