"""Idempotency keys: which request a key was first sent with, so that the same key with another
request is refused (422) rather than answered with the first one's resource."""

from __future__ import annotations

import hashlib

from sqlalchemy import Column, String, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import UTCDateTime, insert_if_absent, now, plumbing_metadata
from shared.errors import InvalidInput

HEADER = "Idempotency-Key"

idempotency_keys = Table(
    "idempotency_keys",
    plumbing_metadata,
    # sha256 of the caller's organisation, the route and the key: the key's scope.
    Column("scope", String(64), primary_key=True),
    Column("request_hash", String(64), nullable=False),  # sha256 of the method, path and body
    Column("created_at", UTCDateTime, nullable=False, index=True),
)


def _sha256(*parts: str, body: bytes = b"") -> str:
    # Newlines cannot occur in a header, an ODS code, a method or a path: the parts stay apart.
    return hashlib.sha256("\n".join(parts).encode() + b"\n" + body).hexdigest()


def scope_of(organisation: str, method: str, route: str, key: str) -> str:
    """Where a key is unique: the caller's organisation and the route (its path template)."""
    return _sha256(organisation, method, route, key)


def request_hash(method: str, path: str, body: bytes) -> str:
    """What makes a request the same request: its method, concrete path and body bytes."""
    return _sha256(method, path, body=body)


async def remember(session: AsyncSession, scope: str, request: str) -> None:
    """Remember the first request of a scope, in the request's own transaction (a request that
    fails leaves no key); a later request in the scope must be that request, else 422."""
    row = {"scope": scope, "request_hash": request, "created_at": now(session)}
    if await insert_if_absent(session, idempotency_keys, row):
        return
    first = await session.scalar(
        select(idempotency_keys.c.request_hash).where(idempotency_keys.c.scope == scope)
    )
    if first is not None and first != request:
        raise InvalidInput(
            HEADER,
            "this key was already sent with a different request (method, path or body) to "
            "this route; send a new key for a new request",
        )
