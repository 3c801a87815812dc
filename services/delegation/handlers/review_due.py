"""A review falling due (R26): one place for every route that raises one."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import reviews as rules
from services.delegation.handlers import record
from services.delegation.handlers.delegations.loading import facts_of
from services.delegation.models import Delegation, Review
from shared.db import today


async def raise_review(
    session: AsyncSession, delegation: Delegation, trigger: str, due: rules.Due
) -> None:
    """R26: a review falls due; ReviewDue is published with it, once."""
    review_id = uuid.uuid4()
    transition = rules.fall_due(facts_of(delegation), review_id, due)
    review = Review(
        id=review_id,
        delegation_id=delegation.id,
        trigger=trigger,
        due_date=due.due_date,
        reason=due.reason,
        mdt_reassessment=due.mdt_reassessment,
        raised_on=today(session),  # ReviewDue is raised with it: on the MDT's worklist from now
    )
    session.add(review)
    await record(session, review, transition)
