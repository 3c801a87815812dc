"""Routes for Shared Care discussions and the case example repository (R14)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from services.governance.handlers import shared_care as handlers
from services.governance.queries import shared_care as queries
from services.governance.schemas.shared_care import CaseExampleRead, DecisionCreate, DiscussionRead
from shared.auth import CurrentUser, Role, admits
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, TaskCategory
from shared.web import Session

router = APIRouter(tags=["shared care"])
MDT = (Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER)
CASE_READERS = (*MDT, Role.IPCB_MEMBER, Role.AUDITOR)


@router.get("/shared-care/discussions", summary="Shared Care discussions (R14)")
async def list_discussions(
    session: Session, open_only: bool = False, user: CurrentUser = admits(*CASE_READERS)
) -> list[DiscussionRead]:
    """The discussions opened where the MDT could not reach consensus."""
    found = await queries.discussions(session, open_only)
    return [DiscussionRead.model_validate(d) for d in found]


@router.get(
    "/shared-care/discussions/{discussion_id}",
    summary="One Shared Care discussion",
)
async def get_discussion(
    discussion_id: UUID, session: Session, user: CurrentUser = admits(*CASE_READERS)
) -> DiscussionRead:
    """The question, the MDT's positions and, once made, the decision."""
    return DiscussionRead.model_validate(await queries.discussion(session, discussion_id))


@router.post(
    "/shared-care/discussions/{discussion_id}/decision",
    status_code=status.HTTP_201_CREATED,
    summary="Record a Shared Care decision (R14)",
)
async def record_decision(
    discussion_id: UUID,
    body: DecisionCreate,
    session: Session,
    user: CurrentUser = admits(*MDT, Role.IPCB_MEMBER),
) -> DiscussionRead:
    """Document the decision; it is shared with the IPCB and becomes a case example."""
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
    """Precedents from earlier Shared Care decisions; they carry no identifiers."""
    found = await queries.case_examples(
        session,
        task_code=task_code,
        category=category,
        direction=direction,
        decision=decision,
        circumstances=circumstances,
    )
    return [CaseExampleRead.model_validate(e) for e in found]
