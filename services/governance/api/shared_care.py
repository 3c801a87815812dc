"""Routes for Shared Care discussions and the case example repository (R14)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.governance.handlers import shared_care as handlers
from services.governance.queries import shared_care as queries
from services.governance.schemas.shared_care import (
    CaseExamplePage,
    CaseExampleRead,
    DecisionCreate,
    DiscussionPage,
    DiscussionRead,
)
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, Role, admits
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, TaskCategory
from shared.web import Session

router = APIRouter(tags=["shared care"])
# A discussion is about a person: the MDT's organisations read and decide it, within their
# relationship with the person. Case examples carry no one: the IPCB and auditors read them too.
MDT = (Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER)
CASE_READERS = (*MDT, Role.IPCB_MEMBER, Role.AUDITOR)


@router.get("/shared-care/discussions", summary="Shared Care discussions (R14)")
async def list_discussions(
    request: Request,
    response: Response,
    session: Session,
    open_only: bool = False,
    person_id: UUID | None = None,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    decision: SharedCareDecision | None = None,
    opened_from: Annotated[date | None, Query(description="Opened on or after (UTC)")] = None,
    opened_to: Annotated[date | None, Query(description="Opened on or before (UTC)")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*MDT),
) -> DiscussionPage:
    """The discussions opened where the MDT could not reach consensus, about people the
    caller's organisation has a legitimate relationship with, oldest first, a page at a time."""
    where = queries.DiscussionFilter(
        open_only, person_id, task_code, decision, (opened_from, opened_to)
    )
    found, next_cursor = await queries.discussions(session, user, where, limit, cursor)
    return DiscussionPage(
        items=[DiscussionRead.model_validate(d) for d in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/shared-care/discussions/{discussion_id}",
    summary="One Shared Care discussion",
)
async def get_discussion(
    discussion_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*MDT),
) -> DiscussionRead:
    """The question, the MDT's positions and, once made, the decision; outside a relationship
    with the person, not found unless a registered practitioner breaks the glass."""
    found = await queries.discussion(session, user, discussion_id, break_glass)
    return DiscussionRead.model_validate(found)


@router.post(
    "/shared-care/discussions/{discussion_id}/decision",
    status_code=status.HTTP_201_CREATED,
    summary="Record a Shared Care decision (R14)",
)
async def record_decision(
    discussion_id: UUID,
    body: DecisionCreate,
    session: Session,
    user: CurrentUser = admits(*MDT),
) -> DiscussionRead:
    """Document the decision (an organisation related to the person); it is shared with the
    IPCB and becomes a case example built from its facts and the summary for publication."""
    discussion = await handlers.record_decision(session, user, discussion_id, body)
    await session.commit()
    return DiscussionRead.model_validate(discussion)


@router.get(
    "/shared-care/case-examples",
    summary="Search the case example repository (R14)",
)
async def search_case_examples(
    request: Request,
    response: Response,
    session: Session,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    category: TaskCategory | None = None,
    direction: Direction | None = None,
    decision: SharedCareDecision | None = None,
    circumstances: Annotated[str | None, Query(max_length=500)] = None,
    decided_from: Annotated[date | None, Query(description="Decided on or after")] = None,
    decided_to: Annotated[date | None, Query(description="Decided on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*CASE_READERS),
) -> CaseExamplePage:
    """Precedents from earlier Shared Care decisions, the latest first; they carry no
    identifiers. The words of `circumstances` are looked for in each precedent's summary."""
    where = queries.CaseExampleFilter(
        task_code, category, direction, decision, circumstances, (decided_from, decided_to)
    )
    found, next_cursor = await queries.case_examples(session, where, limit, cursor)
    return CaseExamplePage(
        items=[CaseExampleRead.model_validate(e) for e in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
