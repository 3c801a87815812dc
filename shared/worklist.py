"""A worklist: the work waiting on the caller's organisation in one service, soonest due first.

Each service lists its kinds of work as `Source`s: a kind, the roles whose work it is, and a
query of that kind's items the caller's organisation may see (labelled `due_on`, `id` and
`person_id`), or those items `Computed` (work no table holds, e.g. applications missed against
a schedule). `GET /worklist` merges them a page at a time by (due date, kind, id): each
source is read after the cursor (on its own index, or in memory), at most a page plus one, and
the first page of the merge is the worklist's page."""

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


@dataclass(frozen=True)
class Computed:
    """One item of a source computed rather than queried (e.g. applications missed against a
    schedule); its own `subject` when the source's pattern does not fit."""

    due_on: date
    id: Any
    person_id: UUID | None = None
    subject: str | None = None


Rows = Select[*tuple[Any, ...]]  # a query of any columns (`Select[Any]` is a query of one)
Items = Callable[[AsyncSession, CurrentUser, date], Awaitable[Rows | Sequence[Computed]]]


@dataclass(frozen=True)
class Source:
    """One kind of work: `query` selects the items the caller's organisation may see, with
    columns labelled `due_on` (a date), `id` (of kind `id_kind`) and `person_id` (or None), or
    computes them (`Computed`); `subject` is the path of each item, formatted with its `id`. A
    queried source's ids are UUIDs or integers (which the database and Python order alike); a
    computed one's may be text."""

    kind: str
    roles: frozenset[Role]
    query: Items
    subject: str
    id_kind: type = UUID


@dataclass(frozen=True)
class Mark:
    """Where the page before ended: the last item's due date, kind and id (as given)."""

    due_on: date
    kind: str
    id: Any

    def last_id(self, source: Source) -> Any:
        """The id in `source`'s own kind; 422 naming `cursor` when it is not one."""
        try:
            return pages.PARSERS[source.id_kind](self.id)
        except (ValueError, TypeError, AttributeError):
            raise InvalidInput("cursor", "not a cursor this service gave") from None


def mark_of(cursor: str | None) -> Mark | None:
    if cursor is None:
        return None
    due_on, kind, last = pages.decode(cursor, pages.day, pages.text, _as_given)
    if not isinstance(last, str | int):
        raise InvalidInput("cursor", "not a cursor this service gave")
    return Mark(due_on, kind, last)


Found = tuple[date, str, Any, UUID | None, str]


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
    mark = mark_of(cursor)  # a bad cursor is refused whatever the caller's kinds
    mine = [
        s
        for s in sources
        if user.role in s.roles and (where.kinds is None or s.kind in where.kinds)
    ]
    found: list[Found] = []
    for source in mine:
        items = await source.query(session, user, on)
        if isinstance(items, Select):
            query = _page_of(items, source, on, where, limit, mark)
            rows = (await session.execute(query)).all()
            found.extend(
                (r.due_on, source.kind, r.id, r.person_id, source.subject.format(id=r.id))
                for r in rows
            )
        else:
            found.extend(_computed_page(items, source, on, where, limit, mark))
    found.sort(key=lambda item: (item[0], item[1], item[2]))  # ids compare within one kind
    page = found[:limit]
    items_shown = [
        WorkItem(
            kind=kind, due_on=due_on, overdue=due_on < on, subject=subject, person_id=person_id
        )
        for due_on, kind, _id, person_id, subject in page
    ]
    await listed(
        session, user, "worklist", sorted({i.person_id for i in items_shown if i.person_id})
    )
    if len(found) <= limit:
        return items_shown, None
    due_on, kind, id_, _person, _subject = page[-1]
    return items_shown, pages.encode(due_on.isoformat(), kind, id_)


def _page_of(
    items: Rows,
    source: Source,
    on: date,
    where: WorkFilter,
    limit: int,
    mark: Mark | None,
) -> Select[Any]:
    rows = items.subquery()
    query = select(rows.c.due_on, rows.c.id, rows.c.person_id)
    if where.due_within_days is not None:
        query = query.where(rows.c.due_on <= on + timedelta(days=where.due_within_days))
    if where.overdue is not None:
        query = query.where(rows.c.due_on < on if where.overdue else rows.c.due_on >= on)
    if where.person_id is not None:
        query = query.where(rows.c.person_id == where.person_id)
    if mark is not None:
        if source.kind > mark.kind:  # this kind sorts after the cursor's on the same day
            query = query.where(rows.c.due_on >= mark.due_on)
        elif source.kind < mark.kind:
            query = query.where(rows.c.due_on > mark.due_on)
        else:
            last_id = mark.last_id(source)
            query = query.where(
                or_(
                    rows.c.due_on > mark.due_on,
                    and_(rows.c.due_on == mark.due_on, rows.c.id > last_id),
                )
            )
    return query.order_by(rows.c.due_on, rows.c.id).limit(limit + 1)


def _computed_page(
    items: Sequence[Computed],
    source: Source,
    on: date,
    where: WorkFilter,
    limit: int,
    mark: Mark | None,
) -> list[Found]:
    """The same page as `_page_of`, of rows computed in memory."""
    last_id = mark.last_id(source) if mark is not None and mark.kind == source.kind else None

    latest = None if where.due_within_days is None else on + timedelta(days=where.due_within_days)

    def wanted(row: Computed) -> bool:
        if latest is not None and row.due_on > latest:
            return False
        if where.overdue is not None and (row.due_on < on) != where.overdue:
            return False
        if where.person_id is not None and row.person_id != where.person_id:
            return False
        if mark is None:
            return True
        if source.kind > mark.kind:
            return row.due_on >= mark.due_on
        if source.kind < mark.kind:
            return row.due_on > mark.due_on
        return (row.due_on, row.id) > (mark.due_on, last_id)

    kept = sorted((r for r in items if wanted(r)), key=lambda r: (r.due_on, r.id))[: limit + 1]
    return [
        (r.due_on, source.kind, r.id, r.person_id, r.subject or source.subject.format(id=r.id))
        for r in kept
    ]


def _as_given(value: Any) -> Any:
    return value


def router(sources: Sequence[Source], tags: Sequence[str] = ("worklist",)) -> APIRouter:
    """`GET /worklist` over `sources`, for every role whose work one of them is."""
    kinds = sorted({s.kind for s in sources})
    if len(kinds) != len(sources):  # the merge orders by kind: one source per kind
        raise ValueError(f"a kind is listed twice: {[s.kind for s in sources]}")
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
