"""FHIR search: parameters parsed strictly (an unknown one or a bad value is a 400), `_lastUpdated`
as conditions, pages, and `searchset` Bundles with their paging links."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import InvalidInput
from shared.fhir.resources import (
    BASE,
    FHIR_ID,
    MAX_COUNT,
    MAX_OFFSET,
    PAGING,
    Resource,
    start_of,
)
from shared.fhir.web import FhirResponse

Count = Annotated[
    int, Query(alias="_count", ge=1, le=MAX_COUNT, description="Entries per page (FHIR _count)")
]
Offset = Annotated[
    int, Query(alias="_offset", ge=0, le=MAX_OFFSET, description="Entries to skip (next link)")
]
LastUpdated = Annotated[
    list[str] | None,
    Query(
        alias="_lastUpdated",
        max_length=10,
        description="ge|gt|le|lt|eq followed by a date or an instant; repeat for a range",
    ),
]
FhirId = Path(pattern=r"^[A-Za-z0-9\-.]{1,64}$", description="a FHIR logical id")
ReferenceParam = Annotated[str | None, Query(max_length=200)]
TokenParam = Annotated[str | None, Query(max_length=500, description="comma-separated: any of")]


def only(request: Request, allowed: Iterable[str]) -> None:
    """A search answers only the parameters it knows: anything else is a 400, never ignored."""
    known = set(allowed) | PAGING
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise InvalidInput(unknown[0], f"not a search parameter here (known: {sorted(known)})")


def id_of(value: str, resource_type: str, field: str) -> str:
    """`Patient/123` or `123`: the id, a 400 naming the field when it is no FHIR id."""
    bare = value.removeprefix(f"{resource_type}/")
    if not FHIR_ID.match(bare):
        raise InvalidInput(field, f"'{value}' is not a reference to a {resource_type}")
    return bare


def uuid_of(value: str, resource_type: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(id_of(value, resource_type, field))
    except ValueError:
        raise InvalidInput(field, f"'{value}' is not a {resource_type} of this platform") from None


def tokens(value: str | None, allowed: Iterable[str], field: str) -> list[str] | None:
    """The codes asked for (any of), each one the parameter knows."""
    if value is None:
        return None
    known = set(allowed)
    asked = [code.strip() for code in value.split(",")]
    if wrong := [code for code in asked if code not in known]:
        raise InvalidInput(field, f"'{wrong[0]}' is not one of {sorted(known)}")
    return asked


_PREFIXES = ("eq", "gt", "lt", "ge", "le")


def _bounds(value: str) -> tuple[datetime, datetime]:
    """The instants a date or a dateTime of the given precision covers: [start, end)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        start = start_of(date.fromisoformat(value))
        return start, start + timedelta(days=1)
    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return at, at + timedelta(seconds=1) if at.microsecond == 0 else at + timedelta(microseconds=1)


def last_updated(column: Any, values: list[str] | None) -> list[ColumnElement[bool]]:
    """`_lastUpdated=ge2026-01-01&_lastUpdated=lt2026-02-01` as conditions on `column`."""
    conditions: list[ColumnElement[bool]] = []
    for value in values or []:
        prefix, rest = (value[:2], value[2:]) if value[:2] in _PREFIXES else ("eq", value)
        try:
            start, end = _bounds(rest)
        except (ValueError, OverflowError):
            raise InvalidInput("_lastUpdated", f"'{value}' is not a date or an instant") from None
        conditions.append(
            {
                "eq": (column >= start) & (column < end),
                "gt": column >= end,
                "ge": column >= start,
                "lt": column < start,
                "le": column < end,
            }[prefix]
        )
    return conditions


@dataclass(frozen=True)
class Page:
    resources: list[Resource]
    total: int
    offset: int
    count: int


async def page_of(
    session: AsyncSession, query: Select[Any], offset: int, count: int
) -> tuple[Sequence[Any], int]:
    """One page of a query's rows and how many rows match in all."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.scalars(query.offset(offset).limit(count))).all()
    return rows, int(total or 0)


def base_url(request: Request) -> str:
    """This service's FHIR base, as the caller reached it."""
    url = str(request.url.replace(query=None))
    return url[: url.index(BASE) + len(BASE)] if BASE in url else url


def _page_url(request: Request, offset: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "_offset"]
    params.append(("_offset", str(offset)))
    return str(request.url.replace(query=urlencode(params)))


def bundle(request: Request, page: Page) -> FhirResponse:
    """A searchset Bundle: the page's entries, the total, self and next/previous links."""
    base = base_url(request)
    links = [{"relation": "self", "url": str(request.url)}]
    if page.offset + page.count < page.total:
        links.append({"relation": "next", "url": _page_url(request, page.offset + page.count)})
    if page.offset > 0:
        previous = max(page.offset - page.count, 0)
        links.append({"relation": "previous", "url": _page_url(request, previous)})
    entries = [
        {
            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in page.resources
    ]
    return FhirResponse(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": page.total,
            "link": links,
            "entry": entries,
        }
    )
