"""Routes for partners' signed webhooks (Standard Webhooks): an organisation manages its own."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from services.governance.domain.webhooks import PARTNER_EVENT_TYPES, DeliveryState
from services.governance.handlers import webhooks as handlers
from services.governance.queries import webhooks as queries
from services.governance.schemas.webhooks import (
    AttemptRead,
    DeliveryRead,
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
    EndpointSecret,
    Replayed,
)
from shared.auth import CurrentUser, Role, admits
from shared.web import Session

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
# An organisation's commissioners (ICB, council) or provider managers manage its endpoints.
MANAGERS = admits(Role.COMMISSIONER, Role.PROVIDER_MANAGER)


@router.get("/event-types", summary="The event types published to partners by webhook")
async def list_partner_event_types(user: CurrentUser = MANAGERS) -> list[str]:
    """What an endpoint may ask for: ids, codes and dates; a person's events go only to
    organisations with a legitimate relationship with the person."""
    return list(PARTNER_EVENT_TYPES)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register a webhook endpoint")
async def register_webhook_endpoint(
    body: EndpointCreate, session: Session, user: CurrentUser = MANAGERS
) -> EndpointCreated:
    """For the caller's organisation; the answer carries the signing secret, shown this once."""
    endpoint = await handlers.register(session, user, body)
    await session.commit()
    return EndpointCreated.model_validate(endpoint)


@router.get("", summary="The organisation's webhook endpoints")
async def list_webhook_endpoints(
    session: Session, user: CurrentUser = MANAGERS
) -> list[EndpointRead]:
    """The caller's organisation's endpoints (never their secrets)."""
    return [EndpointRead.model_validate(e) for e in await queries.own_endpoints(session, user)]


@router.delete(
    "/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a webhook endpoint"
)
async def remove_webhook_endpoint(
    endpoint_id: UUID, session: Session, user: CurrentUser = MANAGERS
) -> Response:
    """No more deliveries go to it; those not yet delivered are cancelled."""
    await handlers.remove(session, user, endpoint_id)
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{endpoint_id}/secret", summary="Rotate a webhook endpoint's signing secret")
async def rotate_webhook_secret(
    endpoint_id: UUID, session: Session, user: CurrentUser = MANAGERS
) -> EndpointSecret:
    """A new secret, shown this once; deliveries carry a signature by each secret until the
    grace period (GOVERNANCE_WEBHOOK_SECRET_GRACE_HOURS) ends."""
    endpoint = await handlers.rotate_secret(session, user, endpoint_id)
    await session.commit()
    return EndpointSecret.model_validate(endpoint)


@router.get("/{endpoint_id}/deliveries", summary="A webhook endpoint's deliveries and attempts")
async def list_webhook_deliveries(
    endpoint_id: UUID,
    session: Session,
    state: DeliveryState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    user: CurrentUser = MANAGERS,
) -> list[DeliveryRead]:
    """The newest deliveries first, each with every attempt's outcome and status code."""
    endpoint = await queries.own_endpoint(session, user, endpoint_id)
    found = await queries.deliveries(session, endpoint.endpoint_id, state, limit)
    return [
        DeliveryRead.model_validate(d).model_copy(
            update={"tried": [AttemptRead.model_validate(a) for a in attempts]}
        )
        for d, attempts in found
    ]


@router.post("/{endpoint_id}/deliveries/replay", summary="Replay parked webhook deliveries")
async def replay_webhook_deliveries(
    endpoint_id: UUID, session: Session, user: CurrentUser = MANAGERS
) -> Replayed:
    """Once the endpoint is mended: its parked deliveries are pending again, in their order."""
    replayed = await handlers.replay_own(session, user, endpoint_id)
    await session.commit()
    return Replayed(replayed=replayed)
