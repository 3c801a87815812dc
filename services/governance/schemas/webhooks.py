"""Bodies for partners' signed webhooks (Standard Webhooks)."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from services.governance.domain.webhooks import PARTNER_EVENT_TYPES, DeliveryState
from services.governance.schemas.common import Input, Output
from shared.pages import Page

EventType = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        json_schema_extra={"enum": list(PARTNER_EVENT_TYPES)},
        description="a CloudEvents type the platform publishes to partners",
    ),
]


class EndpointCreate(Input):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="where deliveries are POSTed: an https URL",
        examples=["https://integration.carewell.example/llr/webhooks"],
    )
    event_types: list[EventType] = Field(min_length=1, max_length=len(PARTNER_EVENT_TYPES))


class EndpointRead(Output):
    endpoint_id: UUID
    organisation: str
    url: str
    event_types: list[str]
    created_at: datetime
    previous_secret_until: datetime | None = Field(
        description="until when deliveries are also signed with the secret a rotation replaced"
    )


class EndpointSecret(Output):
    endpoint_id: UUID
    secret: str = Field(
        description="the signing secret (`whsec_` and base64, Standard Webhooks): shown this "
        "once, keep it safe",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )
    previous_secret_until: datetime | None = Field(
        default=None, description="until when the replaced secret still signs deliveries"
    )


class EndpointCreated(EndpointRead):
    secret: str = Field(description="the signing secret: shown this once, keep it safe")


class AttemptRead(Output):
    attempted_at: datetime
    outcome: str = Field(
        description="delivered, http-<status>, refused, timeout or failed", examples=["http-503"]
    )
    status_code: int | None


class DeliveryRead(Output):
    delivery_id: int
    event_id: UUID = Field(description="the `webhook-id`: the same on every attempt")
    event_type: str
    subject: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    tried: list[AttemptRead] = Field(default_factory=list, description="each attempt, oldest first")


class Replayed(Output):
    replayed: int = Field(description="how many parked deliveries are pending again")


class EventTypePage(Page[str]):
    """The event types an endpoint may ask for."""


class EndpointPage(Page[EndpointRead]):
    """The organisation's webhook endpoints, oldest first."""


class DeliveryPage(Page[DeliveryRead]):
    """An endpoint's deliveries, newest first."""
