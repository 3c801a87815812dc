"""Cursors for the lists that page by a sort key and an id: opaque to callers, checked here."""

from __future__ import annotations

import base64
import json

from shared.errors import InvalidInput


def encode(*keys: object) -> str:
    """The cursor after a row whose sort keys are `keys` (dates, datetimes, ids, numbers)."""
    raw = json.dumps([k if isinstance(k, int) else str(k) for k in keys]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode(cursor: str, size: int) -> list[str | int]:
    """The sort keys a cursor carries, as given; 422 naming `cursor` for anything else."""
    try:
        keys = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        keys = None
    if not isinstance(keys, list) or len(keys) != size:
        raise InvalidInput("cursor", "not a cursor this service gave")
    return keys
