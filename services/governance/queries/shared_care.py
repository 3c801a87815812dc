"""The read side of Shared Care discussions and the case example repository (R14)."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.models import CaseExample, SharedCareDiscussion
from services.governance.queries.ranges import at_instants, on_days
from shared import pages
from shared.access import listed, person_record, visible_people
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import NotFound
from shared.events.governance import SharedCareDecision

DISCUSSION = "shared_care_discussion"


@dataclass(frozen=True)
class DiscussionFilter:
    open_only: bool = False
    person_id: UUID | None = None
    task_code: str | None = None
    decision: SharedCareDecision | None = None
    opened: tuple[date | None, date | None] = (None, None)


DISCUSSION_ORDER = (
    pages.Key(SharedCareDiscussion.opened_at, datetime),
    pages.Key(SharedCareDiscussion.discussion_id, UUID),
)


async def discussions(
    session: AsyncSession,
    user: CurrentUser,
    where: DiscussionFilter,
    limit: int,
    cursor: str | None,
) -> tuple[list[SharedCareDiscussion], str | None]:
    """The discussions about people the caller's organisation has a relationship with, oldest
    opened first (each read audited)."""
    query = select(SharedCareDiscussion)
    people = visible_people(user, now(session))
    if people is not None:
        query = query.where(SharedCareDiscussion.person_id.in_(people))
    if where.open_only:
        query = query.where(SharedCareDiscussion.decision.is_(None))
    for column, value in (
        (SharedCareDiscussion.person_id, where.person_id),
        (SharedCareDiscussion.task_code, where.task_code),
        (SharedCareDiscussion.decision, where.decision),
    ):
        if value is not None:
            query = query.where(column == value)
    query = at_instants(query, SharedCareDiscussion.opened_at, *where.opened)
    found, next_cursor = await pages.keyset(session, query, DISCUSSION_ORDER, limit, cursor)
    await listed(session, user, DISCUSSION, [d.person_id for d in found])
    return found, next_cursor


async def discussion(
    session: AsyncSession, user: CurrentUser, discussion_id: UUID, break_glass: str | None = None
) -> SharedCareDiscussion:
    """One discussion, within a relationship with its person or by breaking the glass; else 404."""
    found = await session.get(SharedCareDiscussion, discussion_id)
    if found is None:
        raise NotFound(f"no Shared Care discussion {discussion_id}")
    await person_record(session, user, found.person_id, DISCUSSION, break_glass)
    return found


@dataclass(frozen=True)
class CaseExampleFilter:
    task_code: str | None = None
    category: str | None = None
    direction: str | None = None
    decision: str | None = None
    circumstances: str | None = None
    decided: tuple[date | None, date | None] = (None, None)


CASE_EXAMPLE_ORDER = (
    pages.Key(CaseExample.decided_on, date),
    pages.Key(CaseExample.case_example_id, UUID),
)


async def case_examples(
    session: AsyncSession, where: CaseExampleFilter, limit: int, cursor: str | None
) -> tuple[list[CaseExample], str | None]:
    """R14: the precedents that match, the latest decided first; every word of `circumstances`
    must be in the summary."""
    wanted: list[ColumnElement[bool]] = []
    for column, value in [
        (CaseExample.task_code, where.task_code),
        (CaseExample.category, where.category),
        (CaseExample.direction, where.direction),
        (CaseExample.decision, where.decision),
    ]:
        if value is not None:
            wanted.append(column == value)
    for word in (where.circumstances or "").split():
        wanted.append(CaseExample.summary.ilike(f"%{word}%"))
    query = on_days(
        select(CaseExample).where(and_(True, *wanted)), CaseExample.decided_on, *where.decided
    )
    return await pages.keyset(session, query, CASE_EXAMPLE_ORDER, limit, cursor, descending=True)
