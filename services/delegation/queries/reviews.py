"""Reviews (R26)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import Delegation, Review
from services.delegation.queries.delegations import concerning, organisation_of, people_filter
from shared.access import listed
from shared.auth import CurrentUser
from shared.db import today


async def reviews_of(session: AsyncSession, delegation_id: UUID) -> Sequence[Review]:
    rows = await session.scalars(
        select(Review).where(Review.delegation_id == delegation_id).order_by(Review.due_date)
    )
    return rows.all()


async def overdue_reviews(
    session: AsyncSession, user: CurrentUser, organisation: str | None
) -> Sequence[Review]:
    """R26: reviews past their due date and not completed, for an organisation's delegations,
    of the people the caller may see (each read audited)."""
    query = (
        select(Review, Delegation.person_id)
        .join(Delegation, Delegation.id == Review.delegation_id)
        .where(Review.completed_on.is_(None), Review.due_date < today(session))
        .order_by(Review.due_date, Review.id)
    )
    if (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if (org := await organisation_of(session, user, organisation)) is not None:
        query = concerning(query, org)
    rows = (await session.execute(query)).all()
    await listed(session, user, "review", [person_id for _, person_id in rows])
    return [review for review, _ in rows]
