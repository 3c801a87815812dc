"""Oversight visits (R17, A 5.12): how often the decision says the owner checks the task, each
visit recorded, those due and overdue."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.delegation.handlers import oversight_visits as handlers
from services.delegation.queries import oversight_visits as queries
from services.delegation.schemas.oversight_visits import (
    OversightVisitCreate,
    OversightVisitPage,
    OversightVisitRead,
    VisitDuePage,
    VisitDueRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(tags=["oversight"])
READERS = (
    Role.REGISTERED_PRACTITIONER,
    Role.MDT_MEMBER,
    Role.PROVIDER_MANAGER,
    Role.COMMISSIONER,
)


@router.post(
    "/delegations/{delegation_id}/oversight-visits",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(OversightVisitRead),
    summary="The clinical oversight owner records a visit to the task (R17)",
)
async def record_oversight_visit(
    delegation_id: UUID,
    body: OversightVisitCreate,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER),
) -> OversightVisitRead:
    """A practitioner of the oversight owner: findings, a competence spot check per worker seen
    (R16) and actions, as codes; the next visit falls due the decision's interval after it."""
    visit, created = await handlers.record_visit(
        session, user, delegation_id, body, idempotency_key
    )
    await session.commit()
    answer_replay(response, created)
    return OversightVisitRead.model_validate(visit)


@router.get(
    "/delegations/{delegation_id}/oversight-visits", summary="The oversight visits to a task"
)
async def list_visits(
    delegation_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> OversightVisitPage:
    """Newest first, a page at a time; within a legitimate relationship, audited."""
    found, next_cursor = await queries.visits(session, user, delegation_id, limit, cursor)
    items = [OversightVisitRead.model_validate(v) for v in found]
    return OversightVisitPage(
        items=items,
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/oversight-visits/due", summary="Oversight visits due, and those overdue (R17)")
async def list_due(
    request: Request,
    response: Response,
    session: Session,
    oversight_owner: Annotated[str | None, Query(max_length=200)] = None,
    overdue: bool | None = None,
    within_days: Annotated[int | None, Query(ge=0, le=366)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> VisitDuePage:
    """By due day, of the running tasks whose decision set how often the owner checks; a
    practitioner sees their own organisation's unless they name another owner; `overdue=true`
    lists those past their due day; each person shown audited."""
    where = queries.DueFilter(oversight_owner, overdue, within_days)
    found, next_cursor = await queries.visits_due(
        session, user, where, today(session), limit, cursor
    )
    return VisitDuePage(
        items=[VisitDueRead.model_validate(v) for v in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
