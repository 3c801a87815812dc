"""Partners' signed webhooks: an organisation registers its endpoints; each event on the
partner list is written, with its intake, as a delivery to each endpoint that asked for it and
may receive it (information governance: a person's events only within a relationship)."""

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import webhooks
from services.governance.domain.webhooks import DELIVERY, DeliveryCommand, DeliveryState
from services.governance.models import WebhookDelivery, WebhookEndpoint
from services.governance.queries import webhooks as queries
from services.governance.schemas.webhooks import EndpointCreate
from services.governance.settings import Settings
from shared import inbox
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import InvalidInput
from shared.events import Event
from shared.inbox import Handler, Many, Subscriptions
from shared.relationships import related
from shared.settings import Environment


async def register(
    session: AsyncSession, actor: CurrentUser, body: EndpointCreate
) -> WebhookEndpoint:
    """The caller's organisation registers an endpoint for event types published to partners."""
    refused = webhooks.refused_event_types(body.event_types)
    if refused:
        raise InvalidInput("event_types", f"not published to partners: {', '.join(refused)}")
    local = Settings.of(session).environment in {Environment.TEST, Environment.DEVELOPMENT}
    why_not = webhooks.why_not_an_endpoint(body.url, local_allowed=local)
    if why_not is not None:
        raise InvalidInput("url", why_not)
    endpoint = WebhookEndpoint(
        endpoint_id=uuid.uuid4(),
        organisation=actor.organisation,
        url=body.url,
        event_types=sorted(set(body.event_types)),
        secret=webhooks.new_secret(),
        created_at=now(session),
        created_by=actor.user_id,
    )
    session.add(endpoint)
    await session.flush()
    await audit(session, actor, "webhook_endpoint.registered", endpoint.endpoint_id)
    return endpoint


async def rotate_secret(
    session: AsyncSession, actor: CurrentUser, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    """A new secret; the one it replaces also signs deliveries until the grace period ends."""
    endpoint = await queries.own_endpoint(session, actor, endpoint_id)
    grace = timedelta(hours=Settings.of(session).webhook_secret_grace_hours)
    endpoint.previous_secret, endpoint.secret = endpoint.secret, webhooks.new_secret()
    endpoint.previous_secret_until = now(session) + grace
    await session.flush()  # a compare-and-set on the endpoint's version: one rotation wins
    await audit(session, actor, "webhook_endpoint.secret_rotated", endpoint.endpoint_id)
    return endpoint


async def remove(session: AsyncSession, actor: CurrentUser, endpoint_id: uuid.UUID) -> None:
    """No more deliveries go to the endpoint; those not yet delivered are cancelled."""
    endpoint = await queries.own_endpoint(session, actor, endpoint_id)
    endpoint.removed_at = now(session)
    await session.flush()
    for state in (DeliveryState.PENDING, DeliveryState.PARKED):
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.state == state)
            .values(state=DELIVERY.next(state, DeliveryCommand.CANCEL))
        )
    await audit(session, actor, "webhook_endpoint.removed", endpoint_id)


async def replay(session: AsyncSession, endpoint_id: uuid.UUID | None) -> int:
    """Parked deliveries (of one endpoint, or all) are pending again, due now, in their order."""
    parked = await queries.parked(session, endpoint_id)
    for delivery in parked:
        delivery.state = DELIVERY.next(DeliveryState(delivery.state), DeliveryCommand.REPLAY)
        delivery.attempts = 0  # their attempts stay in the history; the count starts again
        delivery.next_attempt_at = now(session)
    await session.flush()
    return len(parked)


async def replay_own(session: AsyncSession, actor: CurrentUser, endpoint_id: uuid.UUID) -> int:
    """The caller's organisation replays its endpoint's parked deliveries, once it is mended."""
    endpoint = await queries.own_endpoint(session, actor, endpoint_id)
    replayed = await replay(session, endpoint.endpoint_id)
    await audit(session, actor, "webhook_endpoint.replayed", endpoint_id, f"{replayed} deliveries")
    return replayed


async def offer(session: AsyncSession, event: Event) -> None:
    """Write the event, as it arrived, as a delivery to each endpoint that asked for its type
    and whose organisation may receive it: an event about a person only within a current
    legitimate relationship with them, an event about no one to every endpoint that asked."""
    endpoints = await queries.live_endpoints(session, event.event_type())
    person = webhooks.person_of(event)
    at = now(session)
    allowed = {
        organisation: person is None or await related(session, organisation, person, at)
        for organisation in {e.organisation for e in endpoints}
    }
    receiving = [e for e in endpoints if allowed[e.organisation]]
    if not receiving:
        return
    arrived = inbox.applying()
    body = webhooks.structured(
        arrived.id, arrived.source, arrived.type, arrived.time, arrived.subject, event
    )
    for endpoint in receiving:
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.endpoint_id,
                event_id=uuid.UUID(arrived.id),
                event_type=arrived.type,
                subject=str(person) if person else arrived.subject,
                body=body,
                state=DeliveryState.PENDING,
                attempts=0,
                next_attempt_at=at,
                created_at=at,
            )
        )


def and_offered(handler: Handler | None) -> Handler:
    """The service's own handler of an event (if any), then the event offered to partners."""

    async def apply(session: AsyncSession, event: Any) -> None:
        if handler is not None:
            await handler(session, event)
        await offer(session, event)

    apply.__name__ = f"{getattr(handler, '__name__', 'nothing')}_and_offered"
    return apply


def with_partner_deliveries(own: Mapping[type[Event], Handler | Many]) -> Subscriptions:
    """The service's subscriptions, each event type on the partner list also offered."""
    subscriptions = dict(own)
    for kind in webhooks.PARTNER_EVENTS:
        handler = own.get(kind)
        if isinstance(handler, Many):
            raise TypeError(f"{kind.__name__}: a run handler cannot offer events one by one")
        subscriptions[kind] = and_offered(handler)
    return subscriptions
