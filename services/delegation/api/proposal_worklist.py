"""The MDT's work queue (`GET /proposals`) and the decision record read back (R9-R14, R29)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from services.delegation.domain.proposals import ProposalState
from services.delegation.queries import proposal_worklist as queries
from services.delegation.schemas.proposal_worklist import (
    DecisionRecordPage,
    DecisionRecordRead,
    ProposalPage,
)
from services.delegation.schemas.proposals import ProposalRead
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, Role, admits
from shared.web import Session

router = APIRouter(tags=["proposals"])


@router.get("/proposals", summary="Proposals by state, person, task or provider (the MDT's queue)")
async def list_proposals(
    request: Request,
    response: Response,
    session: Session,
    state: ProposalState | None = None,
    person_id: UUID | None = None,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(
        Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER, Role.PROVIDER_MANAGER, Role.COMMISSIONER
    ),
) -> ProposalPage:
    """By the day submitted, oldest first, a page at a time (`state=submitted`: those awaiting
    the MDT's decision); of the people the caller's organisation has a legitimate relationship
    with, each read audited; provider managers see those naming their organisation."""
    where = queries.ProposalFilter(
        state, person_id, task_code, provider_organisation, submitted_from, submitted_to
    )
    found, next_cursor = await queries.proposals(session, user, where, limit, cursor)
    items = [
        ProposalRead.model_validate(p).model_copy(update={"delegation_id": d}) for p, d in found
    ]
    return ProposalPage(
        items=items, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )


@router.get(
    "/proposals/{proposal_id}/decisions",
    summary="The decision record in full: the MDT's and any Shared Care decision (R9-R14, R29)",
)
async def list_decisions(
    proposal_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER),
) -> DecisionRecordPage:
    """For the MDT and the clinical roles that oversee the task: members and disciplines, risk,
    the s.22 test, justification, the Framework version; within a legitimate relationship (or
    with the glass broken), audited."""
    found, next_cursor = await queries.decisions(
        session, user, proposal_id, limit, cursor, break_glass
    )
    return DecisionRecordPage(
        items=[DecisionRecordRead.model_validate(d) for d in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
