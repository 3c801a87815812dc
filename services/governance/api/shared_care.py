"""Routes for Shared Care discussions and the case example repository (R14)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from services.governance.handlers import shared_care as handlers
from services.governance.queries import shared_care as queries
from services.governance.schemas.shared_care import CaseExampleRead, DecisionCreate, DiscussionRead
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
    session: Session, open_only: bool = False, user: CurrentUser = admits(*MDT)
) -> list[DiscussionRead]:
    """The discussions opened where the MDT could not reach consensus, about people the
    caller's organisation has a legitimate relationship with."""
    found = await queries.discussions(session, user, open_only)
    return [DiscussionRead.model_validate(d) for d in found]


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
    session: Session,
    task_code: str | None = None,
    category: TaskCategory | None = None,
    direction: Direction | None = None,
    decision: SharedCareDecision | None = None,
    circumstances: Annotated[str | None, Query(max_length=500)] = None,
    user: CurrentUser = admits(*CASE_READERS),
) -> list[CaseExampleRead]:
    """Precedents from earlier Shared Care decisions; they carry no identifiers. The words of
    `circumstances` are looked for in each precedent's summary."""
    found = await queries.case_examples(
        session,
        task_code=task_code,
        category=category,
        direction=direction,
        decision=decision,
        circumstances=circumstances,
    )
    return [CaseExampleRead.model_validate(e) for e in found]
