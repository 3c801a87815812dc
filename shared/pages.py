"""Cursors for every list that pages by its sort keys (and an id): opaque to callers, checked
here, in every service."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from shared.errors import InvalidInput


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
