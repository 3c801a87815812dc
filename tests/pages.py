"""Walking a paged list the way a partner does: by each page's `next` link."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from httpx import AsyncClient

from shared import pages

MAX_PAGES = 200


async def walk(client: AsyncClient, path: str, headers: dict[str, str], **params: Any) -> list[Any]:
    """Every item of a list, a page of `limit` at a time, following each page's `next` link and
    checking the `Link` header says the same and the cursor moves on (bounded: a cursor that
    does not move on fails, it does not hang)."""
    limit = params.get("limit", pages.DEFAULT_LIMIT)
    response = await client.get(path, params=params, headers=headers)
    found: list[Any] = []
    for _page in range(MAX_PAGES):
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        found.extend(body["items"])
        if body["next"] is None:
            assert body["next_cursor"] is None
            assert "link" not in response.headers
            return found
        assert body["items"], "a page before the last is never empty"
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        assert parse_qs(urlsplit(body["next"]).query)["cursor"] == [body["next_cursor"]]
        response = await client.get(body["next"], headers=headers)
    raise AssertionError(f"{path}: more than {MAX_PAGES} pages")
