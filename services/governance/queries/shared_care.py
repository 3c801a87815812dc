"""The read side of Shared Care discussions and the case example repository (R14)."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.models import CaseExample, SharedCareDiscussion
from shared.errors import NotFound


async def discussions(session: AsyncSession, open_only: bool) -> Sequence[SharedCareDiscussion]:
    query = select(SharedCareDiscussion).order_by(SharedCareDiscussion.opened_at)
    if open_only:
        query = query.where(SharedCareDiscussion.decision.is_(None))
    return (await session.scalars(query)).all()


async def discussion(session: AsyncSession, discussion_id: UUID) -> SharedCareDiscussion:
    found = await session.get(SharedCareDiscussion, discussion_id)
    if found is None:
        raise NotFound(f"no Shared Care discussion {discussion_id}")
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
    """R14: the precedents that match; every word of `circumstances` must appear somewhere."""
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
        pattern = f"%{word}%"
        wanted.append(
            or_(
                CaseExample.circumstances.ilike(pattern),
                CaseExample.question.ilike(pattern),
                CaseExample.rationale.ilike(pattern),
            )
        )
    query = select(CaseExample).where(and_(True, *wanted))
    query = query.order_by(CaseExample.decided_on.desc())
    return (await session.scalars(query)).all()
