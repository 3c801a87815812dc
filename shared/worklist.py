"""A worklist: the work waiting on the caller's organisation in one service, soonest due first.

Each service lists its kinds of work as `Source`s: a kind, the roles whose work it is, and a
query of that kind's items the caller's organisation may see (labelled `due_on`, `id` and
`person_id`). `GET /worklist` merges them a page at a time by (due date, kind, id): each source
is read after the cursor on its own index, at most a page plus one, and the first page of the
merge is the worklist's page."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import pages
from shared.access import listed
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.errors import InvalidInput
from shared.web import Session


class WorkItem(BaseModel):
    kind: str = Field(description="What is to be done (the service's `kind` values)")
    due_on: date = Field(description="When it is due; the list is soonest first")
    overdue: bool = Field(description="Due before today")
    subject: str = Field(description="The path, in this service, of what the work is about")
    person_id: UUID | None = Field(default=None, description="Whose care it concerns, if anyone's")


class WorkPage(pages.Page[WorkItem]):
    """The caller's organisation's work in this service, soonest due first."""


@dataclass(frozen=True)
class WorkFilter:
    kinds: frozenset[str] | None = None
    due_within_days: int | None = None  # due on or before today + this
    overdue: bool | None = None
    person_id: UUID | None = None


Rows = Select[*tuple[Any, ...]]  # a query of any columns (`Select[Any]` is a query of one)
Items = Callable[[AsyncSession, CurrentUser, date], Awaitable[Rows]]


@dataclass(frozen=True)
class Source:
    """One kind of work: `query` selects the items the caller's organisation may see, with
    columns labelled `due_on` (a date), `id` (of kind `id_kind`) and `person_id` (or None);
    `subject` is the path of each item, formatted with its `id`."""

    kind: str
    roles: frozenset[Role]
    query: Items
    subject: str
    id_kind: type = UUID


async def worklist(
    session: AsyncSession,
    user: CurrentUser,
    sources: Sequence[Source],
    on: date,
    where: WorkFilter,
    limit: int,
    cursor: str | None,
) -> tuple[list[WorkItem], str | None]:
    """A page of the caller's work, by (due date, kind, id), and the next page's cursor; every
    person shown is audited as read."""
    mine = [
        s
        for s in sources
        if user.role in s.roles and (where.kinds is None or s.kind in where.kinds)
    ]
    found: list[tuple[date, str, Any, UUID | None]] = []
    for source in mine:
        query = await _page_of(session, user, source, on, where, limit, cursor)
        rows = (await session.execute(query)).all()
        found.extend((row.due_on, source.kind, row.id, row.person_id) for row in rows)
    found.sort(key=lambda item: (item[0], item[1], item[2]))  # ids compare within one kind
    page = found[:limit]
    subjects = {s.kind: s.subject for s in mine}
    items = [
        WorkItem(
            kind=kind,
            due_on=due_on,
            overdue=due_on < on,
            subject=subjects[kind].format(id=id_),
            person_id=person_id,
        )
        for due_on, kind, id_, person_id in page
    ]
    await listed(session, user, "worklist", [i.person_id for i in items if i.person_id])
    if len(found) <= limit:
        return items, None
    due_on, kind, id_, _person = page[-1]
    return items, pages.encode(due_on.isoformat(), kind, id_)


async def _page_of(
    session: AsyncSession,
    user: CurrentUser,
    source: Source,
    on: date,
    where: WorkFilter,
    limit: int,
    cursor: str | None,
) -> Select[Any]:
    rows = (await source.query(session, user, on)).subquery()
    query = select(rows.c.due_on, rows.c.id, rows.c.person_id)
    if where.due_within_days is not None:
        query = query.where(rows.c.due_on <= on + timedelta(days=where.due_within_days))
    if where.overdue is not None:
        query = query.where(rows.c.due_on < on if where.overdue else rows.c.due_on >= on)
    if where.person_id is not None:
        query = query.where(rows.c.person_id == where.person_id)
    if cursor is not None:
        due_on, kind, last = pages.decode(cursor, pages.day, pages.text, _as_given)
        if source.kind > kind:  # this kind sorts after the cursor's on the same day
            query = query.where(rows.c.due_on >= due_on)
        elif source.kind < kind:
            query = query.where(rows.c.due_on > due_on)
        else:
            try:
                last_id = pages.PARSERS[source.id_kind](last)
            except (ValueError, TypeError):
                raise InvalidInput("cursor", "not a cursor this service gave") from None
            query = query.where(
                or_(rows.c.due_on > due_on, and_(rows.c.due_on == due_on, rows.c.id > last_id))
            )
    return query.order_by(rows.c.due_on, rows.c.id).limit(limit + 1)


def _as_given(value: Any) -> Any:
    return value


def router(sources: Sequence[Source], tags: Sequence[str] = ("worklist",)) -> APIRouter:
    """`GET /worklist` over `sources`, for every role whose work one of them is."""
    kinds = sorted({s.kind for s in sources})
    roles = sorted({r for s in sources for r in s.roles})
    found = APIRouter(tags=list(tags))

    @found.get(
        "/worklist", summary="The work waiting on the caller's organisation, soonest due first"
    )
    async def read_worklist(
        request: Request,
        response: Response,
        session: Session,
        kind: Annotated[
            list[str] | None,
            Query(max_length=len(kinds), description=f"Only these kinds: {', '.join(kinds)}"),
        ] = None,
        due_within_days: Annotated[
            int | None, Query(ge=0, le=366, description="Due on or before today plus this")
        ] = None,
        overdue: Annotated[bool | None, Query(description="true: only overdue; false: not")] = None,
        person_id: UUID | None = None,
        limit: pages.Limit = pages.DEFAULT_LIMIT,
        cursor: pages.Cursor = None,
        user: CurrentUser = admits(*roles),
    ) -> WorkPage:
        """The caller's role decides which kinds are theirs; each item is of a person or object
        the caller's organisation has a legitimate relationship with (every person shown is
        audited as read)."""
        for i, wanted in enumerate(kind or ()):
            if wanted not in kinds:
                raise InvalidInput(f"kind.{i}", f"not one of {', '.join(kinds)}")
        where = WorkFilter(frozenset(kind) if kind else None, due_within_days, overdue, person_id)
        items, next_cursor = await worklist(
            session, user, sources, today(session), where, limit, cursor
        )
        return WorkPage(
            items=items, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
        )

    return found
