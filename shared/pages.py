"""Every list in every service pages the same way: `limit` (capped) and an opaque `cursor` in,
`items`, `next_cursor` and the `next` link out (also sent as a `Link: <…>; rel="next"` header).
A page is read by keyset (the sort keys and an id, never an offset), so it stays on an index
and no row is skipped or repeated while others are written."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.errors import InvalidInput

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}")
]
Cursor = Annotated[
    str | None,
    Query(max_length=400, description="The `next_cursor` of the page before; absent: the first"),
]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; each service names its own (`class HandbackPage(Page[HandbackRead])`)."""

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last page"
    )
    next: str | None = Field(
        default=None, description="The next page's path and query; null on the last page"
    )


def encode(*keys: object) -> str:
    """The cursor after a row whose sort keys are `keys` (dates, datetimes, ids, numbers)."""
    raw = json.dumps([k if isinstance(k, int) else str(k) for k in keys]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode(cursor: str, *parsers: Callable[[Any], Any], field: str = "cursor") -> list[Any]:
    """The sort keys a cursor carries, each read by its parser (`date.fromisoformat`, `UUID`,
    `int`); 422 naming `field` (the query parameter) for anything this service did not give."""
    try:
        keys = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(keys, list) or len(keys) != len(parsers):
            raise ValueError(cursor)
        return [parse(key) for parse, key in zip(parsers, keys, strict=True)]
    except (ValueError, TypeError, AttributeError, OverflowError):
        raise InvalidInput(field, "not a cursor this service gave") from None


def instant(text: str) -> datetime:
    """A timezone-aware instant, as `encode` wrote it."""
    found = datetime.fromisoformat(text)
    if found.tzinfo is None:
        raise ValueError(text)
    return found


def day(text: str) -> date:
    return date.fromisoformat(text)


def text(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def number(value: int) -> int:
    if not isinstance(value, int):
        raise TypeError(value)
    return value


PARSERS: dict[type, Callable[[Any], Any]] = {
    datetime: instant,
    date: day,
    UUID: UUID,
    str: text,
    int: number,
}


@dataclass(frozen=True)
class Key:
    """A sort key of a list: a mapped column (read from each row by its name) and its type.
    The last key must make the order total (an id)."""

    column: InstrumentedAttribute[Any]
    kind: type

    def of(self, row: Any) -> Any:
        return getattr(row, self.column.key)


def after(keys: Sequence[Key], values: Sequence[Any], descending: bool = False) -> Any:
    """Rows after `values` in the order of `keys` — (a > x) or (a = x and b > y) …, which
    every database plans on the index of the keys."""
    clauses = []
    for i, key in enumerate(keys):
        beyond = key.column < values[i] if descending else key.column > values[i]
        equal = [k.column == v for k, v in zip(keys[:i], values[:i], strict=True)]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


async def keyset(
    session: AsyncSession,
    query: Select[Any],
    keys: Sequence[Key],
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of `query`'s entities (the first column of each row) in the order of `keys`,
    and the cursor of the next page (None on the last)."""
    if cursor is not None:
        values = decode(cursor, *(PARSERS[k.kind] for k in keys))
        query = query.where(after(keys, values, descending))
    order = [k.column.desc() if descending else k.column for k in keys]
    rows = list((await session.scalars(query.order_by(*order).limit(limit + 1))).all())
    page = rows[:limit]
    if len(rows) <= limit:
        return page, None
    return page, encode(*(key_value(k.of(page[-1])) for k in keys))


def key_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def link(request: Request, response: Response, next_cursor: str | None) -> str | None:
    """The next page's path and query (the caller's filters kept, the cursor replaced), also
    set as the response's `Link` header; None on the last page."""
    if next_cursor is None:
        return None
    url = request.url.include_query_params(cursor=next_cursor)
    found = f"{url.path}?{url.query}"
    response.headers["Link"] = f'<{found}>; rel="next"'
    return found


Keep = Callable[[Any], Awaitable[bool]]


async def keyset_kept(
    session: AsyncSession,
    query: Select[Any],
    keys: Sequence[Key],
    limit: int,
    cursor: str | None,
    keep: Keep,
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """`keyset`, of the rows `keep` admits (a rule the query cannot say, such as membership of a
    JSON list): read after the cursor a batch at a time until a page and one more are kept."""
    values = None if cursor is None else decode(cursor, *(PARSERS[k.kind] for k in keys))
    order = [k.column.desc() if descending else k.column for k in keys]
    batch, kept = max(limit + 1, DEFAULT_LIMIT), list[Any]()
    while len(kept) <= limit:
        read = query if values is None else query.where(after(keys, values, descending))
        rows = list((await session.scalars(read.order_by(*order).limit(batch))).all())
        kept += [row for row in rows if await keep(row)]
        if len(rows) < batch:
            break
        values = [k.of(rows[-1]) for k in keys]
    page = kept[:limit]
    if len(kept) <= limit:
        return page, None
    return page, encode(*(key_value(k.of(page[-1])) for k in keys))
