"""Signed webhooks for partners that run no Kafka consumer (Standard Webhooks): which events a
partner may receive, where they may go, how a delivery is signed and when it is tried again."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from shared.events import Event
from shared.events.assessment import ConsentRecorded, ConsentWithdrawn, SupportPlanVersioned
from shared.events.delegation import (
    DelegationAccepted,
    DelegationDeclined,
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    HandbackAcknowledged,
    HandbackClosed,
    HandbackOpened,
    HandbackOverdue,
    OversightTransferred,
    ReviewCompleted,
    ReviewDue,
    TaskDelegated,
)
from shared.events.governance import TaskCatalogueChanged
from shared.lifecycle import Lifecycle

# What the platform publishes to partners by webhook: ids, codes and dates only. Left out on
# purpose: events carrying text (a ruling's summary, the Shared Care question, a dispute's
# summary), the relationships themselves, and what only the platform's services need.
PARTNER_EVENTS: tuple[type[Event], ...] = (
    ConsentRecorded,
    ConsentWithdrawn,
    SupportPlanVersioned,
    DelegationAccepted,
    DelegationDeclined,
    TaskDelegated,
    DelegationSuspended,
    DelegationResumed,
    DelegationEnded,
    OversightTransferred,
    ReviewDue,
    ReviewCompleted,
    HandbackOpened,
    HandbackAcknowledged,
    HandbackOverdue,
    HandbackClosed,
    TaskCatalogueChanged,
)
PARTNER_EVENT_TYPES = tuple(sorted(kind.event_type() for kind in PARTNER_EVENTS))

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the Standard Webhooks specification asks for 24 to 64


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    PARKED = "parked"
    CANCELLED = "cancelled"


class DeliveryCommand(StrEnum):
    ACCEPT = "accepted"
    GIVE_UP = "given up"
    REPLAY = "replayed"
    CANCEL = "cancelled"


# A failed attempt with attempts left keeps a delivery pending: it is tried again later.
DELIVERY: Lifecycle[DeliveryState, DeliveryCommand] = Lifecycle(
    "webhook delivery",
    {
        (DeliveryState.PENDING, DeliveryCommand.ACCEPT): DeliveryState.DELIVERED,
        (DeliveryState.PENDING, DeliveryCommand.GIVE_UP): DeliveryState.PARKED,
        (DeliveryState.PARKED, DeliveryCommand.REPLAY): DeliveryState.PENDING,
        (DeliveryState.PENDING, DeliveryCommand.CANCEL): DeliveryState.CANCELLED,
        (DeliveryState.PARKED, DeliveryCommand.CANCEL): DeliveryState.CANCELLED,
    },
)
# A delivery in one of these holds back the later deliveries of its subject to its endpoint.
UNFINISHED = (DeliveryState.PENDING, DeliveryState.PARKED)


def refused_event_types(requested: Iterable[str]) -> list[str]:
    """The requested types the platform does not publish to partners."""
    return sorted(set(requested) - set(PARTNER_EVENT_TYPES))


def why_not_an_endpoint(url: str, local_allowed: bool) -> str | None:
    """Why deliveries may not go to `url` (None: they may). HTTPS only; plain HTTP to this
    machine only where `local_allowed` (test and development); never to a private address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    local = host in {"localhost", "127.0.0.1", "::1"}
    if parts.username or parts.password:
        return "must not carry credentials: deliveries are signed instead"
    if local and local_allowed:
        return None if parts.scheme in {"http", "https"} else "must be an http(s) URL"
    if parts.scheme != "https" or not host:
        return "must be an https URL"
    if local:
        return "must not point at this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: its owner answers for where it points
    return None if address.is_global else "must not point at a private or local address"


def person_of(event: Event) -> UUID | None:
    """The person an event is about, if any: it then goes only to organisations related to
    them."""
    person = getattr(event, "person_id", None)
    return person if isinstance(person, UUID) else None


def structured(
    event_id: str, source: str, kind: str, time: datetime, subject: str, event: Event
) -> str:
    """The event as a CloudEvents 1.0 structured-mode JSON document: a delivery's body."""
    document: dict[str, Any] = {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": kind,
        "time": time.isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": event.model_dump(mode="json"),
    }
    return json.dumps(document, separators=(",", ":"))


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """`v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed by the secret's
    bytes (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signatures(keys: Iterable[str], message_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header: one signature per secret in use, space-separated."""
    return " ".join(signature(key, message_id, timestamp, body) for key in keys)


def secrets_in_use(
    current: str, previous: str | None, previous_until: datetime | None, at: datetime
) -> list[str]:
    """The new secret, and the one it replaced while the rotation's grace period runs."""
    if previous is not None and previous_until is not None and at < previous_until:
        return [current, previous]
    return [current]


def after_failure(attempts: int, most: int) -> DeliveryState:
    """A delivery that failed its `attempts`-th time is parked once it has had `most`."""
    return DeliveryState.PARKED if attempts >= most else DeliveryState.PENDING


def retry_at(failed_at: datetime, attempts: int, first: timedelta, longest: timedelta) -> datetime:
    """Exponential backoff: `first` after the first failure, doubling, never past `longest`."""
    seconds = first.total_seconds() * 2.0 ** max(attempts - 1, 0)  # a float: never overflows
    return failed_at + min(timedelta(seconds=min(seconds, 1e9)), longest)
