"""Routes for partners' signed webhooks (Standard Webhooks): an organisation manages its own."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.governance.domain.webhooks import PARTNER_EVENT_TYPES, DeliveryState
from services.governance.handlers import webhooks as handlers
from services.governance.queries import webhooks as queries
from services.governance.schemas.webhooks import (
    AttemptRead,
    DeliveryPage,
    DeliveryRead,
    EndpointCreate,
    EndpointCreated,
    EndpointPage,
    EndpointRead,
    EndpointSecret,
    EventTypePage,
    Replayed,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.errors import InvalidInput
from shared.web import Session

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
# An organisation's commissioners (ICB, council) or provider managers manage its endpoints.
MANAGERS = admits(Role.COMMISSIONER, Role.PROVIDER_MANAGER)


@router.get("/event-types", summary="The event types published to partners by webhook")
async def list_partner_event_types(
    request: Request,
    response: Response,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = MANAGERS,
) -> EventTypePage:
    """What an endpoint may ask for: ids, codes and dates; a person's events go only to
    organisations with a legitimate relationship with the person. In the order published."""
    start = 0
    if cursor is not None:
        last = pages.decode(cursor, pages.text)[0]
        if last not in PARTNER_EVENT_TYPES:
            raise InvalidInput("cursor", "not a cursor this service gave")
        start = PARTNER_EVENT_TYPES.index(last) + 1
    found = list(PARTNER_EVENT_TYPES[start : start + limit])
    more = start + limit < len(PARTNER_EVENT_TYPES)
    next_cursor = pages.encode(found[-1]) if more else None
    return EventTypePage(
        items=found, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )


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
    request: Request,
    response: Response,
    session: Session,
    event_type: Annotated[str | None, Query(max_length=200)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = MANAGERS,
) -> EndpointPage:
    """The caller's organisation's endpoints (never their secrets), oldest first, a page at a
    time; `event_type`: those asking for it."""
    found, next_cursor = await queries.own_endpoints(session, user, event_type, limit, cursor)
    return EndpointPage(
        items=[EndpointRead.model_validate(e) for e in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


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
    request: Request,
    response: Response,
    session: Session,
    state: DeliveryState | None = None,
    event_type: Annotated[str | None, Query(max_length=200)] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = MANAGERS,
) -> DeliveryPage:
    """The newest deliveries first, a page at a time, each with every attempt's outcome and
    status code."""
    endpoint = await queries.own_endpoint(session, user, endpoint_id)
    where = queries.DeliveryFilter(state, event_type, subject)
    found, next_cursor = await queries.deliveries(
        session, endpoint.endpoint_id, where, limit, cursor
    )
    return DeliveryPage(
        items=[
            DeliveryRead.model_validate(d).model_copy(
                update={"tried": [AttemptRead.model_validate(a) for a in attempts]}
            )
            for d, attempts in found
        ],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.post("/{endpoint_id}/deliveries/replay", summary="Replay parked webhook deliveries")
async def replay_webhook_deliveries(
    endpoint_id: UUID, session: Session, user: CurrentUser = MANAGERS
) -> Replayed:
    """Once the endpoint is mended: its parked deliveries are pending again, in their order."""
    replayed = await handlers.replay_own(session, user, endpoint_id)
    await session.commit()
    return Replayed(replayed=replayed)
