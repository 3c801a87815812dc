"""Partners' webhook endpoints, their deliveries and the deliveries that are due."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Exists, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.governance.domain.webhooks import UNFINISHED, DeliveryState
from services.governance.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shared import pages
from shared.auth import CurrentUser
from shared.db import dialect_of
from shared.errors import NotFound

LIVE = WebhookEndpoint.removed_at.is_(None)


ENDPOINT_ORDER = (
    pages.Key(WebhookEndpoint.created_at, datetime),
    pages.Key(WebhookEndpoint.endpoint_id, UUID),
)


async def own_endpoints(
    session: AsyncSession,
    user: CurrentUser,
    event_type: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[WebhookEndpoint], str | None]:
    """An organisation sees its own endpoints only, oldest first; optionally those asking for
    one event type (a JSON list: kept a row at a time)."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.organisation == user.organisation, LIVE)

    async def asks_for(endpoint: WebhookEndpoint) -> bool:
        return event_type is None or event_type in endpoint.event_types

    return await pages.keyset_kept(session, query, ENDPOINT_ORDER, limit, cursor, asks_for)


async def own_endpoint(
    session: AsyncSession, user: CurrentUser, endpoint_id: UUID
) -> WebhookEndpoint:
    """The caller's organisation's endpoint; 404 for another's (its existence is not confirmed)."""
    endpoint = await session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.endpoint_id == endpoint_id,
            WebhookEndpoint.organisation == user.organisation,
            LIVE,
        )
    )
    if endpoint is None:
        raise NotFound(f"no webhook endpoint {endpoint_id} of your organisation")
    return endpoint


async def live_endpoints(session: AsyncSession, event_type: str) -> list[WebhookEndpoint]:
    """The endpoints that asked for this event type."""
    endpoints = await session.scalars(select(WebhookEndpoint).where(LIVE))
    return [e for e in endpoints if event_type in e.event_types]


@dataclass(frozen=True)
class DeliveryFilter:
    state: DeliveryState | None = None
    event_type: str | None = None
    subject: str | None = None


DELIVERY_ORDER = (pages.Key(WebhookDelivery.delivery_id, int),)


async def deliveries(
    session: AsyncSession,
    endpoint_id: UUID,
    where: DeliveryFilter,
    limit: int,
    cursor: str | None,
) -> tuple[list[tuple[WebhookDelivery, list[WebhookAttempt]]], str | None]:
    """The newest deliveries to an endpoint, each with its attempts, oldest attempt first."""
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    for column, value in (
        (WebhookDelivery.state, where.state),
        (WebhookDelivery.event_type, where.event_type),
        (WebhookDelivery.subject, where.subject),
    ):
        if value is not None:
            query = query.where(column == value)
    found, next_cursor = await pages.keyset(
        session, query, DELIVERY_ORDER, limit, cursor, descending=True
    )
    attempts = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_([d.delivery_id for d in found]))
        .order_by(WebhookAttempt.attempt_id)
    )
    tried: dict[int, list[WebhookAttempt]] = {d.delivery_id: [] for d in found}
    for attempt in attempts:
        tried[attempt.delivery_id].append(attempt)
    return [(d, tried[d.delivery_id]) for d in found], next_cursor


def _held_back() -> Exists:
    """An earlier unfinished delivery of the same subject to the same endpoint holds it back."""
    earlier = aliased(WebhookDelivery)
    return exists().where(
        earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.subject == WebhookDelivery.subject,
        earlier.delivery_id < WebhookDelivery.delivery_id,
        earlier.state.in_(UNFINISHED),
    )


async def due(
    session: AsyncSession, at: datetime, limit: int
) -> list[tuple[WebhookDelivery, WebhookEndpoint]]:
    """Pending deliveries whose time has come, oldest first, the first of each subject only;
    locked, and skipped when another relay holds them."""
    query = (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.endpoint_id == WebhookDelivery.endpoint_id)
        .where(
            and_(
                WebhookDelivery.state == DeliveryState.PENDING,
                WebhookDelivery.next_attempt_at <= at,
                LIVE,
            ),
            ~_held_back(),
        )
        .order_by(WebhookDelivery.delivery_id)
        .limit(limit)
    )
    if dialect_of(session) == "postgresql":  # SQLite's lock is the whole database's: not here
        query = query.with_for_update(of=WebhookDelivery, skip_locked=True)
    return [(delivery, endpoint) for delivery, endpoint in await session.execute(query)]


async def parked(session: AsyncSession, endpoint_id: UUID | None) -> Sequence[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.state == DeliveryState.PARKED)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return (await session.scalars(query.order_by(WebhookDelivery.delivery_id))).all()
