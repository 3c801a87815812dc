"""The read side of Shared Care discussions and the case example repository (R14)."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.models import CaseExample, SharedCareDiscussion
from shared.access import listed, person_record, visible_people
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import NotFound

DISCUSSION = "shared_care_discussion"


async def discussions(
    session: AsyncSession, user: CurrentUser, open_only: bool
) -> Sequence[SharedCareDiscussion]:
    """The discussions about people the caller's organisation has a relationship with (each
    read audited)."""
    query = select(SharedCareDiscussion).order_by(SharedCareDiscussion.opened_at)
    people = visible_people(user, now(session))
    if people is not None:
        query = query.where(SharedCareDiscussion.person_id.in_(people))
    if open_only:
        query = query.where(SharedCareDiscussion.decision.is_(None))
    found = (await session.scalars(query)).all()
    await listed(session, user, DISCUSSION, [d.person_id for d in found])
    return found


async def discussion(
    session: AsyncSession, user: CurrentUser, discussion_id: UUID, break_glass: str | None = None
) -> SharedCareDiscussion:
    """One discussion, within a relationship with its person or by breaking the glass; else 404."""
    found = await session.get(SharedCareDiscussion, discussion_id)
    if found is None:
        raise NotFound(f"no Shared Care discussion {discussion_id}")
    await person_record(session, user, found.person_id, DISCUSSION, break_glass)
    return found


async def case_examples(
    session: AsyncSession,
    *,
    task_code: str | None = None,
    category: str | None = None,
    direction: str | None = None,
    decision: str | None = None,
    circumstances: str | None = None,
) -> Sequence[CaseExample]:
    """R14: the precedents that match; every word of `circumstances` must be in the summary."""
    wanted: list[ColumnElement[bool]] = []
    for column, value in [
        (CaseExample.task_code, task_code),
        (CaseExample.category, category),
        (CaseExample.direction, direction),
        (CaseExample.decision, decision),
    ]:
        if value is not None:
            wanted.append(column == value)
    for word in (circumstances or "").split():
        wanted.append(CaseExample.summary.ilike(f"%{word}%"))
    query = select(CaseExample).where(and_(True, *wanted))
    query = query.order_by(CaseExample.decided_on.desc())
    return (await session.scalars(query)).all()
