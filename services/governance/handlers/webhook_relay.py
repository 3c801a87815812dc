"""The webhook relay: a scheduler job that sends the deliveries that are due, signed (Standard
Webhooks), retries a failure with exponential backoff and parks a delivery after the configured
attempts. A subject's deliveries to an endpoint go one at a time, in the order they were written.
"""

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import webhooks
from services.governance.domain.webhooks import DELIVERY, DeliveryCommand, DeliveryState
from services.governance.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from services.governance.queries import webhooks as queries
from services.governance.settings import Settings
from shared.db import now

log = structlog.get_logger()

# A delivered event unblocks the next of its subject: the job goes round again, this many times.
MOST_ROUNDS = 20


@dataclass(frozen=True)
class Outcome:
    outcome: str
    status_code: int | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome == "delivered"


async def deliver_webhooks(session: AsyncSession) -> int:
    """Send the deliveries that are due; returns how many the endpoints accepted."""
    settings = Settings.of(session)
    accepted = 0
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        for _ in range(MOST_ROUNDS):
            due = await queries.due(session, now(session), settings.webhook_batch_size)
            if not due:
                break
            at = now(session)
            outcomes = await asyncio.gather(*(_send(client, d, e, at) for d, e in due))
            for (delivery, _endpoint), outcome in zip(due, outcomes, strict=True):
                _record(session, delivery, outcome, at, settings)
            await session.flush()
            delivered = sum(o.accepted for o in outcomes)
            accepted += delivered
            if not delivered:
                break
    return accepted


async def _send(
    client: httpx.AsyncClient, delivery: WebhookDelivery, endpoint: WebhookEndpoint, at: datetime
) -> Outcome:
    # The receiver checks the timestamp against its own clock (replay protection): it is the
    # real time of sending, never the service's clock, which tests and journeys move.
    timestamp = int(time.time())
    keys = webhooks.secrets_in_use(
        endpoint.secret, endpoint.previous_secret, endpoint.previous_secret_until, at
    )
    message_id = str(delivery.event_id)
    headers = {
        "content-type": "application/cloudevents+json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhooks.signatures(keys, message_id, timestamp, delivery.body),
    }
    try:
        response = await client.post(endpoint.url, content=delivery.body.encode(), headers=headers)
    except httpx.ConnectError:
        return Outcome("refused")
    except httpx.TimeoutException:
        return Outcome("timeout")
    except httpx.HTTPError as exc:
        log.info("webhook not sent", delivery=delivery.delivery_id, error=type(exc).__name__)
        return Outcome("failed")
    if response.is_success:
        return Outcome("delivered", response.status_code)
    return Outcome(f"http-{response.status_code}", response.status_code)


def _record(
    session: AsyncSession,
    delivery: WebhookDelivery,
    outcome: Outcome,
    at: datetime,
    settings: Settings,
) -> None:
    session.add(
        WebhookAttempt(
            delivery_id=delivery.delivery_id,
            attempted_at=at,
            outcome=outcome.outcome,
            status_code=outcome.status_code,
        )
    )
    delivery.attempts += 1
    state = DeliveryState(delivery.state)
    if outcome.accepted:
        delivery.state, delivery.delivered_at = DELIVERY.next(state, DeliveryCommand.ACCEPT), at
    elif (
        webhooks.after_failure(delivery.attempts, settings.webhook_attempts) is DeliveryState.PARKED
    ):
        delivery.state = DELIVERY.next(state, DeliveryCommand.GIVE_UP)
        log.warning(
            "webhook delivery parked", delivery=delivery.delivery_id, outcome=outcome.outcome
        )
    else:
        delivery.next_attempt_at = webhooks.retry_at(
            at,
            delivery.attempts,
            timedelta(seconds=settings.webhook_backoff_seconds),
            timedelta(seconds=settings.webhook_backoff_max_seconds),
        )
