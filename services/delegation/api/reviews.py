"""Reviews (R26): a delegation's reviews, overdue reviews per organisation, outcomes."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from services.delegation.domain.reviews import ReviewState
from services.delegation.handlers import reviews
from services.delegation.queries import delegations
from services.delegation.queries import reviews as queries
from services.delegation.schemas.reviews import (
    ReviewOutcomeCreate,
    ReviewPage,
    ReviewRead,
)
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, Role, admits
from shared.web import Session

router = APIRouter(tags=["reviews"])
READERS = (
    Role.REGISTERED_PRACTITIONER,
    Role.MDT_MEMBER,
    Role.PROVIDER_MANAGER,
    Role.COMMISSIONER,
)


@router.get("/delegations/{delegation_id}/reviews", summary="A delegation's reviews (R26)")
async def delegation_reviews(
    delegation_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    state: ReviewState | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> ReviewPage:
    """Every review of the delegation, due or done (or only `state`), soonest due first, a page
    at a time; within a legitimate relationship with the person (or with the glass broken),
    audited."""
    await delegations.delegation(session, user, delegation_id, break_glass, "review")
    found, next_cursor = await queries.reviews_of(session, delegation_id, state, limit, cursor)
    return ReviewPage(
        items=[ReviewRead.model_validate(r) for r in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/reviews/overdue", summary="Overdue reviews for an organisation (R26)")
async def overdue_reviews(
    request: Request,
    response: Response,
    session: Session,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    person_id: UUID | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> ReviewPage:
    """Past-due reviews of what the organisation provides or is accountable for, of the people
    the caller's organisation has a legitimate relationship with (each read audited), soonest
    due first, a page at a time."""
    found, next_cursor = await queries.overdue_reviews(
        session, user, organisation, person_id, limit, cursor
    )
    return ReviewPage(
        items=[ReviewRead.model_validate(r) for r in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/reviews/{review_id}", summary="A review (R26)")
async def get_review(
    review_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> ReviewRead:
    """Its delegation, when it is due, why, and its outcome once completed; within a legitimate
    relationship with the person (or with the glass broken), audited."""
    return ReviewRead.model_validate(await queries.review(session, user, review_id, break_glass))


@router.post(
    "/reviews/{review_id}/outcome",
    summary="The MDT's organisations or the oversight owner record a review's outcome (R26)",
)
async def complete_review(
    review_id: UUID,
    body: ReviewOutcomeCreate,
    session: Session,
    user: CurrentUser = admits(Role.MDT_MEMBER),
) -> ReviewRead:
    """Continue, change the additional minutes a week, or end the delegation."""
    review = await reviews.complete_review(session, user, review_id, body)
    await session.commit()
    return ReviewRead.model_validate(review)
