"""Reviews (R26), a page at a time, soonest due first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.reviews import ReviewState
from services.delegation.models import Delegation, Review
from services.delegation.queries.delegations import (
    concerning,
    delegation,
    organisation_of,
    people_filter,
)
from shared import pages
from shared.access import listed
from shared.auth import CurrentUser
from shared.db import today
from shared.errors import NotFound

ORDER = (pages.Key(Review.due_date, date), pages.Key(Review.id, UUID))


async def reviews_of(
    session: AsyncSession,
    delegation_id: UUID,
    state: ReviewState | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Review], str | None]:
    """R26: a delegation's reviews, due or done (or `state`), soonest due first."""
    query = select(Review).where(Review.delegation_id == delegation_id)
    if state is not None:
        query = query.where(Review.status == state)
    return await pages.keyset(session, query, ORDER, limit, cursor)


async def review(
    session: AsyncSession, user: CurrentUser, review_id: UUID, break_glass: str | None = None
) -> Review:
    """One review, as its delegation may be read (provider staff: their organisation's)."""
    found = await session.get(Review, review_id)
    if found is None:
        raise NotFound(f"no review {review_id}")
    try:
        await delegation(session, user, found.delegation_id, break_glass, "review")
    except NotFound:
        raise NotFound(f"no review {review_id}") from None
    return found


async def overdue_reviews(
    session: AsyncSession,
    user: CurrentUser,
    organisation: str | None,
    person_id: UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Review], str | None]:
    """R26: reviews past their due date and not completed, for an organisation's delegations,
    of the people the caller may see (each read audited)."""
    query = (
        select(Review)
        .join(Delegation, Delegation.id == Review.delegation_id)
        .where(Review.completed_on.is_(None), Review.due_date < today(session))
    )
    if (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if (org := await organisation_of(session, user, organisation)) is not None:
        query = concerning(query, org)
    if person_id is not None:
        query = query.where(Delegation.person_id == person_id)
    page, next_cursor = await pages.keyset(session, query, ORDER, limit, cursor)
    people_shown = await session.scalars(
        select(Delegation.person_id).where(Delegation.id.in_({r.delegation_id for r in page}))
    )
    await listed(session, user, "review", sorted(set(people_shown)))
    return page, next_cursor
