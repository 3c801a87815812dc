"""Idempotency keys: which request a key was first sent with, so that the same key with another
request is refused (422) rather than answered with the first one's resource."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from shared.db import UTCDateTime, plumbing_metadata

idempotency_keys = Table(
    "idempotency_keys",
    plumbing_metadata,
    # sha256 of the caller's organisation, the route and the key: the key's scope.
    Column("scope", String(64), primary_key=True),
    Column("request_hash", String(64), nullable=False),  # sha256 of the method, path and body
    Column("created_at", UTCDateTime, nullable=False, index=True),
)
