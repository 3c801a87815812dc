"""The one way every list pages: a cursor the service gave, a capped limit, the next link."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from shared import pages
from shared.errors import InvalidInput


def test_a_cursor_carries_its_keys_back() -> None:
    at, day, key = datetime(2026, 12, 3, 9, tzinfo=UTC), date(2026, 12, 3), uuid4()
    cursor = pages.encode(at.isoformat(), day.isoformat(), key, 7)
    assert pages.decode(cursor, pages.instant, pages.day, UUID, pages.number) == [at, day, key, 7]


@pytest.mark.parametrize("cursor", ["not-a-cursor", pages.encode("x"), pages.encode(1, 2)])
def test_a_cursor_the_service_did_not_give_is_refused_naming_the_parameter(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        pages.decode(cursor, UUID, pages.number)
    assert refused.value.extensions["errors"][0]["field"] == "cursor"


def test_the_next_link_keeps_the_filters_and_replaces_the_cursor() -> None:
    app = FastAPI()

    @app.get("/things")
    async def things(
        request: Request, response: Response, cursor: pages.Cursor = None
    ) -> dict[str, str | None]:
        return {"next": pages.link(request, response, "NEXT" if cursor != "LAST" else None)}

    client = TestClient(app)
    first = client.get("/things", params={"state": "open", "cursor": "OLD", "limit": 2})
    last = client.get("/things", params={"cursor": "LAST"})
    assert first.json()["next"] == "/things?state=open&limit=2&cursor=NEXT"
    assert first.headers["link"] == '</things?state=open&limit=2&cursor=NEXT>; rel="next"'
    assert last.json()["next"] is None
    assert "link" not in last.headers


def test_a_limit_over_the_cap_is_refused() -> None:
    app = FastAPI()

    @app.get("/things")
    async def things(limit: pages.Limit = pages.DEFAULT_LIMIT) -> int:
        return limit

    client = TestClient(app)
    assert client.get("/things", params={"limit": pages.MAX_LIMIT}).json() == pages.MAX_LIMIT
    assert client.get("/things", params={"limit": pages.MAX_LIMIT + 1}).status_code == 422
